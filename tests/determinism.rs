//! The same input gives the same report, byte for byte, whatever the thread count.

use std::process::Command;

fn scan(threads: &str, format: &str) -> Vec<u8> {
    let out = reprint(
        &[
            "scan",
            "--quiet",
            "--format",
            format,
            "--threads",
            threads,
            "data/example/feed.jsonl",
            "data/menafn-japan-germany-security.txt",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn one_and_many_threads_give_identical_reports() {
    for format in ["json", "text"] {
        let one = scan("1", format);
        assert!(one.len() > 1000, "a real report, not an empty one");
        for threads in ["2", "3", "8"] {
            assert!(
                one == scan(threads, format),
                "{format} report differs with {threads} threads"
            );
        }
    }
}

/// Runs `reprint` with `args` in the crate directory and returns its output.
fn reprint(args: &[&str], envs: &[(&str, &std::path::Path)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("running reprint")
}

/// Shingle keys moved to a temporary file (`--key-memory`) must not change a byte of the
/// report. The feed is generated with more articles than stage 1 takes at a time (16,384),
/// so the keys of the first chunk go to the file after it and later chunks' as they come
/// (17,000: within what the bundled base supplies, see `reprint synth`).
#[test]
fn keys_in_a_temporary_file_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.jsonl");
    let truth = dir.path().join("truth.json");
    let made = reprint(
        &[
            "synth",
            "--seed",
            "3",
            "--articles",
            "17000",
            "--out",
            feed.to_str().unwrap(),
            "--truth",
            truth.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let feed = feed.to_str().unwrap();
    let spill_dir = dir.path().join("tmp");
    std::fs::create_dir(&spill_dir).unwrap();
    let scan = |key_memory: &str, threads: &str| {
        let out = reprint(
            &[
                "scan",
                "--format",
                "json",
                "--threads",
                threads,
                "--key-memory",
                key_memory,
                feed,
            ],
            &[("TMPDIR", &spill_dir)],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let in_memory = scan("4096", "2");
    let report: serde_json::Value = serde_json::from_slice(&in_memory).unwrap();
    assert!(
        report["summary"]["clusters"].as_u64().unwrap() > 100
            && report["summary"]["repeats"].as_u64().unwrap() > 100,
        "a feed with real findings: {}",
        report["summary"]
    );
    for threads in ["1", "2"] {
        assert!(
            in_memory == scan("0", threads),
            "the report changed with keys in a file, {threads} threads"
        );
    }
    // The file is unnamed: nothing is left behind.
    assert_eq!(std::fs::read_dir(&spill_dir).unwrap().count(), 0);
}

/// A temporary directory that cannot hold the file is a clear fatal error, not a panic.
#[test]
fn a_missing_temporary_directory_is_a_clear_error() {
    let missing = std::path::Path::new("/nonexistent/reprint-tmp");
    let out = reprint(
        &[
            "scan",
            "--format",
            "json",
            "--key-memory",
            "0",
            "data/example/feed.jsonl",
        ],
        &[("TMPDIR", missing)],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no partial report on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/reprint-tmp")
            && err.contains("temporary file of shingle keys")
            && err.contains("--key-memory"),
        "{err}"
    );
}
