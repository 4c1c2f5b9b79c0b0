//! Scoring a scan against ground truth (`reprint eval`).
//!
//! The truth file is the one the synthetic feed generator writes ([`crate::synth::Truth`];
//! format in data/README.md). Metrics:
//!
//! - **Reprint clusters**: pair precision, recall and F1 over the unordered pairs of articles
//!   that share a cluster, and the Adjusted Rand Index over all articles (an article in no
//!   cluster is a cluster of its own). The verified pairs of the report are scored the same
//!   way.
//! - **Recall by difficulty**: every truth reprint is paired with its canonical; the pair's
//!   word n-gram Jaccard on the full texts puts it in a band, and the band's recall is the
//!   share of such pairs that the scan put in one cluster. A regression on trimmed reprints
//!   shows in the low bands.
//! - **Hard negatives**: pairs of different stories that quote each other must not share a
//!   cluster.
//! - **In-article repeats**: byte-level precision and recall of the repeated spans (the
//!   `repeat` side), and how many truth repeats overlap a found one by half or more.
//! - **Boilerplate**: for each truth block, the share of its carriers that a found block with
//!   the same text (one contained in the other, whitespace folded) lists; averaged over
//!   carriers (micro) and counted per block (blocks found for 90%+ of their carriers).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::corpus::Corpus;
use crate::report::{round4, Report};
use crate::shingle::{analyze, shingle_set, Scratch};
use crate::synth::Truth;

/// Upper bounds of the Jaccard bands for recall by difficulty (the last band ends at 1).
pub const JACCARD_BANDS: [f64; 5] = [0.2, 0.35, 0.5, 0.8, 1.0];

/// Precision, recall and F1 of a set of predicted pairs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PairScore {
    pub predicted: usize,
    pub truth: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl PairScore {
    fn new(predicted: &HashSet<(u32, u32)>, truth: &HashSet<(u32, u32)>) -> Self {
        let correct = predicted.intersection(truth).count();
        let precision = if predicted.is_empty() {
            1.0
        } else {
            correct as f64 / predicted.len() as f64
        };
        let recall = if truth.is_empty() {
            1.0
        } else {
            correct as f64 / truth.len() as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        PairScore {
            predicted: predicted.len(),
            truth: truth.len(),
            correct,
            precision: round4(precision),
            recall: round4(recall),
            f1: round4(f1),
        }
    }
}

/// Recall of the truth reprints whose Jaccard to their canonical lies in `[low, high)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandRecall {
    pub low: f64,
    pub high: f64,
    pub pairs: usize,
    pub clustered: usize,
    pub recall: f64,
}

/// In-article repeat scores.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RepeatScore {
    pub truth: usize,
    pub found: usize,
    pub predicted: usize,
    pub span_precision: f64,
    pub span_recall: f64,
}

/// Boilerplate scores.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BoilerplateScore {
    pub blocks: usize,
    pub blocks_found: usize,
    pub carriers: usize,
    pub carriers_found: usize,
    pub recall: f64,
}

/// Everything `reprint eval` measures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    pub articles: usize,
    pub truth_clusters: usize,
    pub found_clusters: usize,
    pub cluster_pairs: PairScore,
    pub verified_pairs: PairScore,
    pub ari: f64,
    pub recall_by_jaccard: Vec<BandRecall>,
    pub hard_negatives: usize,
    pub hard_negatives_clustered: usize,
    pub repeats: RepeatScore,
    pub boilerplate: BoilerplateScore,
    /// Truth ids that are not in the corpus (a truth file for another feed).
    pub unknown_ids: usize,
}

fn pairs_of(groups: impl Iterator<Item = Vec<u32>>) -> HashSet<(u32, u32)> {
    let mut out = HashSet::new();
    for mut g in groups {
        g.sort_unstable();
        g.dedup();
        for (i, &a) in g.iter().enumerate() {
            for &b in &g[i + 1..] {
                out.insert((a, b));
            }
        }
    }
    out
}

fn choose2(n: u64) -> f64 {
    (n as f64) * (n.saturating_sub(1) as f64) / 2.0
}

