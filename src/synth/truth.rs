//! The ground truth of a synthetic feed, its JSON file (format in data/README.md) and the
//! reader that `reprint eval` uses.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Version of the truth file's shape.
/// Version of the truth file's shape: 2 added `furniture`, `ocr` and clusters' `versions`
/// (version 1 files still read, with those empty).
pub const TRUTH_VERSION: u32 = 2;

/// Everything the generator knows about a feed it wrote.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub version: u32,
    pub seed: u64,
    /// Articles in the feed.
    pub articles: usize,
    /// Every group of two or more articles that carry the same story.
    pub clusters: Vec<TruthCluster>,
    /// Doubled runs of paragraphs inside one article.
    pub repeats: Vec<TruthRepeat>,
    /// Each outlet's boilerplate blocks and the articles carrying them.
    pub boilerplate: Vec<TruthBoilerplate>,
    /// Pairs of articles of different stories where one quotes a sentence or two of the other.
    pub hard_negatives: Vec<[String; 2]>,
    /// For each cluster member but the canonical, the edits applied to the article it was
    /// made from.
    #[serde(default)]
    pub pair_info: Vec<PairInfo>,
    /// Per-page furniture lines of each article that has any.
    #[serde(default)]
    pub furniture: Vec<TruthFurniture>,
    /// Every article with OCR noise, and its character error rate.
    #[serde(default)]
    pub ocr: Vec<TruthOcr>,
}

/// An article's page furniture: each line's kind (`caption`, `related`, `timestamp`,
/// `counter`, `byline`) and byte range in its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthFurniture {
    pub article: String,
    pub lines: Vec<FurnitureLine>,
}

/// One furniture line: `[start, end)` of the article's text, line terminators excluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FurnitureLine {
    pub kind: String,
    pub span: [usize; 2],
}

/// An OCR'd article: the character error rate its story text was given (edit distance ÷
/// `chars`, the characters of the clean story text the noise was applied to).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthOcr {
    pub article: String,
    pub cer: f64,
    pub chars: usize,
}

/// The wire original and all its reprints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthCluster {
    /// Base story id (`mix-G-R` for a remixed story; see data/README.md).
    pub story: String,
    /// The wire original (earliest date).
    pub canonical: String,
    /// All members, canonical first, then by date.
    pub members: Vec<String>,
    /// For a write-through chain, the wire's versions in order (the first is the canonical);
    /// absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// A repeated run: byte ranges `[start, end)` of the article's text, from the start of the
/// run's first paragraph to the end of its last (line terminators excluded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthRepeat {
    pub article: String,
    pub first: [usize; 2],
    pub repeat: [usize; 2],
}

/// Where a boilerplate block sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Top,
    Bottom,
}

/// One outlet's block: its exact text (paragraphs joined by the outlet's separator, as it
/// stands in every carrier) and every article carrying it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthBoilerplate {
    pub outlet: String,
    pub position: Position,
    pub text: String,
    pub ids: Vec<String>,
}

/// A cluster member `a` against the article it was made from, `b` (the canonical, or for a
/// write-through chain the version it copies), with the edits applied (in a fixed order:
/// `retitle`, `byline`, `dateline`, `drop_paragraph`, `swap`, `trim_tail`, `word_edits`,
/// `local_intro`; a chain's version against the version before it has `write_through`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairInfo {
    pub a: String,
    pub b: String,
    pub edits: Vec<String>,
}

fn list<T: Serialize>(
    w: &mut dyn Write,
    name: &str,
    items: &[T],
    last: bool,
) -> std::io::Result<()> {
    write!(w, "\"{name}\":[")?;
    for (i, it) in items.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *w, it)?;
    }
    if !items.is_empty() {
        w.write_all(b"\n")?;
    }
    w.write_all(if last { b"]" } else { b"],\n" })
}

impl Truth {
    /// Writes the truth as JSON with one list element per line (diff-friendly), ending in a
    /// newline.
    pub fn write(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(w);
        writeln!(
            w,
            "{{\"version\":{},\"seed\":{},\"articles\":{},",
            self.version, self.seed, self.articles
        )?;
        list(&mut w, "clusters", &self.clusters, false)?;
        list(&mut w, "repeats", &self.repeats, false)?;
        list(&mut w, "boilerplate", &self.boilerplate, false)?;
        list(&mut w, "hard_negatives", &self.hard_negatives, false)?;
        list(&mut w, "pair_info", &self.pair_info, false)?;
        list(&mut w, "furniture", &self.furniture, false)?;
        list(&mut w, "ocr", &self.ocr, true)?;
        w.write_all(b"}\n")?;
        w.flush()
    }
}

/// Reads a truth file written by [`Truth::write`] (any JSON layout is accepted).
pub fn read_truth(path: &Path) -> Result<Truth> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    serde_json::from_reader(std::io::BufReader::new(f))
        .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}
