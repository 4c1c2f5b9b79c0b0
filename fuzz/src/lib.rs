//! reprint's fuzz targets share one set of checks ([`check::check`]); each binary in
//! `src/bin/` is one AFL++ target that feeds its input to it.

pub mod check;

pub use check::{check, Target};
