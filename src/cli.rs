//! Command-line flags (clap derive). This module parses the flags and turns them into a
//! [`reprint::Config`] in one place ([`ScanArgs::config`]); `main.rs` runs the library with it.
//!
//! Every scan flag's default is read from `Config::default()`, so the library holds the only
//! copy of each default (the test at the end of this file checks the round trip).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use reprint::config::{Config, FieldNames, InputFormat};

/// Find near-duplicate text in syndicated news: in-article repeats, boilerplate blocks and
/// reprint clusters, with exact byte spans.
#[derive(Debug, Parser)]
#[command(name = "reprint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit articles for repeats, boilerplate and reprints, and print a report to stdout.
    Scan(ScanArgs),
    /// Scan a feed and score the result against its ground truth (from `reprint synth`).
    #[cfg(feature = "tooling")]
    Eval(EvalArgs),
    /// Write a synthetic syndicated feed built from real news prose, with its ground truth.
    #[cfg(feature = "tooling")]
    Synth(SynthArgs),
    /// Scan (same flags as scan) and write the feed back without its duplicates: repeats,
    /// boilerplate and reprints of a kept article; everything removed is listed in a sidecar.
    Clean(CleanArgs),
    /// Keep a persistent index of a feed: add daily batches and report on each against the
    /// last days, query, expire, merge, check, list and recluster the clusters (issue 18).
    #[command(subcommand)]
    Index(IndexCommand),
    /// Print a shell completion script to stdout (e.g. `reprint completions bash >
    /// /etc/bash_completion.d/reprint`).
    Completions(CompletionsArgs),
    /// Print a man page (roff) to stdout: `reprint man > reprint.1`, and one per subcommand
    /// with its flags: `reprint man scan > reprint-scan.1`.
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Create an empty index in DIR. The scan flags given here (shingles, signature, rules)
    /// are fixed for the index's life.
    Init(IndexInitArgs),
    /// Add a batch to the index and report on each new article: the earlier articles it
    /// reprints, its cluster, repeats and boilerplate.
    Add(IndexBatchArgs),
    /// The same report as add, without adding the batch.
    Query(IndexBatchArgs),
    /// Drop the segments whose articles are all older than N days before the newest article.
    Expire(IndexExpireArgs),
    /// Rewrite runs of adjacent small segments as one (same articles, clusters and reports),
    /// so an index fed every hour keeps about one segment a day.
    Merge(IndexMergeArgs),
    /// Verify every checksum and invariant of the index; exit 1 naming the first bad file.
    Check(IndexDirArgs),
    /// Print the index's counts, segments and settings.
    Stats(IndexDirArgs),
    /// Print the window's clusters of two or more articles.
    Clusters(IndexClustersArgs),
    /// Recompute the window's clusters as scan groups them, keep each old id with the new
    /// cluster holding most of its articles, and print the old -> new map as JSON.
    Recluster(IndexReclusterArgs),
    /// Rewrite an index of format 1 (reprint builds before the block format) in the current
    /// format, keeping every article, text, cluster id and event; key tables are computed
    /// again with this build. An index already readable is left as it is.
    Migrate(IndexDirArgs),
}

/// `index init`: the directory, and the scan flags whose settings the index keeps.
#[derive(Debug, Args)]
#[command(mut_arg("inputs", |a| a.required(false).hide(true)))]
pub struct IndexInitArgs {
    /// The index directory (made if missing; must not hold an index yet).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// `index add` and `index query`: the directory, then the inputs and flags of `scan`.
#[derive(Debug, Args)]
pub struct IndexBatchArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Args)]
pub struct IndexExpireArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Days kept before the newest article's date (dates `YYYY-MM-DD...`).
    #[arg(long, value_name = "N")]
    pub keep_days: u32,
}

