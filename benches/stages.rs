//! One criterion group per pipeline stage, on real news text (see `common/mod.rs` for the
//! corpus and what is planted in it).
//!
//! Every bench asserts its own result once before it is timed (the tantivy habit), so a stage
//! that breaks and returns nothing cannot look fast. The inputs of each stage are computed
//! once, by the same calls and in the same way as `pipeline::scan`, and shared by all groups.
//!
//! Run: `cargo bench --bench stages` (add a group name, e.g. `-- minhash`, to run one).

mod common;

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;

use reprint::align;
use reprint::boilerplate::{self, Boilerplate};
use reprint::cluster;
use reprint::config::Config;
use reprint::corpus::Corpus;
use reprint::lsh;
use reprint::minhash::{self, MinHasher};
use reprint::normalize;
use reprint::repeats;
use reprint::shingle::{self, ArticleShingles, Scratch};
use reprint::spill::{Sets, Spill};
use reprint::verify::{self, Rule};

use common::Plants;

/// Everything the stages consume, built once.
struct Prepared {
    cfg: Config,
    corpus: Corpus,
    plants: Plants,
    /// Bytes of article text.
    text_bytes: u64,
    analysed: Vec<ArticleShingles>,
    /// Token hashes per article (input of `repeats::find`).
    tokens: Vec<Vec<u64>>,
    outlets: Vec<u32>,
    bp: Boilerplate,
    /// Boilerplate-free shingle sets.
    sets: Vec<Vec<u32>>,
    hasher: MinHasher,
    signatures: Vec<u32>,
    /// `lsh::band_keys` of each signature.
    band_keys: Vec<u32>,
    active: Vec<bool>,
    params: lsh::Params,
    candidates: Vec<(u32, u32)>,
    rule: Rule,
    verified: Vec<(u32, u32)>,
    rank: Vec<u32>,
}

fn prepared() -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let cfg = Config::default();
        let (corpus, plants) = common::stage_corpus(&cfg);
        let text_bytes = corpus
            .articles
            .iter()
            .map(|a| common::text(a).len() as u64)
            .sum();
        let mut scratch = Scratch::default();
        let (analysed, tokens): (Vec<_>, Vec<_>) = corpus
            .articles
            .iter()
            .map(|a| {
                let s = shingle::analyze(common::text(a), cfg.ngram_words, &mut scratch);
                (s, common::token_hashes(&scratch))
            })
            .unzip();
        let outlets = common::outlet_ids(&corpus);
        let bp = boilerplate::detect(
            &analysed,
            &outlets,
            &vec![true; analysed.len()],
            cfg.min_boilerplate_articles,
            cfg.boilerplate_coverage,
        );
        let sets: Vec<Vec<u32>> = analysed
            .iter()
            .zip(&bp.mask)
            .map(|(a, mask)| shingle::shingle_set(a, |p| !mask[p]))
            .collect();
        let hasher = MinHasher::new(cfg.num_perms);
        let mut signatures = vec![0u32; sets.len() * cfg.num_perms];
        for (sig, set) in signatures.chunks_mut(cfg.num_perms).zip(&sets) {
            hasher.signature_into(set, sig);
        }
        let active: Vec<bool> = sets.iter().map(|s| !s.is_empty()).collect();
        let params = lsh::Params::for_scan(cfg.threshold, cfg.containment_threshold, cfg.num_perms);
        let mut band_keys = vec![0u32; sets.len() * params.bands];
        for (sig, keys) in signatures
            .chunks(cfg.num_perms)
            .zip(band_keys.chunks_mut(params.bands))
        {
            lsh::band_keys(sig, params, keys);
        }
        let candidates = lsh::candidates(&band_keys, params.bands, &active, None);
        let rule = cfg.gate();
        let verified: Vec<(u32, u32)> = candidates
            .iter()
            .copied()
            .filter(|&(a, b)| {
                rule.accepts(&verify::similarity(&sets[a as usize], &sets[b as usize]))
            })
            .collect();
        let dates = corpus.articles.par_iter().map(|a| a.date.as_str());
        let rank = cluster::canonical_rank(dates, &bp.story_words(&analysed));
        Prepared {
            cfg,
            corpus,
            plants,
            text_bytes,
            analysed,
            tokens,
            outlets,
            bp,
            sets,
            hasher,
            signatures,
            band_keys,
            active,
            params,
            candidates,
            rule,
            verified,
            rank,
        }
    })
}

