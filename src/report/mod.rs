//! The report model and its printers. Detection fills a [`Report`]; a [`Printer`] turns it into
//! bytes. Printers never compute findings, and detection never formats: what only a person
//! reads (a repeat's opening words, a cluster member's headline and outlet) is taken from the
//! corpus by the printer that shows it ([`Text`], [`Html`]), not carried in the report.

pub(crate) mod html;
mod json;
mod text;

pub use html::{Html, Limits as HtmlLimits};
pub use json::Json;
pub use text::Text;

use serde::Serialize;
use std::collections::BTreeMap;

use crate::corpus::Corpus;

/// Version of the JSON document's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// Input warnings, listed in the report; defined in [`crate::diagnostics`].
pub use crate::diagnostics::Warning;

/// Counts of everything in the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub articles: usize,
    pub repeats: usize,
    pub boilerplate: usize,
    pub pairs: usize,
    /// Reprint pairs found, listed or not (see `Config::all_pairs`).
    pub reprint_pairs: usize,
    /// Partial-reuse pairs found (all listed).
    pub partial_pairs: usize,
    pub clusters: usize,
    pub warnings: usize,
}

/// The parameters the scan ran with, including the LSH bands and rows derived from the
/// threshold, so a report says how it was made.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Params {
    pub ngram_words: usize,
    pub num_perms: usize,
    pub threshold: f64,
    pub bands: usize,
    pub rows: usize,
    pub containment_threshold: f64,
    pub evidence_containment: f64,
    /// The passage-evidence rule, serialised field by field.
    #[serde(flatten)]
    pub evidence: crate::evidence::Rule,
    pub min_repeat_words: usize,
    pub repeat_similarity: f64,
    pub min_boilerplate_articles: usize,
    pub boilerplate_coverage: f64,
}

impl Params {
    /// The parameters of a scan run with `cfg`, whose LSH bands and rows were `lsh` (derived
    /// from `cfg` by [`lsh::Params::for_scan`](crate::lsh::Params::for_scan)). The one place
    /// the report copies settings: each field is the [`Config`](crate::Config) field of the
    /// same name, and the order of the fields is the JSON document's.
    pub fn new(cfg: &crate::Config, lsh: crate::lsh::Params) -> Params {
        Params {
            ngram_words: cfg.ngram_words,
            num_perms: cfg.num_perms,
            threshold: cfg.threshold,
            bands: lsh.bands,
            rows: lsh.rows,
            containment_threshold: cfg.containment_threshold,
            evidence_containment: cfg.evidence_containment,
            evidence: cfg.evidence,
            min_repeat_words: cfg.min_repeat_words,
            repeat_similarity: cfg.repeat_similarity,
            min_boilerplate_articles: cfg.min_boilerplate_articles,
            boilerplate_coverage: cfg.boilerplate_coverage,
        }
    }
}

/// One side of a repeat: bytes `start..end` of the article text, paragraphs
/// `paragraphs[0]..=paragraphs[1]` (0-based).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RepeatSide {
    pub start: usize,
    pub end: usize,
    pub paragraphs: [usize; 2],
}

/// A run of paragraphs that repeats an earlier run of the same article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Repeat {
    pub article: String,
    /// Words in the repeated run.
    pub words: usize,
    pub first: RepeatSide,
    pub repeat: RepeatSide,
    /// True when every repeated paragraph equals its first occurrence after normalization;
    /// false when at least one is a near-exact copy (a word or two changed).
    pub exact: bool,
}

/// A block that recurs across many different stories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Boilerplate {
    /// The block's text as it stands in its first carrier.
    pub text: String,
    /// Number of articles carrying it.
    pub articles: usize,
    /// Articles per outlet (`source` field; `(unknown)` when empty).
    pub sources: BTreeMap<String, usize>,
    /// Ids of the carriers, in input order.
    pub ids: Vec<String>,
    pub paragraphs: usize,
    pub words: usize,
}

/// A shared passage: bytes `a[0]..a[1]` of article `a` and `b[0]..b[1]` of article `b`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanPair {
    pub a: [usize; 2],
    pub b: [usize; 2],
    pub words: usize,
}

