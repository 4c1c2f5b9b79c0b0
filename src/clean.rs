//! `reprint clean`: what to cut from a scanned feed. [`plan`] is pure: it reads the corpus,
//! the scan's [`Report`] and its [`Details`] and decides, per article, whether it is kept
//! and which paragraph runs leave its text, each with the reason. [`mod@write`] applies a plan.
//!
//! Cuts are whole paragraphs, because repeats and boilerplate are found as paragraph runs:
//! a word or a paragraph is never cut in half. When a run of paragraphs leaves, the
//! whitespace that separated it from the next kept paragraph leaves with it (or, at the end
//! of the text, the whitespace before it), so the cleaned text keeps the separators it had
//! and never gains a double blank line.
//!
//! Nothing is lost silently: every article read is kept, removed (with the reason) or was
//! skipped by the reader (a warning), and [`Counts`] adds up (`records_in = kept + removed +
//! skipped`).

pub mod write;

use std::collections::HashMap;

use crate::corpus::Corpus;
use crate::pipeline::Details;
use crate::report::{Report, Warning};
use crate::segment::Span;

/// Which articles of a reprint cluster stay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// The cluster's canonical (earliest, then most story words, then first in input).
    #[default]
    Canonical,
    /// Every article; only in-article cuts are made.
    All,
    /// The member with the most words outside repeats and boilerplate; ties go to the
    /// canonical, then to the earlier member.
    Longest,
}

/// Default of [`Policy::min_boilerplate_words`]: as many words as a repeated run needs
/// (`Config::min_repeat_words`), so no cut rests on fewer shared words. On reuters-21578 the
/// boilerplate blocks below it are one-to-three-word table headers and dates ("Year", "Nine
/// mths", "Pay April 30", "Record April 16", carried by 6 to 600 reports) and the sign-off
/// "Reuter": cutting them made quarters and years indistinguishable (issue 17).
pub const MIN_BOILERPLATE_CUT_WORDS: usize = 6;

/// What `clean` removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub keep: Keep,
    /// Leave boilerplate paragraphs in the text (repeats are still cut).
    pub keep_boilerplate: bool,
    /// Words a boilerplate run needs in an article to be cut there (default
    /// [`MIN_BOILERPLATE_CUT_WORDS`]); a shorter run stays.
    pub min_boilerplate_words: usize,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            keep: Keep::default(),
            keep_boilerplate: false,
            min_boilerplate_words: MIN_BOILERPLATE_CUT_WORDS,
        }
    }
}

/// Why a run of paragraphs was cut.
#[derive(Clone, Debug, PartialEq)]
pub enum CutReason {
    /// The run repeats the earlier run `first` (bytes) = paragraphs `first_paragraphs` of the
    /// same article, which stays.
    RepeatOf {
        first: [usize; 2],
        first_paragraphs: [usize; 2],
    },
    /// The run is (part of) boilerplate block `block` of the report, carried by
    /// `block_articles` articles.
    Boilerplate {
        block: Option<usize>,
        block_articles: usize,
    },
}

/// Paragraphs `paragraphs[0]..=paragraphs[1]`, bytes `start..end` of the original text
/// (paragraph text only; the separators removed with it are in [`ArticlePlan::delete`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Cut {
    pub paragraphs: [usize; 2],
    pub start: usize,
    pub end: usize,
    pub reason: CutReason,
}

/// Why a whole article was removed.
#[derive(Clone, Debug, PartialEq)]
pub enum Removal {
    /// A reprint of `of`, the article kept for its cluster. `jaccard` and `containment` are
    /// those of the reprint pair with `similarity_to`: `of` itself when that pair is a reprint
    /// pair, else the member it is linked through (the cluster's `canonical`, or for a later
    /// version of a story, the version it was linked through).
    ReprintOf {
        of: String,
        canonical: String,
        similarity_to: String,
        jaccard: f64,
        containment: f64,
    },
    /// Every paragraph was a repeat or boilerplate: nothing would be left to write.
    Emptied,
}

