//! Runs `reprint clean` (the real binary) on the bundled example feed, the seed fixture and
//! bad input, and checks the output against the input, the truth file and the sidecar.

use std::collections::HashMap;
use std::path::Path;

use reprint::clean::write::text_value_range;
use serde_json::Value;

mod common;
use common::*;

const FEED: &str = "data/example/feed.jsonl";
const TRUTH: &str = "data/example/truth.json";
const SEED: &str = "data/menafn-japan-germany-security.txt";

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Original lines of a JSONL file by id.
fn lines_by_id(path: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            Some((v["id"].as_str()?.to_string(), l.to_string()))
        })
        .collect()
}

/// The sidecar's summary line, after checking that it is the last line and adds up.
fn summary(sidecar: &[Value]) -> &Value {
    let last = sidecar.last().unwrap();
    assert_eq!(last["kind"], "summary");
    let n = |k: &str| last[k].as_u64().unwrap();
    assert_eq!(n("records_in"), n("kept") + n("removed") + n("skipped"));
    assert_eq!(n("removed"), n("reprints") + n("emptied"));
    let kinds = |k: &str| sidecar.iter().filter(|v| v["kind"] == k).count() as u64;
    assert_eq!(kinds("article"), n("removed"));
    assert_eq!(kinds("skipped"), n("skipped"));
    assert_eq!(kinds("span"), n("spans_cut"));
    last
}

/// Words of `text` with their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    text.split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect()
}

/// The original text without the sidecar's cut spans must give exactly the cleaned text's
/// words: nothing else is lost and no word is cut in half.
fn check_cuts(original: &str, cleaned: &str, spans: &[(usize, usize)]) {
    for &(s, e) in spans {
        assert!(s < e && e <= original.len());
        let before = original[..s].chars().next_back();
        let after = original[e..].chars().next();
        assert!(
            before.is_none_or(|c| c.is_whitespace()) && after.is_none_or(|c| c.is_whitespace()),
            "cut {s}..{e} splits a word"
        );
    }
    let kept: Vec<&str> = words(original)
        .into_iter()
        .filter(|&(at, _)| !spans.iter().any(|&(s, e)| at >= s && at < e))
        .map(|(_, w)| w)
        .collect();
    let got: Vec<&str> = words(cleaned).into_iter().map(|(_, w)| w).collect();
    assert_eq!(kept, got);
    if !original.contains("\n\n\n") {
        assert!(!cleaned.contains("\n\n\n"), "a double blank line appeared");
    }
    assert_eq!(cleaned.trim_start(), cleaned, "no leading separator left");
}