/// Adjusted Rand Index of two labellings of the same items (Hubert & Arabie).
pub fn adjusted_rand_index(x: &[u32], y: &[u32]) -> f64 {
    assert_eq!(x.len(), y.len());
    let n = x.len() as u64;
    if n < 2 {
        return 1.0;
    }
    let mut nij: HashMap<(u32, u32), u64> = HashMap::new();
    let mut ai: HashMap<u32, u64> = HashMap::new();
    let mut bj: HashMap<u32, u64> = HashMap::new();
    for (&a, &b) in x.iter().zip(y) {
        *nij.entry((a, b)).or_default() += 1;
        *ai.entry(a).or_default() += 1;
        *bj.entry(b).or_default() += 1;
    }
    let index: f64 = nij.values().map(|&v| choose2(v)).sum();
    let sa: f64 = ai.values().map(|&v| choose2(v)).sum();
    let sb: f64 = bj.values().map(|&v| choose2(v)).sum();
    let expected = sa * sb / choose2(n);
    let max = (sa + sb) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

fn fold_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Length of the overlap of two sets of byte intervals (each sorted, non-overlapping).
fn overlap(a: &[(usize, usize)], b: &[(usize, usize)]) -> usize {
    let (mut i, mut j, mut total) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if hi > lo {
            total += hi - lo;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

fn merge(mut v: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    v.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Refuses a truth file of another feed (scored, it would print recall 1.0 over no true
/// pairs). Synthetic feeds share their id scheme, so ids alone prove little; but the input
/// of a truth's own feed can lack at most as many of its articles as it has fewer than the
/// truth counts (records skipped as malformed, or a cut-down feed), so more missing ids
/// than that mean another feed.
fn check_ids(truth: &Truth, index: &HashMap<&str, u32>) -> crate::Result<()> {
    let ids: HashSet<&str> = truth
        .clusters
        .iter()
        .flat_map(|c| &c.members)
        .chain(truth.repeats.iter().map(|r| &r.article))
        .chain(truth.boilerplate.iter().flat_map(|b| &b.ids))
        .chain(truth.hard_negatives.iter().flatten())
        .map(String::as_str)
        .collect();
    let missing = ids.iter().filter(|id| !index.contains_key(*id)).count();
    let lacking = truth.articles.saturating_sub(index.len());
    if missing > lacking {
        return Err(crate::Error::Config {
            name: "truth",
            message: format!(
                "{missing} of the {} article ids it names are not in the input, which has {} \
                 articles against its {}: it is the truth of another feed",
                ids.len(),
                index.len(),
                truth.articles
            ),
        });
    }
    Ok(())
}

/// Scores `report` (a scan of `corpus`) against `truth`. `ngram_words` is the shingle size
/// used for the Jaccard bands. The texts of truth clusters are fetched with
/// [`Corpus::text`]; the error is a text that could not be read again, or a truth of another
/// feed (`Error::Config` naming `truth`).
pub fn evaluate(
    corpus: &Corpus,
    report: &Report,
    truth: &Truth,
    ngram_words: usize,
) -> crate::Result<Evaluation> {
    let index: HashMap<&str, u32> = corpus
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i as u32))
        .collect();
    check_ids(truth, &index)?;
    let mut unknown = 0usize;
    let mut id = |s: &str| {
        let r = index.get(s).copied();
        if r.is_none() {
            unknown += 1;
        }
        r
    };
    let n = corpus.len();

    // Clusters.
    let truth_groups: Vec<Vec<u32>> = truth
        .clusters
        .iter()
        .map(|c| c.members.iter().filter_map(|m| id(m)).collect())
        .collect();
    let found_groups: Vec<Vec<u32>> = report
        .clusters
        .iter()
        .map(|c| {
            c.members
                .iter()
                .filter_map(|m| index.get(m.as_str()).copied())
                .collect()
        })
        .collect();
    let truth_pairs = pairs_of(truth_groups.iter().cloned());
    let found_pairs = pairs_of(found_groups.iter().cloned());
    let verified: HashSet<(u32, u32)> = report
        .pairs
        .iter()
        .filter_map(|p| {
            let (a, b) = (index.get(p.a.as_str())?, index.get(p.b.as_str())?);
            Some((*a.min(b), *a.max(b)))
        })
        .collect();
    let label = |groups: &[Vec<u32>]| {
        let mut l: Vec<u32> = (0..n as u32).collect(); // singleton labels
        for (g, members) in groups.iter().enumerate() {
            for &m in members {
                l[m as usize] = n as u32 + g as u32;
            }
        }
        l
    };
    let ari = adjusted_rand_index(&label(&truth_groups), &label(&found_groups));

    // Recall by Jaccard band: each member against its canonical.
    let mut scratch = Scratch::default();
    let mut sets: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut set_of = |a: u32, scratch: &mut Scratch| -> crate::Result<Vec<u32>> {
        if let Some(s) = sets.get(&a) {
            return Ok(s.clone());
        }
        let s = analyze(&corpus.text(a as usize)?, ngram_words, scratch);
        let set = shingle_set(&s, |_| true);
        sets.insert(a, set.clone());
        Ok(set)
    };
    let mut bands: Vec<BandRecall> = JACCARD_BANDS
        .iter()
        .scan(0.0, |low, &high| {
            let b = BandRecall {
                low: *low,
                high,
                pairs: 0,
                clustered: 0,
                recall: 1.0,
            };
            *low = high;
            Some(b)
        })
        .collect();
    for c in &truth.clusters {
        let Some(canon) = index.get(c.canonical.as_str()).copied() else {
            continue;
        };
        let cs = set_of(canon, &mut scratch)?;
        for m in &c.members {
            let Some(m) = index.get(m.as_str()).copied() else {
                continue;
            };
            if m == canon {
                continue;
            }
            let j = crate::verify::similarity(&cs, &set_of(m, &mut scratch)?).jaccard;
            let band = bands
                .iter_mut()
                .position(|b| j < b.high)
                .unwrap_or(JACCARD_BANDS.len() - 1);
            bands[band].pairs += 1;
            if found_pairs.contains(&(canon.min(m), canon.max(m))) {
                bands[band].clustered += 1;
            }
        }
    }
    for b in &mut bands {
        b.recall = if b.pairs == 0 {
            1.0
        } else {
            round4(b.clustered as f64 / b.pairs as f64)
        };
    }

    // Hard negatives.
    let mut hard = 0;
    let mut hard_clustered = 0;
    for [a, b] in &truth.hard_negatives {
        if let (Some(x), Some(y)) = (id(a), id(b)) {
            hard += 1;
            if found_pairs.contains(&(x.min(y), x.max(y))) {
                hard_clustered += 1;
            }
        }
    }

    // Repeats: repeat-side byte spans per article.
    let mut truth_spans: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
    let mut truth_list: Vec<(u32, (usize, usize))> = Vec::new();
    for r in &truth.repeats {
        if let Some(a) = id(&r.article) {
            truth_spans
                .entry(a)
                .or_default()
                .push((r.repeat[0], r.repeat[1]));
            truth_list.push((a, (r.repeat[0], r.repeat[1])));
        }
    }
    let mut found_spans: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
    for r in &report.repeats {
        if let Some(&a) = index.get(r.article.as_str()) {
            found_spans
                .entry(a)
                .or_default()
                .push((r.repeat.start, r.repeat.end));
        }
    }
    let truth_spans: HashMap<u32, Vec<(usize, usize)>> = truth_spans
        .into_iter()
        .map(|(k, v)| (k, merge(v)))
        .collect();
    let found_spans: HashMap<u32, Vec<(usize, usize)>> = found_spans
        .into_iter()
        .map(|(k, v)| (k, merge(v)))
        .collect();
    let total = |m: &HashMap<u32, Vec<(usize, usize)>>| {
        m.values().flatten().map(|(s, e)| e - s).sum::<usize>()
    };
    let common: usize = truth_spans
        .iter()
        .map(|(a, t)| found_spans.get(a).map_or(0, |f| overlap(t, f)))
        .sum();
    let (t_bytes, f_bytes) = (total(&truth_spans), total(&found_spans));
    let found = truth_list
        .iter()
        .filter(|(a, span)| {
            let o = found_spans.get(a).map_or(0, |f| overlap(&[*span], f));
            2 * o >= span.1 - span.0
        })
        .count();
    let repeats = RepeatScore {
        truth: truth_list.len(),
        found,
        predicted: report.repeats.len(),
        span_precision: if f_bytes == 0 {
            1.0
        } else {
            round4(common as f64 / f_bytes as f64)
        },
        span_recall: if t_bytes == 0 {
            1.0
        } else {
            round4(common as f64 / t_bytes as f64)
        },
    };

    // Boilerplate.
    let found_blocks: Vec<(String, HashSet<&str>)> = report
        .boilerplate
        .iter()
        .map(|b| (fold_ws(&b.text), b.ids.iter().map(String::as_str).collect()))
        .collect();
    let mut bp = BoilerplateScore::default();
    for t in &truth.boilerplate {
        let text = fold_ws(&t.text);
        let mut covered: HashSet<&str> = HashSet::new();
        for (f, ids) in &found_blocks {
            if !f.is_empty() && (text.contains(f.as_str()) || f.contains(text.as_str())) {
                covered.extend(ids.iter().copied());
            }
        }
        let hit = t
            .ids
            .iter()
            .filter(|i| covered.contains(i.as_str()))
            .count();
        bp.blocks += 1;
        bp.carriers += t.ids.len();
        bp.carriers_found += hit;
        if hit * 10 >= t.ids.len() * 9 {
            bp.blocks_found += 1;
        }
    }
    bp.recall = if bp.carriers == 0 {
        1.0
    } else {
        round4(bp.carriers_found as f64 / bp.carriers as f64)
    };

    Ok(Evaluation {
        articles: n,
        truth_clusters: truth_groups.len(),
        found_clusters: found_groups.len(),
        cluster_pairs: PairScore::new(&found_pairs, &truth_pairs),
        verified_pairs: PairScore::new(&verified, &truth_pairs),
        ari: round4(ari),
        recall_by_jaccard: bands,
        hard_negatives: hard,
        hard_negatives_clustered: hard_clustered,
        repeats,
        boilerplate: bp,
        unknown_ids: unknown,
    })
}

/// The evaluation as text for a terminal.
pub fn write_text(e: &Evaluation, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        w,
        "articles {}  truth clusters {}  found clusters {}",
        e.articles, e.truth_clusters, e.found_clusters
    )?;
    for (name, p) in [
        ("cluster pairs", &e.cluster_pairs),
        ("verified pairs", &e.verified_pairs),
    ] {
        writeln!(
            w,
            "{name:<15} precision {:.4}  recall {:.4}  F1 {:.4}  ({} correct of {} found, {} true)",
            p.precision, p.recall, p.f1, p.correct, p.predicted, p.truth
        )?;
    }
    writeln!(w, "ARI             {:.4}", e.ari)?;
    writeln!(w, "recall by Jaccard of reprint to canonical:")?;
    for b in &e.recall_by_jaccard {
        writeln!(
            w,
            "  [{:.2}, {:.2})  {:>7} pairs  recall {:.4}",
            b.low, b.high, b.pairs, b.recall
        )?;
    }
    writeln!(
        w,
        "hard negatives in one cluster: {} of {}",
        e.hard_negatives_clustered, e.hard_negatives
    )?;
    let r = &e.repeats;
    writeln!(
        w,
        "repeats         found {} of {} (predicted {})  span precision {:.4}  recall {:.4}",
        r.found, r.truth, r.predicted, r.span_precision, r.span_recall
    )?;
    let b = &e.boilerplate;
    writeln!(
        w,
        "boilerplate     carrier recall {:.4} ({} of {})  blocks found {} of {}",
        b.recall, b.carriers_found, b.carriers, b.blocks_found, b.blocks
    )?;
    // Unknown truth ids are a warning on stderr (the binary's), not part of the data.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_of_identical_and_opposite_labellings() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1, 2], &[5, 5, 7, 7, 9]), 1.0);
        let split = adjusted_rand_index(&[0, 0, 0, 0], &[0, 1, 2, 3]);
        assert!(split.abs() < 1e-12, "{split}");
        // sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((v - 0.571_428_571_428_571_5).abs() < 1e-12, "{v}");
    }

    #[test]
    fn interval_overlap() {
        assert_eq!(overlap(&[(0, 10), (20, 30)], &[(5, 25)]), 10);
        assert_eq!(
            merge(vec![(5, 9), (0, 6), (20, 21)]),
            vec![(0, 9), (20, 21)]
        );
    }
}