/// The verdict for one article.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticlePlan {
    /// `None`: kept (with its cuts applied).
    pub removed: Option<Removal>,
    /// Paragraph runs cut, in text order, disjoint; each paragraph has one reason (a repeat
    /// wins over boilerplate).
    pub cuts: Vec<Cut>,
    /// Byte ranges to delete from the original text, in order, disjoint: the cuts with their
    /// separating whitespace.
    pub delete: Vec<(usize, usize)>,
}

/// What to do with a whole corpus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// One entry per corpus article, in input order.
    pub articles: Vec<ArticlePlan>,
    /// Input warnings that cost a record (no article was read from that file and line).
    pub skipped: Vec<Warning>,
}

/// The counting guarantee: `records_in == kept + removed + skipped`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub records_in: usize,
    pub kept: usize,
    pub removed: usize,
    /// Of `removed`: reprints of a kept article.
    pub reprints: usize,
    /// Of `removed`: emptied by the cuts.
    pub emptied: usize,
    pub skipped: usize,
    /// Cut entries in kept articles, and how many of them are repeats and boilerplate.
    pub spans_cut: usize,
    pub repeat_spans: usize,
    pub boilerplate_spans: usize,
    /// Bytes deleted from kept articles' texts (separators included).
    pub bytes_cut: usize,
}

impl Plan {
    /// Totals over the plan.
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            skipped: self.skipped.len(),
            ..Counts::default()
        };
        for a in &self.articles {
            match &a.removed {
                Some(Removal::ReprintOf { .. }) => c.reprints += 1,
                Some(Removal::Emptied) => c.emptied += 1,
                None => {
                    c.kept += 1;
                    c.spans_cut += a.cuts.len();
                    for cut in &a.cuts {
                        match cut.reason {
                            CutReason::RepeatOf { .. } => c.repeat_spans += 1,
                            CutReason::Boilerplate { .. } => c.boilerplate_spans += 1,
                        }
                    }
                    c.bytes_cut += a.delete.iter().map(|(s, e)| e - s).sum::<usize>();
                }
            }
        }
        c.removed = c.reprints + c.emptied;
        c.records_in = c.kept + c.removed + c.skipped;
        c
    }
}

/// Why a paragraph leaves, while the plan is made.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Flag {
    /// Paragraph `f` of the same article reads the same (equal [`ParaKey`]); `run` indexes
    /// the report's repeats.
    Repeat { run: usize, f: usize },
    Boilerplate {
        block: Option<usize>,
        block_articles: usize,
    },
}

/// What a paragraph reads as after normalisation (NFKC, case, punctuation; numbers and
/// names are words like any other): the hash of its token hashes and its word count. Two
/// paragraphs with one key read the same.
type ParaKey = (u64, usize);

fn para_key(text: &str) -> ParaKey {
    let hashes: Vec<u64> = crate::normalize::tokenize(text)
        .iter()
        .map(|t| t.hash)
        .collect();
    (crate::hash::sequence(&hashes), hashes.len())
}

/// The scan [`plan`] needs: [`crate::pipeline::scan_with_details`], whose details carry
/// every reprint pair, listed in the report or not. Its report is the one `scan` prints with
/// the same `cfg`.
pub fn scan(
    corpus: &Corpus,
    warnings: Vec<Warning>,
    cfg: &crate::Config,
) -> crate::Result<(Report, crate::pipeline::Stats, Details)> {
    crate::pipeline::scan_with_details(corpus, warnings, cfg)
}

