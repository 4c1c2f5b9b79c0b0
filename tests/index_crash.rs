//! `reprint index` crash safety and damage (issue 18): an abort injected after each write
//! step leaves the index in its state before or after the command, and a rerun ends where a
//! clean run does; a flipped byte in any file is a checksum error naming the file (exit 1),
//! never a panic. Also the writer's lock and the CLI's exit codes and JSON. Runs the real
//! binary.

// The feeds are generated (`reprint::synth`, developer tooling).
#![cfg(feature = "tooling")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{json_of, s, scratch, stderr};

/// Runs `reprint ARGS` with `REPRINT_INDEX_ABORT_AFTER` set to `abort` (when given).
fn run(args: &[&str], abort: Option<u32>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reprint"));
    c.args(args)
        .current_dir(common::root())
        .stdin(Stdio::null())
        .env_remove("REPRINT_INDEX_ABORT_AFTER");
    if let Some(k) = abort {
        c.env("REPRINT_INDEX_ABORT_AFTER", k.to_string());
    }
    c.output().unwrap()
}

fn ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
}

/// Three daily batches of a generated feed, as JSONL files in `dir`.
fn day_files(dir: &Path) -> Vec<PathBuf> {
    let base = reprint::synth::load_base(&common::root().join("data/base-stories.jsonl")).unwrap();
    let cfg = reprint::synth::SynthConfig {
        seed: 4,
        articles: 150,
        days: 3,
        ..Default::default()
    };
    write_days(dir, reprint::synth::generate(&base, &cfg).articles)
}

/// `articles` as one JSONL file per day in `dir` (`day0.jsonl`, … in date order), each
/// day's articles in their order.
fn write_days(dir: &Path, articles: Vec<reprint::synth::FeedArticle>) -> Vec<PathBuf> {
    let mut days: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
    for a in articles {
        let e = days.entry(a.date[..10].to_string()).or_default();
        reprint::synth::write_article(e, &a).unwrap();
    }
    days.into_values()
        .enumerate()
        .map(|(i, lines)| {
            let p = dir.join(format!("day{i}.jsonl"));
            fs::write(&p, lines).unwrap();
            p
        })
        .collect()
}

/// Every file of an index directory but the lock, by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, _)| n != "LOCK")
        .map(|(n, p)| (n, fs::read(p).unwrap()))
        .collect();
    v.sort();
    v
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// What a reader sees: the cluster list as JSON.
fn clusters(dir: &Path) -> serde_json::Value {
    let out = run(&["index", "clusters", s(dir), "--format", "json"], None);
    ok(&out);
    json_of(&out)
}

