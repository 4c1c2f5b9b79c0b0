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

    /// Base stories (JSONL with id, title, text, source) whose prose the feed is built from;
    /// repeat the flag to combine several files (cleaned together of shared sentences).
    #[arg(long, default_value = "data/base-stories.jsonl", value_name = "FILE")]
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

    /// Jaccard similarity (0..1] from which articles are reprints; LSH bands/rows derive from it.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,

    /// Containment (0..1] from which a pair sharing at least --strong-shared-shingles is a
    /// reprint even below --threshold.
    #[arg(long, default_value_t = 0.6)]
    pub containment_threshold: f64,

    /// Shared shingles from which --containment-threshold applies.
    #[arg(long, default_value_t = 50)]
    pub strong_shared_shingles: usize,

    /// Containment (0..1] a pair sharing fewer than --strong-shared-shingles needs.
    #[arg(long, default_value_t = 0.85)]
    pub weak_containment_threshold: f64,

    /// List every verified pair, also those between two non-canonical members of one cluster.
    #[arg(long)]
    pub all_pairs: bool,

    /// Shared shingles needed before containment alone makes a reprint.
    #[arg(long, default_value_t = 15)]
    pub min_shared_shingles: usize,

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
