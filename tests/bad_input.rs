//! The README's bad-input table, row by row (issue 17): each row of the table under
//! "### Bad input" is a [`Case`] here, run on the real binary: its exit code, the warning on
//! stderr naming the file and line, and what the report keeps. A last test checks that the
//! table and the cases name the same rows, so neither can drift from the other.
//!
//! Cases already tested elsewhere in more depth are referenced, not repeated: several bad
//! records in one run and `--strict` (`tests/cli.rs`, `bad_input_is_warned_counted_and_the_run_goes_on`),
//! directory entries of every kind (`issue_17_a_bad_directory_entry_is_one_warning_and_the_rest_is_scanned`),
//! damaged compressed streams (`tests/inputs.rs`), and the exit-code table (`issue_17_exit_codes_follow_the_readme_table`).

mod common;
use std::io::Write;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

/// The arguments after `scan --format json`, and the bytes for stdin.
type Invocation = (Vec<String>, Option<Vec<u8>>);

/// One row of the table.
struct Case {
    /// The row's first cell in the README.
    name: &'static str,
    /// Writes the input into the scratch directory and says how to run the binary on it.
    setup: fn(&Path) -> Invocation,
    /// Why the row cannot be checked here (the test says so and skips it), if it cannot.
    skip: fn(&Path) -> Option<&'static str>,
    code: i32,
    /// The warning: the file as printed, the 1-based line and part of the message. `None`
    /// for a fatal error, whose message is `fatal` instead.
    warning: Option<(&'static str, u64, &'static str)>,
    /// Part of the fatal error's message on stderr (exit 1).
    fatal: &'static str,
    /// Articles in the report.
    kept: u64,
}

/// A short article that reads as prose, for the records around a bad one.
const GOOD: &str =
    "The harbour in the old town opens to ferries next week, officials said on Monday.";

