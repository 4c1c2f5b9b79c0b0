//! Issue 4: texts of plain JSONL and text files stay on disk and are read again by
//! `Corpus::text`. Reading through the store must give exactly the texts and the report the
//! in-memory reader gives, and an input that changes between the passes must be an error
//! naming the file and line, never a panic.

use std::path::{Path, PathBuf};

use reprint::config::Config;
use reprint::corpus::{Body, Corpus};
use reprint::input::{read_inputs, read_inputs_keeping, Retain};
use reprint::report::{Json, Printer};
use reprint::Error;

mod common;
use common::*;

/// A story long enough to be reprinted, in paragraphs that share no run of words with any
/// other story's or paragraph's.
fn story(k: usize) -> String {
    const WORDS: [&str; 24] = [
        "harbour", "council", "minister", "river", "budget", "school", "railway", "museum",
        "festival", "hospital", "airport", "election", "bridge", "market", "library", "stadium",
        "factory", "garden", "tunnel", "theatre", "village", "court", "prison", "forest",
    ];
    (0..6)
        .map(|p| {
            let mut x = (k * 31 + p * 7 + 1) as u64;
            let words: Vec<&str> = (0..14)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    WORDS[(x >> 33) as usize % WORDS.len()]
                })
                .collect();
            format!(
                "Story {k} part {p}: the council\u{2019}s \"{}\" {}.",
                words[0],
                words[1..].join(" ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// JSON string literal of `s` with every non-ASCII character escaped as `\uXXXX` (surrogate
/// pairs above the BMP), so the file and the text differ byte for byte.
fn escaped(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// A feed with a BOM, CRLF and LF lines, escaped and raw texts, reprints, a doubled
/// paragraph, bad records and a last line without a terminator.
fn feed() -> Vec<u8> {
    let mut f = b"\xEF\xBB\xBF".to_vec();
    for k in 0..6 {
        let mut text = story(k);
        if k == 2 {
            text = format!("{text}\n\n{}", story(2).split("\n\n").nth(1).unwrap());
        }
        let text = format!("{text} \u{1F600}");
        // Raw UTF-8 on even lines, escapes on odd ones; CRLF on every third.
        let value = if k % 2 == 0 {
            serde_json::to_string(&text).unwrap()
        } else {
            escaped(&text)
        };
        let line = format!(
            "{{\"id\":\"s{k}\",\"title\":\"Story {k}\",\"text\":{value},\"source\":\"Outlet {}\"}}",
            k % 3
        );
        f.extend_from_slice(line.as_bytes());
        f.extend_from_slice(if k % 3 == 0 { b"\r\n" } else { b"\n" });
    }
    // Reprints of story 0 with a local intro, CRLF inside the text.
    for r in 0..3 {
        let text = format!("LOCAL {r} intro line.\r\n{}", story(0));
        let line = format!(
            "{{\"id\":\"r{r}\",\"text\":{},\"source\":\"Reprinter {r}\",\"extra\":[1,{{\"x\":\"\\u2019\"}}]}}\n",
            escaped(&text)
        );
        f.extend_from_slice(line.as_bytes());
    }
    f.extend_from_slice(b"\n{not json}\n[1]\n{\"id\":\"e\",\"text\":\"   \"}\n");
    f.extend_from_slice(format!("{{\"text\":{}}}", escaped(&story(1))).as_bytes());
    f
}

fn json_report(corpus: &Corpus, warnings: Vec<reprint::report::Warning>) -> Vec<u8> {
    json_of_report(
        &reprint::pipeline::scan(corpus, warnings, &Config::default())
            .unwrap()
            .0,
    )
}

fn json_of_report(report: &reprint::report::Report) -> Vec<u8> {
    let mut out = Vec::new();
    Json { pretty: false }.print(report, &mut out).unwrap();
    out
}

/// The report of `inputs` as the binary makes it: stage 1 runs on each text while the reader
/// holds it (`read_and_analyse`), the other stages after (`scan_analysed`).
fn json_report_analysed_while_read(inputs: &[PathBuf], cfg: &Config) -> Vec<u8> {
    use reprint::progress::NoProgress;
    let (loaded, analysed) = reprint::pipeline::read_and_analyse(inputs, cfg, &NoProgress).unwrap();
    let (report, _) = reprint::pipeline::scan_analysed(
        &loaded.corpus,
        loaded.warnings,
        analysed,
        cfg,
        &NoProgress,
    )
    .unwrap();
    json_of_report(&report)
}

/// Reads `inputs` both ways; asserts equal texts and reports; returns the stored corpus.
fn assert_same_both_ways(inputs: &[PathBuf]) -> Corpus {
    let cfg = Config::default();
    let stored = read_inputs(inputs, &cfg).unwrap();
    let kept = read_inputs_keeping(inputs, &cfg, Retain::AllBytes).unwrap();
    assert_eq!(stored.warnings, kept.warnings);
    assert_eq!(stored.bytes, kept.bytes);
    assert_eq!(stored.corpus.len(), kept.corpus.len());
    for i in 0..kept.corpus.len() {
        let (s, k) = (&stored.corpus.articles[i], &kept.corpus.articles[i]);
        assert!(
            !matches!(s.body, Body::Text(_)),
            "{} is held in memory",
            s.id
        );
        assert!(matches!(k.body, Body::Text(_)));
        assert_eq!((&s.id, &s.title, &s.origin), (&k.id, &k.title, &k.origin));
        assert_eq!(
            stored.corpus.text(i).unwrap(),
            kept.corpus.text(i).unwrap(),
            "{}",
            s.id
        );
    }
    let a = json_report(&stored.corpus, stored.warnings);
    let b = json_report(&kept.corpus, kept.warnings);
    assert_eq!(
        String::from_utf8(a.clone()).unwrap(),
        String::from_utf8(b).unwrap()
    );
    // Stage 1 during the read, with the keys in memory or all moved to the spill file.
    for key_memory in [cfg.key_memory_bytes, 0] {
        let cfg = Config {
            key_memory_bytes: key_memory,
            ..cfg.clone()
        };
        let c = json_report_analysed_while_read(inputs, &cfg);
        assert_eq!(
            String::from_utf8(c).unwrap(),
            String::from_utf8(a.clone()).unwrap()
        );
    }
    stored.corpus
}

/// Every kind of input in one run: stage 1 during the read must take the articles of JSONL
/// files (stored), text files (stored), a compressed JSONL file and a feed (in memory) in
/// input order, and give the report a scan after reading gives.
#[test]
fn stage_one_while_reading_gives_the_same_report_for_every_kind_of_input() {
    use std::io::Write;
    let dir = scratch("store-mixed");
    std::fs::write(dir.join("a.jsonl"), feed()).unwrap();
    std::fs::write(dir.join("b.txt"), format!("Intro.\n\n{}\n", story(0))).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&feed()).unwrap();
    std::fs::write(dir.join("c.jsonl.gz"), gz.finish().unwrap()).unwrap();
    std::fs::copy(root().join("data/feeds/wire-desk.atom"), dir.join("d.atom")).unwrap();
    std::fs::write(dir.join("e.txt"), story(3)).unwrap();
    let cfg = Config::default();
    let plain = read_inputs(&[dir.to_path_buf()], &cfg).unwrap();
    assert!(plain.corpus.len() > 20, "{}", plain.corpus.len());
    let expected = json_report(&plain.corpus, plain.warnings);
    for key_memory in [cfg.key_memory_bytes, 0] {
        let cfg = Config {
            key_memory_bytes: key_memory,
            ..cfg.clone()
        };
        let got = json_report_analysed_while_read(&[dir.to_path_buf()], &cfg);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(expected.clone()).unwrap(),
            "key_memory {key_memory}"
        );
    }
}

#[test]
fn a_jsonl_feed_read_through_the_store_gives_the_same_texts_and_report() {
    let dir = scratch("store-jsonl");
    let path = dir.join("feed.jsonl");
    std::fs::write(&path, feed()).unwrap();
    let corpus = assert_same_both_ways(std::slice::from_ref(&path));
    assert_eq!(corpus.len(), 10);
    // The findings are there, so the texts were really read again for them.
    let (report, _) = reprint::pipeline::scan(&corpus, vec![], &Config::default()).unwrap();
    assert_eq!(report.repeats.len(), 1, "{:?}", report.repeats);
    assert!(report.clusters.iter().any(|c| c.members.len() >= 4));
    assert!(report.pairs.iter().all(|p| !p.spans.is_empty()));
}

#[test]
fn text_files_read_through_the_store_give_the_same_texts_and_report() {
    let dir = scratch("store-text");
    // A BOM and CRLF stay in a text article's text, as before.
    std::fs::write(
        dir.join("a.txt"),
        format!("\u{feff}{}", story(0).replace('\n', "\r\n")),
    )
    .unwrap();
    std::fs::write(dir.join("b.txt"), format!("Intro.\n\n{}\n", story(0))).unwrap();
    std::fs::write(dir.join("c.txt"), story(1)).unwrap();
    std::fs::write(dir.join("empty.txt"), "  \n").unwrap();
    let corpus = assert_same_both_ways(&[dir.to_path_buf()]);
    assert_eq!(corpus.len(), 3);
    assert!(corpus.text(0).unwrap().starts_with('\u{feff}'));
}

/// The error for article `i` of a corpus whose file changed.
fn reread_error(corpus: &Corpus, i: usize) -> (String, u64, String) {
    match corpus.text(i) {
        Err(Error::Reread {
            file,
            line,
            message,
        }) => (file, line, message),
        other => panic!("expected a re-read error, got {other:?}"),
    }
}

#[test]
fn a_jsonl_file_truncated_or_rewritten_after_reading_is_an_error_not_a_panic() {
    let dir = scratch("store-changed");
    let path = dir.join("feed.jsonl");
    let bytes = feed();
    std::fs::write(&path, &bytes).unwrap();
    let cfg = Config::default();
    let loaded = read_inputs(std::slice::from_ref(&path), &cfg).unwrap();
    let c = &loaded.corpus;
    let last = c.len() - 1;

    // Truncated: the last record is gone, the first still reads.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(bytes.len() as u64 / 2)
        .unwrap();
    assert!(c.text(0).is_ok());
    let (file, line, message) = reread_error(c, last);
    assert_eq!(file, path.to_string_lossy());
    assert_eq!(line, c.articles[last].origin.line);
    assert!(message.contains("shorter"), "{message}");
    let e = reprint::pipeline::scan(c, vec![], &cfg).unwrap_err();
    assert!(matches!(e, Error::Reread { .. }), "{e}");
    assert!(e.to_string().contains("must not change"), "{e}");

    // Same length, other content: `\n` escapes (2 bytes, 1 decoded) become two letters.
    let changed: Vec<u8> = String::from_utf8(bytes.clone())
        .unwrap()
        .replace("\\n", "ab")
        .into_bytes();
    assert_eq!(changed.len(), bytes.len());
    std::fs::write(&path, &changed).unwrap();
    let (_, line, message) = reread_error(c, 1);
    assert_eq!(line, 2);
    assert!(message.contains("bytes"), "{message}");

    // Lines moved: a record no longer ends where it did, or no longer parses.
    std::fs::write(&path, [b"\n".as_slice(), &bytes].concat()).unwrap();
    let errors = (0..c.len()).filter(|&i| c.text(i).is_err()).count();
    assert_eq!(errors, c.len());

    // Overwritten in place, line ends kept, with bytes that are not UTF-8.
    let garbage: Vec<u8> = bytes
        .iter()
        .map(|&b| if matches!(b, b'\n' | b'\r') { b } else { 0xFF })
        .collect();
    std::fs::write(&path, garbage).unwrap();
    let (_, _, message) = reread_error(c, 0);
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn a_text_file_removed_or_grown_after_reading_is_an_error() {
    let dir = scratch("store-text-changed");
    let (a, b) = (dir.join("a.txt"), dir.join("b.txt"));
    std::fs::write(&a, story(0)).unwrap();
    std::fs::write(&b, story(1)).unwrap();
    let loaded = read_inputs(&[dir.to_path_buf()], &Config::default()).unwrap();
    let c = &loaded.corpus;
    std::fs::remove_file(&a).unwrap();
    let (file, line, message) = reread_error(c, 0);
    assert_eq!((Path::new(&file), line), (a.as_path(), 1));
    assert!(message.contains("open"), "{message}");
    std::fs::write(&b, format!("{}!", story(1))).unwrap();
    let (_, _, message) = reread_error(c, 1);
    assert!(message.contains("longer"), "{message}");
}

#[test]
fn the_binary_gives_the_same_report_from_a_file_and_from_stdin() {
    let dir = scratch("store-cli");
    let path = dir.join("feed.jsonl");
    std::fs::write(&path, feed()).unwrap();
    let p = path.to_string_lossy().to_string();
    let file = reprint(&["scan", "--quiet", "--format", "json", &p]);
    let stdin = reprint_stdin(&["scan", "--quiet", "--format", "json", "-"], Some(&feed()));
    assert_eq!(file.status.code(), Some(3));
    assert_eq!(stdin.status.code(), Some(3));
    // Warnings and made-up ids name the input, `-` for stdin.
    let file_out = String::from_utf8(file.stdout).unwrap().replace(&p, "-");
    assert!(file_out.contains("\"-:"), "{file_out}");
    assert_eq!(file_out, String::from_utf8(stdin.stdout).unwrap());
}