/// `index merge`: the directory and the bounds of a merged segment.
#[derive(Debug, Args)]
pub struct IndexMergeArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Articles a merged segment holds at most (merge holds one merged segment in memory,
    /// about 9 KB per article on a generated feed).
    #[arg(long, value_name = "N", default_value_t = reprint::index::merge::MAX_ARTICLES)]
    pub max_articles: usize,
    /// Days the newest dates of the merged segments may span. 1 merges segments of one day,
    /// and expire drops exactly what it would have; with N, expire --keep-days K keeps an
    /// article at most N - 1 days longer.
    #[arg(long, value_name = "N", default_value_t = reprint::index::merge::MAX_DAYS)]
    pub max_days: u32,
    /// Output format (text or json).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

impl IndexMergeArgs {
    /// The merge policy these flags ask for.
    pub fn policy(&self) -> reprint::index::merge::Policy {
        reprint::index::merge::Policy {
            max_articles: self.max_articles,
            max_days: self.max_days,
        }
    }
}

#[derive(Debug, Args)]
pub struct IndexDirArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct IndexClustersArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output format (text, json or html: one self-contained page).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Indent JSON output.
    #[arg(long)]
    pub pretty: bool,
}

/// `index recluster`: the directory; the map is always JSON.
#[derive(Debug, Args)]
pub struct IndexReclusterArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Indent the JSON map.
    #[arg(long)]
    pub pretty: bool,
    /// Worker threads (0 = one per core). The map is identical for every value.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print nothing on stderr but fatal errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (scan, eval, synth, clean, completions); none for
    /// the main page.
    pub subcommand: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KeepArg {
    /// The cluster's canonical copy (earliest, then most story words).
    Canonical,
    /// Every article; only repeats and boilerplate are cut.
    All,
    /// The member with the most words outside repeats and boilerplate.
    Longest,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Output: a JSONL file for JSONL input, a directory for text files.
    #[arg(long, short, value_name = "OUT")]
    pub output: PathBuf,

    /// Which articles of a reprint cluster are kept.
    #[arg(long, value_enum, default_value = "canonical")]
    pub keep: KeepArg,

    /// Leave boilerplate paragraphs in the text (repeats are still cut).
    #[arg(long)]
    pub keep_boilerplate: bool,

    /// Words a boilerplate block needs in an article before clean cuts it there: a shorter
    /// one (a table header such as "Year" or "Pay April 30", "Reuter", "Advertisement")
    /// stays. Lower it to cut short page furniture too.
    #[arg(long, default_value_t = reprint::clean::MIN_BOILERPLATE_CUT_WORDS, value_name = "N")]
    pub min_boilerplate_words: usize,

    /// Where to list what was removed (JSONL) [default: OUT.removed.jsonl].
    #[arg(long, value_name = "FILE")]
    pub removed: Option<PathBuf>,

    #[command(flatten)]
    pub scan: ScanArgs,
}

#[cfg(feature = "tooling")]
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Ground-truth file (JSON, format in data/README.md).
    #[arg(long, value_name = "FILE")]
    pub truth: PathBuf,

    /// Also write the scan's JSON report here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    #[command(flatten)]
    pub scan: ScanArgs,
}

#[cfg(feature = "tooling")]
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Seed of every random choice: the same seed gives the same feed, byte for byte.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Articles in the feed.
    #[arg(long, default_value_t = 1000)]
    pub articles: usize,

    /// Publishing outlets (besides the wire services).
    #[arg(long, default_value_t = 12)]
    pub outlets: usize,

    /// Most reprints of one wire story.
    #[arg(long, default_value_t = 25)]
    pub max_reprints: usize,

    /// Spread the articles' dates over exactly N consecutive days from 2024-03-01 (a copy
    /// that would run past the last day is dated at its last minute), so the feed splits
    /// into N daily batches. Default: 30 days, reprints running up to two days past.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub days: Option<u32>,

    /// Share of wire stories updated as write-through chains; default as in data/README.md.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub write_through_rate: Option<f64>,

    /// Share of stories in quote-sharing groups (hard negatives); default as in data/README.md.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub quote_share_rate: Option<f64>,

    /// Share of outlets whose pages carry page furniture; default as in data/README.md.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub furniture_outlets: Option<f64>,

    /// Share of outlets that are OCR'd print archives; default as in data/README.md.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub ocr_archive_outlets: Option<f64>,

    /// Share of wire articles that are OCR'd scans; default as in data/README.md.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub ocr_scanned_wire_rate: Option<f64>,

    /// Base stories (JSONL with id, title, text, source) whose prose the feed is built from;
    /// repeat the flag to combine several files (cleaned together of shared sentences).
    /// Default: the 120 bundled stories (data/base-stories.jsonl, built into the binary),
    /// enough for about 20,000 articles; synth refuses a feed its base is too small for.
    #[arg(long, value_name = "FILE")]
    pub base: Vec<PathBuf>,

    /// Where to write the feed (JSONL); - for stdout.
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: PathBuf,

    /// Where to write the ground truth (JSON).
    #[arg(long, value_name = "FILE")]
    pub truth: PathBuf,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// A report for people.
    Text,
    /// One JSON document (schema in the README).
    Json,
    /// One self-contained HTML page with the findings highlighted in the texts (scan only).
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// By name (.jsonl/.ndjson/.json JSONL, .rss/.atom/.xml feed, .txt text, .parquet
    /// Parquet), else sniffed.
    Auto,
    /// Every input is JSONL.
    Jsonl,
    /// Every input file is one plain-text article.
    Text,
    /// Every input is an RSS or Atom feed (told apart by its root element).
    Feed,
    /// Every input is a Parquet file, one article per row (columns named by the --*-field
    /// flags).
    Parquet,
}

