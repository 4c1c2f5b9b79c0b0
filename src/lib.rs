//! reprint: find near-duplicate text in syndicated news.
//!
//! The library does all the work; the `reprint` binary only parses flags, calls
//! [`pipeline::scan`] and hands the [`report::Report`] to a printer. Stages, in the order
//! [`pipeline`] runs them (see ARCHITECTURE.md for the invariants of each):
//!
//! 1. [`input`] reads JSONL, text files, directories or stdin into a [`corpus::Corpus`],
//!    turning every bad record into a counted [`report::Warning`]. Texts of plain files stay
//!    on disk; stages fetch them with [`corpus::Corpus::text`].
//! 2. [`segment`] splits each text into paragraphs with byte spans; [`normalize`] turns words
//!    into hashed tokens that keep their byte offsets.
//! 3. [`shingle`] hashes paragraphs and word n-grams; [`repeats`] finds repeated runs inside
//!    one article.
//! 4. [`boilerplate`] finds blocks that recur across many different stories.
//! 5. [`minhash`] and [`lsh`] propose candidate reprint pairs (with a word signature for
//!    articles [`noise`] finds noisy); [`verify`] gates them on the exact shingle sets;
//!    [`evidence`] judges each by the share of each body found in the other (reprint, partial
//!    reuse or nothing); [`cluster`] groups reprints into story clusters; [`align`] finds the
//!    shared spans.
//! 6. [`report`] holds the result model and its printers (text, JSON, HTML).
//!
//! [`clean`] turns a scan into a cleaned feed (`reprint clean`): a pure plan of cuts and
//! removals from [`pipeline::scan_with_details`], then a writer that applies it.

pub mod align;
pub mod boilerplate;
pub mod clean;
pub mod cluster;
pub mod config;
pub mod corpus;
pub mod diagnostics;
pub mod error;
pub mod eval;
pub mod evidence;
pub mod hash;
pub mod input;
pub(crate) mod json_string;
pub mod lsh;
pub mod minhash;
pub mod noise;
pub mod normalize;
pub mod pipeline;
pub mod progress;
pub mod repeats;
pub mod report;
pub mod segment;
pub mod shingle;
pub mod spill;
pub mod synth;
pub mod verify;

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
