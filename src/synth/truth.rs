//! The ground truth of a synthetic feed, its JSON file (format in data/README.md) and the
//! reader that `reprint eval` uses.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Version of the truth file's shape.
pub const TRUTH_VERSION: u32 = 1;

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
    /// For each reprint, the copy-desk edits applied against its canonical.
    #[serde(default)]
    pub pair_info: Vec<PairInfo>,
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

/// A reprint `a` against its canonical `b`, with the edits applied (in a fixed order:
/// `retitle`, `byline`, `dateline`, `drop_paragraph`, `swap`, `trim_tail`, `word_edits`,
/// `local_intro`).
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
        list(&mut w, "pair_info", &self.pair_info, true)?;
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
