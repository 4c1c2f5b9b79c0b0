//! The invariants every fuzz run checks (issue 17), in one function, [`check`], that the AFL
//! targets in `fuzz/src/bin/` call on each input and that `tests/fuzz_corpus.rs` calls on every
//! committed seed and crash, so `cargo test` replays the corpora without a fuzzer.
//!
//! One input is written to a scratch file whose name (and the [`Config`]) the target and, for
//! most targets, the input's first byte choose; then it is read through the library's public
//! API twice, as the binary reads a file (texts stay on disk) and as it reads stdin (texts
//! kept), and, for [`Target::Scan`], scanned both ways on 1 and 2 threads. Checked:
//!
//! - no panic, and no error (a fuzz input cannot change while it is read, and every other
//!   problem with input is a warning);
//! - every input record is accounted for: each non-blank JSONL line is an article or a warning
//!   at that line, a text file is one article or a warning, any input gives at least one;
//! - every warning names the input and a line inside it; ids are unique; every text reads
//!   back (`Corpus::text`), is not blank and fits `max_article_bytes`;
//! - an input that starts with gzip's or zstd's magic is decompressed whatever its name, so
//!   there the lines are the decompressed text's and a text file's article is that text:
//!   the checks on the input's own lines and bytes are left out for it;
//! - both ways of reading give the same articles, texts and warnings;
//! - the report counts what was read, every id in it is an article's, every byte range in it
//!   lies inside its article's text on char boundaries, its JSON parses and says the same;
//!   the report is the same from either reader and on 1 or 2 threads.
//!
//! A violated invariant is a panic, which AFL records as a crash.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use reprint::config::{Config, FieldNames, InputFormat};
use reprint::corpus::Corpus;
use reprint::input::{self, Loaded};
use reprint::pipeline;
use reprint::progress::NoProgress;
use reprint::report::{Json, Printer, Report};

/// What a fuzz target feeds the library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A JSONL file; the first byte picks field names, how the format is chosen and
    /// `max_article_bytes`.
    Jsonl,
    /// A plain text file (`story.txt`), the whole input.
    Text,
    /// An RSS/Atom feed; the first byte picks the file name (`.rss`, `.atom`, `.xml`, none).
    Feed,
    /// A compressed file; the first byte picks gzip or zstd, the inner format's name, and
    /// whether the rest is the compressed file itself or a payload compressed here and cut.
    Compressed,
    /// A file with no extension, read as stdin is read (held in memory, sniffed).
    Stdin,
    /// A small feed scanned end to end; the first byte picks JSONL, a feed or a text file.
    Scan,
}

impl Target {
    /// The target named `name` (the directory names under `fuzz/corpus/`).
    pub fn from_name(name: &str) -> Option<Target> {
        Some(match name {
            "jsonl" => Target::Jsonl,
            "text" => Target::Text,
            "feed" => Target::Feed,
            "compressed" => Target::Compressed,
            "stdin" => Target::Stdin,
            "scan" => Target::Scan,
            _ => return None,
        })
    }
}

/// Inputs larger than this are not tried: a fuzz input is a small feed.
const MAX_INPUT: usize = 64 << 10;

thread_local! {
    /// A scratch directory for this thread, reused by every run on it: `cargo test` replays
    /// corpora on several threads at once, which must not write each other's inputs.
    static SCRATCH: tempfile::TempDir = tempfile::tempdir().expect("a scratch directory");
}

/// Thread pools of 1 and 2 threads (built once: a pool per run would dominate).
fn pools() -> &'static [rayon::ThreadPool; 2] {
    static POOLS: OnceLock<[rayon::ThreadPool; 2]> = OnceLock::new();
    POOLS.get_or_init(|| {
        [1, 2].map(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("a thread pool")
        })
    })
}

/// Renamed JSONL fields, as `--id-field guid --text-field body …`; the last set names one
/// field twice (`--id-field text`), which the reader must also survive.
fn field_names(k: u8) -> FieldNames {
    match k % 4 {
        0 => FieldNames::default(),
        1 => FieldNames {
            id: "guid".into(),
            title: "headline".into(),
            text: "body".into(),
            source: "site".into(),
            date: "published".into(),
        },
        2 => FieldNames {
            id: "url".into(),
            title: "title".into(),
            text: "content".into(),
            source: "outlet".into(),
            date: "date".into(),
        },
        _ => FieldNames {
            id: "text".into(),
            title: "text".into(),
            text: "text".into(),
            source: "id".into(),
            date: "id".into(),
        },
    }
}

