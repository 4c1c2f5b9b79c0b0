//! `reprint scan --format html` (issue 5): runs the real binary on data/ and checks the page
//! against the JSON report of the same run — counts, highlighted text, escaping, determinism.
//! The page's markup is plain enough to search as text; `tests/browser/check_html.py` checks
//! what a real browser renders.

use serde_json::Value;

mod common;
use common::{reprint, stderr};

const SEED: &str = "data/menafn-japan-germany-security.txt";
const EXAMPLE: &str = "data/example/feed.jsonl";

fn scan(format: &str, extra: &[&str], inputs: &[&str]) -> String {
    let args: Vec<&str> = ["scan", "--quiet", "--format", format]
        .into_iter()
        .chain(extra.iter().copied())
        .chain(inputs.iter().copied())
        .collect();
    let out = reprint(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).expect("the page is UTF-8")
}

fn json(inputs: &[&str]) -> Value {
    serde_json::from_str(&scan("json", &[], inputs)).expect("one JSON document")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The element that opens with `open` (up to its first `close`).
fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in the page"));
    let end = html[start..].find(close).expect("element closed") + start;
    &html[start..end]
}

/// Unescaped contents of every `<mark class="{class}">` in `html`.
fn marks(html: &str, class: &str) -> Vec<String> {
    let open = format!("<mark class=\"{class}\">");
    html.match_indices(&open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            unescape(&rest[..rest.find("</mark>").expect("mark closed")])
        })
        .collect()
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// The `data-n` of the paragraph holding byte `at` of `html`.
fn paragraph_at(html: &str, at: usize) -> usize {
    let p = html[..at]
        .rfind("<p data-n=\"")
        .expect("inside a paragraph")
        + 11;
    let n = &html[p..];
    n[..n.find('"').unwrap()].parse().unwrap()
}

fn count(html: &str, key: &str) -> u64 {
    let open = format!("data-count=\"{key}\">");
    let rest = &html[html.find(&open).expect("count shown") + open.len()..];
    rest[..rest.find('<').unwrap()].parse().unwrap()
}

#[test]
fn counts_shown_equal_the_json_summary() {
    for inputs in [&[EXAMPLE][..], &[SEED][..], &[EXAMPLE, SEED][..]] {
        let html = scan("html", &[], inputs);
        let report = json(inputs);
        // Every key of the JSON summary, so a count added to the report must be shown too.
        for (key, value) in report["summary"].as_object().unwrap() {
            assert_eq!(
                count(&html, key),
                value.as_u64().unwrap(),
                "{key} for {inputs:?}"
            );
        }
        let n = |key: &str| report[key].as_array().unwrap().len();
        // Below the default limits every finding is drawn in full.
        assert_eq!(
            html.matches("<details class=\"repeat\"").count(),
            n("repeats")
        );
        assert_eq!(
            html.matches("<details class=\"boilerplate\"").count(),
            n("boilerplate")
        );
        assert_eq!(
            html.matches("<details class=\"cluster\"").count(),
            n("clusters")
        );
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    }
}

#[test]
fn the_seed_repeat_is_highlighted_paragraph_by_paragraph() {
    let html = scan("html", &[], &[SEED]);
    let report = json(&[SEED]);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/menafn-japan-germany-security.txt"
    ))
    .unwrap();
    let r = &report["repeats"][0];
    let section = element(&html, "<details class=\"repeat\" id=\"r0\"", "</details>");
    for (side, class) in [("first", "first"), ("repeat", "repeat")] {
        let span = &r[side];
        let (start, end) = (
            span["start"].as_u64().unwrap() as usize,
            span["end"].as_u64().unwrap() as usize,
        );
        let [p0, p1] = [0, 1].map(|k| span["paragraphs"][k].as_u64().unwrap() as usize);
        let got = marks(section, class);
        // One <mark> per paragraph of the run (paragraphs 2-11 and 12-21 of the seed)...
        assert_eq!(got.len(), p1 - p0 + 1, "{side}");
        // ...holding exactly the run's text.
        assert_eq!(
            words(&got.join("\n")),
            words(&text[start..end]),
            "{side} marks hold bytes {start}..{end}"
        );
        let open = format!("<mark class=\"{class}\">");
        assert_eq!(paragraph_at(section, section.find(&open).unwrap()), p0);
        assert_eq!(paragraph_at(section, section.rfind(&open).unwrap()), p1);
    }
    assert!(marks(section, "repeat")[0].starts_with("The talks were co-led"));
}