impl From<InputFormat> for InputFormatArg {
    fn from(f: InputFormat) -> Self {
        match f {
            InputFormat::Auto => InputFormatArg::Auto,
            InputFormat::Jsonl => InputFormatArg::Jsonl,
            InputFormat::Text => InputFormatArg::Text,
            InputFormat::Feed => InputFormatArg::Feed,
            InputFormat::Parquet => InputFormatArg::Parquet,
        }
    }
}

impl From<InputFormatArg> for InputFormat {
    fn from(f: InputFormatArg) -> Self {
        match f {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Jsonl => InputFormat::Jsonl,
            InputFormatArg::Text => InputFormat::Text,
            InputFormatArg::Feed => InputFormat::Feed,
            InputFormatArg::Parquet => InputFormat::Parquet,
        }
    }
}

/// Negative numbers parse as values, so `--threshold -1` is refused by the range check with
/// a message about the range rather than by clap as an unknown flag.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct ScanArgs {
    /// JSONL files, Parquet files, text files, RSS/Atom feeds, directories (walked in sorted
    /// order), or - for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// Indent JSON output.
    #[arg(long)]
    pub pretty: bool,

    /// Worker threads (0 = one per core). The report is identical for every value.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,

    /// How to read inputs.
    #[arg(long, value_enum, default_value_t = Config::default().input_format.into())]
    pub input_format: InputFormatArg,

    /// Words per shingle.
    #[arg(long, default_value_t = Config::default().ngram_words)]
    pub ngram_words: usize,

    /// MinHash signature length.
    #[arg(long, default_value_t = Config::default().num_perms)]
    pub num_perms: usize,

    /// Word-shingle Jaccard (0..1] at which a candidate pair passes the verify gate (a pair
    /// with --evidence-containment passes too). The LSH bands aim at 0.6 × the smaller of this and
    /// the Jaccard of a copy trimmed to --containment-threshold, so a higher value does not
    /// narrow the candidates.
    #[arg(long, default_value_t = Config::default().threshold)]
    pub threshold: f64,

    /// Containment (0..1] of a trimmed copy the LSH bands still aim to find.
    #[arg(long, default_value_t = Config::default().containment_threshold)]
    pub containment_threshold: f64,

    /// Word-shingle containment (0..1] from which a candidate pair gets passage evidence.
    #[arg(long, default_value_t = Config::default().evidence_containment)]
    pub evidence_containment: f64,

    /// Words a paragraph needs to count as story body.
    #[arg(long, default_value_t = Config::default().evidence.min_body_words)]
    pub min_body_words: usize,

    /// Body words an article needs to belong to a story cluster.
    #[arg(long, default_value_t = Config::default().evidence.min_story_words)]
    pub min_story_words: usize,

    /// Share (0..1] of a body paragraph's word shingles found in the other article from which it appears there.
    #[arg(long, default_value_t = Config::default().evidence.paragraph_coverage)]
    pub paragraph_coverage: f64,

    /// Share (0..1] of a body paragraph's character 6-grams found in the other article from which it appears there (OCR noise).
    #[arg(long, default_value_t = Config::default().evidence.char_coverage)]
    pub char_coverage: f64,

    /// As --char-coverage, when either article reads as noisy text (OCR) and the two differ as garbles of one text.
    #[arg(long, default_value_t = Config::default().evidence.noisy_char_coverage)]
    pub noisy_char_coverage: f64,

    /// A reprint needs more than this share of the shorter body's paragraphs to appear in the other.
    #[arg(long, default_value_t = Config::default().evidence.short_share)]
    pub short_share: f64,

    /// Share (0..1] of the longer body the shared passages must cover for a reprint.
    #[arg(long, default_value_t = Config::default().evidence.long_share)]
    pub long_share: f64,

    /// Shared body words below which a pair gets no verdict.
    #[arg(long, default_value_t = Config::default().evidence.min_shared_words)]
    pub min_shared_words: usize,

    /// Shared body words from which a pair that is not a reprint is listed as partial reuse.
    #[arg(long, default_value_t = Config::default().evidence.partial_words)]
    pub partial_words: usize,

    /// List every verified pair, also those between two non-canonical members of one cluster.
    #[arg(long)]
    pub all_pairs: bool,

    /// Words a repeated run inside one article needs to be reported.
    #[arg(long, default_value_t = Config::default().min_repeat_words)]
    pub min_repeat_words: usize,

    /// Word similarity (0..1] from which two paragraphs of one article are near-exact repeats.
    #[arg(long, default_value_t = Config::default().repeat_similarity)]
    pub repeat_similarity: f64,

    /// Articles a paragraph must appear in before it can be boilerplate.
    #[arg(long, default_value_t = Config::default().min_boilerplate_articles)]
    pub min_boilerplate_articles: usize,

    /// Median share of an article's words below which a frequent block is boilerplate.
    #[arg(long, default_value_t = Config::default().boilerplate_coverage)]
    pub boilerplate_coverage: f64,

    /// Largest article analysed, in bytes; larger ones are skipped with a warning.
    #[arg(long, default_value_t = Config::default().max_article_bytes)]
    pub max_article_bytes: usize,

    /// MiB of shingle keys (about 4 bytes per word) kept in memory; a larger run keeps them in
    /// a temporary file in TMPDIR instead (same report, less memory). 0: always the file.
    #[arg(
        long = "key-memory",
        default_value_t = Config::default().key_memory_bytes >> 20,
        value_name = "MIB"
    )]
    pub key_memory_mib: usize,

    /// JSONL field or Parquet column with the article id.
    #[arg(long, default_value_t = FieldNames::default().id)]
    pub id_field: String,
    /// JSONL field or Parquet column with the headline.
    #[arg(long, default_value_t = FieldNames::default().title)]
    pub title_field: String,
    /// JSONL field or Parquet column with the body text.
    #[arg(long, default_value_t = FieldNames::default().text)]
    pub text_field: String,
    /// JSONL field or Parquet column with the outlet name.
    #[arg(long, default_value_t = FieldNames::default().source)]
    pub source_field: String,
    /// JSONL field or Parquet column with the publication date.
    #[arg(long, default_value_t = FieldNames::default().date)]
    pub date_field: String,

    /// Make the first bad input record a fatal error (exit 1).
    #[arg(long)]
    pub strict: bool,

    /// Print nothing on stderr but fatal errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl ScanArgs {
    /// The library configuration these flags ask for: the one conversion from flags to
    /// [`Config`]. Not validated here ([`Config::validate`] quotes a bad value).
    pub fn config(&self) -> Config {
        Config {
            ngram_words: self.ngram_words,
            num_perms: self.num_perms,
            threshold: self.threshold,
            containment_threshold: self.containment_threshold,
            evidence_containment: self.evidence_containment,
            evidence: reprint::evidence::Rule {
                min_body_words: self.min_body_words,
                min_story_words: self.min_story_words,
                paragraph_coverage: self.paragraph_coverage,
                char_coverage: self.char_coverage,
                noisy_char_coverage: self.noisy_char_coverage,
                short_share: self.short_share,
                long_share: self.long_share,
                min_shared_words: self.min_shared_words,
                partial_words: self.partial_words,
            },
            all_pairs: self.all_pairs,
            copy_classes: true,
            min_repeat_words: self.min_repeat_words,
            repeat_similarity: self.repeat_similarity,
            min_boilerplate_articles: self.min_boilerplate_articles,
            boilerplate_coverage: self.boilerplate_coverage,
            max_article_bytes: self.max_article_bytes,
            key_memory_bytes: self.key_memory_mib.saturating_mul(1 << 20),
            fields: FieldNames {
                id: self.id_field.clone(),
                title: self.title_field.clone(),
                text: self.text_field.clone(),
                source: self.source_field.clone(),
                date: self.date_field.clone(),
            },
            input_format: self.input_format.into(),
            strict: self.strict,
        }
    }
}