/// Decides what to cut. `details` must come from the same scan as `report` ([`scan`]): the
/// reprint pairs come from `details`, not from the report, which lists a cluster's pairs only
/// through its canonical; when the member that stays is another one (`Keep::Longest`, or a
/// canonical with nothing left) a member whose reprint pair with it is unlisted would stay.
/// Deterministic: it depends only on its inputs.
/// The error is a text that could not be read again ([`Corpus::text`]).
///
/// The plan keeps the clean invariant (issue 17), which `tests/clean.rs` checks on generated
/// feeds and `benches/eval/clean_check.py` on the real ones:
///
/// - a paragraph is cut only when a paragraph that reads the same after normalisation
///   (every word, so every number and name, equal) stays in the output: a repeat is cut only
///   where it equals its first occurrence word for word (a near-exact repeat, "…Juventus,
///   Lyon." against "…Juventus, Monaco.", stays), and of a boilerplate paragraph (or any cut
///   paragraph) the first copy in input order among the articles not removed stays;
/// - an article is removed as a reprint only when the scan judged it a reprint (`kind:
///   reprint`) of an article that stays; in a story cluster whose versions drift (a
///   write-through) a version that is no reprint of a kept one stays.
pub fn plan(
    corpus: &Corpus,
    report: &Report,
    details: &Details,
    policy: Policy,
) -> crate::Result<Plan> {
    let index: HashMap<&str, usize> = corpus
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let n = corpus.len();
    let empty: Vec<Span> = Vec::new();
    let paras = |a: usize| details.paragraphs.get(a).unwrap_or(&empty);

    let mut keys: Vec<Vec<ParaKey>> = Vec::with_capacity(n);
    for a in 0..n {
        let text = corpus.text(a)?;
        keys.push(
            paras(a)
                .iter()
                .map(|s| para_key(&text[s.start..s.end]))
                .collect(),
        );
    }

    // Per paragraph: why it leaves, if it does. Repeats first, so a paragraph that is both a
    // repeat and boilerplate is reported once, as a repeat. A repeated paragraph leaves only
    // when it reads the same as the paragraph it repeats (a run of the report may be
    // near-exact: a number or a name changed).
    let mut flags: Vec<Vec<Option<Flag>>> = (0..n).map(|a| vec![None; paras(a).len()]).collect();
    for (run, r) in report.repeats.iter().enumerate() {
        let Some(&a) = index.get(r.article.as_str()) else {
            continue;
        };
        let [i, j] = r.first.paragraphs;
        let [k0, k1] = r.repeat.paragraphs;
        let period = j + 1 - i;
        for k in k0..=k1.min(flags[a].len().saturating_sub(1)) {
            let f = i + (k - k0) % period;
            if flags[a][k].is_none() && f < k && keys[a][k] == keys[a][f] {
                flags[a][k] = Some(Flag::Repeat { run, f });
            }
        }
    }
    // Story words (outside repeats and boilerplate), for `Keep::Longest`, whatever the
    // boilerplate policy.
    let mut story_words = vec![0usize; n];
    for a in 0..n {
        let mut boiler = vec![false; paras(a).len()];
        for run in details.boilerplate.get(a).into_iter().flatten() {
            let [i, j] = run.paragraphs;
            for b in boiler.iter_mut().take(j + 1).skip(i) {
                *b = true;
            }
        }
        story_words[a] = keys[a]
            .iter()
            .enumerate()
            .filter(|&(p, _)| !boiler[p] && flags[a][p].is_none())
            .map(|(_, k)| k.1)
            .sum();
    }
    if !policy.keep_boilerplate {
        for (a, slots) in flags.iter_mut().enumerate() {
            for run in details.boilerplate.get(a).into_iter().flatten() {
                let block_articles = run
                    .block
                    .and_then(|b| report.boilerplate.get(b))
                    .map_or(0, |b| b.articles);
                let [i, j] = run.paragraphs;
                let words: usize = keys[a].iter().take(j + 1).skip(i).map(|k| k.1).sum();
                if words < policy.min_boilerplate_words {
                    continue;
                }
                for slot in slots.iter_mut().take(j + 1).skip(i) {
                    if slot.is_none() {
                        *slot = Some(Flag::Boilerplate {
                            block: run.block,
                            block_articles,
                        });
                    }
                }
            }
        }
    }
    let all_flagged =
        |flags: &[Option<Flag>]| !flags.is_empty() && flags.iter().all(Option::is_some);

    // Whole articles: reprints of a member that stays.
    let mut removed: Vec<Option<Removal>> = vec![None; n];
    if policy.keep != Keep::All {
        remove_reprints(
            corpus,
            report,
            &details.reprint_pairs,
            &index,
            |c, members| match policy.keep {
                Keep::Longest => members
                    .iter()
                    .copied()
                    // `max_by_key` keeps the last maximum; reversing keeps the first, so the
                    // canonical (listed first) wins ties.
                    .rev()
                    .max_by_key(|&m| story_words[m]),
                _ => index.get(c.canonical.as_str()).copied(),
            },
            |m| all_flagged(&flags[m]),
            &mut removed,
        );
    }
    // An article others were removed as reprints of stays whole if nothing else of it would.
    for r in removed.iter().flatten() {
        if let Removal::ReprintOf { of, .. } = r {
            let k = index[of.as_str()];
            if all_flagged(&flags[k]) {
                flags[k].fill(None);
            }
        }
    }

    // Of every paragraph that leaves, one copy stays: when no paragraph that reads the same
    // stays in an article that is not removed as a reprint, the first cut copy in input order
    // stays instead.
    let mut staying: std::collections::HashSet<ParaKey> = std::collections::HashSet::new();
    for a in (0..n).filter(|&a| removed[a].is_none()) {
        for (p, k) in keys[a].iter().enumerate() {
            if flags[a][p].is_none() {
                staying.insert(*k);
            }
        }
    }
    for a in (0..n).filter(|&a| removed[a].is_none()) {
        for p in 0..keys[a].len() {
            if flags[a][p].is_some() && staying.insert(keys[a][p]) {
                flags[a][p] = None;
            }
        }
    }

    let articles: Vec<ArticlePlan> = (0..n)
        .map(|a| {
            let cuts = cuts_of(paras(a), &flags[a], report);
            let removed_flags: Vec<bool> = flags[a].iter().map(Option::is_some).collect();
            let delete = deletions(paras(a), &removed_flags);
            let removed = removed[a]
                .take()
                .or_else(|| all_flagged(&flags[a]).then_some(Removal::Emptied));
            ArticlePlan {
                removed,
                cuts,
                delete,
            }
        })
        .collect();

    let read: std::collections::HashSet<(&str, u64)> = corpus
        .articles
        .iter()
        .map(|a| (a.origin.file.as_ref(), a.origin.line))
        .collect();
    let skipped = report
        .warnings
        .iter()
        .filter(|w| !read.contains(&(w.file.as_str(), w.line)))
        .cloned()
        .collect();
    Ok(Plan { articles, skipped })
}