#[test]
fn example_feed_is_cleaned_and_every_removal_is_accounted_for() {
    let dir = scratch("example");
    let out = dir.join("clean.jsonl");
    let o = reprint(&["clean", FEED, "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sidecar = jsonl(&dir.join("clean.jsonl.removed.jsonl"));
    let sum = summary(&sidecar);
    assert_eq!(sum["records_in"], 300);
    assert_eq!(sum["skipped"], 0);
    let kept = sum["kept"].as_u64().unwrap();
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "articles in 300 = kept {kept} + removed {}",
            sum["removed"]
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("bytes cut {}", sum["bytes_cut"])),
        "{err}"
    );

    let original = lines_by_id(&root().join(FEED));
    let cleaned_lines: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(cleaned_lines.len() as u64, kept);
    let mut cleaned: HashMap<String, String> = HashMap::new();
    let mut spans: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for v in sidecar.iter().filter(|v| v["kind"] == "span") {
        let span = (
            v["start"].as_u64().unwrap() as usize,
            v["end"].as_u64().unwrap() as usize,
        );
        spans
            .entry(v["id"].as_str().unwrap().into())
            .or_default()
            .push(span);
    }
    let feed_bytes = std::fs::read_to_string(root().join(FEED)).unwrap();
    let mut previous_line = 0;
    for line in &cleaned_lines {
        let v: Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let orig = &original[&id];
        let ov: Value = serde_json::from_str(orig).unwrap();
        let (os, oe) = text_value_range(orig, "text").unwrap();
        let (ns, ne) = text_value_range(line, "text").unwrap();
        // Every other field, their order and spelling: byte for byte.
        assert_eq!(&orig[..os], &line[..ns], "{id}");
        assert_eq!(&orig[oe..], &line[ne..], "{id}");
        let text = v["text"].as_str().unwrap().to_string();
        let orig_text = ov["text"].as_str().unwrap();
        let cut = spans.get(&id).cloned().unwrap_or_default();
        if cut.is_empty() {
            assert_eq!(orig, line, "an untouched record is copied as is");
        }
        check_cuts(orig_text, &text, &cut);
        // Input order is kept.
        let pos = feed_bytes.find(orig.as_str()).unwrap();
        assert!(pos >= previous_line, "output keeps input order");
        previous_line = pos;
        cleaned.insert(id, text);
    }

    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(TRUTH)).unwrap()).unwrap();
    let orig_text = |id: &str| -> String {
        let v: Value = serde_json::from_str(&original[id]).unwrap();
        v["text"].as_str().unwrap().to_string()
    };
    // Repeats: the repeated run is gone, its first occurrence stays.
    let mut repeats_checked = 0;
    for r in truth["repeats"].as_array().unwrap() {
        let id = r["article"].as_str().unwrap();
        let Some(text) = cleaned.get(id) else {
            continue; // a removed reprint
        };
        let t = orig_text(id);
        let first =
            &t[r["first"][0].as_u64().unwrap() as usize..r["first"][1].as_u64().unwrap() as usize];
        // The repeat is gone and the first occurrence stays. The count can drop by more than
        // one: a lead paragraph equal to a repeated headline after normalization (only a `?`
        // differs) is a repeat too. The text may also hold the run inside a longer paragraph.
        let (before, after) = (t.matches(first).count(), text.matches(first).count());
        assert!(
            after >= 1 && after < before,
            "{id}: {first:?} {before} -> {after}"
        );
        repeats_checked += 1;
    }
    assert!(repeats_checked >= 8, "{repeats_checked}");
    // Boilerplate: gone from every kept carrier but one, the first, which keeps the copy that
    // stays (issue 17: nothing is cut unless a copy that reads the same is kept).
    let mut carriers = 0;
    for b in truth["boilerplate"].as_array().unwrap() {
        let block = b["text"].as_str().unwrap();
        let still: Vec<&str> = b["ids"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|id| cleaned.get(id.as_str().unwrap()))
            .filter(|text| text.contains(block))
            .map(String::as_str)
            .collect();
        assert!(
            still.len() <= 1,
            "{block:?} stays in {} carriers",
            still.len()
        );
        carriers += b["ids"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|id| cleaned.contains_key(id.as_str().unwrap()))
            .count()
            - still.len();
    }
    assert!(carriers > 100, "{carriers}");
    // Clusters: every removed member is a reprint (a `kind: reprint` pair of the scan) of an
    // article that is kept; the canonical is kept.
    let scan = reprint(&["scan", "--format", "json", FEED]);
    let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let reprint_pairs: std::collections::HashSet<(&str, &str)> = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "reprint")
        .flat_map(|p| {
            let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
            [(a, b), (b, a)]
        })
        .collect();
    let mut removed_reprints = 0;
    for r in sidecar.iter().filter(|v| v["kind"] == "article") {
        let (id, of) = (r["id"].as_str().unwrap(), r["of"].as_str().unwrap_or(""));
        assert_eq!(r["reason"], "reprint-of", "{r}");
        assert!(
            cleaned.contains_key(of),
            "{id} removed as a reprint of {of}, not kept"
        );
        assert_eq!(r["similarity_to"], r["of"], "{r}");
        assert!(reprint_pairs.contains(&(id, of)), "{r}");
        assert!(r["jaccard"].as_f64().unwrap() > 0.0, "{r}");
        removed_reprints += 1;
    }
    assert!(removed_reprints > 50, "{removed_reprints}");
    for c in report["clusters"].as_array().unwrap() {
        assert!(cleaned.contains_key(c["canonical"].as_str().unwrap()));
    }
    for c in truth["clusters"].as_array().unwrap() {
        assert!(cleaned.contains_key(c["canonical"].as_str().unwrap()));
    }
}