/// A share in `[0, 1]`, for the generator's rates.
#[cfg(feature = "tooling")]
fn share(s: &str) -> Result<f64, String> {
    let x: f64 = s
        .parse()
        .map_err(|e| format!("{s:?} is not a number: {e}"))?;
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is not a share between 0 and 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan flags without a value give exactly the library's defaults, for every field of
    /// [`Config`], in every subcommand that scans.
    #[test]
    fn cli_defaults_are_the_library_defaults() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).unwrap().command;
        let want = Config::default();
        match parse(&["reprint", "scan", "feed.jsonl"]) {
            Command::Scan(a) => assert_eq!(a.config(), want),
            c => panic!("{c:?}"),
        }
        #[cfg(feature = "tooling")]
        match parse(&["reprint", "eval", "--truth", "t.json", "feed.jsonl"]) {
            Command::Eval(a) => assert_eq!(a.scan.config(), want),
            c => panic!("{c:?}"),
        }
        match parse(&["reprint", "clean", "-o", "out.jsonl", "feed.jsonl"]) {
            Command::Clean(a) => assert_eq!(a.scan.config(), want),
            c => panic!("{c:?}"),
        }
    }

    /// Every field of [`Config`] has a flag that reaches it (a flag that no longer sets its
    /// field would leave the default in place and pass the test above).
    #[test]
    fn every_flag_reaches_its_config_field() {
        let c = match Cli::try_parse_from([
            "reprint",
            "scan",
            "--ngram-words",
            "6",
            "--num-perms",
            "64",
            "--threshold",
            "0.4",
            "--containment-threshold",
            "0.7",
            "--evidence-containment",
            "0.3",
            "--min-body-words",
            "9",
            "--min-story-words",
            "61",
            "--paragraph-coverage",
            "0.61",
            "--char-coverage",
            "0.66",
            "--noisy-char-coverage",
            "0.51",
            "--short-share",
            "0.49",
            "--long-share",
            "0.34",
            "--min-shared-words",
            "26",
            "--partial-words",
            "61",
            "--all-pairs",
            "--min-repeat-words",
            "7",
            "--repeat-similarity",
            "0.81",
            "--min-boilerplate-articles",
            "6",
            "--boilerplate-coverage",
            "0.51",
            "--max-article-bytes",
            "1000",
            "--key-memory",
            "3",
            "--id-field",
            "i",
            "--title-field",
            "h",
            "--text-field",
            "t",
            "--source-field",
            "s",
            "--date-field",
            "d",
            "--input-format",
            "feed",
            "--strict",
            "feed.jsonl",
        ])
        .unwrap()
        .command
        {
            Command::Scan(a) => a.config(),
            c => panic!("{c:?}"),
        };
        let want = Config {
            ngram_words: 6,
            num_perms: 64,
            threshold: 0.4,
            containment_threshold: 0.7,
            evidence_containment: 0.3,
            evidence: reprint::evidence::Rule {
                min_body_words: 9,
                min_story_words: 61,
                paragraph_coverage: 0.61,
                char_coverage: 0.66,
                noisy_char_coverage: 0.51,
                short_share: 0.49,
                long_share: 0.34,
                min_shared_words: 26,
                partial_words: 61,
            },
            all_pairs: true,
            copy_classes: true,
            min_repeat_words: 7,
            repeat_similarity: 0.81,
            min_boilerplate_articles: 6,
            boilerplate_coverage: 0.51,
            max_article_bytes: 1000,
            key_memory_bytes: 3 << 20,
            fields: FieldNames {
                id: "i".into(),
                title: "h".into(),
                text: "t".into(),
                source: "s".into(),
                date: "d".into(),
            },
            input_format: InputFormat::Feed,
            strict: true,
        };
        // Each field differs from its default, so a flag that sets nothing is caught.
        let d = Config::default();
        assert!(want.ngram_words != d.ngram_words && want.strict != d.strict);
        assert_eq!(c, want);
    }
}
