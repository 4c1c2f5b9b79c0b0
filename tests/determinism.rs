//! The same input gives the same report, byte for byte, whatever the thread count.

use std::process::Command;

fn scan(threads: &str, format: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args([
            "scan",
            "--quiet",
            "--format",
            format,
            "--threads",
            threads,
            "data/example/feed.jsonl",
            "data/menafn-japan-germany-security.txt",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("running reprint");
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
