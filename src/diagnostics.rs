//! Diagnostics about the input that do not stop a run: [`Warning`]. The reader produces them
//! ([`crate::input`]), the report lists them ([`crate::report::Report::warnings`]) and the
//! binary echoes them on stderr; a module of its own so that reading does not depend on the
//! report.

use serde::Serialize;

/// A problem with one input record or file. `line` is 1-based.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The input path as the user named it (`-` for stdin), or the path found in a directory.
    pub file: String,
    /// 1-based line of the record (1 for a whole file).
    pub line: u64,
    /// What is wrong and what was done about it ("file skipped", "renamed to …").
    pub message: String,
}