#[test]
fn an_abort_after_any_write_step_leaves_the_state_before_or_after_and_a_rerun_ends_clean() {
    let work = scratch("index-crash");
    let days = day_files(&work);
    assert!(days.len() >= 3, "{} days", days.len());
    // The clean runs: after day 0 (`before`), after day 1 (`after`), and after expiring.
    let before = work.join("before");
    ok(&run(&["index", "init", s(&before)], None));
    ok(&run(&["index", "add", s(&before), s(&days[0]), "-q"], None));
    let after = work.join("after");
    copy_dir(&before, &after);
    ok(&run(&["index", "add", s(&after), s(&days[1]), "-q"], None));
    let (c_before, c_after) = (clusters(&before), clusters(&after));
    assert_ne!(c_before, c_after);
    let clean_after = snapshot(&after);

    // `add` has six write steps: segment (temporary file, rename, directory sync), then the
    // manifest (the same three). Step 5 is the commit.
    for k in 1..=6 {
        let dir = work.join(format!("add-abort-{k}"));
        copy_dir(&before, &dir);
        let out = run(&["index", "add", s(&dir), s(&days[1]), "-q"], Some(k));
        assert_eq!(out.status.code(), Some(86), "step {k}: {}", stderr(&out));
        ok(&run(&["index", "check", s(&dir)], None));
        let seen = clusters(&dir);
        if k < 5 {
            assert_eq!(seen, c_before, "step {k}: not the state before");
        } else {
            assert_eq!(seen, c_after, "step {k}: not the state after");
        }
        // The rerun cleans up and ends byte for byte where the clean run did.
        ok(&run(&["index", "add", s(&dir), s(&days[1]), "-q"], None));
        assert_eq!(
            snapshot(&dir),
            clean_after,
            "step {k}: rerun differs from a clean run"
        );
    }

    // `expire` replaces the manifest (three steps), then removes the dropped segment.
    ok(&run(&["index", "add", s(&after), s(&days[2]), "-q"], None));
    let full = snapshot(&after);
    let expired = work.join("expired");
    copy_dir(&after, &expired);
    let out = run(&["index", "expire", s(&expired), "--keep-days", "1"], None);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("expired 1 segments"));
    let c_expired = clusters(&expired);
    let c_full = clusters(&after);
    assert_ne!(c_expired, c_full);
    for k in 1..=4 {
        let dir = work.join(format!("expire-abort-{k}"));
        copy_dir(&after, &dir);
        assert_eq!(snapshot(&dir), full);
        let out = run(&["index", "expire", s(&dir), "--keep-days", "1"], Some(k));
        assert_eq!(out.status.code(), Some(86), "step {k}: {}", stderr(&out));
        ok(&run(&["index", "check", s(&dir)], None));
        assert_eq!(
            &clusters(&dir),
            if k < 2 { &c_full } else { &c_expired },
            "step {k}"
        );
        ok(&run(
            &["index", "expire", s(&dir), "--keep-days", "1"],
            None,
        ));
        assert_eq!(
            snapshot(&dir),
            snapshot(&expired),
            "step {k}: rerun differs"
        );
    }
}

#[test]
fn a_flipped_byte_in_any_file_is_a_checksum_error_naming_the_file() {
    let work = scratch("index-flip");
    let days = day_files(&work);
    let good = work.join("good");
    ok(&run(&["index", "init", s(&good)], None));
    for d in &days[..2] {
        ok(&run(&["index", "add", s(&good), s(d), "-q"], None));
    }
    let files: Vec<String> = snapshot(&good).into_iter().map(|(n, _)| n).collect();
    assert_eq!(files.len(), 3, "{files:?}");
    let bad = work.join("bad");
    let mut rounds = 0;
    for name in &files {
        let bytes = fs::read(good.join(name)).unwrap();
        // 16 positions spread over the file, first and last byte included.
        for i in 0..16 {
            let at = i * (bytes.len() - 1) / 15;
            copy_dir(&good, &bad);
            let mut b = bytes.clone();
            b[at] ^= 0x20;
            fs::write(bad.join(name), &b).unwrap();
            let out = run(&["index", "check", s(&bad)], None);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name} byte {at}: {err}");
            assert!(
                err.contains(name) && err.contains("checksum"),
                "{name} byte {at}: {err}"
            );
            // Readers fail the same way or answer from the parts they checked; never a panic.
            for args in [
                vec!["index", "clusters", s(&bad)],
                vec!["index", "query", s(&bad), s(&days[2]), "-q"],
                vec!["index", "stats", s(&bad)],
            ] {
                let out = run(&args, None);
                assert!(
                    matches!(out.status.code(), Some(0 | 1)),
                    "{args:?}: {}",
                    stderr(&out)
                );
                assert!(!stderr(&out).contains("panicked"), "{args:?}");
            }
            rounds += 1;
        }
    }
    assert_eq!(rounds, 48);
}