/// How one input is laid out on disk and read.
struct Plan {
    /// The file's name in the scratch directory.
    name: &'static str,
    /// Its bytes.
    bytes: Vec<u8>,
    cfg: Config,
    /// The bytes are JSONL as the reader sees them (uncompressed), so each non-blank line
    /// must be accounted for.
    jsonl_lines: bool,
    /// The input is one text article: one article or a warning, nothing else.
    one_text: bool,
    scan: bool,
}

fn plan(target: Target, data: &[u8]) -> Plan {
    let (sel, rest) = match data.split_first() {
        Some((&s, rest)) => (s, rest),
        None => (0, data),
    };
    let mut cfg = Config::default();
    let mut p = Plan {
        name: "input",
        bytes: rest.to_vec(),
        cfg: Config::default(),
        jsonl_lines: false,
        one_text: false,
        scan: false,
    };
    match target {
        Target::Jsonl => {
            cfg.fields = field_names(sel);
            // Named, forced, or sniffed.
            match (sel >> 2) % 3 {
                0 => p.name = "feed.jsonl",
                1 => {
                    p.name = "feed.data";
                    cfg.input_format = InputFormat::Jsonl;
                }
                _ => p.name = "feed",
            }
            if sel & 0x40 != 0 {
                cfg.max_article_bytes = 64;
            }
            // A sniffed file is JSONL only when its first non-blank byte is `{`.
            let first = input_start(rest);
            p.jsonl_lines = p.name != "feed" || first == Some(b'{');
            p.one_text = p.name == "feed" && first != Some(b'{') && first != Some(b'<');
        }
        Target::Text => {
            p.name = "story.txt";
            p.bytes = data.to_vec();
            p.one_text = true;
        }
        Target::Feed => {
            p.name = ["feed.rss", "feed.atom", "feed.xml", "feed"][usize::from(sel % 4)];
            if sel & 0x40 != 0 {
                cfg.max_article_bytes = 64;
            }
        }
        Target::Compressed => {
            let gzip = sel & 1 == 0;
            p.name = match (gzip, (sel >> 1) % 4) {
                (true, 0) => "feed.jsonl.gz",
                (true, 1) => "feed.rss.gz",
                (true, 2) => "story.txt.gz",
                (true, _) => "feed.gz",
                (false, 0) => "feed.jsonl.zst",
                (false, 1) => "feed.atom.zst",
                (false, 2) => "story.txt.zstd",
                (false, _) => "feed.zst",
            };
            if sel & 0x08 != 0 {
                // The rest is a payload: compress it here, then cut the stream where the
                // payload's last byte says, so truncations land inside real streams.
                let cut = rest.last().copied().unwrap_or(0);
                let payload = &rest[..rest.len().saturating_sub(1)];
                let mut z = if gzip {
                    let mut e = flate2::write::GzEncoder::new(Vec::new(), Default::default());
                    e.write_all(payload).expect("gzip in memory");
                    e.finish().expect("gzip in memory")
                } else {
                    zstd::stream::encode_all(payload, 3).expect("zstd in memory")
                };
                if cut != 0 {
                    let keep = z.len() * usize::from(cut) / 256;
                    z.truncate(keep);
                }
                p.bytes = z;
            }
        }
        Target::Stdin => {
            p.bytes = data.to_vec();
            let first = input_start(data);
            p.jsonl_lines = first == Some(b'{');
            p.one_text = first != Some(b'{') && first != Some(b'<');
        }
        Target::Scan => {
            p.scan = true;
            p.name = ["feed.jsonl", "feed.rss", "story.txt", "feed"][usize::from(sel % 4)];
            p.jsonl_lines = sel % 4 == 0;
            p.one_text = sel % 4 == 2;
        }
    }
    p.cfg = cfg;
    p
}