#[test]
fn keep_all_keeps_every_article_and_output_does_not_depend_on_threads() {
    let dir = scratch("keep-all");
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    let o = reprint(&[
        "clean",
        "--keep",
        "all",
        "--threads",
        "1",
        FEED,
        "-o",
        s(&a),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = reprint(&[
        "clean",
        "--keep",
        "all",
        "--threads",
        "2",
        FEED,
        "-o",
        s(&b),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = std::fs::read(&a).unwrap();
    assert_eq!(out, std::fs::read(&b).unwrap());
    assert_eq!(
        std::fs::read(dir.join("a.jsonl.removed.jsonl")).unwrap(),
        std::fs::read(dir.join("b.jsonl.removed.jsonl")).unwrap()
    );
    assert_eq!(out.iter().filter(|&&c| c == b'\n').count(), 300);
    let sidecar = jsonl(&dir.join("a.jsonl.removed.jsonl"));
    assert_eq!(summary(&sidecar)["kept"], 300);

    // --keep-boilerplate leaves the boilerplate: only repeats are cut.
    let c = dir.join("c.jsonl");
    let side = dir.join("c-removed.jsonl");
    let o = reprint(&[
        "clean",
        "--keep",
        "all",
        "--keep-boilerplate",
        "--removed",
        s(&side),
        FEED,
        "-o",
        s(&c),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sidecar = jsonl(&side);
    assert!(sidecar
        .iter()
        .filter(|v| v["kind"] == "span")
        .all(|v| v["reason"] == "repeat-of"));
    assert!(summary(&sidecar)["repeat_spans"].as_u64().unwrap() >= 10);
}

#[test]
fn seed_fixture_loses_exactly_its_doubled_run() {
    let text = std::fs::read_to_string(root().join(SEED)).unwrap();
    let (starts, ends) = seed_doubled_run(&text);
    // The second copy with the whitespace that separated it from the next paragraph.
    let rest = &text[ends[1]..];
    let expected = format!("{}{}", &text[..starts[1]], rest.trim_start());
    assert!(!rest.trim().is_empty(), "the run is not at the end");

    let dir = scratch("seed");
    let out = dir.join("out");
    let o = reprint(&["clean", SEED, "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cleaned = std::fs::read_to_string(out.join("menafn-japan-germany-security.txt")).unwrap();
    assert_eq!(cleaned, expected);
    check_cuts(&text, &cleaned, &[(starts[1], ends[1])]);
    let sidecar = jsonl(&dir.join("out.removed.jsonl"));
    let span = &sidecar[0];
    assert_eq!(span["reason"], "repeat-of");
    assert_eq!(span["start"], starts[1]);
    assert_eq!(span["end"], ends[1]);
    assert_eq!(span["first"]["start"], starts[0]);
    assert_eq!(span["first"]["end"], ends[0]);
    assert_eq!(summary(&sidecar)["bytes_cut"], text.len() - expected.len());

    // A directory input keeps relative paths.
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(input.join("sub/seed.txt"), &text).unwrap();
    std::fs::write(input.join("other.txt"), "A short note about the weather.\n").unwrap();
    let out2 = dir.join("out2");
    let o = reprint(&["clean", s(&input), "-o", s(&out2)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out2.join("sub/seed.txt")).unwrap(),
        expected
    );
    assert_eq!(
        std::fs::read_to_string(out2.join("other.txt")).unwrap(),
        "A short note about the weather.\n"
    );
}

/// `--keep longest` keeps a member other than the canonical; every other member that is a
/// reprint of it must go, including one whose pair with it a scan report would not list
/// (two non-canonical members).
#[test]
fn keep_longest_removes_every_reprint_of_the_kept_member() {
    let base = std::fs::read_to_string(root().join("data/base-stories.jsonl")).unwrap();
    let stories: Vec<Value> = base
        .lines()
        .take(2)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let story = stories[0]["text"].as_str().unwrap();
    let extra = stories[1]["text"]
        .as_str()
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    // The canonical (earliest), a longer copy, and a copy with one word changed.
    let longer = format!("{story}\n\n{extra}");
    let (head, tail) = story.split_at(story.len() / 2);
    let edited = format!("{head}{}", tail.replacen(" the ", " a ", 1));
    assert_ne!(edited, story);
    let dir = scratch("keep-longest");
    let feed = dir.join("feed.jsonl");
    let line = |id: &str, date: &str, text: &str| {
        serde_json::json!({"id": id, "date": date, "text": text}).to_string()
    };
    std::fs::write(
        &feed,
        [
            line("wire", "2024-01-01", story),
            line("longer", "2024-01-02", &longer),
            line("edited", "2024-01-03", &edited),
        ]
        .join("\n"),
    )
    .unwrap();

    // The scan's cluster: canonical "wire"; the pair of the two other members is not listed.
    let o = reprint(&["scan", "--format", "json", s(&feed)]);
    let report = json_of(&o);
    assert_eq!(report["clusters"][0]["canonical"], "wire");
    let listed: Vec<(String, String)> = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"].as_str().unwrap().into(),
                p["b"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        !listed.iter().any(|(a, b)| a != "wire" && b != "wire"),
        "{listed:?}"
    );

    let out = dir.join("out.jsonl");
    let o = reprint(&["clean", "--keep", "longest", s(&feed), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let kept: Vec<String> = jsonl(&out)
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kept, ["longer"]);
    let sidecar = jsonl(&dir.join("out.jsonl.removed.jsonl"));
    for id in ["wire", "edited"] {
        let r = sidecar
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}"));
        assert_eq!(r["reason"], "reprint-of", "{r}");
        assert_eq!(r["of"], "longer", "{r}");
    }
}

#[test]
fn bad_records_are_skipped_and_counted() {
    let dir = scratch("bad");
    let feed = dir.join("feed.jsonl");
    let good = r#"{"id":"ok-1","text":"A perfectly fine article about the harbour opening next week in town.","source":"Courier"}"#;
    let good2 = r#"{"extra":[1,{"a":2}],"text":"Another fine article, this one about the new library.","id":"ok-2"}"#;
    std::fs::write(&feed, format!("{good}\n{{not json\n\n{good2}\r\n[1]\n")).unwrap();
    let out = dir.join("out.jsonl");
    let o = reprint(&["clean", s(&feed), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "warnings give exit 3");
    let err = stderr(&o);
    assert!(err.contains("feed.jsonl:2: malformed JSON"), "{err}");
    assert!(err.contains("articles in 4 = kept 2 + removed 0"), "{err}");
    assert!(err.contains("skipped 2"), "{err}");
    // Records without cuts are copied byte for byte, line ending included.
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{good}\n{good2}\r\n")
    );
    let sidecar = jsonl(&dir.join("out.jsonl.removed.jsonl"));
    assert_eq!(summary(&sidecar)["skipped"], 2);
    let skipped: Vec<u64> = sidecar
        .iter()
        .filter(|v| v["kind"] == "skipped")
        .map(|v| v["line"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, [2, 5]);
}

#[test]
fn stdin_mixed_inputs_and_unsafe_outputs() {
    let dir = scratch("stdin");
    let out = dir.join("out.jsonl");
    // A story body long enough to be one (`evidence::Rule::min_story_words`).
    let body = "Officials declined to comment on the substance of the negotiations in Geneva on Monday, saying that the talks were continuing. \\n\\nDiplomats from both delegations met for six hours behind closed doors at the lakeside hotel, and a second round is planned for Wednesday morning. \\n\\nThe mediator said in a short statement that both sides had agreed to keep the ceasefire in place while the talks go on, and that a joint committee would meet next week to discuss prisoner exchanges and the reopening of the border crossings.";
    let feed =
        format!("{{\"id\":\"a\",\"text\":\"{body}\"}}\n{{\"id\":\"b\",\"text\":\"{body}\"}}\n");
    let o = reprint_stdin(&["clean", "-", "-o", s(&out)], Some(feed.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // b is a reprint of a: only a stays.
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        feed.lines().next().unwrap().to_string() + "\n"
    );

    let o = reprint(&["clean", FEED, SEED, "-o", s(&dir.join("mixed"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot clean JSONL"), "{}", stderr(&o));

    let copy = dir.join("feed.jsonl");
    std::fs::copy(root().join(FEED), &copy).unwrap();
    let o = reprint(&["clean", s(&copy), "-o", s(&copy)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("would overwrite the input"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(root().join(FEED)).unwrap()
    );
}

#[test]
fn compressed_input_is_cleaned_like_the_plain_file_and_feeds_are_refused() {
    use std::io::Write;
    let dir = scratch("gz");
    let plain = root().join("data/example/feed.jsonl");
    let gz = dir.join("feed.jsonl.gz");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&std::fs::read(&plain).unwrap()).unwrap();
    std::fs::write(&gz, e.finish().unwrap()).unwrap();
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    let oa = reprint(&["clean", s(&plain), "-o", s(&a)]);
    let ob = reprint(&["clean", s(&gz), "-o", s(&b)]);
    assert!(oa.status.success(), "{}", stderr(&oa));
    assert!(ob.status.success(), "{}", stderr(&ob));
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "records are written back from the decompressed bytes"
    );
    let feed = root().join("data/feeds/valley-courier.rss");
    let rss = reprint(&["clean", s(&feed), "-o", s(&dir.join("c.jsonl"))]);
    assert_eq!(rss.status.code(), Some(1), "{}", stderr(&rss));
    assert!(stderr(&rss).contains("RSS/Atom"), "{}", stderr(&rss));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 17: `reprint clean bad.rss -o x.jsonl` blamed `--output` for its input. Every input
/// problem names the input and never the output: a feed whose XML breaks before its first
/// item (no article read, so only the name says it is a feed), a good feed after a JSONL file,
/// and JSONL beside a text file.
#[test]
fn clean_blames_the_input_not_the_output() {
    let dir = scratch("blame");
    let bad = dir.join("bad.rss");
    std::fs::write(
        &bad,
        "<rss><channel><title>Valley</title><item><title>Oops</tit",
    )
    .unwrap();
    let out = dir.join("x.jsonl");
    let feed = root().join("data/feeds/valley-courier.rss");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["clean", s(&bad), "-o", s(&out)],
            format!("{}: an RSS/Atom feed", s(&bad)),
        ),
        (
            vec!["clean", FEED, s(&feed), "-o", s(&out)],
            format!("{}: an RSS/Atom feed", s(&feed)),
        ),
        (
            vec!["clean", FEED, SEED, "-o", s(&out)],
            format!("{SEED}: a plain-text input, and {FEED} is JSONL"),
        ),
    ];
    for (args, needle) in cases {
        let o = reprint(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(&needle), "{args:?}: {err}");
        assert!(
            !err.contains("--output"),
            "{args:?} blames the output: {err}"
        );
        assert!(!out.exists(), "{args:?}: nothing is written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// The clean invariant (issue 17), as a property over generated feeds.

// The generator is developer tooling (the `tooling` feature, on by default).
#[cfg(feature = "tooling")]
mod invariant {
    use std::collections::{HashMap, HashSet};
    use std::sync::Arc;

    use proptest::prelude::*;
    use reprint::clean::{apply, plan, Keep, Policy, Removal};
    use reprint::corpus::{Article, Body, Corpus, Origin};
    use reprint::report::PairKind;

    /// Words as a reader compares them, written independently of the library's tokenizer:
    /// compatibility forms folded (NFKC: long s reads as s, a ligature as its letters), lower
    /// case, apostrophes dropped, anything but a letter or a digit separates. A number or a
    /// name that differs makes the words differ.
    fn words(text: &str) -> Vec<String> {
        use unicode_normalization::UnicodeNormalization;
        text.nfkc()
            .collect::<String>()
            .to_lowercase()
            .replace(['\'', '\u{2019}'], "")
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    }

    fn base() -> &'static [reprint::synth::BaseStory] {
        static BASE: std::sync::OnceLock<Vec<reprint::synth::BaseStory>> =
            std::sync::OnceLock::new();
        BASE.get_or_init(|| {
            reprint::synth::load_base(&super::root().join("data/base-stories.jsonl")).unwrap()
        })
    }

    /// Edits that make paragraphs read almost, but not quite, the same, as real feeds do: a
    /// table row whose number changed, a list whose last name changed, and exact copies.
    #[derive(Clone, Copy, Debug)]
    enum Edit {
        /// A paragraph printed again, word for word.
        Exact,
        /// A paragraph printed again with one word replaced by a number ("12 cts" / "two cts").
        Number,
        /// A paragraph printed again with its last word replaced by a name ("…Juventus, Lyon."
        /// / "…Juventus, Monaco.").
        Name,
        /// A paragraph printed again with one common word changed: a near-exact repeat for
        /// the scan, still not a copy that reads the same.
        Word,
    }

    fn edited(p: &str, edit: Edit, salt: usize) -> String {
        let mut w: Vec<String> = p.split(' ').map(String::from).collect();
        match edit {
            Edit::Exact => {}
            Edit::Number => {
                let i = salt % w.len();
                w[i] = format!("{}", 12 + salt % 80);
            }
            Edit::Name => {
                let last = w.len() - 1;
                w[last] = ["Monaco.", "Lyon.", "Porto.", "Ajax."][salt % 4].to_string();
            }
            Edit::Word => {
                let plain = |x: &String| x.len() > 3 && x.chars().all(|c| c.is_ascii_lowercase());
                if let Some(i) = (0..w.len())
                    .map(|k| (k + salt) % w.len())
                    .find(|&k| plain(&w[k]))
                {
                    w[i] = "reportedly".to_string();
                }
            }
        }
        w.join(" ")
    }

    /// A generated feed, some of whose articles get a paragraph printed again (exactly, or
    /// with a number or a name changed), plus a few tiny template notices that differ only
    /// in the company and the figures.
    fn feed(seed: u64, articles: usize, edits: &[(usize, Edit)]) -> Corpus {
        let cfg = reprint::synth::SynthConfig {
            seed,
            articles,
            outlets: 6,
            ..Default::default()
        };
        let gen = reprint::synth::generate(base(), &cfg);
        let file: Arc<str> = Arc::from("feed.jsonl");
        let mut out: Vec<Article> = Vec::new();
        for (i, a) in gen.articles.iter().enumerate() {
            let mut text = a.text.clone();
            for &(k, edit) in edits.iter().filter(|e| e.0 % articles == i) {
                let spans = reprint::segment::paragraphs(&text);
                let long: Vec<&str> = spans
                    .iter()
                    .map(|s| &text[s.start..s.end])
                    .filter(|p| p.split(' ').count() >= 12)
                    .collect();
                if let Some(p) = long.get(k % long.len().max(1)) {
                    let copy = edited(p, edit, k);
                    text = format!("{text}\n\n{copy}");
                }
            }
            out.push(Article {
                id: a.id.clone(),
                title: a.title.clone(),
                body: Body::Text(text),
                source: a.source.clone(),
                date: a.date.clone(),
                origin: Origin {
                    file: file.clone(),
                    line: i as u64 + 1,
                },
            });
        }
        let companies = [
            "Combustion Engineering",
            "Meridian Bancorp",
            "Acme Mills",
            "Dover Corp",
            "Baker Foods",
            "Nordic Steel",
        ];
        for (c, name) in companies.iter().enumerate() {
            let text = format!(
                "{name} Inc quarterly dividend\n\nQtly div {} cts vs {} cts prior\n\nPay April {}\n\nRecord April {}\n\nReuter",
                20 + c,
                18 + c,
                28 + c % 3,
                14 + c % 3
            );
            out.push(Article {
                id: format!("notice-{c}"),
                title: format!("{name} sets dividend"),
                body: Body::Text(text),
                source: "Reuters".into(),
                date: "2024-03-02T10:00:00Z".into(),
                origin: Origin {
                    file: file.clone(),
                    line: (out.len() + 1) as u64,
                },
            });
        }
        Corpus::in_memory(out)
    }

    /// Checks the invariant on one plan; returns (cuts, removals) for the caller's counts.
    fn check(corpus: &Corpus, keep: Keep, keep_boilerplate: bool) -> (usize, usize) {
        let (report, _, details) =
            reprint::clean::scan(corpus, Vec::new(), &reprint::Config::default()).unwrap();
        let plan = plan(
            corpus,
            &report,
            &details,
            Policy {
                keep,
                keep_boilerplate,
                ..Policy::default()
            },
        )
        .unwrap();
        assert_eq!(
            plan.articles.len(),
            corpus.len(),
            "every article has a verdict"
        );
        // Every reprint verdict of the scan, listed in the report or not.
        let id = |k: usize| corpus.articles[k].id.as_str();
        let reprint_pairs: HashSet<(&str, &str)> = details
            .reprint_pairs
            .iter()
            .flat_map(|p| [(id(p.a), id(p.b)), (id(p.b), id(p.a))])
            .collect();
        for p in report.pairs.iter().filter(|p| p.kind == PairKind::Reprint) {
            assert!(
                reprint_pairs.contains(&(p.a.as_str(), p.b.as_str())),
                "the listed reprint pair {} / {} is among the details' pairs",
                p.a,
                p.b
            );
        }
        let kept: HashSet<&str> = corpus
            .articles
            .iter()
            .zip(&plan.articles)
            .filter(|(_, p)| p.removed.is_none())
            .map(|(a, _)| a.id.as_str())
            .collect();
        // The output's paragraphs, as words.
        let mut output: HashSet<Vec<String>> = HashSet::new();
        let mut outputs: HashMap<usize, String> = HashMap::new();
        for (i, p) in plan.articles.iter().enumerate() {
            if p.removed.is_none() {
                let out = apply(&corpus.text(i).unwrap(), &p.delete);
                for s in reprint::segment::paragraphs(&out) {
                    output.insert(words(&out[s.start..s.end]));
                }
                outputs.insert(i, out);
            }
        }
        let (mut cuts, mut removals) = (0, 0);
        for (i, p) in plan.articles.iter().enumerate() {
            let id = corpus.articles[i].id.as_str();
            let text = corpus.text(i).unwrap();
            match &p.removed {
                Some(Removal::ReprintOf { of, .. }) => {
                    removals += 1;
                    assert!(
                        kept.contains(of.as_str()),
                        "{id} removed as a reprint of {of}, which is not kept"
                    );
                    assert!(
                        reprint_pairs.contains(&(id, of.as_str())),
                        "{id} removed as a reprint of {of} without a reprint verdict on the pair"
                    );
                }
                Some(Removal::Emptied) => {
                    // Every paragraph of it has a copy that reads the same in the output.
                    for s in reprint::segment::paragraphs(&text) {
                        let w = words(&text[s.start..s.end]);
                        assert!(
                            w.is_empty() || output.contains(&w),
                            "{id} emptied, but {:?} is nowhere in the output",
                            &text[s.start..s.end]
                        );
                    }
                }
                None => {
                    for c in &p.cuts {
                        cuts += 1;
                        let spans = reprint::segment::paragraphs(&text);
                        for s in &spans[c.paragraphs[0]..=c.paragraphs[1]] {
                            let cut = &text[s.start..s.end];
                            assert!(
                                output.contains(&words(cut)),
                                "{id}: cut {cut:?} ({:?}) but no copy that reads the same is kept",
                                c.reason
                            );
                        }
                    }
                    // Nothing else disappears: the output is the text without the cut
                    // paragraphs, word for word.
                    let mut left = String::new();
                    let mut at = 0;
                    for c in &p.cuts {
                        left.push_str(&text[at..c.start]);
                        left.push(' ');
                        at = c.end;
                    }
                    left.push_str(&text[at..]);
                    assert_eq!(
                        words(&left),
                        words(&outputs[&i]),
                        "{id}: words lost outside the cuts"
                    );
                }
            }
        }
        (cuts, removals)
    }

    fn edit() -> impl Strategy<Value = (usize, Edit)> {
        (
            0usize..1000,
            prop_oneof![
                Just(Edit::Exact),
                Just(Edit::Number),
                Just(Edit::Name),
                Just(Edit::Word)
            ],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn clean_keeps_a_copy_of_every_cut_and_the_article_of_every_reprint(
            seed in 0u64..1_000_000,
            articles in 40usize..120,
            edits in proptest::collection::vec(edit(), 0..30),
            keep in prop_oneof![Just(Keep::Canonical), Just(Keep::Longest), Just(Keep::All)],
            keep_boilerplate in any::<bool>(),
        ) {
            let corpus = feed(seed, articles, &edits);
            check(&corpus, keep, keep_boilerplate);
        }
    }

    /// The property can fail: the generated feeds do exercise cuts and removals, and the
    /// edits that change a common word are found as near-exact repeats by the scan yet not cut.
    #[test]
    fn generated_feeds_exercise_every_kind_of_verdict() {
        let edits: Vec<(usize, Edit)> = (0..80)
            .map(|k| {
                (
                    k * 7,
                    [Edit::Exact, Edit::Number, Edit::Name, Edit::Word][k % 4],
                )
            })
            .collect();
        let corpus = feed(11, 100, &edits);
        let (cuts, removals) = check(&corpus, Keep::Canonical, false);
        assert!(
            cuts > 50 && removals > 10,
            "cuts {cuts}, removals {removals}"
        );
        let cfg = reprint::Config::default();
        let (report, _, details) =
            reprint::pipeline::scan_with_details(&corpus, Vec::new(), &cfg).unwrap();
        let near = report.repeats.iter().filter(|r| !r.exact).count();
        assert!(
            near > 5,
            "the scan finds the copies with a common word changed as near-exact repeats: {near}"
        );
        let p = plan(&corpus, &report, &details, Policy::default()).unwrap();
        let repeat_cuts: usize = p
            .articles
            .iter()
            .flat_map(|a| &a.cuts)
            .filter(|c| matches!(c.reason, reprint::clean::CutReason::RepeatOf { .. }))
            .count();
        assert!(repeat_cuts > 5, "exact copies are still cut: {repeat_cuts}");
        // No template notice is removed: they share a few words, not a story.
        for a in &corpus.articles[100..] {
            let i = corpus.articles.iter().position(|b| b.id == a.id).unwrap();
            assert!(
                !matches!(p.articles[i].removed, Some(Removal::ReprintOf { .. })),
                "{}",
                a.id
            );
        }
    }
}
