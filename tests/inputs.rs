//! Runs the real `reprint` binary on compressed inputs (gzip, zstd; files, directories,
//! stdin; damaged streams) and on RSS/Atom feeds (`data/feeds/`, malformed XML).

use std::io::Write;

use serde_json::Value;

mod common;
use common::*;

const FEED: &str = "data/example/feed.jsonl";
const SEED: &str = "data/menafn-japan-germany-security.txt";
const RSS: &str = "data/feeds/valley-courier.rss";
const ATOM: &str = "data/feeds/wire-desk.atom";

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).unwrap()
}

#[test]
fn compressed_feeds_give_byte_identical_reports() {
    let dir = scratch("same");
    let plain = std::fs::read(root().join(FEED)).unwrap();
    std::fs::write(dir.join("feed.jsonl.gz"), gzip(&plain)).unwrap();
    std::fs::write(dir.join("feed.jsonl.zst"), zstd(&plain)).unwrap();
    // Named by neither extension: the magic bytes decide, the content is sniffed.
    std::fs::write(dir.join("feed.data"), gzip(&plain)).unwrap();
    std::fs::create_dir_all(dir.join("tree/sub")).unwrap();
    std::fs::write(dir.join("tree/sub/feed.jsonl.zstd"), zstd(&plain)).unwrap();

    let want = reprint(&["scan", "--format", "json", FEED]);
    assert_eq!(want.status.code(), Some(0), "{}", stderr(&want));
    for input in ["feed.jsonl.gz", "feed.jsonl.zst", "feed.data", "tree"] {
        let got = reprint(&["scan", "--format", "json", s(&dir.join(input))]);
        assert_eq!(got.status.code(), Some(0), "{input}: {}", stderr(&got));
        assert!(got.stdout == want.stdout, "{input}: report differs");
    }
    let got = reprint_stdin(&["scan", "--format", "json", "-"], Some(&gzip(&plain)));
    assert_eq!(got.status.code(), Some(0), "stdin: {}", stderr(&got));
    assert!(got.stdout == want.stdout, "stdin gzip: report differs");
    let got = reprint_stdin(&["scan", "--format", "json", "-"], Some(&zstd(&plain)));
    assert!(got.stdout == want.stdout, "stdin zstd: report differs");
}