/// The first byte that is not ASCII whitespace, after a byte-order mark (what sniffing
/// looks at).
fn input_start(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Runs one fuzz input through `target` and panics on any violated invariant.
pub fn check(target: Target, data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let p = plan(target, data);
    let path: PathBuf = SCRATCH.with(|d| d.path().join(p.name));
    std::fs::write(&path, &p.bytes).expect("writing the scratch input");
    let inputs = [path.clone()];
    let name = path.to_string_lossy().into_owned();
    // Whether the reader takes the bytes as they are, or decompresses them first (by their
    // magic whatever the name, or by a `.gz`/`.zst` name), decided as it decides.
    let raw = matches!(
        input::file_kind(&path, &p.cfg).expect("the scratch input opens"),
        input::FileKind::Plain(_)
    );

    let [one, two] = pools();
    // As the binary reads a file (texts stay in it), and as it reads stdin (texts kept).
    let stored = two
        .install(|| input::read_inputs(&inputs, &p.cfg))
        .unwrap_or_else(|e| panic!("reading failed: {e}"));
    let kept = one
        .install(|| input::read_inputs_keeping(&inputs, &p.cfg, input::Retain::AllBytes))
        .unwrap_or_else(|e| panic!("reading (texts kept) failed: {e}"));

    let texts = check_loaded(&stored, &p, &name, raw);
    let kept_texts = check_loaded(&kept, &p, &name, raw);
    assert_eq!(texts, kept_texts, "the two readers give different texts");
    assert_eq!(
        stored.warnings, kept.warnings,
        "the two readers give different warnings"
    );
    assert_eq!(stored.malformed, kept.malformed);
    for (a, b) in stored.corpus.articles.iter().zip(&kept.corpus.articles) {
        assert_eq!(
            (&a.id, &a.title, &a.source, &a.date, a.origin.line),
            (&b.id, &b.title, &b.source, &b.date, b.origin.line),
            "the two readers give different articles"
        );
    }

    if !p.scan {
        let _ = std::fs::remove_file(&path);
        return;
    }
    // The binary's way (stage 1 while reading, 2 threads) against the library's one call on
    // the kept texts (1 thread).
    let (report, json) = two.install(|| {
        let (loaded, analysed) = pipeline::read_and_analyse(&inputs, &p.cfg, &NoProgress)
            .unwrap_or_else(|e| panic!("reading failed: {e}"));
        let (report, _) = pipeline::scan_analysed(
            &loaded.corpus,
            loaded.warnings.clone(),
            analysed,
            &p.cfg,
            &NoProgress,
        )
        .unwrap_or_else(|e| panic!("scan failed: {e}"));
        check_report(&report, &loaded, &texts);
        let json = to_json(&report);
        (report, json)
    });
    let (report1, _) = one
        .install(|| pipeline::scan(&kept.corpus, kept.warnings.clone(), &p.cfg))
        .unwrap_or_else(|e| panic!("scan (1 thread, texts kept) failed: {e}"));
    let json1 = to_json(&report1);
    assert!(
        json == json1,
        "reports differ between 2 threads (texts on disk) and 1 thread (texts kept)"
    );
    drop(report);
    let _ = std::fs::remove_file(&path);
}

/// The report as the binary's `--format json` prints it, checked to parse as JSON.
fn to_json(report: &Report) -> String {
    let mut out = Vec::new();
    Json { pretty: false }
        .print(report, &mut out)
        .expect("printing JSON to memory");
    let s = String::from_utf8(out).expect("the JSON report is UTF-8");
    let v: serde_json::Value = serde_json::from_str(&s).expect("the JSON report parses");
    assert_eq!(v["version"], reprint::report::SCHEMA_VERSION);
    assert_eq!(
        v["summary"]["articles"].as_u64(),
        Some(report.summary.articles as u64)
    );
    assert_eq!(
        v["warnings"].as_array().map(Vec::len),
        Some(report.warnings.len())
    );
    s
}

/// Checks what was read (`raw`: the reader took the bytes as they are, not decompressed);
/// returns every article's text.
fn check_loaded(loaded: &Loaded, p: &Plan, name: &str, raw: bool) -> Vec<String> {
    let corpus: &Corpus = &loaded.corpus;
    let lines = memchr_count(&p.bytes) + 1;
    assert!(
        !corpus.is_empty() || !loaded.warnings.is_empty(),
        "an input gave neither an article nor a warning"
    );
    assert!(loaded.malformed <= loaded.warnings.len());
    for w in &loaded.warnings {
        assert_eq!(w.file, name, "a warning names another file: {w:?}");
        assert!(w.line >= 1, "a warning at line 0: {w:?}");
        // Lines of compressed input count decompressed lines, which can be more.
        if raw {
            assert!(w.line <= lines, "a warning past the last line: {w:?}");
        }
        assert!(!w.message.is_empty());
    }
    let mut ids = HashMap::new();
    let mut texts = Vec::with_capacity(corpus.len());
    for (i, a) in corpus.articles.iter().enumerate() {
        assert_eq!(&*a.origin.file, name);
        assert!(a.origin.line >= 1);
        if let Some(j) = ids.insert(a.id.as_str(), i) {
            panic!("articles {j} and {i} share the id {:?}", a.id);
        }
        let text: Cow<str> = corpus
            .text(i)
            .unwrap_or_else(|e| panic!("article {i}'s text does not read back: {e}"));
        assert!(!text.trim().is_empty(), "article {i} has a blank text");
        assert!(text.len() <= p.cfg.max_article_bytes);
        texts.push(text.into_owned());
    }
    if p.one_text {
        assert!(
            corpus.len() <= 1,
            "one text file gave {} articles",
            corpus.len()
        );
        if let Some(a) = corpus.articles.first() {
            assert_eq!(a.id, name);
            assert!(
                loaded.warnings.is_empty(),
                "a text article read with a warning"
            );
            // A text file's article is the file, as it is (or decompressed, when it starts
            // with a compression magic).
            if raw {
                assert_eq!(texts[0].as_bytes(), p.bytes.as_slice());
            }
        }
    }
    if p.jsonl_lines && raw {
        // Each non-blank line (after a byte-order mark) is an article or a warning there.
        let body = p.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&p.bytes);
        let mut seen_lines: HashMap<u64, usize> = HashMap::new();
        for a in &corpus.articles {
            *seen_lines.entry(a.origin.line).or_default() += 1;
        }
        assert!(
            seen_lines.values().all(|&n| n == 1),
            "a JSONL line gave two articles"
        );
        for (k, line) in body.split(|&b| b == b'\n').enumerate() {
            let lineno = k as u64 + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            assert!(
                seen_lines.contains_key(&lineno)
                    || loaded.warnings.iter().any(|w| w.line == lineno),
                "JSONL line {lineno} is neither an article nor a warning"
            );
        }
    }
    texts
}

