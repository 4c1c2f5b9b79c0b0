//! Helpers shared by the integration tests that run the real `reprint` binary: running it
//! (with or without bytes on stdin), reading its JSON, scratch directories.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The crate root; the binary runs there, so `data/...` paths work.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `reprint ARGS` in the crate root with nothing on stdin.
pub fn reprint(args: &[&str]) -> Output {
    reprint_stdin(args, None)
}

/// Runs `reprint ARGS` in the crate root, writing `stdin` (when given) to its standard input.
pub fn reprint_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    reprint_in(root(), args, stdin)
}

/// Runs `reprint ARGS` in `dir`, writing `stdin` (when given) to its standard input.
pub fn reprint_in<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: &[S],
    stdin: Option<&[u8]>,
) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running reprint");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// stdout as one JSON document; the panic shows stderr.
pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}); stderr: {}",
            stderr(out)
        )
    })
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh scratch directory for one test (unique per test process and name), removed with
/// everything in it when the value is dropped, so that a test run leaves nothing in the
/// temporary directory. It is a `Path` wherever one is asked for.
pub fn scratch(name: &str) -> Scratch {
    Scratch::new(format!("reprint-test-{}-{name}", std::process::id()))
}

/// A directory under the temporary directory that goes when its value does (see [`scratch`]).
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// The directory `name` under the temporary directory, made empty.
    pub fn new(name: impl AsRef<Path>) -> Scratch {
        let dir = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a test that made a directory unreadable on purpose restores it first.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where the seed article's doubled run stands: byte starts of its two copies (each at "The
/// talks were co-led") and byte ends (each just after "Wadephul warned."), first copy first.
pub fn seed_doubled_run(text: &str) -> (Vec<usize>, Vec<usize>) {
    let starts = text
        .match_indices("The talks were co-led")
        .map(|m| m.0)
        .collect();
    let ends = text
        .match_indices("Wadephul warned.")
        .map(|m| m.0 + "Wadephul warned.".len())
        .collect();
    (starts, ends)
}

/// A path as `&str` for an argument list.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