#[test]
fn gzipped_text_article_keeps_its_offsets() {
    let dir = scratch("text");
    let text = std::fs::read(root().join(SEED)).unwrap();
    let gz = dir.join("story.txt.gz");
    std::fs::write(&gz, gzip(&text)).unwrap();
    let plain = json_of(&reprint(&["scan", "--format", "json", SEED]));
    let out = reprint(&["scan", "--format", "json", s(&gz)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json_of(&out);
    assert_eq!(r["summary"]["articles"], 1);
    assert_eq!(
        r["repeats"][0]["article"],
        s(&gz),
        "the id is the input path"
    );
    assert_eq!(r["repeats"][0]["first"], plain["repeats"][0]["first"]);
    assert_eq!(r["repeats"][0]["repeat"], plain["repeats"][0]["repeat"]);
}

#[test]
fn truncated_gzip_warns_keeps_earlier_records_and_exits_3() {
    let dir = scratch("cut");
    let plain = std::fs::read(root().join(FEED)).unwrap();
    let gz = gzip(&plain);
    let cut = dir.join("feed.jsonl.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let out = reprint(&["scan", "--format", "json", s(&cut)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let r = json_of(&out);
    let articles = r["summary"]["articles"].as_u64().unwrap();
    assert!(articles > 50 && articles < 300, "{articles} articles kept");
    let w = r["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "one warning, no malformed half record: {w:?}");
    assert_eq!(w[0]["file"], s(&cut));
    let msg = w[0]["message"].as_str().unwrap();
    assert!(msg.contains("corrupt or truncated gzip"), "{msg}");
    // The line named is the decompressed line where decoding stopped: one past the records.
    assert_eq!(w[0]["line"].as_u64().unwrap(), articles + 1, "{msg}");
    assert!(stderr(&out).contains("feed.jsonl.gz:"), "{}", stderr(&out));

    // The kept records are the feed's first ones: a scan of those lines reports the same.
    let head: Vec<u8> = plain
        .split_inclusive(|&b| b == b'\n')
        .take(articles as usize)
        .flatten()
        .copied()
        .collect();
    let want = reprint_stdin(&["scan", "--format", "json", "-"], Some(&head));
    let mut want = json_of(&want);
    let mut got = r.clone();
    want["warnings"] = Value::Null;
    want["summary"]["warnings"] = Value::Null;
    got["warnings"] = Value::Null;
    got["summary"]["warnings"] = Value::Null;
    assert_eq!(got, want);

    let strict = reprint(&["scan", "--strict", s(&cut)]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());
    assert!(stderr(&strict).contains("--strict"), "{}", stderr(&strict));

    // A truncated text article is not half read.
    let text = std::fs::read(root().join(SEED)).unwrap();
    let gz = gzip(&text);
    let cut = dir.join("story.txt.gz");
    std::fs::write(&cut, &gz[..gz.len() - 100]).unwrap();
    let out = reprint(&["scan", "--format", "json", s(&cut)]);
    assert_eq!(out.status.code(), Some(3));
    let r = json_of(&out);
    assert_eq!(r["summary"]["articles"], 0);
    assert!(r["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no article read"));
}

#[test]
fn misnamed_compressed_file_is_a_warning() {
    let dir = scratch("misnamed");
    std::fs::write(
        dir.join("feed.jsonl.gz"),
        "{\"id\":\"a\",\"text\":\"plain\"}\n",
    )
    .unwrap();
    let out = reprint(&["scan", "--format", "json", s(&dir)]);
    assert_eq!(out.status.code(), Some(3));
    let r = json_of(&out);
    assert_eq!(r["summary"]["articles"], 0);
    assert!(r["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not gzip data"));
}

/// The text of an article as reprint stores it: the report's spans point into it.
fn span_text<'a>(text: &'a str, span: &Value) -> &'a str {
    let (a, b) = (
        span["start"].as_u64().unwrap() as usize,
        span["end"].as_u64().unwrap() as usize,
    );
    &text[a..b]
}

#[test]
fn rss_fixture_gives_the_cluster_and_the_repeated_headline() {
    let out = reprint(&["scan", "--format", "json", RSS]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json_of(&out);
    assert_eq!(r["summary"]["articles"], 3);
    assert_eq!(r["summary"]["clusters"], 1);
    assert_eq!(
        r["clusters"][0]["members"],
        serde_json::json!([
            "courier-2024-0305-solar",
            "courier-2024-0306-solar-regional"
        ])
    );
    assert_eq!(r["summary"]["repeats"], 1);
    let rep = &r["repeats"][0];
    assert_eq!(rep["article"], "courier-2024-0306-bus");
    // Offsets are into the converted text: the <h2> headline is paragraph 0 at byte 0, its
    // <p> echo paragraph 1 after one blank line.
    let headline = "Council approves late-night bus route to the hospital";
    let text = format!("{headline}\n\n{headline}\n\n");
    assert_eq!(span_text(&text, &rep["first"]), headline);
    assert_eq!(span_text(&text, &rep["repeat"]), headline);
    // Shared spans of the pair cover the wire copy, not the promo or the script.
    let pair = &r["pairs"][0];
    assert!(pair["jaccard"].as_f64().unwrap() > 0.5, "{pair}");
}

#[test]
fn atom_fixture_gives_the_cluster_and_the_repeat() {
    let out = reprint(&["scan", "--format", "json", ATOM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json_of(&out);
    assert_eq!(r["summary"]["articles"], 3);
    assert_eq!(
        r["clusters"][0]["members"],
        serde_json::json!([
            "urn:uuid:0d4f2a71-8d0b-4f55-9f0e-2a1b1f6c0001",
            "https://harbourtimes.example/2024/03/08/electric-ferries-update"
        ]),
        "the earlier published entry is canonical"
    );
    assert_eq!(
        r["repeats"][0]["article"],
        "urn:uuid:0d4f2a71-8d0b-4f55-9f0e-2a1b1f6c0003"
    );
    let text = r#"Lighthouse keeper’s cottage to become a museum"#;
    assert_eq!(r["repeats"][0]["first"]["end"], text.len());

    // Both feeds together, once each, also gzip'd: the same two clusters.
    let dir = scratch("feeds");
    std::fs::write(
        dir.join("a.rss.gz"),
        gzip(&std::fs::read(root().join(RSS)).unwrap()),
    )
    .unwrap();
    std::fs::write(
        dir.join("b.atom.zst"),
        zstd(&std::fs::read(root().join(ATOM)).unwrap()),
    )
    .unwrap();
    let out = reprint(&["scan", "--format", "json", s(&dir)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json_of(&out);
    assert_eq!(r["summary"]["articles"], 6);
    assert_eq!(r["summary"]["clusters"], 2);
    assert_eq!(r["summary"]["repeats"], 2);
}

#[test]
fn feeds_are_sniffed_on_stdin_and_forced_by_flag() {
    let rss = std::fs::read(root().join(RSS)).unwrap();
    let out = reprint_stdin(&["scan", "--format", "json", "-"], Some(&rss));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["summary"]["articles"], 3);

    let dir = scratch("flag");
    let odd = dir.join("feed.txt");
    std::fs::write(&odd, &rss).unwrap();
    let out = reprint(&["scan", "--format", "json", s(&odd)]);
    assert_eq!(json_of(&out)["summary"]["articles"], 1, ".txt is text");
    let out = reprint(&[
        "scan",
        "--format",
        "json",
        "--input-format",
        "feed",
        s(&odd),
    ]);
    assert_eq!(json_of(&out)["summary"]["articles"], 3);
}

#[test]
fn malformed_xml_warns_at_its_line_and_keeps_earlier_items() {
    let dir = scratch("malformed");
    let xml = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n\
<item><guid>one</guid><description>&lt;p&gt;The first item is fine and has words.&lt;/p&gt;</description></item>\n\
<item><guid>two</guid><description>Broken</descriptio></item>\n\
<item><guid>three</guid><description>Never read.</description></item>\n</channel></rss>\n";
    let f = dir.join("bad.xml");
    std::fs::write(&f, xml).unwrap();
    let out = reprint(&["scan", "--format", "json", s(&f)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let r = json_of(&out);
    assert_eq!(r["summary"]["articles"], 1);
    let w = &r["warnings"][0];
    assert_eq!(w["file"], s(&f));
    assert_eq!(w["line"], 4);
    assert!(
        w["message"].as_str().unwrap().contains("malformed XML"),
        "{w}"
    );
    let strict = reprint(&["scan", "--strict", s(&f)]);
    assert_eq!(strict.status.code(), Some(1));
}

/// `input::file_kind` (how the distributed scans decide what they can cut) decides as the
/// reader does: by compression magic or name first, then the name's extension, then the
/// first bytes; and `input::input_entries` lists a directory's files in the order the CLI
/// reads them (that the Ray scan of a directory gives the CLI's report is
/// `python/tests/test_ray.py`).
#[test]
fn file_kinds_and_listed_inputs_are_the_readers() {
    use reprint::config::InputFormat::{Feed, Jsonl, Parquet, Text};
    use reprint::input::{file_kind, input_entries, Entry, FileKind};
    let dir = scratch("kinds");
    let plain = std::fs::read(root().join(FEED)).unwrap();
    let cfg = reprint::Config::default();
    let cases: Vec<(&str, Vec<u8>, FileKind)> = vec![
        ("a.jsonl", plain.clone(), FileKind::Plain(Jsonl)),
        ("a.jsonl.gz", gzip(&plain), FileKind::Compressed("gzip")),
        ("a.data", zstd(&plain), FileKind::Compressed("zstd")),
        // Named as gzip without its magic: the reader skips it with a warning.
        ("b.jsonl.gz", plain.clone(), FileKind::Compressed("gzip")),
        (
            "a.rss",
            std::fs::read(root().join(RSS)).unwrap(),
            FileKind::Plain(Feed),
        ),
        (
            "atom",
            std::fs::read(root().join(ATOM)).unwrap(),
            FileKind::Plain(Feed),
        ),
        (
            "seed.txt",
            std::fs::read(root().join(SEED)).unwrap(),
            FileKind::Plain(Text),
        ),
        ("noext", plain.clone(), FileKind::Plain(Jsonl)),
        // The extension wins over the content, as in a scan.
        ("c.txt", plain.clone(), FileKind::Plain(Text)),
        (
            "d",
            b"PAR1 and not much else".to_vec(),
            FileKind::Plain(Parquet),
        ),
        ("e", b"  a plain article".to_vec(), FileKind::Plain(Text)),
    ];
    for (name, bytes, want) in &cases {
        std::fs::write(dir.join(name), bytes).unwrap();
        assert_eq!(file_kind(&dir.join(name), &cfg).unwrap(), *want, "{name}");
    }
    assert!(file_kind(&dir.join("missing"), &cfg).is_err());

    // Listed in byte order of names, hidden entries skipped, sub-directories walked.
    std::fs::create_dir_all(dir.join("tree/b")).unwrap();
    std::fs::write(dir.join("tree/b/2.jsonl"), &plain).unwrap();
    std::fs::write(dir.join("tree/B.jsonl"), &plain).unwrap();
    std::fs::write(dir.join("tree/.hidden.jsonl"), &plain).unwrap();
    std::fs::write(dir.join("tree/a.jsonl"), &plain).unwrap();
    let listed: Vec<String> = input_entries(&[dir.join("tree"), dir.join("a.rss")])
        .unwrap()
        .into_iter()
        .map(|e| match e {
            Entry::File { path, .. } => path.to_string_lossy().into_owned(),
            Entry::Problem { path, message, .. } => panic!("{path}: {message}"),
        })
        .collect();
    let t = |p: &str| s(&dir.join(p)).to_string();
    assert_eq!(
        listed,
        [
            t("tree/B.jsonl"),
            t("tree/a.jsonl"),
            t("tree/b/2.jsonl"),
            t("a.rss")
        ]
    );
    std::fs::create_dir_all(dir.join("empty/.git")).unwrap();
    match &input_entries(&[dir.join("empty")]).unwrap()[..] {
        [Entry::Problem { message, .. }] => {
            assert!(message.contains("no input files"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}