#[test]
fn one_writer_at_a_time_while_readers_read() {
    let work = scratch("index-lock");
    let days = day_files(&work);
    let dir = work.join("ix");
    ok(&run(&["index", "init", s(&dir)], None));
    ok(&run(&["index", "add", s(&dir), s(&days[0]), "-q"], None));
    let lock = fs::OpenOptions::new()
        .write(true)
        .open(dir.join("LOCK"))
        .unwrap();
    lock.try_lock().unwrap();
    let out = run(&["index", "add", s(&dir), s(&days[1])], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("LOCK: another reprint process is writing"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &["index", "query", s(&dir), s(&days[1]), "--format", "json"],
        None,
    );
    ok(&out);
    let v = json_of(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["command"], "query");
    assert!(
        v["summary"]["reprint_indexed"].as_u64().unwrap() > 0,
        "{}",
        v["summary"]
    );
    drop(lock);
    let out = run(
        &["index", "add", s(&dir), s(&days[1]), "--format", "json"],
        None,
    );
    ok(&out);
    let added = json_of(&out);
    assert_eq!(added["articles"], v["articles"]);
    assert_eq!(added["segment"], "seg-00000002.rps");
}

#[test]
fn cli_refuses_other_settings_an_unknown_dir_and_html_where_there_is_none() {
    let work = scratch("index-cli");
    let days = day_files(&work);
    let dir = work.join("ix");
    ok(&run(
        &["index", "init", s(&dir), "--threshold", "0.6"],
        None,
    ));
    let out = run(
        &["index", "add", s(&dir), s(&days[0]), "--threshold", "0.7"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--threshold 0.7 (the index has 0.6)"),
        "{}",
        stderr(&out)
    );
    let out = run(&["index", "stats", s(&dir), "--format", "html"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("prints text or json"),
        "{}",
        stderr(&out)
    );
    // A directory that does not exist, and one that holds no index: every command says so,
    // naming the manifest it looked for, and leaves nothing behind (no LOCK file).
    let nowhere = work.join("nowhere");
    let empty = work.join("empty");
    fs::create_dir_all(&empty).unwrap();
    for d in [&nowhere, &empty] {
        for args in [
            vec!["index", "stats", s(d)],
            vec!["index", "add", s(d), s(&days[0])],
            vec!["index", "expire", s(d), "--keep-days", "1"],
            vec!["index", "merge", s(d)],
            vec!["index", "recluster", s(d)],
            vec!["index", "migrate", s(d)],
        ] {
            let out = run(&args, None);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let err = stderr(&out);
            assert!(
                err.contains("no index here") && err.contains("manifest.json"),
                "{args:?}: {err}"
            );
        }
    }
    assert!(!nowhere.exists());
    assert_eq!(fs::read_dir(&empty).unwrap().count(), 0);
    let out = run(&["index", "init", s(&dir), "extra.jsonl"], None);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["index", "init", s(&dir)], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already"), "{}", stderr(&out));
}

/// The index's segment files as `stats` names them.
fn segment_files(dir: &Path) -> Vec<String> {
    let out = run(&["index", "stats", s(dir), "--format", "json"], None);
    ok(&out);
    json_of(&out)["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap().to_string())
        .collect()
}

/// `merge` (issue 18): an abort after each of its write steps leaves the index as it was or
/// as merged (both with the same clusters, and `check` passing), and a rerun ends byte for
/// byte where a clean merge does.
#[test]
fn an_abort_after_any_merge_step_leaves_the_state_before_or_after_and_a_rerun_ends_clean() {
    let work = scratch("index-crash-merge");
    let days = day_files(&work);
    // The first three days in two halves each: six segments, two a day.
    let mut halves = Vec::new();
    for (i, d) in days.iter().take(3).enumerate() {
        let text = fs::read_to_string(d).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (j, half) in lines.chunks(lines.len().div_ceil(2)).enumerate() {
            let p = work.join(format!("day{i}-{j}.jsonl"));
            fs::write(&p, half.join("\n") + "\n").unwrap();
            halves.push(p);
        }
    }
    assert_eq!(halves.len(), 6);
    let before = work.join("before");
    ok(&run(&["index", "init", s(&before)], None));
    for h in &halves {
        ok(&run(&["index", "add", s(&before), s(h), "-q"], None));
    }
    let c_before = clusters(&before);
    let files_before = segment_files(&before);
    assert_eq!(files_before.len(), 6);
    let merged = work.join("merged");
    copy_dir(&before, &merged);
    let out = run(&["index", "merge", s(&merged), "--format", "json"], None);
    ok(&out);
    let v = json_of(&out);
    assert_eq!(
        (v["segments_before"].as_u64(), v["segments_after"].as_u64()),
        (Some(6), Some(3))
    );
    let files_after = segment_files(&merged);
    assert_eq!(
        files_after,
        [
            "seg-00000001-00000002.rps",
            "seg-00000003-00000004.rps",
            "seg-00000005-00000006.rps"
        ]
    );
    assert_eq!(clusters(&merged), c_before);
    ok(&run(&["index", "check", s(&merged)], None));
    let clean = snapshot(&merged);
    // Nothing more to merge: the rerun of a finished merge changes nothing.
    let out = run(&["index", "merge", s(&merged)], None);
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("merged 0 segments into 0; 3 segments"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(snapshot(&merged), clean);

    // Three merged segments (temporary file, rename, directory sync each: steps 1-9), the
    // manifest (10-12; its rename, step 11, is the commit), then six removals (13-18).
    for k in 1..=18 {
        let dir = work.join(format!("merge-abort-{k}"));
        copy_dir(&before, &dir);
        let out = run(&["index", "merge", s(&dir)], Some(k));
        assert_eq!(out.status.code(), Some(86), "step {k}: {}", stderr(&out));
        ok(&run(&["index", "check", s(&dir)], None));
        assert_eq!(clusters(&dir), c_before, "step {k}");
        let want = if k < 11 { &files_before } else { &files_after };
        assert_eq!(&segment_files(&dir), want, "step {k}");
        ok(&run(&["index", "merge", s(&dir)], None));
        assert_eq!(
            snapshot(&dir),
            clean,
            "step {k}: rerun differs from a clean merge"
        );
    }
    // Step 19 does not exist: the merge ends.
    let dir = work.join("merge-abort-19");
    copy_dir(&before, &dir);
    ok(&run(&["index", "merge", s(&dir)], Some(19)));
    assert_eq!(snapshot(&dir), clean);
    let _ = fs::remove_dir_all(&work);
}

/// Daily batches of a larger generated feed (600 articles over 10 days, 8 outlets), in date
/// order, whose daily adds group a few articles otherwise than one scan of the window does.
fn diverging_day_files(dir: &Path) -> Vec<PathBuf> {
    let base = reprint::synth::load_base(&common::root().join("data/base-stories.jsonl")).unwrap();
    let cfg = reprint::synth::SynthConfig {
        seed: 3,
        articles: 600,
        outlets: 8,
        days: 10,
        ..Default::default()
    };
    let mut articles = reprint::synth::generate(&base, &cfg).articles;
    articles.sort_by(|a, b| a.date.cmp(&b.date));
    write_days(dir, articles)
}

/// `recluster` (issue 18): an abort after each of its write steps leaves the index as it was
/// or as reclustered (`check` passing), a rerun ends byte for byte where a clean recluster
/// does, and readers in other processes see the index before or after while it runs.
#[test]
fn an_abort_after_any_recluster_step_leaves_the_state_before_or_after_and_a_rerun_ends_clean() {
    let work = scratch("index-crash-recluster");
    let days = diverging_day_files(&work);
    let before = work.join("before");
    ok(&run(&["index", "init", s(&before)], None));
    for d in &days {
        ok(&run(&["index", "add", s(&before), s(d), "-q"], None));
    }
    let c_before = clusters(&before);
    let done = work.join("done");
    copy_dir(&before, &done);
    let out = run(&["index", "recluster", s(&done)], None);
    ok(&out);
    let map = json_of(&out);
    assert_eq!(map["version"], 1);
    let c_after = clusters(&done);
    assert_ne!(c_after, c_before);
    ok(&run(&["index", "check", s(&done)], None));
    let clean = snapshot(&done);
    let rewritten = clean
        .iter()
        .filter(|(n, _)| n.starts_with("seg-") && n.contains(".g"))
        .count() as u32;
    assert!(rewritten >= 1, "no segment rewritten");
    // A second recluster is the identity map and writes nothing.
    let out = run(&["index", "recluster", s(&done)], None);
    ok(&out);
    let again = json_of(&out);
    assert_eq!(again["clusters"], serde_json::json!([]));
    assert_eq!(again["retired"], serde_json::json!([]));
    assert!(
        stderr(&out).contains("nothing to write"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&done), clean);

    // The rewritten segments (three steps each), the map (three), the manifest (three; its
    // rename is the commit), then one removal per replaced segment.
    let commit = 3 * rewritten + 5;
    let last = 3 * rewritten + 6 + rewritten;
    for k in 1..=last {
        let dir = work.join(format!("recluster-abort-{k}"));
        copy_dir(&before, &dir);
        let out = run(&["index", "recluster", s(&dir)], Some(k));
        assert_eq!(out.status.code(), Some(86), "step {k}: {}", stderr(&out));
        ok(&run(&["index", "check", s(&dir)], None));
        let want = if k < commit { &c_before } else { &c_after };
        assert_eq!(&clusters(&dir), want, "step {k}");
        let out = run(&["index", "recluster", s(&dir)], None);
        ok(&out);
        if k >= commit {
            assert_eq!(json_of(&out)["clusters"], serde_json::json!([]), "step {k}");
        } else {
            assert_eq!(json_of(&out), map, "step {k}");
        }
        assert_eq!(
            snapshot(&dir),
            clean,
            "step {k}: rerun differs from a clean run"
        );
    }
    // Past the last step, the recluster ends.
    let dir = work.join(format!("recluster-abort-{}", last + 1));
    copy_dir(&before, &dir);
    ok(&run(&["index", "recluster", s(&dir)], Some(last + 1)));
    assert_eq!(snapshot(&dir), clean);

    // Readers in other processes while a recluster runs: each sees the index before or after.
    let dir = work.join("readers");
    copy_dir(&before, &dir);
    let mut writer = Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(["index", "recluster", s(&dir), "-q"])
        .current_dir(common::root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .env_remove("REPRINT_INDEX_ABORT_AFTER")
        .spawn()
        .unwrap();
    let mut reads = 0;
    loop {
        let finished = writer.try_wait().unwrap().is_some();
        let seen = clusters(&dir);
        assert!(
            seen == c_before || seen == c_after,
            "read {reads}: neither state"
        );
        reads += 1;
        if finished {
            break;
        }
    }
    assert!(writer.wait().unwrap().success());
    assert!(reads >= 2);
    assert_eq!(clusters(&dir), c_after);
    let _ = fs::remove_dir_all(&work);
}

/// `index clusters --format html`: one self-contained page (no script, no external asset)
/// with a section per cluster of the JSON list and every member in it.
#[test]
fn clusters_as_html_is_one_page_with_every_cluster_of_the_json_list() {
    let work = scratch("index-clusters-html");
    let days = day_files(&work);
    let dir = work.join("ix");
    ok(&run(&["index", "init", s(&dir)], None));
    for d in &days[..2] {
        ok(&run(&["index", "add", s(&dir), s(d), "-q"], None));
    }
    let list = clusters(&dir);
    let out = run(&["index", "clusters", s(&dir), "--format", "html"], None);
    ok(&out);
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    assert!(!page.contains("<script") && !page.contains("src=") && !page.contains("href=\"http"));
    let listed = list["clusters"].as_array().unwrap();
    assert!(!listed.is_empty());
    assert_eq!(page.matches("<section id=").count(), listed.len());
    for c in listed {
        assert!(page.contains(&format!("<section id=\"{}\">", c["id"].as_str().unwrap())));
        for m in c["members"].as_array().unwrap() {
            assert!(page.contains(m["id"].as_str().unwrap()), "{m}");
        }
    }
    let _ = fs::remove_dir_all(&work);
}

/// The format-1 fixture (`tests/fixtures/index-format1`, made by a stop-22 build; its
/// README says how): the index of days 0 to 2, those days and a fourth, and the index's
/// cluster list as that build printed it.
fn format1_fixture() -> PathBuf {
    common::root().join("tests/fixtures/index-format1")
}

/// A reprint link of an add report, as (new article, other article, kind), sorted.
fn links(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = report["articles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["links"].as_array().unwrap().iter().map(move |l| {
                (
                    a["id"].as_str().unwrap().to_string(),
                    l["id"].as_str().unwrap().to_string(),
                    l["kind"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_format_1_index_is_migrated_keeping_every_article_and_cluster_id() {
    let work = scratch("index-migrate");
    let fixture = format1_fixture();
    let day = |i: usize| fixture.join(format!("days/day{i}.jsonl"));
    let dir = work.join("ix");
    copy_dir(&fixture.join("index"), &dir);
    let original = snapshot(&dir);
    assert!(original.iter().any(|(n, _)| n == "seg-00000003.rps"));

    // Every reader and writer refuses format 1, naming the command that migrates it, and
    // changes nothing.
    for args in [
        vec!["index", "stats", s(&dir)],
        vec!["index", "add", s(&dir), s(&day(3)), "-q"],
    ] {
        let out = run(&args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("manifest.json") && err.contains("`reprint index migrate DIR`"),
            "{err}"
        );
        assert_eq!(snapshot(&dir), original);
    }

    let out = run(&["index", "migrate", s(&dir), "--format", "json"], None);
    ok(&out);
    let m = json_of(&out);
    assert_eq!((m["from"].as_u64(), m["to"].as_u64()), (Some(1), Some(3)));
    assert_eq!(m["segments"], 3);
    ok(&run(&["index", "check", s(&dir)], None));
    let names: Vec<String> = snapshot(&dir).into_iter().map(|(n, _)| n).collect();
    assert!(
        !names.iter().any(|n| n == "seg-00000001.rps") && names.len() == 4,
        "{names:?}"
    );

    // The same clusters, ids and canonicals as the format-1 build listed.
    let old: serde_json::Value =
        serde_json::from_slice(&fs::read(fixture.join("clusters.json")).unwrap()).unwrap();
    assert!(old["clusters"].as_array().unwrap().len() >= 3);
    assert_eq!(clusters(&dir)["clusters"], old["clusters"]);

    // What this build writes for the same days with the fixture's settings (made when a
    // story needed 60 body words by default): the same articles, key rows and fingerprint,
    // so an add of the fourth day finds the same links in both.
    let fresh = work.join("fresh");
    ok(&run(
        &["index", "init", s(&fresh), "--min-story-words", "60"],
        None,
    ));
    for i in 0..3 {
        ok(&run(&["index", "add", s(&fresh), s(&day(i)), "-q"], None));
    }
    let stats = |d: &Path| {
        let out = run(&["index", "stats", s(d), "--format", "json"], None);
        ok(&out);
        json_of(&out)
    };
    let checked = |d: &Path| {
        let out = run(&["index", "check", s(d), "--format", "json"], None);
        ok(&out);
        json_of(&out)
    };
    let (sm, sf) = (stats(&dir), stats(&fresh));
    assert_eq!(sm["format"], 3);
    assert_eq!(sm["fingerprint"], sf["fingerprint"]);
    assert_eq!(sm["articles"], old_articles(&fixture));
    assert_eq!(checked(&dir), checked(&fresh));
    let add = |d: &Path| {
        let out = run(
            &["index", "add", s(d), s(&day(3)), "-q", "--format", "json"],
            None,
        );
        ok(&out);
        json_of(&out)
    };
    let (am, af) = (add(&dir), add(&fresh));
    let found = links(&am);
    assert!(
        found.iter().any(|(_, _, kind)| kind == "reprint"),
        "the fourth day reprints nothing indexed: {found:?}"
    );
    assert_eq!(found, links(&af));
    assert_eq!(am["summary"]["candidates"], af["summary"]["candidates"]);

    // A migrated (or any readable) index is left as it is.
    let before = snapshot(&dir);
    let out = run(&["index", "migrate", s(&dir)], None);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to migrate"));
    assert_eq!(snapshot(&dir), before);
    let _ = fs::remove_dir_all(&work);
}

/// Articles the fixture's format-1 manifest counts.
fn old_articles(fixture: &Path) -> u64 {
    let text = fs::read_to_string(fixture.join("index/manifest.json")).unwrap();
    let body = &text[..text.rfind("#xxh3=").unwrap()];
    let m: serde_json::Value = serde_json::from_str(body).unwrap();
    m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["articles"].as_u64().unwrap())
        .sum()
}

#[test]
fn an_abort_after_any_migrate_step_leaves_the_state_before_or_after_and_a_rerun_ends_clean() {
    let work = scratch("index-crash-migrate");
    let fixture = format1_fixture();
    let original = {
        let d = work.join("original");
        copy_dir(&fixture.join("index"), &d);
        snapshot(&d)
    };
    let done = work.join("done");
    copy_dir(&fixture.join("index"), &done);
    ok(&run(&["index", "migrate", s(&done)], None));
    let clean = snapshot(&done);
    let c_after = clusters(&done);
    // Three segments (three steps each), the manifest (three; its rename is the commit),
    // then one removal per format-1 segment.
    let (commit, last) = (3 * 3 + 2, 3 * 3 + 3 + 3);
    for k in 1..=last {
        let dir = work.join(format!("migrate-abort-{k}"));
        copy_dir(&fixture.join("index"), &dir);
        let out = run(&["index", "migrate", s(&dir)], Some(k));
        assert_eq!(out.status.code(), Some(86), "step {k}: {}", stderr(&out));
        if k < commit {
            // Still format 1: refused by readers, its own files intact.
            let out = run(&["index", "check", s(&dir)], None);
            assert_eq!(out.status.code(), Some(1), "step {k}");
            assert!(stderr(&out).contains("index migrate"), "step {k}");
            let kept: Vec<_> = snapshot(&dir)
                .into_iter()
                .filter(|(n, _)| original.iter().any(|(o, _)| o == n))
                .collect();
            assert_eq!(kept, original, "step {k}: the format-1 files changed");
        } else {
            ok(&run(&["index", "check", s(&dir)], None));
            assert_eq!(clusters(&dir), c_after, "step {k}");
        }
        ok(&run(&["index", "migrate", s(&dir)], None));
        assert_eq!(
            snapshot(&dir),
            clean,
            "step {k}: rerun differs from a clean run"
        );
    }
    let _ = fs::remove_dir_all(&work);
}

/// `index add --format html` (and `query`): one self-contained page with a section per new
/// article that shares text or repeats itself (those of the JSON report), each link's
/// shared passages in this article's words, and its repeats.
#[test]
fn add_and_query_as_html_show_every_linked_article_with_its_passages() {
    let work = scratch("index-batch-html");
    let days = day_files(&work);
    let dir = work.join("ix");
    ok(&run(&["index", "init", s(&dir)], None));
    ok(&run(&["index", "add", s(&dir), s(&days[0]), "-q"], None));
    // `index COMMAND` of the second day in FORMAT, which must succeed.
    let batch = |command: &str, format: &str| {
        let out = run(
            &[
                "index",
                command,
                s(&dir),
                s(&days[1]),
                "-q",
                "--format",
                format,
            ],
            None,
        );
        ok(&out);
        out
    };
    let report = json_of(&batch("query", "json"));
    let page = String::from_utf8(batch("query", "html").stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(!page.contains("<script") && page.contains("<h1>reprint index query</h1>"));
    // The texts of the day, to check the passages against the JSON's byte ranges.
    let texts: std::collections::HashMap<String, String> = fs::read_to_string(&days[1])
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    };
    let mut sections = 0;
    let mut passages = 0;
    for a in report["articles"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        let links = a["links"].as_array().unwrap();
        let shown = !links.is_empty() || !a["repeats"].as_array().unwrap().is_empty();
        assert_eq!(
            page.contains(&format!("<section id=\"{}\">", esc(id))),
            shown,
            "{id}"
        );
        sections += usize::from(shown);
        for l in links {
            for sp in l["spans"].as_array().unwrap() {
                let (b0, b1) = (
                    sp["this"][0].as_u64().unwrap() as usize,
                    sp["this"][1].as_u64().unwrap() as usize,
                );
                // The passage's first words, as the page prints them (whitespace folded).
                let words: Vec<&str> = texts[id][b0..b1].split_whitespace().take(6).collect();
                assert!(page.contains(&esc(&words.join(" "))), "{id}: {words:?}");
                passages += 1;
            }
        }
    }
    assert!(
        sections >= 5 && passages >= 5,
        "{sections} sections, {passages} passages"
    );
    // add prints the same page but for its title and the segment it wrote.
    let added = String::from_utf8(batch("add", "html").stdout).unwrap();
    assert!(added.contains("<h1>reprint index add</h1>") && added.contains("seg-00000002.rps"));
    assert_eq!(added.matches("<section id=").count(), sections);
    let _ = fs::remove_dir_all(&work);
}