/// Marks in `removed` the cluster members that are reprints of a member that stays, given
/// `pairs`, every pair judged a reprint. The member `choose` picks among a cluster's members
/// still in (in the cluster's order) stays (or, when nothing of it would be left, the first member in
/// the cluster's order of which something would); the others are taken in order of their
/// distance from it through reprint pairs, and each is removed when it is a reprint of a
/// member that stays (the one it stays closest to: the first kept member, then its `via`),
/// else it stays itself. A write-through whose versions drift apart keeps the versions that
/// are reprints of no kept version.
fn remove_reprints(
    corpus: &Corpus,
    report: &Report,
    pairs: &[crate::pipeline::ReprintPair],
    index: &HashMap<&str, usize>,
    choose: impl Fn(&crate::report::Cluster, &[usize]) -> Option<usize>,
    nothing_left: impl Fn(usize) -> bool,
    removed: &mut [Option<Removal>],
) {
    let mut reprint_of: HashMap<usize, Vec<(usize, f64, f64)>> = HashMap::new();
    for &crate::pipeline::ReprintPair {
        a,
        b,
        jaccard,
        containment,
    } in pairs
    {
        reprint_of
            .entry(a)
            .or_default()
            .push((b, jaccard, containment));
        reprint_of
            .entry(b)
            .or_default()
            .push((a, jaccard, containment));
    }
    for c in &report.clusters {
        let members: Vec<usize> = c
            .members
            .iter()
            .filter_map(|m| index.get(m.as_str()).copied())
            .filter(|&m| removed[m].is_none())
            .collect();
        let Some(root) = choose(c, &members)
            .filter(|&m| !nothing_left(m))
            .or_else(|| members.iter().copied().find(|&m| !nothing_left(m)))
        else {
            continue;
        };
        // Breadth-first from the root through the cluster's reprint pairs.
        let in_cluster: std::collections::HashSet<usize> = members.iter().copied().collect();
        let mut order = vec![root];
        let mut seen: std::collections::HashSet<usize> = [root].into();
        let mut q = 0;
        while q < order.len() {
            let mut next: Vec<usize> = reprint_of
                .get(&order[q])
                .into_iter()
                .flatten()
                .map(|&(b, _, _)| b)
                .filter(|b| in_cluster.contains(b) && !seen.contains(b))
                .collect();
            next.sort_unstable();
            next.dedup();
            seen.extend(next.iter().copied());
            order.extend(next);
            q += 1;
        }
        let mut kept: Vec<usize> = vec![root];
        for &m in &order[1..] {
            let id = corpus.articles[m].id.as_str();
            let pairs = reprint_of.get(&m).map(Vec::as_slice).unwrap_or(&[]);
            let pair_with = |k: usize| pairs.iter().find(|p| p.0 == k).copied();
            let via = c.via.get(id).and_then(|v| index.get(v.as_str()).copied());
            let to = pair_with(root)
                .or_else(|| via.filter(|v| kept.contains(v)).and_then(pair_with))
                .or_else(|| kept.iter().find_map(|&k| pair_with(k)));
            match to {
                Some((k, jaccard, containment)) => {
                    let kid = corpus.articles[k].id.clone();
                    removed[m] = Some(Removal::ReprintOf {
                        of: kid.clone(),
                        canonical: c.canonical.clone(),
                        similarity_to: kid,
                        jaccard,
                        containment,
                    });
                }
                None => kept.push(m),
            }
        }
    }
}