fn good_line(id: &str) -> String {
    format!("{{\"id\":\"{id}\",\"text\":\"{GOOD}\"}}\n")
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn jsonl(dir: &Path, second: &str) -> Invocation {
    write(dir, "feed.jsonl", good_line("a") + second + "\n");
    (vec!["feed.jsonl".into()], None)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn never(_: &Path) -> Option<&'static str> {
    None
}

const CASES: &[Case] = &[
    Case {
        name: "invalid JSON line",
        setup: |d| jsonl(d, "{\"id\":\"b\",\"text\":\"unterminated"),
        skip: never,
        code: 3,
        warning: Some((
            "feed.jsonl",
            2,
            "malformed JSON (EOF while parsing a string at column 30): record skipped",
        )),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "a line that is not an object",
        setup: |d| jsonl(d, "[\"b\", \"text\"]"),
        skip: never,
        code: 3,
        warning: Some(("feed.jsonl", 2, "not a JSON object: record skipped")),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "missing text field",
        setup: |d| jsonl(d, "{\"id\":\"b\",\"body\":\"text under another name\"}"),
        skip: never,
        code: 3,
        warning: Some(("feed.jsonl", 2, "no \"text\" field: record skipped")),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "non-string text",
        setup: |d| jsonl(d, "{\"id\":\"b\",\"text\":[\"a\",\"list\"]}"),
        skip: never,
        code: 3,
        warning: Some((
            "feed.jsonl",
            2,
            "field \"text\" is not a string: record skipped",
        )),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "object-valued id",
        setup: |d| jsonl(d, &format!("{{\"id\":{{\"guid\":7}},\"text\":\"{GOOD}\"}}")),
        skip: never,
        code: 3,
        warning: Some((
            "feed.jsonl",
            2,
            "field \"id\" is an object, not a string or number: the id is feed.jsonl:2",
        )),
        fatal: "",
        kept: 2,
    },
    Case {
        name: "duplicate id",
        setup: |d| jsonl(d, good_line("a").trim_end()),
        skip: never,
        code: 0,
        warning: Some((
            "feed.jsonl",
            2,
            "duplicate id \"a\" (first at feed.jsonl:1); renamed to \"a#2\"",
        )),
        fatal: "",
        kept: 2,
    },
    Case {
        name: "empty text",
        setup: |d| jsonl(d, "{\"id\":\"b\",\"text\":\" \\n \"}"),
        skip: never,
        code: 0,
        warning: Some(("feed.jsonl", 2, "field \"text\" is empty: record skipped")),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "invalid UTF-8 in a JSONL line",
        setup: |d| {
            let mut bytes = good_line("a").into_bytes();
            bytes.extend_from_slice(b"{\"id\":\"b\",\"text\":\"caf\xe9\"}\n");
            write(d, "feed.jsonl", bytes);
            (vec!["feed.jsonl".into()], None)
        },
        skip: never,
        code: 3,
        warning: Some((
            "feed.jsonl",
            2,
            "invalid UTF-8 at byte 21 of the line: record skipped",
        )),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "invalid UTF-8 in a text file",
        setup: |d| {
            write(d, "story.txt", b"A first line.\nThen caf\xe9 in Latin-1.\n");
            (vec!["story.txt".into()], None)
        },
        skip: never,
        code: 3,
        warning: Some((
            "story.txt",
            2,
            "invalid UTF-8 at byte offset 22: no article read",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "empty file",
        setup: |d| {
            write(d, "story.txt", "\n  \n");
            (vec!["story.txt".into()], None)
        },
        skip: never,
        code: 0,
        warning: Some(("story.txt", 1, "empty file: no article read")),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "article over --max-article-bytes",
        setup: |d| {
            write(d, "story.txt", GOOD);
            (
                vec![
                    "--max-article-bytes".into(),
                    "40".into(),
                    "story.txt".into(),
                ],
                None,
            )
        },
        skip: never,
        code: 3,
        warning: Some((
            "story.txt",
            1,
            "article of 81 bytes exceeds --max-article-bytes 40: skipped",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "truncated gzip",
        setup: |d| {
            let lines: String = (0..200).map(|i| good_line(&format!("r{i}"))).collect();
            let z = gzip(lines.as_bytes());
            write(d, "feed.jsonl.gz", &z[..z.len() / 2]);
            (vec!["feed.jsonl.gz".into()], None)
        },
        skip: never,
        code: 3,
        // The line reached depends on the compressor; the test checks it is a line that was
        // cut, and that exactly the lines before it are kept (below).
        warning: Some((
            "feed.jsonl.gz",
            0,
            "corrupt or truncated gzip data (incomplete deflate stream): decoding stopped in line",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "a file named .gz that is not gzip",
        setup: |d| {
            write(d, "feed.jsonl.gz", good_line("a"));
            (vec!["feed.jsonl.gz".into()], None)
        },
        skip: never,
        code: 3,
        warning: Some((
            "feed.jsonl.gz",
            1,
            "named like a gzip file but not gzip data (no gzip magic bytes): file skipped",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "RSS with malformed XML",
        setup: |d| {
            write(
                d,
                "feed.rss",
                format!(
                    "<rss><channel><title>T</title>\n\
                     <item><guid>i1</guid><description>{GOOD}</description></item>\n\
                     <item><guid>i2</guid><description>Broken</descriptio></item>\n\
                     <item><guid>i3</guid><description>{GOOD}</description></item>\n\
                     </channel></rss>\n"
                ),
            );
            (vec!["feed.rss".into()], None)
        },
        skip: never,
        code: 3,
        warning: Some((
            "feed.rss",
            3,
            "malformed XML (ill-formed document: expected `</description>`, but `</descriptio>` \
             was found): the rest of the file skipped, 1 item read before it; the item from \
             line 3 is lost",
        )),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "a tag with an unclosed quote",
        setup: |d| {
            // Found by fuzzing: the quote swallowed the items after it, without a warning.
            write(
                d,
                "feed.rss",
                format!(
                    "<rss version=\"2.0>\n\
                     <channel><item><guid>i1</guid><description>{GOOD}</description></item>\n\
                     <item><guid note=\">i2</guid><description>{GOOD}</description></item>\n\
                     </channel></rss>\n"
                ),
            );
            (vec!["feed.rss".into()], None)
        },
        skip: never,
        code: 3,
        warning: Some((
            "feed.rss",
            1,
            "malformed XML (a `<` inside the tag <rss>: an attribute value is not closed): the \
             rest of the file skipped, 0 items read before it",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "feed with no items",
        setup: |d| {
            write(
                d,
                "feed.rss",
                "<rss><channel><title>Quiet day</title></channel></rss>\n",
            );
            (vec!["feed.rss".into()], None)
        },
        skip: never,
        code: 0,
        warning: Some((
            "feed.rss",
            1,
            "feed holds no items (no <item> or <entry>): no article read",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "feed item without text",
        setup: |d| {
            write(
                d,
                "feed.rss",
                format!(
                    "<rss><channel><title>T</title>\n\
                     <item><guid>i1</guid><description>{GOOD}</description></item>\n\
                     <item><guid>i2</guid><title>Only a title</title></item>\n\
                     </channel></rss>\n"
                ),
            );
            (vec!["feed.rss".into()], None)
        },
        skip: never,
        code: 0,
        warning: Some((
            "feed.rss",
            3,
            "item has no text (no content, description or summary): skipped",
        )),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "empty directory",
        setup: |d| {
            std::fs::create_dir_all(d.join("in")).unwrap();
            write(d, "in/.hidden.txt", GOOD);
            (vec!["in".into()], None)
        },
        skip: never,
        code: 0,
        warning: Some((
            "in",
            1,
            "directory holds no input files (names starting with '.' are skipped): nothing read",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "symbolic link loop",
        setup: |d| {
            write(d, "in/a.txt", GOOD);
            std::fs::create_dir_all(d.join("in/sub")).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink("..", d.join("in/sub/up")).unwrap();
            (vec!["in".into()], None)
        },
        skip: |_| (!cfg!(unix)).then_some("symbolic links are made only on Unix here"),
        code: 3,
        warning: Some((
            "in/sub/up",
            1,
            "symbolic link loop (it leads back to in): not followed",
        )),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "unreadable file in a directory",
        setup: |d| {
            write(d, "in/a.txt", GOOD);
            write(d, "in/locked.txt", GOOD);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::Permissions::from_mode(0o000);
                std::fs::set_permissions(d.join("in/locked.txt"), mode).unwrap();
            }
            (vec!["in".into()], None)
        },
        // Root (CI runs as root) reads a mode-000 file anyway: nothing to test then.
        skip: |d| {
            std::fs::read(d.join("in/locked.txt"))
                .is_ok()
                .then_some("this user reads a mode-000 file (root)")
        },
        code: 3,
        warning: Some((
            "in/locked.txt",
            1,
            "cannot be read (Permission denied (os error 13)): file skipped",
        )),
        fatal: "",
        kept: 1,
    },
    Case {
        name: "binary garbage on stdin",
        setup: |_| {
            let mut junk = b"\x89PNG\r\n\x1a\n".to_vec();
            junk.extend((0..=255u8).rev());
            (vec!["-".into()], Some(junk))
        },
        skip: never,
        code: 3,
        warning: Some((
            "-",
            4,
            "binary file (NUL byte at offset 263): no article read",
        )),
        fatal: "",
        kept: 0,
    },
    Case {
        name: "a named path that does not exist",
        setup: |_| (vec!["no-such-feed.jsonl".into()], None),
        skip: never,
        code: 1,
        warning: None,
        fatal: "no-such-feed.jsonl",
        kept: 0,
    },
];

/// Runs `reprint scan --format json ARGS` in `dir`.
fn run(dir: &Path, args: &[String], stdin: Option<&[u8]>) -> Output {
    let mut all = vec!["scan".to_string(), "--format".into(), "json".into()];
    all.extend_from_slice(args);
    common::reprint_in(dir, &all, stdin)
}

fn scratch(name: &str) -> common::Scratch {
    common::Scratch::new(format!(
        "reprint-bad-input-{}-{}",
        std::process::id(),
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    ))
}

#[test]
fn every_row_of_the_bad_input_table_holds() {
    let mut failures = Vec::new();
    for case in CASES {
        let dir = scratch(case.name);
        let (args, stdin) = (case.setup)(&dir);
        if let Some(why) = (case.skip)(&dir) {
            eprintln!("{}: skipped: {why}", case.name);
            continue;
        }
        let out = run(&dir, &args, stdin.as_deref());
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        if let Err(e) = check(case, &out, &err) {
            failures.push(format!("{}: {e}\nstderr: {err}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn check(case: &Case, out: &Output, err: &str) -> Result<(), String> {
    if out.status.code() != Some(case.code) {
        return Err(format!("exit {:?}, want {}", out.status.code(), case.code));
    }
    let Some((file, line, message)) = case.warning else {
        if !out.stdout.is_empty() {
            return Err("a fatal error wrote a report".into());
        }
        if !err.contains(case.fatal) {
            return Err(format!("stderr does not name {:?}", case.fatal));
        }
        return Ok(());
    };
    let r: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("report: {e}"))?;
    let warnings = r["warnings"].as_array().ok_or("no warnings list")?;
    if warnings.len() != 1 || r["summary"]["warnings"] != 1 {
        return Err(format!("want one warning, got {warnings:?}"));
    }
    let w = &warnings[0];
    let got_line = w["line"].as_u64().unwrap_or(0);
    if w["file"] != file || !w["message"].as_str().unwrap_or("").contains(message) {
        return Err(format!("warning {w:?}"));
    }
    let mut kept = case.kept;
    if line == 0 {
        // A truncated stream: the records on the lines before the one reached are kept.
        kept = got_line - 1;
        if !(2..200).contains(&got_line) {
            return Err(format!("decoding stopped in line {got_line}"));
        }
    } else if got_line != line {
        return Err(format!("warning at line {got_line}, want {line}"));
    }
    // stderr names the file and line, then the message.
    let printed = format!("reprint: warning: {file}:{got_line}: ");
    if !err
        .lines()
        .any(|l| l.starts_with(&printed) && l.contains(message))
    {
        return Err(format!("stderr has no line {printed}{message}"));
    }
    if r["summary"]["articles"] != kept {
        return Err(format!(
            "{} articles in the report, want {kept}",
            r["summary"]["articles"]
        ));
    }
    Ok(())
}

/// The first cells of the first table under "### Bad input" in the README.
fn readme_rows() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("### Bad input")
        .nth(1)
        .expect("a Bad input section")
        .split("\n### ")
        .next()
        .unwrap();
    // The first table; the Parquet rows that follow it are tests/parquet.rs's.
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // header and rule
        .map(|l| l.split('|').nth(1).unwrap().trim().to_string())
        .collect()
}

#[test]
fn the_readme_table_and_the_cases_name_the_same_rows() {
    let rows = readme_rows();
    let cases: Vec<String> = CASES.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(rows, cases, "README rows (left) and test cases (right)");
}