/// What a listed pair is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PairKind {
    /// The same story: clusters are built from these.
    Reprint,
    /// Shared text that does not make a reprint (a teaser, a compilation, a long quote).
    Partial,
}

impl PairKind {
    /// Its name in the JSON, and in the text and HTML printers.
    pub fn name(self) -> &'static str {
        match self {
            PairKind::Reprint => "reprint",
            PairKind::Partial => "partial",
        }
    }
}

/// Which measure found the shared paragraphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// Word n-grams.
    Words,
    /// Character n-grams (noisy text, such as OCR).
    Characters,
    /// The whole articles' shingle sets, which settled the verdict without reading the texts:
    /// `short_share` is then the containment of the smaller set, `long_share` the share of the
    /// larger set it covers.
    Sets,
}

/// A listed pair; `a` comes before `b` in the input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub kind: PairKind,
    /// Share of the shorter body's paragraphs found near-verbatim in the other article.
    pub short_share: f64,
    /// Share of the longer body covered by the shared passages.
    pub long_share: f64,
    /// Which side has the shorter body: `"a"` or `"b"`.
    pub shorter: &'static str,
    pub evidence: EvidenceKind,
    pub jaccard: f64,
    pub containment: f64,
    pub shared_shingles: usize,
    pub spans: Vec<SpanPair>,
}

/// A reprint cluster; `members` lists the canonical first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    pub canonical: String,
    pub members: Vec<String>,
    /// For a member that is not a reprint of the canonical itself, the member it is linked
    /// through (a write-through's earlier version); follow it back to the canonical.
    pub via: BTreeMap<String, String>,
}

/// Everything a scan found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub version: u32,
    pub summary: Summary,
    pub params: Params,
    pub repeats: Vec<Repeat>,
    pub boilerplate: Vec<Boilerplate>,
    pub pairs: Vec<Pair>,
    pub clusters: Vec<Cluster>,
    pub warnings: Vec<Warning>,
}

/// Turns a report into bytes.
pub trait Printer {
    /// Writes `report` to `out`. A failed write is [`Error::Output`](crate::Error::Output)
    /// (its `kind()` tells a closed pipe); a printer that reads texts again (HTML) returns the
    /// library's error it met, such as [`Error::Reread`](crate::Error::Reread), as itself.
    fn print(&self, report: &Report, out: &mut dyn std::io::Write) -> crate::Result<()>;
}

/// The error of a printer's inner steps, so that `?` takes both a failed write and a library
/// error met while printing, and keeps each as itself (never one inside the other).
#[derive(Debug)]
pub(crate) struct PrintError(pub(crate) crate::Error);

/// What a printer's inner steps return.
pub(crate) type Step<T = ()> = std::result::Result<T, PrintError>;

impl From<std::io::Error> for PrintError {
    fn from(e: std::io::Error) -> Self {
        PrintError(crate::Error::Output(e))
    }
}

impl From<crate::Error> for PrintError {
    fn from(e: crate::Error) -> Self {
        PrintError(e)
    }
}

impl From<serde_json::Error> for PrintError {
    fn from(e: serde_json::Error) -> Self {
        // serde_json's error of a failed write keeps the write's kind (a closed pipe).
        PrintError(crate::Error::Output(e.into()))
    }
}

/// A one-line preview of `text`: whitespace folded, at most `max` characters, `…` when cut.
pub fn snippet(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= max {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

/// The headline a printer shows for article `a` of `corpus`: its title, or the opening words
/// of its text when it has none, as a [`snippet`] of 60 characters.
pub(crate) fn headline(corpus: &Corpus, a: usize) -> crate::Result<String> {
    let art = &corpus.articles[a];
    Ok(if art.title.is_empty() {
        snippet(&corpus.text(a)?, 60)
    } else {
        snippet(&art.title, 60)
    })
}

/// Rounds a similarity to 4 decimals for the report.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_folds_whitespace_and_cuts_on_chars() {
        assert_eq!(snippet("  a\n\n b  c ", 10), "a b c");
        assert_eq!(snippet("Zürich café au lait", 8), "Zürich c…");
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Report>();
        check::<crate::Config>();
        check::<crate::corpus::Corpus>();
        check::<crate::Error>();
    }
}