/// Maximal runs of paragraphs with one reason, as cuts: boilerplate paragraphs of one block,
/// or repeated paragraphs of one report run whose first occurrences follow each other (or,
/// in a block printed many times, start the block again). A repeat cut's `first` covers the
/// paragraphs its own paragraphs repeat.
fn cuts_of(paras: &[Span], flags: &[Option<Flag>], report: &Report) -> Vec<Cut> {
    let joins = |x: &Flag, y: &Flag| match (x, y) {
        (Flag::Repeat { run: r1, f: f1 }, Flag::Repeat { run: r2, f: f2 }) => {
            r1 == r2 && (*f2 == f1 + 1 || *f2 == report.repeats[*r1].first.paragraphs[0])
        }
        _ => x == y,
    };
    let mut cuts = Vec::new();
    let mut p = 0;
    while p < flags.len() {
        let Some(first) = flags[p] else {
            p += 1;
            continue;
        };
        let mut q = p;
        while let (Some(x), Some(Some(y))) = (flags[q], flags.get(q + 1)) {
            if !joins(&x, y) {
                break;
            }
            q += 1;
        }
        let reason = match first {
            Flag::Repeat { .. } => {
                let fs = flags[p..=q].iter().filter_map(|x| match x {
                    Some(Flag::Repeat { f, .. }) => Some(*f),
                    _ => None,
                });
                let (lo, hi) = fs.fold((usize::MAX, 0), |(lo, hi), f| (lo.min(f), hi.max(f)));
                CutReason::RepeatOf {
                    first: [paras[lo].start, paras[hi].end],
                    first_paragraphs: [lo, hi],
                }
            }
            Flag::Boilerplate {
                block,
                block_articles,
            } => CutReason::Boilerplate {
                block,
                block_articles,
            },
        };
        cuts.push(Cut {
            paragraphs: [p, q],
            start: paras[p].start,
            end: paras[q].end,
            reason,
        });
        p = q + 1;
    }
    cuts
}

