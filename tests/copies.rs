//! Exact copies (`reprint::copies`): the bundled example feed with hundreds of copies of one of
//! its articles, and a few of another. Copies are left out of stage 4's bands and take their
//! class head's place in its pairs, so the report must be the one every copy run through the
//! bands gives (`Config::copy_classes` false), but for the pairs of two copies of one
//! article, for a small share of the work.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{json_of, reprint, s, scratch, stderr};
use reprint::report::{Json, Printer};
use reprint::Config;
use serde_json::Value;

/// More copies than `lsh::MAX_BUCKET`, the largest bucket LSH pairs in full.
const MANY: usize = 300;

/// The library's report on `feed` as JSON, with every reprint pair listed, and its stats.
fn scan(feed: &Path, copy_classes: bool) -> (Value, reprint::pipeline::Stats) {
    let cfg = Config {
        all_pairs: true,
        copy_classes,
        ..Config::default()
    };
    let loaded = reprint::input::read_inputs(&[feed.to_path_buf()], &cfg).unwrap();
    let (report, stats) = reprint::pipeline::scan(&loaded.corpus, loaded.warnings, &cfg).unwrap();
    let mut bytes = Vec::new();
    Json { pretty: false }.print(&report, &mut bytes).unwrap();
    (serde_json::from_slice(&bytes).unwrap(), stats)
}

fn records() -> Vec<Value> {
    let feed = common::root().join("data/example/feed.jsonl");
    std::fs::read_to_string(feed)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// Each cluster as (canonical, members), keyed by canonical.
fn clusters(report: &Value) -> BTreeMap<String, BTreeSet<String>> {
    report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let members = c["members"].as_array().unwrap();
            (
                c["canonical"].as_str().unwrap().to_string(),
                members
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

/// Each listed pair's kind and scores, keyed by its two ids.
fn pairs(report: &Value) -> BTreeMap<(String, String), Value> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let key = (
                p["a"].as_str().unwrap().to_string(),
                p["b"].as_str().unwrap().to_string(),
            );
            let scores = ["kind", "short_share", "long_share", "evidence", "jaccard"]
                .iter()
                .map(|k| (k.to_string(), p[*k].clone()))
                .collect::<serde_json::Map<_, _>>();
            (key, Value::Object(scores))
        })
        .collect()
}

/// The pair of `x` and `y` in either order.
fn pair<'a>(all: &'a BTreeMap<(String, String), Value>, x: &str, y: &str) -> Option<&'a Value> {
    all.get(&(x.to_string(), y.to_string()))
        .or_else(|| all.get(&(y.to_string(), x.to_string())))
}

/// The example feed, `MANY` copies of a member `a` of one of its story clusters (one of them
/// dated before every other article), three copies of a member `b` of another, and `a` with
/// one word changed. Returns the feed's path, `a`'s copies and `b`'s.
fn feed_with_copies(dir: &Path) -> (std::path::PathBuf, Vec<String>, Vec<String>) {
    let base = records();
    // Members of the example's first stories (their ids are numbered by story).
    let rec_a = base
        .iter()
        .find(|r| id(r) == "northgate-register-000001")
        .unwrap();
    let rec_b = base
        .iter()
        .find(|r| id(r) == "northgate-register-000002")
        .unwrap();
    let mut lines: Vec<String> = base.iter().map(|r| r.to_string()).collect();
    let mut copies_a = Vec::new();
    for i in 0..MANY {
        let mut r = rec_a.clone();
        r["id"] = format!("copy-a-{i}").into();
        if i == 150 {
            r["date"] = "2024-01-01".into();
        }
        copies_a.push(id(&r).to_string());
        lines.push(r.to_string());
    }
    let mut copies_b = Vec::new();
    for i in 0..3 {
        let mut r = rec_b.clone();
        r["id"] = format!("copy-b-{i}").into();
        copies_b.push(id(&r).to_string());
        lines.push(r.to_string());
    }
    let mut near = rec_a.clone();
    near["id"] = "near-a".into();
    let text = near["text"].as_str().unwrap();
    let word = text.split_whitespace().nth(40).unwrap();
    near["text"] = text.replacen(word, "otherwise", 1).into();
    lines.push(near.to_string());
    let feed = dir.join("feed.jsonl");
    std::fs::write(&feed, lines.join("\n") + "\n").unwrap();
    (feed, copies_a, copies_b)
}

