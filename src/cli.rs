//! Command-line flags (clap derive). This module only parses and validates; `main.rs` turns
//! the flags into a [`reprint::Config`] and runs the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    Eval(EvalArgs),
    /// Write a synthetic syndicated feed built from real news prose, with its ground truth.
    Synth(SynthArgs),
    /// Scan (same flags as scan) and write the feed back without its duplicates: repeats,
    /// boilerplate and reprints of a kept article; everything removed is listed in a sidecar.
    Clean(CleanArgs),
    /// Print a shell completion script to stdout (e.g. `reprint completions bash >
    /// /etc/bash_completion.d/reprint`).
    Completions(CompletionsArgs),
    /// Print a man page (roff) to stdout: `reprint man > reprint.1`, and one per subcommand
    /// with its flags: `reprint man scan > reprint-scan.1`.
    Man(ManArgs),
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

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InputFormatArg {
    /// By name (.jsonl/.ndjson/.json JSONL, .rss/.atom/.xml feed, .txt text), else sniffed.
    Auto,
    /// Every input is JSONL.
    Jsonl,
    /// Every input file is one plain-text article.
    Text,
    /// Every input is an RSS or Atom feed (told apart by its root element).
    Feed,
}

/// Negative numbers parse as values, so `--threshold -1` is refused by the range check with
/// a message about the range rather than by clap as an unknown flag.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct ScanArgs {
    /// JSONL files, text files, directories (walked in sorted order), or - for stdin.
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
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: InputFormatArg,

    /// Words per shingle.
    #[arg(long, default_value_t = 5)]
    pub ngram_words: usize,

    /// MinHash signature length.
    #[arg(long, default_value_t = 128)]
    pub num_perms: usize,

    /// Jaccard similarity (0..1] the LSH bands aim at.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,

    /// Containment (0..1] of a trimmed copy the LSH bands still aim to find.
    #[arg(long, default_value_t = 0.6)]
    pub containment_threshold: f64,

    /// Word-shingle containment (0..1] from which a candidate pair gets passage evidence.
    #[arg(long, default_value_t = 0.25)]
    pub evidence_containment: f64,

    /// Words a paragraph needs to count as story body.
    #[arg(long, default_value_t = 8)]
    pub min_body_words: usize,

    /// Body words an article needs to belong to a story cluster.
    #[arg(long, default_value_t = 60)]
    pub min_story_words: usize,

    /// Share (0..1] of a body paragraph's word shingles found in the other article from which it appears there.
    #[arg(long, default_value_t = 0.6)]
    pub paragraph_coverage: f64,

    /// Share (0..1] of a body paragraph's character 6-grams found in the other article from which it appears there (OCR noise).
    #[arg(long, default_value_t = 0.65)]
    pub char_coverage: f64,

    /// As --char-coverage, when either article reads as noisy text (OCR).
    #[arg(long, default_value_t = 0.5)]
    pub noisy_char_coverage: f64,

    /// A reprint needs more than this share of the shorter body's paragraphs to appear in the other.
    #[arg(long, default_value_t = 0.5)]
    pub short_share: f64,

    /// Share (0..1] of the longer body the shared passages must cover for a reprint.
    #[arg(long, default_value_t = 0.33)]
    pub long_share: f64,

    /// Shared body words below which a pair gets no verdict.
    #[arg(long, default_value_t = 25)]
    pub min_shared_words: usize,

    /// Shared body words from which a pair that is not a reprint is listed as partial reuse.
    #[arg(long, default_value_t = 60)]
    pub partial_words: usize,

    /// List every verified pair, also those between two non-canonical members of one cluster.
    #[arg(long)]
    pub all_pairs: bool,

    /// Words a repeated run inside one article needs to be reported.
    #[arg(long, default_value_t = 6)]
    pub min_repeat_words: usize,

    /// Word similarity (0..1] from which two paragraphs of one article are near-exact repeats.
    #[arg(long, default_value_t = 0.8)]
    pub repeat_similarity: f64,

    /// Articles a paragraph must appear in before it can be boilerplate.
    #[arg(long, default_value_t = 5)]
    pub min_boilerplate_articles: usize,

    /// Median share of an article's words below which a frequent block is boilerplate.
    #[arg(long, default_value_t = 0.5)]
    pub boilerplate_coverage: f64,

    /// Largest article analysed, in bytes; larger ones are skipped with a warning.
    #[arg(long, default_value_t = 16 << 20)]
    pub max_article_bytes: usize,

    /// MiB of shingle keys (about 4 bytes per word) kept in memory; a larger run keeps them in
    /// a temporary file in TMPDIR instead (same report, less memory). 0: always the file.
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    pub key_memory: usize,

    /// JSONL field with the article id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field with the headline.
    #[arg(long, default_value = "title")]
    pub title_field: String,
    /// JSONL field with the body text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field with the outlet name.
    #[arg(long, default_value = "source")]
    pub source_field: String,
    /// JSONL field with the publication date.
    #[arg(long, default_value = "date")]
    pub date_field: String,

    /// Make the first bad input record a fatal error (exit 1).
    #[arg(long)]
    pub strict: bool,

    /// Print nothing on stderr but fatal errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A share in `[0, 1]`, for the generator's rates.
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