/// The byte ranges to delete so that the paragraphs flagged in `removed` leave with one
/// separator each: a run followed by a kept paragraph takes the whitespace up to that
/// paragraph; a run at the end takes the whitespace after the previous kept paragraph
/// (the text's own trailing whitespace stays). A text whose paragraphs all leave gets no
/// ranges (the article is removed whole instead).
pub fn deletions(paras: &[Span], removed: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut p = 0;
    while p < removed.len() {
        if !removed[p] {
            p += 1;
            continue;
        }
        let mut q = p;
        while q + 1 < removed.len() && removed[q + 1] {
            q += 1;
        }
        if q + 1 < paras.len() {
            out.push((paras[p].start, paras[q + 1].start));
        } else if p > 0 {
            out.push((paras[p - 1].end, paras[q].end));
        }
        p = q + 1;
    }
    out
}

/// `text` without the byte ranges `delete` (in order, disjoint, on char boundaries as
/// [`deletions`] makes them: paragraph and whitespace boundaries).
pub fn apply(text: &str, delete: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(s, e) in delete {
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            // Not produced by `deletions`; keep the text rather than panic.
            continue;
        }
        out.push_str(&text[at..s]);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Article, Body, Origin};

    fn spans(text: &str) -> Vec<Span> {
        crate::segment::paragraphs(text)
    }

    #[test]
    fn a_middle_run_takes_the_separator_after_it() {
        let t = "A one.\n\nB two.\n\nC three.\n";
        let p = spans(t);
        let d = deletions(&p, &[false, true, false]);
        assert_eq!(apply(t, &d), "A one.\n\nC three.\n");
    }

    #[test]
    fn a_final_run_takes_the_separator_before_it() {
        let t = "A one.\nB two.\n\nC three.\n\n";
        let p = spans(t);
        let d = deletions(&p, &[false, true, true]);
        assert_eq!(apply(t, &d), "A one.\n\n");
        let d = deletions(&p, &[true, false, false]);
        assert_eq!(apply(t, &d), "B two.\n\nC three.\n\n");
    }

    #[test]
    fn separate_runs_never_leave_a_double_blank_line() {
        let t = "P0.\n\nP1.\n\nP2.\n\nP3.\n\nP4.";
        let p = spans(t);
        for mask in 0u32..32 {
            let removed: Vec<bool> = (0..5).map(|i| mask & (1 << i) != 0).collect();
            if removed.iter().all(|&x| x) {
                assert!(deletions(&p, &removed).is_empty());
                continue;
            }
            let out = apply(t, &deletions(&p, &removed));
            let want: Vec<String> = (0..5)
                .filter(|&i| !removed[i])
                .map(|i| format!("P{i}."))
                .collect();
            assert_eq!(out, want.join("\n\n"), "mask {mask:05b}");
        }
    }

    #[test]
    fn apply_ignores_ranges_it_cannot_honour() {
        assert_eq!(apply("héllo", &[(1, 2)]), "héllo");
        assert_eq!(apply("hello", &[(3, 9)]), "hello");
    }

    fn article(id: &str, text: &str, source: &str, line: u64) -> Article {
        Article {
            id: id.into(),
            title: String::new(),
            body: Body::Text(text.into()),
            source: source.into(),
            date: format!("2024-01-{:02}", line),
            origin: Origin {
                file: "feed.jsonl".into(),
                line,
            },
        }
    }

    /// A paragraph of twelve words that shares no run of words with any other `(k, p)`.
    fn para(k: usize, p: usize) -> String {
        const WORDS: [&str; 24] = [
            "harbour", "council", "minister", "river", "budget", "school", "railway", "museum",
            "festival", "hospital", "airport", "election", "bridge", "market", "library",
            "stadium", "factory", "garden", "tunnel", "theatre", "village", "court", "prison",
            "forest",
        ];
        let mut x = (k * 31 + p * 7 + 1) as u64;
        let words: Vec<&str> = (0..12)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                WORDS[(x >> 33) as usize % WORDS.len()]
            })
            .collect();
        format!("Story {k} part {p}: {}.", words.join(" "))
    }

    /// Ten stories of one outlet with its footer, the first story reprinted (and lengthened)
    /// by another outlet, and a doubled paragraph in story 3.
    fn corpus() -> Corpus {
        let footer =
            "Copyright Example Outlet. All rights reserved. Do not redistribute this material.";
        let mut articles = Vec::new();
        for k in 0..10 {
            let mut paras: Vec<String> = (0..6).map(|p| para(k as usize, p)).collect();
            if k == 3 {
                paras.insert(4, paras[1].clone());
            }
            paras.push(footer.into());
            articles.push(article(
                &format!("s{k}"),
                &paras.join("\n\n"),
                "Outlet",
                k + 1,
            ));
        }
        // The reprint adds two paragraphs of its own: longer than the canonical.
        let reprint: Vec<String> = (0..6)
            .map(|p| para(0, p))
            .chain([para(50, 0), para(50, 1)])
            .collect();
        articles.push(article("r0", &reprint.join("\n"), "Other", 11));
        Corpus::in_memory(articles)
    }

    fn run(policy: Policy) -> (Corpus, Plan) {
        let c = corpus();
        let warnings = vec![Warning {
            file: "feed.jsonl".into(),
            line: 12,
            message: "malformed JSON".into(),
        }];
        let (report, _, details) =
            crate::pipeline::scan_with_details(&c, warnings, &crate::Config::default()).unwrap();
        assert_eq!(report.repeats.len(), 1);
        assert_eq!(report.boilerplate.len(), 1);
        assert_eq!(report.clusters.len(), 1);
        let plan = plan(&c, &report, &details, policy).unwrap();
        (c, plan)
    }

    #[test]
    fn plan_cuts_repeats_and_boilerplate_and_removes_reprints() {
        let (c, plan) = run(Policy::default());
        let counts = plan.counts();
        assert_eq!(counts.records_in, 12);
        assert_eq!((counts.kept, counts.removed, counts.skipped), (10, 1, 1));
        // s0 is the canonical (earlier date); r0 its reprint.
        assert!(matches!(
            &plan.articles[10].removed,
            Some(Removal::ReprintOf { of, similarity_to, jaccard, .. })
                if of == "s0" && similarity_to == "s0" && *jaccard > 0.5
        ));
        // Story 3: the doubled paragraph and the footer are cut; the first copy stays.
        let s3 = &plan.articles[3];
        assert_eq!(s3.cuts.len(), 2);
        assert!(matches!(
            s3.cuts[0].reason,
            CutReason::RepeatOf {
                first_paragraphs: [1, 1],
                ..
            }
        ));
        assert!(matches!(
            s3.cuts[1].reason,
            CutReason::Boilerplate {
                block: Some(0),
                block_articles: 10
            }
        ));
        let out = apply(&c.text(3).unwrap(), &s3.delete);
        assert_eq!(out.matches("Story 3 part 1:").count(), 1);
        assert!(!out.contains("Copyright") && !out.contains("\n\n\n"));
        assert!(out.ends_with(&para(3, 5)));
        // The footer leaves every carrier but the first, s0, which keeps the copy that stays.
        assert!(plan.articles[0].cuts.is_empty());
        assert!(apply(&c.text(0).unwrap(), &plan.articles[0].delete).contains("Copyright"));
        assert_eq!(counts.spans_cut, 10);
        assert_eq!(counts.repeat_spans, 1);
    }

    /// Issue 17: table rows that differ by a number and lists that differ by a name are
    /// near-exact repeats for the scan, but clean cuts only a copy that reads the same.
    #[test]
    fn a_repeat_that_changes_a_number_or_a_name_is_not_cut() {
        let row = "Oper shr profit 12 cts vs loss two cts in the quarter, the company said on Monday in a statement";
        let row2 = "Oper shr profit 12 cts vs loss nine cts in the quarter, the company said on Monday in a statement";
        let list = "The clubs in the draw for the last sixteen are Barcelona, Porto, Ajax, Benfica, Juventus, Lyon.";
        let list2 = "The clubs in the draw for the last sixteen are Barcelona, Porto, Ajax, Benfica, Juventus, Monaco.";
        let text = [
            row,
            list,
            "A paragraph between them that is not repeated anywhere at all.",
            row2,
            list2,
            row,
        ]
        .join("\n\n");
        let c = Corpus::in_memory(vec![article("t", &text, "Wire", 1)]);
        let (report, _, details) =
            crate::pipeline::scan_with_details(&c, Vec::new(), &crate::Config::default()).unwrap();
        // The scan reports the changed copies as near-exact repeats…
        assert!(
            report.repeats.iter().any(|r| !r.exact),
            "{:?}",
            report.repeats
        );
        let plan = plan(&c, &report, &details, Policy::default()).unwrap();
        let out = apply(&text, &plan.articles[0].delete);
        // …but only the exact copy (the last paragraph) leaves.
        assert_eq!(
            plan.articles[0].cuts.len(),
            1,
            "{:?}",
            plan.articles[0].cuts
        );
        assert_eq!(plan.articles[0].cuts[0].paragraphs, [5, 5]);
        assert!(matches!(
            plan.articles[0].cuts[0].reason,
            CutReason::RepeatOf {
                first_paragraphs: [0, 0],
                ..
            }
        ));
        for p in [row2, list2, list] {
            assert!(out.contains(p), "{p}");
        }
        assert_eq!(out.matches(row).count(), 1);
    }

    /// Issue 17: a short boilerplate line (a table header carried by hundreds of reports) is
    /// not cut below the stated minimum; lowering the minimum cuts it.
    #[test]
    fn a_boilerplate_run_shorter_than_the_minimum_stays() {
        let mut articles = Vec::new();
        for k in 0..8 {
            let paras: Vec<String> = (0..4)
                .map(|p| para(k, p))
                .chain(["Year".to_string(), para(k, 9)])
                .collect();
            articles.push(article(
                &format!("q{k}"),
                &paras.join("\n\n"),
                "Wire",
                k as u64 + 1,
            ));
        }
        let c = Corpus::in_memory(articles);
        let (report, _, details) =
            crate::pipeline::scan_with_details(&c, Vec::new(), &crate::Config::default()).unwrap();
        assert_eq!(report.boilerplate.len(), 1, "the scan finds the header");
        let default = plan(&c, &report, &details, Policy::default()).unwrap();
        assert_eq!(default.counts().spans_cut, 0);
        let low = plan(
            &c,
            &report,
            &details,
            Policy {
                min_boilerplate_words: 1,
                ..Policy::default()
            },
        )
        .unwrap();
        // Every carrier but the first loses it.
        assert_eq!(low.counts().spans_cut, 7);
        assert!(low.articles[0].cuts.is_empty());
    }

    #[test]
    fn keep_all_and_keep_boilerplate() {
        let (_, plan) = run(Policy {
            keep: Keep::All,
            keep_boilerplate: true,
            ..Policy::default()
        });
        let counts = plan.counts();
        assert_eq!((counts.kept, counts.removed, counts.spans_cut), (11, 0, 1));
    }

    #[test]
    fn keep_longest_prefers_more_story_words() {
        let (_, plan) = run(Policy {
            keep: Keep::Longest,
            ..Policy::default()
        });
        assert!(plan.articles[10].removed.is_none());
        assert!(matches!(
            &plan.articles[0].removed,
            Some(Removal::ReprintOf { of, canonical, similarity_to, .. })
                if of == "r0" && canonical == "s0" && similarity_to == "r0"
        ));
    }
}