fn memchr_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Checks a scan's report against what was read and the articles' texts.
fn check_report(report: &Report, loaded: &Loaded, texts: &[String]) {
    let index: HashMap<&str, usize> = loaded
        .corpus
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let text_of = |id: &str| -> &str {
        let i = *index
            .get(id)
            .unwrap_or_else(|| panic!("the report names an unknown article {id:?}"));
        &texts[i]
    };
    let span = |text: &str, start: usize, end: usize, what: &str| {
        assert!(
            start <= end && end <= text.len(),
            "{what}: bytes {start}..{end} outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{what}: bytes {start}..{end} not on char boundaries"
        );
    };
    let s = &report.summary;
    assert_eq!(s.articles, loaded.corpus.len(), "summary.articles");
    assert_eq!(s.warnings, loaded.warnings.len(), "summary.warnings");
    assert_eq!(report.warnings, loaded.warnings, "the report's warnings");
    assert_eq!(s.repeats, report.repeats.len());
    assert_eq!(s.boilerplate, report.boilerplate.len());
    assert_eq!(s.pairs, report.pairs.len());
    assert_eq!(s.clusters, report.clusters.len());
    for r in &report.repeats {
        let t = text_of(&r.article);
        span(t, r.first.start, r.first.end, "repeat.first");
        span(t, r.repeat.start, r.repeat.end, "repeat.repeat");
        assert!(
            r.first.end <= r.repeat.start,
            "a repeat overlaps its first copy: {r:?}"
        );
        assert!(r.first.paragraphs[0] <= r.first.paragraphs[1]);
        assert!(r.repeat.paragraphs[0] <= r.repeat.paragraphs[1]);
    }
    for b in &report.boilerplate {
        assert_eq!(b.ids.len(), b.articles);
        for id in &b.ids {
            text_of(id);
        }
        assert_eq!(b.sources.values().sum::<usize>(), b.articles);
    }
    for pair in &report.pairs {
        let (ta, tb) = (text_of(&pair.a), text_of(&pair.b));
        assert!(
            index[pair.a.as_str()] < index[pair.b.as_str()],
            "pair not in input order"
        );
        for sp in &pair.spans {
            span(ta, sp.a[0], sp.a[1], "pair span in a");
            span(tb, sp.b[0], sp.b[1], "pair span in b");
        }
        for x in [
            pair.short_share,
            pair.long_share,
            pair.jaccard,
            pair.containment,
        ] {
            assert!(
                x.is_finite() && (0.0..=1.0).contains(&x),
                "a share out of range: {pair:?}"
            );
        }
    }
    for c in &report.clusters {
        assert_eq!(c.members.first(), Some(&c.canonical));
        assert!(c.members.len() >= 2);
        for m in &c.members {
            text_of(m);
        }
        for (m, via) in &c.via {
            assert!(c.members.contains(m) && c.members.contains(via));
        }
    }
}
