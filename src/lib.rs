//! reprint: find near-duplicate text in syndicated news.
//!
//! The library does all the work; the `reprint` binary only parses flags into a [`Config`],
//! calls the library and hands the [`report::Report`] to a printer.
//!
//! # Use
//!
//! Three articles, two of them the same wire story: one reprint cluster, its pair, and the
//! shared passages as byte ranges in both texts.
//!
//! ```
//! use std::sync::Arc;
//! use reprint::corpus::{Article, Body, Corpus, Origin};
//! use reprint::report::{Json, Printer};
//!
//! let story = "The harbour council voted on Monday to rebuild the old ferry pier before winter. \
//!     Members said the repairs would cost far less than a new pier further up the coast.\n\n\
//!     The mayor told reporters that the ferry carries more than two thousand people a day \
//!     and that any closure would hurt the shops and cafes along the waterfront.\n\n\
//!     Work is expected to begin next month, and the council will publish the full budget \
//!     for the project together with a timetable for the closures at its next meeting.";
//! let other = "A new exhibition of paintings by local children opened at the town library on \
//!     Saturday, with more than two hundred works on show in the main reading room.\n\n\
//!     The librarians said the children had worked on the pictures for most of the spring, \
//!     and that the show will travel to three schools in the district after the summer.\n\n\
//!     Visitors can vote for their favourite painting until the end of the month, and the \
//!     winners will be announced at a small party in the library garden in July.";
//! let article = |id: &str, text: String| Article {
//!     id: id.into(),
//!     title: String::new(),
//!     body: Body::Text(text),
//!     source: String::new(),
//!     date: String::new(),
//!     origin: Origin { file: Arc::from("example"), line: 1 },
//! };
//! let corpus = Corpus::in_memory(vec![
//!     article("wire", story.to_string()),
//!     article("local", format!("LONDON (Reuters) - {story}")),
//!     article("library", other.to_string()),
//! ]);
//!
//! let (report, _stats) = reprint::pipeline::scan(&corpus, vec![], &reprint::Config::default())?;
//! assert_eq!(report.clusters.len(), 1);
//! assert_eq!(report.clusters[0].members, ["wire", "local"]);
//! let pair = &report.pairs[0];
//! assert_eq!((pair.a.as_str(), pair.b.as_str()), ("wire", "local"));
//! assert!(!pair.spans.is_empty());
//!
//! let mut json = Vec::new();
//! Json { pretty: false }.print(&report, &mut json)?;
//! assert!(json.starts_with(b"{\"version\":"));
//! # Ok::<(), reprint::Error>(())
//! ```
//!
//! Files are read with [`input::read_inputs`] (JSONL, text files, RSS/Atom, Parquet with the
//! `parquet` feature, directories, stdin, gzip/zstd), whose [`input::Loaded`] holds the corpus and the input warnings to pass
//! on. The binary reads and runs stage 1 in one pass ([`pipeline::read_and_analyse`], then
//! [`pipeline::scan_analysed`]); [`pipeline::scan`] does the same from a corpus, and
//! [`pipeline::scan_with_details`] also returns what `reprint clean` needs.
//!
//! # Stages
//!
//! In the order [`pipeline`] runs them (ARCHITECTURE.md states each one's invariants, and
//! DESIGN.md the method):
//!
//! 1. [`input`] reads the inputs into a [`corpus::Corpus`], turning every bad record into a
//!    counted [`diagnostics::Warning`]. Texts of plain files stay on disk; stages fetch them
//!    with [`corpus::Corpus::text`].
//! 2. Per article, while it is read: [`segment`] splits the text into paragraphs with byte
//!    spans; [`normalize`] turns words into hashed tokens ([`hash`]) that keep their byte
//!    offsets; [`shingle`] hashes paragraphs and word n-grams; [`repeats`] finds repeated
//!    runs inside the article.
//! 3. [`boilerplate`] finds blocks that recur across many different stories.
//! 4. [`minhash`] and [`lsh`] propose candidate reprint pairs (with a word signature for
//!    articles [`noise`] finds noisy).
//! 5. [`verify`] gates the candidates on the exact shingle sets; [`evidence`] judges each by
//!    the share of each body found in the other (reprint, partial reuse or nothing).
//! 6. [`cluster`] groups reprints into story clusters; [`align`] finds the shared spans.
//! 7. [`report`] holds the result model and its printers (text, JSON, HTML).
//!
//! [`config`] holds every setting with its default, [`error`] the fatal errors, [`spill`] the
//! shingle keys of a run too large for memory, and [`progress`] the progress hooks.
//! [`clean`] turns a scan into a cleaned feed (`reprint clean`): a pure plan of cuts and
//! removals from [`pipeline::scan_with_details`], then a writer that applies it.
//!
//! # Developer tooling
//!
//! [`synth`] (a synthetic syndicated feed with its ground truth) and [`eval`] (a scan scored
//! against that truth) make and score test data for `reprint synth`, `reprint eval`, the
//! tests and the benches. They are not part of detection, and no detection module imports
//! them. Both are behind the `tooling` cargo feature, on by default; a library user who wants
//! detection only builds with `default-features = false`.

pub mod align;
pub mod boilerplate;
pub mod clean;
pub mod cluster;
pub mod config;
pub mod copies;
pub mod corpus;
pub mod diagnostics;
pub mod error;
#[cfg(feature = "tooling")]
pub mod eval;
pub mod evidence;
pub mod figures;
pub mod hash;
pub mod index;
pub mod input;
pub(crate) mod json_string;
pub mod lsh;
pub mod minhash;
pub mod noise;
pub mod normalize;
pub mod parts;
pub mod pipeline;
pub mod progress;
pub mod repeats;
pub mod report;
pub mod segment;
pub mod shingle;
pub mod spill;
#[cfg(feature = "tooling")]
pub mod synth;
pub mod tasks;
pub mod verify;
pub(crate) mod wire;

pub use config::Config;
pub use error::{Error, Result};

/// Whether the processor has the features (`avx512f`, `avx512dq`) that the few loops compiled
/// for AVX-512 are built with (`#[target_feature]`). Each such loop is called only after this
/// check, and runs the same integer operations as its portable twin, so results do not
/// depend on the processor. Detection is cached by the standard library.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn avx512() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512dq")
}