#[test]
fn cluster_comparisons_highlight_the_pair_spans_on_both_sides() {
    let html = scan("html", &[], &[EXAMPLE]);
    let report = json(&[EXAMPLE]);
    let feed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/example/feed.jsonl"
    ))
    .unwrap();
    let text_of = |id: &str| -> String {
        feed.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|v| v["id"] == id)
            .map(|v| v["text"].as_str().unwrap().to_string())
            .unwrap()
    };
    let c = &report["clusters"][0];
    let canonical = c["canonical"].as_str().unwrap();
    let member = c["members"][1].as_str().unwrap();
    let pair = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            (p["a"] == canonical && p["b"] == member) || (p["a"] == member && p["b"] == canonical)
        })
        .expect("the canonical and its member are a pair");
    let (ck, mk) = if pair["a"] == canonical {
        ("a", "b")
    } else {
        ("b", "a")
    };
    let cmp = element(
        &html,
        "<details class=\"comparison\" id=\"c0m1\"",
        "</details>",
    );
    let cols: Vec<&str> = cmp.split("<div class=\"col\">").skip(1).collect();
    assert_eq!(cols.len(), 2, "canonical beside member");
    for (col, id, key) in [(cols[0], canonical, ck), (cols[1], member, mk)] {
        assert!(col.contains(id));
        let text = text_of(id);
        let mut spans: Vec<(usize, usize)> = pair["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s[key][0].as_u64().unwrap() as usize,
                    s[key][1].as_u64().unwrap() as usize,
                )
            })
            .collect();
        spans.sort();
        let expected: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        let mut got = marks(col, "shared");
        got.extend(marks(col, "shared alt"));
        assert!(!got.is_empty());
        let mut got_words: Vec<&str> = got.iter().flat_map(|m| words(m)).collect();
        let mut expected_words: Vec<&str> = expected.iter().flat_map(|m| words(m)).collect();
        // Shades alternate, so compare the words as multisets.
        got_words.sort();
        expected_words.sort();
        assert_eq!(got_words, expected_words, "{id}");
    }
    let jaccard = format!(
        "<td class=\"n\">{:.4}</td>",
        pair["jaccard"].as_f64().unwrap()
    );
    assert!(element(&html, "id=\"c0\"", "</table>").contains(&jaccard));
}

#[test]
fn article_text_ids_and_titles_are_escaped() {
    let dir = std::env::temp_dir().join(format!("reprint-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/menafn-japan-germany-security.txt"
    ))
    .unwrap();
    let body: String = seed.chars().take(2500).collect();
    let evil = "<script>alert(\"owned\")</script> & a paragraph with enough words to count";
    let text = format!("{evil}\n{evil}\n{body}");
    let mut feed = String::new();
    for (id, title) in [
        ("<b>one</b>", "<img src=x onerror=alert(1)>"),
        ("two\"'", "</title><script>x()</script>"),
    ] {
        let line =
            serde_json::json!({"id": id, "title": title, "text": text, "source": "<i>Outlet</i>"});
        feed.push_str(&line.to_string());
        feed.push('\n');
    }
    let path = dir.join("evil.jsonl");
    std::fs::write(&path, feed).unwrap();
    let path = path.to_str().unwrap();
    let html = scan("html", &[], &[path]);
    let report = json(&[path]);
    assert!(report["summary"]["repeats"].as_u64().unwrap() >= 1);
    assert_eq!(report["summary"]["clusters"].as_u64().unwrap(), 1);
    assert_eq!(html.matches("<script").count(), 0, "no script element");
    for raw in ["<b>", "<i>", "<img", "</title><"] {
        assert!(!html.contains(raw), "{raw} unescaped");
    }
    assert!(html.contains("&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; a"));
    assert!(html.contains("&lt;b&gt;one&lt;/b&gt;"));
    assert!(html.contains("two&quot;&#39;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_page_is_identical_for_any_thread_count() {
    let one = scan("html", &["--threads", "1"], &[EXAMPLE, SEED]);
    assert!(one.len() > 100_000);
    for threads in ["2", "3"] {
        assert!(
            one == scan("html", &["--threads", threads], &[EXAMPLE, SEED]),
            "html differs with {threads} threads"
        );
    }
}

#[test]
fn eval_refuses_the_html_format() {
    let out = reprint(&[
        "eval",
        "--format",
        "html",
        "--truth",
        "data/example/truth.json",
        EXAMPLE,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--format"));
}