#[test]
fn copies_set_aside_give_the_report_of_copies_run_through_the_bands() {
    let dir = scratch("copies");
    let (feed, copies_a, copies_b) = feed_with_copies(&dir);
    let (on, on_stats) = scan(&feed, true);
    let (off, off_stats) = scan(&feed, false);
    assert_eq!(on_stats.copies, MANY + 3, "the near copy is not a copy");
    assert_eq!(off_stats.copies, 0);

    // The same stories, canonicals and links.
    assert_eq!(on["clusters"], off["clusters"]);
    let story = clusters(&on);
    let head = "copy-a-150";
    let a_story = story
        .get(head)
        .expect("the copy dated first is the canonical");
    assert!(copies_a.iter().all(|c| a_story.contains(c)) && a_story.contains("near-a"));
    assert!(a_story.len() > MANY + 2, "{a_story:?}");
    assert!(
        story
            .values()
            .any(|m| copies_b.iter().all(|c| m.contains(c))
                && m.contains("northgate-register-000002")),
        "b's copies in b's story"
    );

    // The same pairs, with the same verdicts and scores, but for the pairs of two copies of
    // one article where neither heads the class, and for pairs the bands did not reach: with
    // the copies in the bands, a bucket of more than MAX_BUCKET pairs each member with its
    // first MAX_BUCKET only; set aside, a copy meets whatever its head meets.
    let (p_on, p_off) = (pairs(&on), pairs(&off));
    let a = "northgate-register-000001";
    let b = "northgate-register-000002";
    let class_of = |x: &str| {
        if copies_a.iter().any(|c| c == x) || x == a {
            Some(head)
        } else if copies_b.iter().any(|c| c == x) || x == b {
            Some(b)
        } else {
            None
        }
    };
    let (mut reached, mut reached_reprints) = (0u64, 0u64);
    for ((x, y), v) in &p_on {
        match p_off.get(&(x.clone(), y.clone())) {
            Some(w) => assert_eq!(v, w, "{x} and {y}"),
            None => {
                // In the head's place.
                let (copy, other) = if class_of(x).is_some() {
                    (x, y)
                } else {
                    (y, x)
                };
                let h = class_of(copy).unwrap_or_else(|| panic!("{x} and {y}: no copy"));
                assert_ne!(class_of(other), Some(h), "{x} and {y}");
                assert_eq!(pair(&p_on, h, other), Some(v), "{x} and {y}");
                reached += 1;
                reached_reprints += u64::from(v["kind"] == "reprint");
            }
        }
    }
    assert!(reached > 0, "the near copy meets every copy of a");
    let mut in_class = 0u64;
    for ((x, y), v) in &p_off {
        if p_on.contains_key(&(x.clone(), y.clone())) {
            continue;
        }
        assert!(
            class_of(x).is_some() && class_of(x) == class_of(y),
            "{x} and {y}: only pairs of two copies are left out"
        );
        assert!(![head, b].contains(&x.as_str()) && ![head, b].contains(&y.as_str()));
        assert_eq!(v["kind"], "reprint");
        in_class += 1;
    }
    assert!(in_class > 10 * MANY as u64, "{in_class}");
    // Each copy is listed against its head, as two identical texts.
    for c in copies_a.iter().filter(|c| *c != head) {
        let p = pair(&p_on, c, head).unwrap_or_else(|| panic!("{c} and {head}"));
        assert_eq!(
            (&p["kind"], &p["jaccard"]),
            (&"reprint".into(), &1.0.into())
        );
    }
    let mut want = off["summary"].clone();
    let count = |k: &str| off["summary"][k].as_u64().unwrap();
    want["pairs"] = (count("pairs") - in_class + reached).into();
    want["reprint_pairs"] = (count("reprint_pairs") - in_class + reached_reprints).into();
    want["partial_pairs"] = (count("partial_pairs") + reached - reached_reprints).into();
    assert_eq!(on["summary"], want);

    // For a share of the work: in the bands each copy is paired with up to MAX_BUCKET
    // others, set aside only with its head and its head's candidates.
    assert!(
        on_stats.candidates * 3 < off_stats.candidates,
        "{} candidates against {}",
        on_stats.candidates,
        off_stats.candidates
    );
}

#[test]
fn the_binary_counts_the_copies_it_set_aside() {
    let dir = scratch("copies-cli");
    let (feed, _, _) = feed_with_copies(&dir);
    let out = reprint(&["scan", "--format", "json", s(&feed)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("with {} exact copies", MANY + 3)),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_of(&out)["summary"]["articles"], 300 + MANY + 4);
}