/// Planted pairs that must come out as reprints: (original, copy).
fn planted_pairs(p: &Plants) -> Vec<(u32, u32)> {
    let mut v = Vec::new();
    for r in &p.reprints {
        for c in [Some(r.dropped), Some(r.trimmed), r.exact]
            .into_iter()
            .flatten()
        {
            v.push((r.original as u32, c as u32));
        }
    }
    v
}

fn shingle_bench(c: &mut Criterion) {
    let p = prepared();
    let n = p.cfg.ngram_words;
    // Assert once: every article with words has shingles, the paragraph layout took, and the
    // seed has its 20-odd paragraphs.
    let mut scratch = Scratch::default();
    let (mut paragraphs, mut shingles) = (0, 0);
    for (a, prev) in p.corpus.articles.iter().zip(&p.analysed) {
        let s = shingle::analyze(common::text(a), n, &mut scratch);
        assert_eq!(s.shingles, prev.shingles, "analyze is deterministic");
        assert_eq!(
            s.shingles.is_empty(),
            scratch.tokens.is_empty(),
            "{:?}",
            a.id
        );
        paragraphs += s.paragraphs.len();
        shingles += s.shingles.len();
    }
    assert!(paragraphs > 4 * p.corpus.len(), "{paragraphs} paragraphs");
    assert!(shingles > 100 * p.corpus.len(), "{shingles} shingles");
    assert!(p.analysed[p.plants.seed].paragraphs.len() >= 20);

    let mut g = c.benchmark_group("shingle");
    g.throughput(Throughput::Bytes(p.text_bytes));
    g.bench_function("analyze", |b| {
        let mut scratch = Scratch::default();
        b.iter(|| {
            let mut total = 0;
            for a in &p.corpus.articles {
                total += shingle::analyze(black_box(common::text(a)), n, &mut scratch)
                    .shingles
                    .len();
            }
            total
        })
    });
    // Stage 3's set building (sort + dedup of the non-boilerplate shingles).
    let all: u64 = p.analysed.iter().map(|a| a.shingles.len() as u64).sum();
    g.throughput(Throughput::Elements(all));
    g.bench_function("shingle_set", |b| {
        b.iter(|| {
            p.analysed
                .iter()
                .zip(&p.bp.mask)
                .map(|(a, m)| shingle::shingle_set(black_box(a), |q| !m[q]).len())
                .sum::<usize>()
        })
    });
    // What stage 3 runs: the set (radix-bucketed sort + dedup) and the lead, from a copy of
    // the article's keys.
    g.bench_function("set_and_lead", |b| {
        let mut scratch = shingle::SetScratch::default();
        b.iter(|| {
            p.analysed
                .iter()
                .zip(&p.bp.mask)
                .map(|(a, m)| {
                    let keys = black_box(a.shingles.clone());
                    shingle::set_and_lead(keys, &a.shingle_ends, |q| !m[q], &mut scratch)
                        .0
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

fn repeats_bench(c: &mut Criterion) {
    let p = prepared();
    let find = |i: usize| {
        repeats::find(
            &p.analysed[i].paragraphs,
            &p.tokens[i],
            |_| false,
            p.cfg.min_repeat_words,
            p.cfg.repeat_similarity,
        )
    };
    // Assert once: the seed's doubled body (326 words) and every pasted paragraph are found.
    let seed = find(p.plants.seed);
    assert!(
        seed.iter().any(|r| r.words >= 300),
        "seed's doubled body not found: {seed:?}"
    );
    for &i in &p.plants.pasted {
        let runs = find(i);
        assert!(
            runs.iter().any(|r| r.first.0 == 1 && r.words >= 12),
            "pasted paragraph of article {i} not found: {runs:?}"
        );
    }
    assert!(!p.plants.pasted.is_empty());

    let mut g = c.benchmark_group("repeats");
    g.throughput(Throughput::Bytes(p.text_bytes));
    g.bench_function("find", |b| {
        b.iter(|| {
            (0..p.corpus.len())
                .map(|i| find(black_box(i)).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

fn boilerplate_bench(c: &mut Criterion) {
    let p = prepared();
    let detect = || {
        boilerplate::detect(
            black_box(&p.analysed),
            &p.outlets,
            &vec![true; p.analysed.len()],
            p.cfg.min_boilerplate_articles,
            p.cfg.boilerplate_coverage,
        )
    };
    // Assert once: the planted footer is a block and is masked in (nearly) all its carriers;
    // the reprinted stories are not.
    let bp = detect();
    assert_eq!(bp.mask, p.bp.mask, "detect is deterministic");
    if !p.plants.footer.is_empty() {
        let masked = p
            .plants
            .footer
            .iter()
            .filter(|&&a| bp.mask[a].last() == Some(&true))
            .count();
        assert!(
            masked * 10 >= p.plants.footer.len() * 9,
            "footer masked in {masked} of {} articles",
            p.plants.footer.len()
        );
        assert!(bp.blocks[0].articles.len() >= p.plants.footer.len());
    }
    for r in &p.plants.reprints {
        // Real outlet lines ("Source:-Al Jazeera") may be masked; the story must not be.
        let a = &p.analysed[r.dropped];
        let masked: usize = (0..a.paragraphs.len())
            .filter(|&q| bp.mask[r.dropped][q])
            .map(|q| a.paragraphs[q].words())
            .sum();
        assert!(
            masked * 10 <= a.words(),
            "reprint {r:?}: {masked} words masked"
        );
    }
    let paragraphs: u64 = p.analysed.iter().map(|a| a.paragraphs.len() as u64).sum();

    let mut g = c.benchmark_group("boilerplate");
    g.throughput(Throughput::Elements(paragraphs));
    g.bench_function("detect", |b| b.iter(|| detect().blocks.len()));
    g.finish();
}

fn minhash_bench(c: &mut Criterion) {
    let p = prepared();
    let k = p.cfg.num_perms;
    let sig = |i: usize| &p.signatures[i * k..(i + 1) * k];
    // Assert once: exact copies get equal signatures, edited copies close ones; the classic
    // scheme agrees on the estimate.
    for r in &p.plants.reprints {
        if let Some(e) = r.exact {
            assert_eq!(sig(r.original), sig(e), "exact copy {r:?}");
        }
        let est = minhash::estimate(sig(r.original), sig(r.dropped));
        assert!(est >= 0.6, "dropped-paragraph copy {r:?}: estimate {est}");
        let classic = minhash::estimate(
            &p.hasher.signature_classic(&p.sets[r.original]),
            &p.hasher.signature_classic(&p.sets[r.dropped]),
        );
        assert!((classic - est).abs() < 0.25, "{classic} vs {est}");
    }
    let shingles: u64 = p.sets.iter().map(|s| s.len() as u64).sum();

    let mut g = c.benchmark_group("minhash");
    g.throughput(Throughput::Elements(shingles));
    g.bench_function("signature_into", |b| {
        let mut out = vec![0u32; p.signatures.len()];
        b.iter(|| {
            for (o, set) in out.chunks_mut(k).zip(&p.sets) {
                p.hasher.signature_into(black_box(set), o);
            }
            out[0]
        })
    });
    g.bench_function("signature_classic_into", |b| {
        let mut out = vec![0u32; p.signatures.len()];
        b.iter(|| {
            for (o, set) in out.chunks_mut(k).zip(&p.sets) {
                p.hasher.signature_classic_into(black_box(set), o);
            }
            out[0]
        })
    });
    g.finish();
}

fn lsh_bench(c: &mut Criterion) {
    let p = prepared();
    let run = || lsh::candidates(black_box(&p.band_keys), p.params.bands, &p.active, None);
    // Assert once: canonical, unique, and every planted pair is a candidate.
    let cands = run();
    assert!(cands.windows(2).all(|w| w[0] < w[1]) && cands.iter().all(|&(a, b)| a < b));
    for pair in planted_pairs(&p.plants) {
        assert!(
            cands.binary_search(&pair).is_ok(),
            "planted pair {pair:?} is no candidate"
        );
    }
    assert_eq!(cands, p.candidates);

    let mut g = c.benchmark_group("lsh");
    g.throughput(Throughput::Elements(p.corpus.len() as u64));
    g.bench_function(
        format!("candidates_{}x{}", p.params.bands, p.params.rows),
        |b| b.iter(|| run().len()),
    );
    g.finish();
}

fn verify_bench(c: &mut Criterion) {
    let p = prepared();
    // Assert once: the planted pairs pass, the exact copies with Jaccard 1.
    for r in &p.plants.reprints {
        let (o, d, t) = (&p.sets[r.original], &p.sets[r.dropped], &p.sets[r.trimmed]);
        let sd = verify::similarity(o, d);
        let st = verify::similarity(o, t);
        assert!(sd.jaccard >= p.cfg.threshold, "dropped {r:?}: {sd:?}");
        assert!(
            p.rule.accepts(&st) && st.containment > 0.95,
            "trimmed {r:?}: {st:?}"
        );
        if let Some(e) = r.exact {
            assert_eq!(verify::similarity(o, &p.sets[e]).jaccard, 1.0);
        }
    }
    for pair in planted_pairs(&p.plants) {
        assert!(p.verified.binary_search(&pair).is_ok(), "{pair:?}");
    }

    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(p.candidates.len() as u64));
    g.bench_function("similarity", |b| {
        b.iter(|| {
            p.candidates
                .iter()
                .filter(|&&(a, b)| {
                    let s = verify::similarity(
                        black_box(&p.sets[a as usize]),
                        black_box(&p.sets[b as usize]),
                    );
                    p.rule.accepts(&s)
                })
                .count()
        })
    });
    // The same candidates with the sets in the temporary file a run past --key-memory uses
    // (`spill::Sets`), through the function `pipeline::scan` verifies with.
    let mut spill = Spill::new().expect("a temporary file");
    let rows: Vec<&[u32]> = p.sets.iter().map(|s| &s[..]).collect();
    spill.push_all(&rows).expect("writing the temporary file");
    let spilled = Sets::Spilled(spill);
    let in_file = |cands: &[(u32, u32)]| {
        verify::accepted_pairs(&spilled, cands, &p.rule, &[], &mut Default::default())
            .unwrap()
            .len()
    };
    assert_eq!(in_file(&p.candidates), p.verified.len());
    g.bench_function("similarity_spilled", |b| {
        b.iter(|| in_file(black_box(&p.candidates)))
    });
    g.finish();
}

fn align_bench(c: &mut Criterion) {
    let p = prepared();
    let n = p.cfg.ngram_words;
    let text = |i: usize| common::text(&p.corpus.articles[i]);
    let mut reprint_pairs = Vec::new();
    for r in &p.plants.reprints {
        reprint_pairs.push((r.original, r.dropped));
        reprint_pairs.push((r.original, r.trimmed));
    }
    // Assert once: the spans cover the copy. A trimmed copy is one run and must be covered
    // in full. A copy with a paragraph dropped is two runs, but only half its words are
    // asserted: a run that overlaps a longer, already taken run by one word (the paragraphs on
    // both sides of the cut start with "The") is dropped whole instead of trimmed, so the whole
    // head of the story can go missing. The shortfall is printed, not hidden.
    let mut short = Vec::new();
    for (i, &(a, b)) in reprint_pairs.iter().enumerate() {
        let spans = align::shared_spans(text(a), text(b), n);
        let words: usize = spans.iter().map(|s| s.words).sum();
        let copy_words = normalize::tokenize(text(b)).len();
        let need = if i % 2 == 0 { 5 } else { 9 };
        assert!(
            words * 10 >= copy_words * need,
            "pair {a}/{b}: spans cover {words} of {copy_words} words: {spans:?}"
        );
        if words * 10 < copy_words * 9 {
            short.push(format!("{a}/{b}: {words} of {copy_words} words"));
        }
    }
    eprintln!(
        "align: {} of {} reprint pairs covered below 90%: {short:?}",
        short.len(),
        reprint_pairs.len()
    );
    let bytes = |pairs: &[(usize, usize)]| {
        pairs
            .iter()
            .map(|&(a, b)| (text(a).len() + text(b).len()) as u64)
            .sum::<u64>()
    };
    let verified: Vec<(usize, usize)> = p
        .verified
        .iter()
        .map(|&(a, b)| (a as usize, b as usize))
        .collect();

    let mut g = c.benchmark_group("align");
    for (name, pairs) in [
        ("reprint_pairs", &reprint_pairs),
        ("verified_pairs", &verified),
    ] {
        g.throughput(Throughput::Bytes(bytes(pairs)));
        g.bench_function(name, |b| {
            b.iter(|| {
                pairs
                    .iter()
                    .map(|&(a, b)| align::shared_spans(black_box(text(a)), text(b), n).len())
                    .sum::<usize>()
            })
        });
    }
    // As `pipeline::scan` aligns: pairs grouped by their first article, which is tokenized and
    // indexed once per group. Same spans as above (asserted), less tokenizing.
    let grouped = || {
        verified
            .chunk_by(|x, y| x.0 == y.0)
            .map(|group| {
                let pa = align::Prepared::new(black_box(text(group[0].0)), n, true);
                group
                    .iter()
                    .map(|&(a, b)| {
                        let pb = align::Prepared::new(text(b), n, false);
                        ((a, b), align::shared_spans_prepared(&pa, &pb, n))
                    })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    for ((a, b), spans) in grouped().into_iter().flatten() {
        assert_eq!(spans, align::shared_spans(text(a), text(b), n), "{a}/{b}");
    }
    g.throughput(Throughput::Bytes(bytes(&verified)));
    g.bench_function("verified_pairs_prepared", |b| b.iter(|| grouped().len()));
    g.finish();
}

fn cluster_bench(c: &mut Criterion) {
    let p = prepared();
    let n = p.corpus.len();
    // Assert once: each original is the canonical of a cluster holding all its copies,
    // unless the real corpus already holds a near copy of it (which may be older and then
    // rightly the canonical).
    let clusters = cluster::anti_chaining(n, &p.rank, &p.verified);
    let first_plant = p
        .plants
        .reprints
        .iter()
        .map(|r| r.dropped)
        .min()
        .unwrap_or(n);
    // A verified partner of `o` among the real articles other than `original`.
    let real_partner = |o: usize, original: usize| {
        p.verified.iter().any(|&(a, b)| {
            let (a, b) = (a as usize, b as usize);
            (a == o && b < first_plant && b != original)
                || (b == o && a < first_plant && a != original)
        })
    };
    // A plant whose original or copy is also a verified partner of a real article can go to
    // that article's cluster when it ranks first (a trimmed copy contained in a real near
    // copy of its story, for one): only the others are checked.
    let checked: Vec<_> = p
        .plants
        .reprints
        .iter()
        .filter(|r| {
            [Some(r.original), Some(r.dropped), Some(r.trimmed), r.exact]
                .into_iter()
                .flatten()
                .all(|a| !real_partner(a, r.original))
        })
        .collect();
    assert!(
        checked.len() * 10 >= p.plants.reprints.len() * 9,
        "{} of {} planted originals have a real near copy",
        p.plants.reprints.len() - checked.len(),
        p.plants.reprints.len()
    );
    for r in checked {
        let cl = clusters
            .iter()
            .find(|c| c.members.contains(&(r.original as u32)))
            .unwrap_or_else(|| panic!("original of {r:?} in no cluster"));
        assert_eq!(cl.canonical, r.original as u32, "{r:?}: {cl:?}");
        for copy in [Some(r.dropped), Some(r.trimmed), r.exact]
            .into_iter()
            .flatten()
        {
            assert!(cl.members.contains(&(copy as u32)), "{r:?}: {cl:?}");
        }
    }

    let mut g = c.benchmark_group("cluster");
    // The verified edges are few; every LSH candidate as an edge is a denser stress case.
    for (name, edges) in [("verified", &p.verified), ("all_candidates", &p.candidates)] {
        g.throughput(Throughput::Elements(edges.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| cluster::anti_chaining(n, &p.rank, black_box(edges)).len())
        });
    }
    g.finish();
}

/// The garble test of stage 6 (`noise`): preparing each text's words, and asking of the
/// verified pairs whether they differ as OCR garbles, as `evidence::compare_chars` asks.
fn noise_bench(c: &mut Criterion) {
    use reprint::noise::{self, GarbleWords};
    let p = prepared();
    let text = |i: u32| common::text(&p.corpus.articles[i as usize]);
    let texts: Vec<&str> = p.corpus.articles.iter().map(common::text).collect();
    let words: Vec<GarbleWords> = texts.iter().map(|t| GarbleWords::of(t)).collect();
    let garbled = |pairs: &[(u32, u32)]| {
        pairs
            .iter()
            .filter(|&&(a, b)| {
                noise::garbled(&words[a as usize], text(a), &words[b as usize], text(b))
            })
            .count()
    };
    // The planted copies are clean: a garble test that calls most of them garbled is broken.
    let planted = planted_pairs(&p.plants);
    assert!(
        garbled(&planted) * 10 < planted.len(),
        "clean planted copies read as garbles"
    );
    assert!(!p.verified.is_empty());
    let mut g = c.benchmark_group("noise");
    g.throughput(Throughput::Bytes(p.text_bytes));
    g.bench_function("garble_words", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(GarbleWords::of(black_box(t)));
            }
        })
    });
    g.throughput(Throughput::Elements(p.verified.len() as u64));
    g.bench_function("garbled_verified_pairs", |b| {
        b.iter(|| garbled(black_box(&p.verified)))
    });
    g.finish();
}

/// Prints the corpus once, so the results file can quote it.
fn describe(_: &mut Criterion) {
    let p = prepared();
    let pl = &p.plants;
    eprintln!(
        "stages corpus: {} articles, {} bytes of text ({} bytes read), {} paragraphs, \
         {} shingles in sets; planted: {} reprint sets, {} pasted paragraphs, footer on {}; \
         lsh {}x{}: {} candidates, {} verified",
        p.corpus.len(),
        p.text_bytes,
        pl.input_bytes,
        p.analysed.iter().map(|a| a.paragraphs.len()).sum::<usize>(),
        p.sets.iter().map(Vec::len).sum::<usize>(),
        pl.reprints.len(),
        pl.pasted.len(),
        pl.footer.len(),
        p.params.bands,
        p.params.rows,
        p.candidates.len(),
        p.verified.len(),
    );
}

fn config() -> Criterion {
    // The machine is small and shared: short runs.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = stages;
    config = config();
    targets = describe, shingle_bench, repeats_bench, boilerplate_bench, minhash_bench,
        lsh_bench, verify_bench, align_bench, cluster_bench, noise_bench
}
criterion_main!(stages);
