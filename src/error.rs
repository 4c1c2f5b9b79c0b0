//! The library's error type. Every variant carries what a user needs to find the problem:
//! the path, the line, and the numbers that were out of range.

use std::fmt;
use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A fatal error. Problems with single records are not errors but
/// [`Warning`](crate::diagnostics::Warning)s, unless `--strict` turns the first one into
/// [`Error::Strict`].
#[derive(Debug)]
pub enum Error {
    /// An input path could not be opened or read at all.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `--strict` was given and an input record was bad.
    Strict {
        file: String,
        line: u64,
        message: String,
    },
    /// An article's text could not be read again from its input file (see
    /// [`Corpus::text`](crate::corpus::Corpus::text)): the file changed or vanished during
    /// the run.
    Reread {
        file: String,
        line: u64,
        message: String,
    },
    /// The temporary file that holds shingle keys on a large run (see
    /// [`Config::key_memory_bytes`](crate::config::Config::key_memory_bytes)) could not be made, written
    /// or read; `dir` is the temporary directory it was in.
    Spill {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// A parameter is out of its allowed range.
    Config { name: &'static str, message: String },
    /// An input that was read but cannot be used for what was asked (a feed given to
    /// `reprint clean`, a truth file of another feed); `file` names it.
    Unusable { file: String, message: String },
    /// Writing the report failed (other than a broken pipe, which is not an error).
    Output(std::io::Error),
    /// A part of a distributed scan ([`crate::parts`]) is damaged, of another version, or
    /// does not fit with the other parts; `part` is its place in the list given (0-based).
    Part { part: usize, message: String },
    /// A task handed out by a distributed scan ([`crate::tasks`]: stage 4's band ranges,
    /// stage 6's reading), or its result, is damaged, of another version, or does not fit;
    /// `task` is its place among the stage's tasks (0-based); `stage` is 0 for bytes that are
    /// no task of any stage.
    Task {
        stage: u8,
        task: usize,
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Strict {
                file,
                line,
                message,
            } => write!(f, "{file}:{line}: {message} (--strict makes this fatal)"),
            Error::Reread {
                file,
                line,
                message,
            } => write!(
                f,
                "{file}:{line}: the text could not be read again: {message} \
                 (an input must not change while reprint runs)"
            ),
            Error::Spill { dir, source } => write!(
                f,
                "{}: the temporary file of shingle keys failed: {source} (set TMPDIR to a \
                 directory with room, or raise --key-memory)",
                dir.display()
            ),
            Error::Config { name, message } => write!(f, "invalid --{name}: {message}"),
            Error::Unusable { file, message } => write!(f, "{file}: {message}"),
            Error::Output(e) => write!(f, "writing the report failed: {e}"),
            Error::Part { part, message } => write!(f, "part {part}: {message}"),
            Error::Task {
                stage,
                task,
                message,
            } => match stage {
                0 => write!(f, "task {task}: {message}"),
                _ => write!(f, "stage-{stage} task {task}: {message}"),
            },
        }
    }
}

/// A number for a message: as Rust writes it for everyday magnitudes, in scientific notation
/// for very small or large ones, so `1e-300` is not quoted back as 300 digits.
pub fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-4..1e15).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::Spill { source, .. } => Some(source),
            Error::Output(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_stay_short() {
        let cases: [(f64, &str); 8] = [
            (0.5, "0.5"),
            (1.5, "1.5"),
            (-1.0, "-1"),
            (0.0, "0"),
            (1e-300, "1e-300"),
            (-2.5e-7, "-2.5e-7"),
            (1e300, "1e300"),
            (f64::NAN, "NaN"),
        ];
        for (v, want) in cases {
            assert_eq!(number(v), want, "{v:?}");
        }
    }
}
