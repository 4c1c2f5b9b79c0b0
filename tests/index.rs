//! `reprint index` (issue 18): batches added in date order against `scan` over the whole
//! window, stable cluster ids and events, settings refusal, known-answer vectors.

// The feeds are generated (`reprint::synth`, developer tooling).
#![cfg(feature = "tooling")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use reprint::corpus::{Article, Body, Corpus, Origin};
use reprint::index::{self, NewArticle};
use reprint::report::PairKind;
use reprint::Config;

fn base() -> &'static [reprint::synth::BaseStory] {
    static BASE: std::sync::OnceLock<Vec<reprint::synth::BaseStory>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        reprint::synth::load_base(&common::root().join("data/base-stories.jsonl")).unwrap()
    })
}

/// A generated feed in date order (ties in feed order).
fn feed(seed: u64, articles: usize, days: u32) -> Vec<NewArticle> {
    generated(seed, articles, days).0
}

/// As [`feed`], with the ids of the articles the generator OCR'd.
fn generated(seed: u64, articles: usize, days: u32) -> (Vec<NewArticle>, BTreeSet<String>) {
    let cfg = reprint::synth::SynthConfig {
        seed,
        articles,
        outlets: 8,
        days,
        ..Default::default()
    };
    let feed = reprint::synth::generate(base(), &cfg);
    let ocr = feed.truth.ocr.iter().map(|o| o.article.clone()).collect();
    let mut out: Vec<NewArticle> = feed
        .articles
        .into_iter()
        .map(|a| NewArticle {
            id: a.id,
            title: a.title,
            source: a.source,
            date: a.date,
            text: a.text,
        })
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date));
    (out, ocr)
}

/// The feed cut into batches of `days` days each, by the date's day.
fn batches(feed: &[NewArticle], days: i64) -> Vec<Vec<NewArticle>> {
    let mut out: BTreeMap<i64, Vec<NewArticle>> = BTreeMap::new();
    for a in feed {
        let d = index::day_number(&a.date).expect("synth dates are ISO");
        out.entry(d.div_euclid(days)).or_default().push(a.clone());
    }
    out.into_values().collect()
}

fn scan_all(feed: &[NewArticle]) -> reprint::report::Report {
    let file: Arc<str> = Arc::from("feed");
    let corpus = Corpus::in_memory(
        feed.iter()
            .map(|a| Article {
                id: a.id.clone(),
                title: a.title.clone(),
                body: Body::Text(a.text.clone()),
                source: a.source.clone(),
                date: a.date.clone(),
                origin: Origin {
                    file: file.clone(),
                    line: 1,
                },
            })
            .collect(),
    );
    let cfg = Config {
        all_pairs: true,
        ..Config::default()
    };
    reprint::pipeline::scan(&corpus, vec![], &cfg).unwrap().0
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

fn scratch(name: &str) -> common::Scratch {
    common::scratch(name)
}

/// Adds every batch to a fresh index in `dir`; returns the reprint pairs the reports list.
fn add_all(dir: &Path, batches: &[Vec<NewArticle>]) -> Vec<index::report::BatchReport> {
    index::init(dir, &Config::default()).unwrap();
    batches
        .iter()
        .map(|b| index::add(dir, b.clone(), vec![], &Config::default()).unwrap())
        .collect()
}

fn reprint_pairs(reports: &[index::report::BatchReport]) -> BTreeSet<(String, String)> {
    reports
        .iter()
        .flat_map(|r| &r.articles)
        .flat_map(|a| {
            a.links
                .iter()
                .filter(|l| l.kind == PairKind::Reprint)
                .map(move |l| pair(&a.id, &l.id))
        })
        .collect()
}

/// Per article, the number of boilerplate blocks it carries: by the index's reports (the
/// verdict when it was added) and by the scan of the whole window.
fn boilerplate_counts(
    reports: &[index::report::BatchReport],
    scan: &reprint::report::Report,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut by_index = BTreeMap::new();
    for a in reports.iter().flat_map(|r| &r.articles) {
        by_index.insert(a.id.clone(), a.boilerplate.len());
    }
    let mut by_scan: BTreeMap<String, usize> = by_index.keys().map(|k| (k.clone(), 0)).collect();
    for id in scan.boilerplate.iter().flat_map(|b| &b.ids) {
        *by_scan.entry(id.clone()).or_default() += 1;
    }
    (by_index, by_scan)
}

/// Issue 18's equivalence: a generated feed added in date-ordered batches (1, 2 and 3 days)
/// gives the reprint pairs and clusters of one scan over the whole window, except for the
/// documented cases: a pair one of whose articles got another boilerplate verdict when it was
/// added than the whole window gives it (an outlet's footer is boilerplate only once enough
/// articles carry it, so the first days' articles are judged with the footer as text), and
/// an OCR-noisy copy the scan found by character evidence that meets the new article in only
/// one word band (`index::MIN_WORD_BANDS`) or only through the scan's character signature
/// (whose common grams are counted over the whole feed), which the index does not read with
/// the batch; and, the other way, a pair the index takes as a reprint by words that only the
/// scan's character signature proposed, with no noisy side, which the scan keeps only on
/// character evidence of garbles or on words resting on two or more shared passages.
#[test]
fn batches_in_date_order_give_the_pairs_and_clusters_of_one_scan_but_early_boilerplate() {
    let (mut exact_runs, mut chars_found, mut chars_total) = (0, 0, 0);
    for (seed, articles, days, per_batch) in [(3u64, 300, 10, 1), (5, 500, 15, 2), (11, 400, 12, 3)]
    {
        let (feed, ocr) = generated(seed, articles, days);
        let bs = batches(&feed, per_batch);
        assert!(bs.len() >= 4, "seed {seed}: {} batches", bs.len());
        let dir = scratch(&format!("index-equivalence-{seed}"));
        let reports = add_all(&dir, &bs);
        let scan = scan_all(&feed);
        let got = reprint_pairs(&reports);
        let want: BTreeSet<_> = scan
            .pairs
            .iter()
            .filter(|p| p.kind == PairKind::Reprint)
            .map(|p| pair(&p.a, &p.b))
            .collect();
        let (bp_index, bp_scan) = boilerplate_counts(&reports, &scan);
        let judged_otherwise = |id: &String| bp_index.get(id) != bp_scan.get(id);
        // Pairs the scan judged by character evidence (OCR-noisy text).
        let by_chars: BTreeSet<_> = scan
            .pairs
            .iter()
            .filter(|p| p.evidence == reprint::report::EvidenceKind::Characters)
            .map(|p| pair(&p.a, &p.b))
            .collect();
        // Every pair the scan lists, of any kind.
        let listed_by_scan: BTreeSet<_> = scan.pairs.iter().map(|p| pair(&p.a, &p.b)).collect();
        let differing: Vec<_> = want.symmetric_difference(&got).collect();
        for &ab in &differing {
            let (a, b) = ab;
            // An OCR'd copy the scan found by character evidence, or through its character
            // signature and then on words.
            let noisy_missed =
                !got.contains(ab) && (by_chars.contains(ab) || ocr.contains(a) || ocr.contains(b));
            // A reprint by words the index finds through its word bands, which the scan does
            // not list at all: only the scan's character signature proposed it, and such a
            // pair with no noisy side is kept only on character evidence of garbles, or on
            // words resting on two or more shared passages (`evidence::Noise::CharsOnly`).
            let chars_only = got.contains(ab) && !listed_by_scan.contains(ab);
            assert!(
                judged_otherwise(a) || judged_otherwise(b) || noisy_missed || chars_only,
                "seed {seed}: pair {a} {b} differs from the scan, but both articles got the \
                 scan's boilerplate verdict (index {:?} {:?}, scan {:?} {:?}) and it is no \
                 noisy pair the index missed nor a character-route pair the scan left out \
                 (index lists it: {}; scan lists it: {:?})",
                bp_index.get(a),
                bp_index.get(b),
                bp_scan.get(a),
                bp_scan.get(b),
                got.contains(ab),
                scan.pairs
                    .iter()
                    .find(|p| pair(&p.a, &p.b) == *ab)
                    .map(|p| (p.kind, p.evidence)),
            );
        }
        // The documented cases stay rare: at most an eighth of the pairs. The index files no
        // character signature (its keys may not depend on the feed, and the scan's signature
        // keeps only the grams rare in the feed), so the OCR'd copies only the scan's
        // character signature proposes are its largest gap: 12 of 286 pairs on seed 3 with
        // a signature of 16 bands met once, 24 of 291 with 128 bands met twice, 30 of 291
        // once the scan keeps such a pair on words resting on two or more shared passages
        // (every one an OCR'd copy or a boilerplate case, as the loop above checks).
        eprintln!(
            "seed {seed}: {} of {} pairs differ",
            differing.len(),
            want.len()
        );
        assert!(
            differing.len() * 8 <= want.len(),
            "seed {seed}: {} of {} pairs differ",
            differing.len(),
            want.len()
        );
        // Clusters: equal, except those holding an article of a differing pair.
        let touched: BTreeSet<&String> = differing.iter().flat_map(|(a, b)| [a, b]).collect();
        let listed = index::clusters(&dir).unwrap();
        let by_index: BTreeSet<BTreeSet<String>> = listed
            .clusters
            .iter()
            .map(|c| c.members.iter().map(|m| m.id.clone()).collect())
            .collect();
        let by_scan: BTreeSet<BTreeSet<String>> = scan
            .clusters
            .iter()
            .map(|c| c.members.iter().cloned().collect())
            .collect();
        for c in by_index.symmetric_difference(&by_scan) {
            assert!(
                c.iter().any(|id| touched.contains(id)),
                "seed {seed}: cluster {c:?} differs from the scan's without a differing pair"
            );
        }
        assert!(
            by_scan.len() >= 20,
            "seed {seed}: {} clusters",
            by_scan.len()
        );
        // Runs whose only differences are OCR'd copies the index missed or character-route
        // pairs the scan left out use no boilerplate excuse; the index must still find most
        // of the scan's character-evidence pairs.
        let noisy = differing
            .iter()
            .filter(|&&(a, b)| {
                let missed = !got.contains(&(a.clone(), b.clone()));
                let by_ocr = ocr.contains(a) || ocr.contains(b);
                (missed && by_ocr) || (!missed && !listed_by_scan.contains(&(a.clone(), b.clone())))
            })
            .count();
        exact_runs += usize::from(differing.len() == noisy);
        chars_found += by_chars.iter().filter(|ab| got.contains(*ab)).count();
        chars_total += by_chars.len();
    }
    // At least one feed is reproduced without a boilerplate excuse, and the noisy pairs the
    // index misses (found by the scan through a character or one word band only) stay few,
    // so the test cannot pass by excusing everything.
    assert!(exact_runs >= 1);
    assert!(
        chars_found * 5 >= chars_total * 4,
        "the index found {chars_found} of the scan's {chars_total} character-evidence pairs"
    );
}

/// A base story with at least `paras` paragraphs and `words` words, after `skip` such ones.
fn story(skip: usize, paras: usize, words: usize) -> &'static reprint::synth::BaseStory {
    base()
        .iter()
        .filter(|s| {
            s.paragraphs.len() >= paras
                && s.paragraphs
                    .iter()
                    .map(|p| p.split(' ').count())
                    .sum::<usize>()
                    >= words
        })
        .nth(skip)
        .expect("the bundled base has long stories")
}

fn art(id: &str, source: &str, date: &str, paragraphs: &[String]) -> NewArticle {
    NewArticle {
        id: id.into(),
        title: format!("Headline of {id}"),
        source: source.into(),
        date: date.into(),
        text: paragraphs.join("\n\n"),
    }
}

fn listed(dir: &Path) -> BTreeMap<String, (String, BTreeSet<String>)> {
    index::clusters(dir)
        .unwrap()
        .clusters
        .into_iter()
        .map(|c| {
            let members: Vec<String> = c.members.into_iter().map(|m| m.id).collect();
            // Listed as scan lists a cluster: the canonical first while it is in the window.
            if members.contains(&c.canonical) {
                assert_eq!(members[0], c.canonical, "{}: {members:?}", c.id);
            }
            (c.id, (c.canonical, members.into_iter().collect()))
        })
        .collect()
}

/// Cluster ids stay put: a new reprint joins the id its story has; an earlier copy arriving
/// late is an explicit `canonical_superseded` event; an article that reprints two clusters'
/// articles merges them by an explicit `merged` event; ids are never reused; re-adding a
/// batch adds nothing. `query` reports what `add` then does, without changing the index.
#[test]
fn cluster_ids_stay_put_and_changes_are_explicit_events() {
    let s1 = &story(0, 6, 350).paragraphs;
    let s2 = &story(1, 6, 350).paragraphs;
    let s3 = &story(2, 8, 450).paragraphs;
    let half = s3.len() / 2;
    let dir = scratch("index-cluster-ids");
    index::init(&dir, &Config::default()).unwrap();
    let cfg = Config::default();
    let day1 = vec![
        art("wire-1", "Wire", "2024-05-02T08:00:00Z", s1),
        art(
            "local-1",
            "Local A",
            "2024-05-02T10:00:00Z",
            &s1[..s1.len() - 1],
        ),
        art("other-1", "Local B", "2024-05-02T11:00:00Z", s2),
        art("half-a", "Local C", "2024-05-02T12:00:00Z", &s3[..half]),
        art("half-b", "Local D", "2024-05-02T13:00:00Z", &s3[half..]),
    ];
    let r1 = index::add(&dir, day1, vec![], &cfg).unwrap();
    let id = |r: &index::report::BatchReport, a: &str| {
        let x = r.articles.iter().find(|x| x.id == a).unwrap();
        (index::report::cluster_name(x.cluster), x.canonical.clone())
    };
    let (c1, canon) = id(&r1, "wire-1");
    assert_eq!(canon, "wire-1");
    assert_eq!(id(&r1, "local-1"), (c1.clone(), "wire-1".to_string()));
    let (c_other, _) = id(&r1, "other-1");
    let (c_a, _) = id(&r1, "half-a");
    let (c_b, _) = id(&r1, "half-b");
    let distinct: BTreeSet<_> = [&c1, &c_other, &c_a, &c_b].into_iter().collect();
    assert_eq!(distinct.len(), 4, "{distinct:?}");
    assert!(r1.events.is_empty(), "{:?}", r1.events);
    let before = listed(&dir);
    let next_before = index::stats(&dir).unwrap().next_cluster;

    let day2 = vec![
        art("local-2", "Local E", "2024-05-03T09:00:00Z", &s1[1..]),
        art("early-1", "Wire", "2024-05-01T07:00:00Z", s1),
        art("full-3", "Wire", "2024-05-01T09:00:00Z", s3),
        art("fresh-2", "Local F", "2024-05-03T10:00:00Z", &s2[..2]),
    ];
    let q = index::query(&dir, day2.clone(), vec![], &cfg).unwrap();
    assert_eq!(listed(&dir), before, "query changed the index");
    let r2 = index::add(&dir, day2.clone(), vec![], &cfg).unwrap();
    assert_eq!(q.articles, r2.articles);
    assert_eq!(q.events, r2.events);
    assert_eq!((q.command, r2.command), ("query", "add"));

    assert_eq!(id(&r2, "local-2"), (c1.clone(), "early-1".to_string()));
    assert_eq!(id(&r2, "early-1"), (c1.clone(), "early-1".to_string()));
    assert_eq!(id(&r2, "full-3").0, c_a);
    let ev = serde_json::to_value(&r2.events).unwrap();
    let want = serde_json::json!([
        {"event": "canonical_superseded", "cluster": c1, "old": "wire-1", "new": "early-1"},
        {"event": "merged", "from": c_b, "into": c_a, "by": "full-3"},
        {"event": "canonical_superseded", "cluster": c_a, "old": "half-a", "new": "full-3"},
    ]);
    assert_eq!(ev, want);
    // A story no earlier article shares gets an id never given before.
    let (c_fresh, _) = id(&r2, "fresh-2");
    let n: u64 = c_fresh[1..].parse().unwrap();
    assert!(
        n >= next_before,
        "{c_fresh} reuses an id below {next_before}"
    );

    let after = listed(&dir);
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        after[&c1],
        (
            "early-1".to_string(),
            set(&["wire-1", "local-1", "local-2", "early-1"])
        )
    );
    assert_eq!(
        after[&c_a],
        ("full-3".to_string(), set(&["half-a", "half-b", "full-3"]))
    );
    assert!(
        !after.contains_key(&c_b),
        "a merged id is listed under the id it joined"
    );
    assert!(!after.contains_key(&c_other));

    // The same batch again: every id is known, nothing is written.
    let gen = index::stats(&dir).unwrap().generation;
    let again = index::add(&dir, day2, vec![], &cfg).unwrap();
    assert_eq!(again.summary.skipped, 4);
    assert!(again.articles.is_empty() && again.segment.is_none());
    assert_eq!(index::stats(&dir).unwrap().generation, gen);
    assert_eq!(listed(&dir), after);
    let checked = index::check(&dir).unwrap();
    assert_eq!((checked.segments, checked.articles), (2, 9));
}

/// Settings are fixed when the index is made: a flag that asks for another value is refused
/// naming it, and a run without flags uses the index's settings.
#[test]
fn add_with_other_settings_is_refused_naming_them() {
    let dir = scratch("index-settings");
    let made = Config {
        threshold: 0.6,
        ..Config::default()
    };
    index::init(&dir, &made).unwrap();
    let batch = vec![art("a", "Wire", "2024-05-02", &story(0, 6, 350).paragraphs)];
    let asked = Config {
        threshold: 0.7,
        min_repeat_words: 9,
        ..Config::default()
    };
    let err = index::add(&dir, batch.clone(), vec![], &asked)
        .unwrap_err()
        .to_string();
    assert!(err.contains("manifest.json"), "{err}");
    assert!(err.contains("--threshold 0.7 (the index has 0.6)"), "{err}");
    assert!(
        err.contains("--min-repeat-words 9 (the index has 6)"),
        "{err}"
    );
    assert_eq!(index::stats(&dir).unwrap().generation, 0);
    let r = index::add(&dir, batch, vec![], &Config::default()).unwrap();
    assert_eq!(r.summary.articles, 1);
    assert_eq!(index::stats(&dir).unwrap().settings.threshold, 0.6);
    // A second init in the same place is refused.
    let err = index::init(&dir, &Config::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("already"), "{err}");
}

/// Known-answer vectors: the candidate keys and the settings fingerprint of this build. If
/// these change, indexes written before cannot be added to (the fingerprint refuses them):
/// bump `index::KEYS_VERSION` or `store::FORMAT_VERSION` and say so in the CHANGELOG. The
/// fingerprint here is of the default settings, so a changed default changes it too (the
/// evidence rule's `min_story_words` 60 -> 40 did) while an index keeps the settings it was
/// made with, and its fingerprint, and can still be added to.
#[test]
fn known_answer_vectors_pin_the_index_hashing() {
    let text = "The harbour council voted on Monday to rebuild the old ferry pier before \
        winter.\n\nMembers said the repairs would cost far less than a new pier further up \
        the coast, and work starts next month.";
    let cfg = Config::default();
    let keys = reprint::pipeline::IndexKeys::new(&cfg).of(text);
    assert_eq!(keys.len(), KAV_KEYS_LEN, "{keys:x?}");
    assert_eq!(&keys[..3], &KAV_KEYS_HEAD, "{keys:x?}");
    let settings = index::Settings::of(&Config::default());
    assert_eq!(index::fingerprint(&settings), KAV_FINGERPRINT);
    assert_eq!(xxhash_rust::xxh3::xxh3_64(b"reprint index"), KAV_XXH3);
}
const KAV_KEYS_LEN: usize = 66;
const KAV_KEYS_HEAD: [u64; 3] = [
    0x1e2e_74f6_fb8f_e3c8,
    0x29a6_4db7_d83d_d89e,
    0x4002_0be5_8a6f_ea4d,
];
const KAV_FINGERPRINT: &str = "499ebff12e3b6958";
const KAV_XXH3: u64 = 10_138_724_459_980_872_916;

/// Rewrites every segment of the index in `dir` as format 2 wrote it (five sections: no page
/// tables of the key and id tables, so a reader streams whole tables) and the manifest as
/// format 2's.
fn as_format_2(dir: &Path) {
    use index::store::Manifest;
    use xxhash_rust::xxh3::xxh3_64;
    let le = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let mut m = Manifest::read(dir).unwrap();
    for e in &mut m.segments {
        let path = dir.join(&e.file);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes[8..12], 3u32.to_le_bytes(), "{}", e.file);
        // Header: magic, version, (offset, length, xxh3) per section, xxh3 of the header.
        let (v3, v2) = (12 + 7 * 24 + 8, 12 + 5 * 24 + 8);
        let mut out = bytes[..8].to_vec();
        out.extend_from_slice(&2u32.to_le_bytes());
        let mut end = 0;
        for i in 0..5 {
            let at = 12 + i * 24;
            out.extend_from_slice(&(le(&bytes, at) - (v3 - v2) as u64).to_le_bytes());
            out.extend_from_slice(&bytes[at + 8..at + 24]);
            end = (le(&bytes, at) + le(&bytes, at + 8)) as usize;
        }
        let sum = xxh3_64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out.extend_from_slice(&bytes[v3..end]);
        std::fs::write(&path, &out).unwrap();
        e.bytes = out.len() as u64;
        e.header_xxh3 = format!("{sum:016x}");
    }
    m.format = 2;
    std::fs::write(dir.join(index::store::MANIFEST), m.to_bytes()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Format 3: a query through the key and id page tables (only the pages that can hold the
/// batch's keys are read) gives the report of a whole-table lookup. The whole-table lookup is
/// the same index rewritten as format 2 (no page tables, still read): the same queries give
/// the same reports, `check` passes, and adding a batch to it gives the report and clusters
/// of adding it to the format-3 index (a mixed index, its manifest now format 3).
#[test]
fn a_paged_lookup_gives_the_report_of_a_whole_table_lookup_and_format_2_is_still_read() {
    let feed = feed(11, 700, 7);
    let days = batches(&feed, 1);
    let (history, last) = days.split_at(days.len() - 1);
    let last = &last[0];
    let paged = scratch("index-pages");
    add_all(&paged, history);
    let whole = scratch("index-pages-format-2");
    copy_dir(&paged, &whole);
    as_format_2(&whole);
    assert_eq!(index::stats(&whole).unwrap().format, 2);
    let cfg = Config::default();
    let mut linked = 0;
    for batch in [last.clone(), last[..1].to_vec(), history[2].clone()] {
        let a = index::query(&paged, batch.clone(), vec![], &cfg).unwrap();
        let b = index::query(&whole, batch, vec![], &cfg).unwrap();
        assert_eq!(a, b);
        linked += a.articles.iter().filter(|x| !x.links.is_empty()).count();
    }
    // The reports are not trivially equal: they find earlier copies.
    assert!(linked > 10, "{linked} articles with links");
    let checked = index::check(&whole).unwrap();
    assert_eq!(checked, index::check(&paged).unwrap());
    assert!(checked.keys > 10_000, "{checked:?}");
    let a = index::add(&paged, last.clone(), vec![], &cfg).unwrap();
    let b = index::add(&whole, last.clone(), vec![], &cfg).unwrap();
    assert_eq!(a, b);
    assert_eq!(index::stats(&whole).unwrap().format, 3);
    index::check(&whole).unwrap();
    assert_eq!(listed(&paged), listed(&whole));
    let _ = std::fs::remove_dir_all(&paged);
    let _ = std::fs::remove_dir_all(&whole);
}

/// A flipped byte in a key page that a query reads is a checksum error naming the segment
/// and the page, from `query` and from `check` (never a panic or a wrong answer).
#[test]
fn a_flipped_byte_in_a_key_page_is_a_checksum_error_of_query_and_check() {
    use index::store::{Segment, KEYS, KEY_ROW_BYTES, TABLE_PAGE_ROWS};
    let feed = feed(12, 300, 3);
    let days = batches(&feed, 1);
    let dir = scratch("index-page-flip");
    add_all(&dir, &days[..2]);
    let one = days[2][..1].to_vec();
    let mut keys = reprint::pipeline::IndexKeys::new(&Config::default()).of(&one[0].text);
    keys.sort_unstable();
    keys.dedup();
    let m = index::store::Manifest::read(&dir).unwrap();
    let e = &m.segments[1];
    let mut s = Segment::open(&dir, e).unwrap().unwrap();
    let pages = s.table_pages(KEYS).unwrap().unwrap().pages_for(&keys);
    assert!(
        !pages.is_empty() && pages.len() <= keys.len() * 2,
        "{pages:?}"
    );
    let p = pages[pages.len() / 2];
    let path = dir.join(&e.file);
    let mut bytes = std::fs::read(&path).unwrap();
    let keys_at = u64::from_le_bytes(bytes[12 + 24..12 + 32].try_into().unwrap()) as usize;
    bytes[keys_at + p * TABLE_PAGE_ROWS * KEY_ROW_BYTES + 5] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    let want = format!("checksum error in page {p} of the keys section");
    let err = index::query(&dir, one, vec![], &Config::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains(&e.file) && err.contains(&want), "{err}");
    let err = index::check(&dir).unwrap_err().to_string();
    assert!(err.contains(&e.file) && err.contains(&want), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A report's bytes as the CLI prints it: JSON, then text.
fn printed(r: &index::report::BatchReport) -> (String, String) {
    let mut text = Vec::new();
    r.write_text(&mut text).unwrap();
    (
        serde_json::to_string(r).unwrap(),
        String::from_utf8(text).unwrap(),
    )
}

/// The cluster list's bytes as the CLI prints it: JSON, then text.
fn printed_clusters(dir: &Path) -> (String, String) {
    let list = index::clusters(dir).unwrap();
    let mut text = Vec::new();
    list.write_text(&mut text).unwrap();
    (
        serde_json::to_string(&list).unwrap(),
        String::from_utf8(text).unwrap(),
    )
}

/// Every stored article of the index in `dir` as (id, date, cluster), in index order.
fn stored(dir: &Path) -> Vec<(String, String, u64)> {
    let m = index::store::Manifest::read(dir).unwrap();
    let mut out = Vec::new();
    for e in &m.segments {
        let mut s = index::store::Segment::open(dir, e).unwrap().unwrap();
        for a in s.all_articles().unwrap() {
            out.push((a.id, a.date, a.cluster));
        }
    }
    out
}

/// What readers of `a` and `b` see is the same, but for the segments: the reports of
/// `queries` and the cluster list byte for byte, the stats' counts, `check`'s counts.
/// Returns the number of articles the queries linked to others.
fn same_reads(a: &Path, b: &Path, queries: &[Vec<NewArticle>]) -> usize {
    let cfg = Config::default();
    let mut linked = 0;
    for q in queries {
        let ra = index::query(a, q.clone(), vec![], &cfg).unwrap();
        let rb = index::query(b, q.clone(), vec![], &cfg).unwrap();
        assert_eq!(printed(&ra), printed(&rb));
        linked += ra.articles.iter().filter(|x| !x.links.is_empty()).count();
    }
    assert_eq!(printed_clusters(a), printed_clusters(b));
    let (sa, sb) = (index::stats(a).unwrap(), index::stats(b).unwrap());
    assert_eq!(
        (sa.format, &sa.fingerprint, sa.generation, sa.articles),
        (sb.format, &sb.fingerprint, sb.generation, sb.articles)
    );
    assert_eq!(
        (sa.clusters, sa.next_cluster, &sa.settings),
        (sb.clusters, sb.next_cluster, &sb.settings)
    );
    let (ca, cb) = (index::check(a).unwrap(), index::check(b).unwrap());
    assert_eq!((ca.articles, ca.keys), (cb.articles, cb.keys));
    assert!(ca.leftovers.is_empty() && cb.leftovers.is_empty());
    assert_eq!(stored(a), stored(b));
    linked
}

/// The feed's days, each cut into `per_day` batches (as an hourly feed writes several
/// segments a day).
fn parts_of(days: &[Vec<NewArticle>], per_day: usize) -> Vec<Vec<NewArticle>> {
    days.iter()
        .flat_map(|d| d.chunks(d.len().div_ceil(per_day)).map(|c| c.to_vec()))
        .collect()
}

/// Issue 18's segment merge: merging the segments of each day, then of three days, and
/// merging a format-2 index, changes no query report, cluster list, count or stored
/// article, and the next `add` reports and lists exactly what it does on the unmerged index
/// (its segment's name included). A reader holding the manifest from before the merge finds
/// the replaced segments gone (`None`: it reads the manifest again), and segments it opened
/// before stay readable.
#[test]
fn a_merge_changes_no_report_no_cluster_list_and_no_later_add() {
    use index::merge::{merge, Policy};
    use index::store::{Manifest, Segment};
    let feed = feed(13, 700, 7);
    let days = batches(&feed, 1);
    // The last two days are the new batch (the feed's last day is short).
    let (history, last) = days.split_at(days.len() - 2);
    let last = &last.concat();
    let parts = parts_of(history, 3);
    assert_eq!(parts.len(), 3 * history.len());
    let plain = scratch("index-merge-plain");
    add_all(&plain, &parts);
    let merged = scratch("index-merge");
    copy_dir(&plain, &merged);
    let queries = [
        last.clone(),
        last[..1].to_vec(),
        // Known ids (skipped) beside new ones.
        [&parts[4][..3], &last[5..8]].concat(),
    ];

    let old = Manifest::read(&merged).unwrap();
    let mut held = Segment::open(&merged, &old.segments[0]).unwrap().unwrap();
    let m = merge(&merged, &Policy::default()).unwrap();
    assert_eq!(
        (m.segments_before, m.segments_after),
        (parts.len(), history.len())
    );
    assert_eq!(m.merged.len(), history.len());
    assert_eq!(m.merged[0].segment.file, "seg-00000001-00000003.rps");
    assert_eq!(
        m.merged[0].from,
        ["seg-00000001.rps", "seg-00000002.rps", "seg-00000003.rps"]
    );
    for e in &old.segments {
        assert!(Segment::open(&merged, e).unwrap().is_none(), "{}", e.file);
    }
    let first = &parts[0][0];
    let (a, text) = held.read_articles(&[0]).unwrap().remove(0);
    assert_eq!((&a.id, &text), (&first.id, &first.text));
    drop(held);
    let linked = same_reads(&plain, &merged, &queries);
    // The reports are not trivially equal: they find earlier copies.
    assert!(linked > 10, "{linked} articles with links");
    // A second merge with the same policy has nothing to do.
    let again = merge(&merged, &Policy::default()).unwrap();
    assert!(again.merged.is_empty(), "{again:?}");

    // Merged segments merge again, over days.
    let wide = Policy {
        max_days: 3,
        ..Policy::default()
    };
    let m = merge(&merged, &wide).unwrap();
    assert_eq!(m.segments_after, history.len().div_ceil(3));
    assert_eq!(m.merged[0].segment.file, "seg-00000001-00000009.rps");
    same_reads(&plain, &merged, &queries);

    // A format-2 index merges into format-3 segments.
    let old_format = scratch("index-merge-format-2");
    copy_dir(&plain, &old_format);
    as_format_2(&old_format);
    merge(&old_format, &wide).unwrap();
    assert_eq!(index::stats(&old_format).unwrap().format, 3);
    same_reads(&plain, &old_format, &queries);

    // The next add: the same report (and segment name), clusters and stored articles.
    let cfg = Config::default();
    let want = index::add(&plain, last.clone(), vec![], &cfg).unwrap();
    assert_eq!(
        want.segment,
        Some(index::store::segment_name(parts.len() as u64 + 1))
    );
    for dir in [&merged, &old_format] {
        let got = index::add(dir, last.clone(), vec![], &cfg).unwrap();
        assert_eq!(printed(&got), printed(&want));
        same_reads(&plain, dir, &queries[1..]);
    }
    for dir in [&plain, &merged, &old_format] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// `expire` drops whole segments by their newest date. Segments merged within a day expire
/// exactly as the unmerged ones; merged across N days, an article is kept at most N - 1 days
/// past `--keep-days`, and never one the unmerged index keeps is dropped.
#[test]
fn a_merge_keeps_expiry_exact_within_a_day_and_bounded_by_its_span() {
    use index::merge::{merge, Policy};
    let feed = feed(14, 400, 10);
    let days = batches(&feed, 1);
    assert!(days.len() >= 8, "{} days", days.len());
    let parts = parts_of(&days, 2);
    let plain = scratch("index-merge-expire-plain");
    add_all(&plain, &parts);
    let same_day = scratch("index-merge-expire-day");
    copy_dir(&plain, &same_day);
    merge(&same_day, &Policy::default()).unwrap();
    let (span, keep) = (4u32, 3u32);
    let wide = scratch("index-merge-expire-wide");
    copy_dir(&plain, &wide);
    merge(
        &wide,
        &Policy {
            max_days: span,
            ..Policy::default()
        },
    )
    .unwrap();
    assert!(index::stats(&wide).unwrap().segments.len() < days.len());
    // Merged twice (two days, then three): the second merge counts the span from the
    // oldest day the first one held, not from its segments' newest dates.
    let twice = scratch("index-merge-expire-twice");
    copy_dir(&plain, &twice);
    for max_days in [2, 3] {
        merge(
            &twice,
            &Policy {
                max_days,
                ..Policy::default()
            },
        )
        .unwrap();
    }
    // Per merged segment, how much longer than in the unmerged index its articles can stay:
    // its newest day less the newest day of the unmerged segment each article was in.
    let newest_of: BTreeMap<String, i64> = {
        let m = index::store::Manifest::read(&plain).unwrap();
        let mut out = BTreeMap::new();
        for e in &m.segments {
            let mut s = index::store::Segment::open(&plain, e).unwrap().unwrap();
            for a in s.all_articles().unwrap() {
                out.insert(a.id, index::day_number(&e.max_date).unwrap());
            }
        }
        out
    };
    let longest_stay = |dir: &Path| {
        let m = index::store::Manifest::read(dir).unwrap();
        let mut longest = 0;
        for e in &m.segments {
            let newest = index::day_number(&e.max_date).unwrap();
            let mut s = index::store::Segment::open(dir, e).unwrap().unwrap();
            for a in s.all_articles().unwrap() {
                longest = longest.max(newest - newest_of[&a.id]);
            }
        }
        longest
    };
    assert_eq!(longest_stay(&plain), 0);
    assert_eq!(longest_stay(&same_day), 0);
    assert_eq!(longest_stay(&wide), i64::from(span - 1));
    assert!(longest_stay(&twice) <= 2, "{}", longest_stay(&twice));
    assert!(index::stats(&twice).unwrap().segments.len() < days.len() * 2);

    let expired = index::expire(&plain, keep).unwrap();
    assert!(expired.articles > 0, "{expired:?}");
    let cutoff = expired.kept_from_day.unwrap();
    let day = |d: &str| index::day_number(d).unwrap();
    let kept = stored(&plain);
    assert!(kept.iter().all(|a| day(&a.1) >= cutoff));
    assert_eq!(
        index::expire(&same_day, keep).unwrap().articles,
        expired.articles
    );
    assert_eq!(stored(&same_day), kept);
    assert_eq!(printed_clusters(&same_day), printed_clusters(&plain));

    index::expire(&wide, keep).unwrap();
    let kept_wide = stored(&wide);
    let kept_ids: BTreeSet<&String> = kept_wide.iter().map(|a| &a.0).collect();
    assert!(kept.iter().all(|a| kept_ids.contains(&a.0)));
    let oldest = kept_wide.iter().map(|a| day(&a.1)).min().unwrap();
    assert!(oldest >= cutoff - i64::from(span - 1), "{oldest} {cutoff}");
    // The bound is reached here: a merged segment holds days the unmerged index dropped.
    assert!(kept_wide.len() > kept.len() && oldest < cutoff);
    for dir in [&plain, &same_day, &wide, &twice] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Every article's cluster id as `index clusters` lists it (clusters of two or more).
fn cluster_of(dir: &Path) -> BTreeMap<String, String> {
    index::clusters(dir)
        .unwrap()
        .clusters
        .into_iter()
        .flat_map(|c| {
            let id = c.id;
            c.members.into_iter().map(move |m| (m.id, id.clone()))
        })
        .collect()
}

fn member_sets(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    index::clusters(dir)
        .unwrap()
        .clusters
        .into_iter()
        .map(|c| (c.id, c.members.into_iter().map(|m| m.id).collect()))
        .collect()
}

/// `recluster` (issue 18: "re-clustering only by an explicit command that writes an old → new
/// map"): on a feed whose daily adds grouped some articles otherwise than one scan of the
/// window does, it gives the scan's clusters; the map accounts for every id (each old id kept
/// by one cluster or retired, each moved article listed once under its new id, fresh ids past
/// every id given before, no id reused); `check` passes; a second recluster is the identity
/// map and writes nothing; after an expiry, clusters whose articles all expired are in no map.
#[test]
fn recluster_gives_the_scans_clusters_with_a_map_of_every_id_and_is_then_a_no_op() {
    let feed = feed(3, 600, 10);
    let dir = scratch("index-recluster");
    add_all(&dir, &batches(&feed, 1));
    let scan = scan_all(&feed);
    let by_scan: BTreeSet<BTreeSet<String>> = scan
        .clusters
        .iter()
        .map(|c| c.members.iter().cloned().collect())
        .collect();
    let sets_before = member_sets(&dir);
    let of_before = cluster_of(&dir);
    let by_index: BTreeSet<BTreeSet<String>> = sets_before.values().cloned().collect();
    assert_ne!(
        by_index, by_scan,
        "the adds gave the scan's clusters: no divergence to fix"
    );
    let stats_before = index::stats(&dir).unwrap();

    let r = index::recluster::recluster(&dir, &Config::default()).unwrap();
    let map = &r.map;
    assert!(r.written && r.rewritten >= 1, "{r:?}");
    assert_eq!(map.version, 1);
    assert_eq!(map.generation, stats_before.generation + 1);
    assert_eq!(map.articles, feed.len());
    let sets_after = member_sets(&dir);
    let by_index: BTreeSet<BTreeSet<String>> = sets_after.values().cloned().collect();
    assert_eq!(by_index, by_scan, "not the scan's clusters");
    let of_after = cluster_of(&dir);

    // Every moved article is listed once, under its new id, with the id it had.
    let mut moved: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut news = BTreeSet::new();
    for c in &map.clusters {
        assert!(news.insert(c.new.clone()), "{} given twice", c.new);
        let n: u64 = c.new[1..].parse().unwrap();
        assert_eq!(c.fresh, n >= stats_before.next_cluster, "{c:?}");
        assert!(
            c.fresh || c.old.contains(&c.new),
            "{c:?}: kept id not a member's"
        );
        for m in &c.moved {
            assert_ne!(m.old, c.new);
            assert!(c.old.contains(&m.old), "{c:?}");
            let prev = moved.insert(m.id.clone(), (m.old.clone(), c.new.clone()));
            assert!(prev.is_none(), "{} moved twice", m.id);
        }
    }
    assert!(map.clusters.iter().any(|c| !c.moved.is_empty()));
    for a in &feed {
        let (old, new) = (of_before.get(&a.id), of_after.get(&a.id));
        match moved.get(&a.id) {
            Some((o, n)) => {
                // Listed ids agree with the map (a single article is not listed).
                assert!(old.is_none_or(|x| x == o), "{}: {old:?} vs {o}", a.id);
                assert!(new.is_none_or(|x| x == n), "{}: {new:?} vs {n}", a.id);
            }
            None => {
                if let (Some(o), Some(n)) = (old, new) {
                    assert_eq!(o, n, "{} changed id without being listed", a.id);
                }
            }
        }
    }
    // Each old id of a listed cluster is kept by exactly one cluster or retired; each listed
    // cluster now is unchanged or in the map.
    let kept: BTreeSet<&String> = map.clusters.iter().map(|c| &c.new).collect();
    let retired: BTreeSet<&String> = map.retired.iter().collect();
    for (id, members) in &sets_before {
        let unchanged = sets_after.get(id) == Some(members);
        let n = [unchanged, kept.contains(id), retired.contains(id)]
            .iter()
            .filter(|&&b| b)
            .count();
        assert_eq!(n, 1, "old {id}: unchanged {unchanged}");
    }
    for (id, members) in &sets_after {
        assert!(
            sets_before.get(id) == Some(members) || kept.contains(id),
            "{id} is neither unchanged nor in the map"
        );
    }
    let stats = index::stats(&dir).unwrap();
    let fresh = map.clusters.iter().filter(|c| c.fresh).count() as u64;
    assert_eq!(stats.next_cluster, stats_before.next_cluster + fresh);
    assert_eq!(stats.clusters, sets_after.len());
    let checked = index::check(&dir).unwrap();
    assert!(checked.leftovers.is_empty(), "{:?}", checked.leftovers);
    assert_eq!(checked.articles, feed.len());
    let kept_map = std::fs::read(dir.join(format!("recluster-{:08}.json", map.generation)));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&kept_map.unwrap()).unwrap(),
        serde_json::to_value(map).unwrap()
    );

    // Again: the identity map, and nothing written.
    let manifest = std::fs::read(dir.join("manifest.json")).unwrap();
    let again = index::recluster::recluster(&dir, &Config::default()).unwrap();
    assert!(!again.written, "{again:?}");
    assert!(again.map.clusters.is_empty() && again.map.retired.is_empty());
    assert_eq!(again.map.generation, map.generation);
    assert_eq!(again.map.unchanged, map.unchanged + map.clusters.len());
    assert_eq!(std::fs::read(dir.join("manifest.json")).unwrap(), manifest);

    // Expired clusters: in no map, and gone from the cluster table.
    let gone = index::expire(&dir, 4).unwrap();
    assert!(gone.articles > 0);
    // Segments hold one day each, so the window is the days from the cut on.
    let cut = gone.kept_from_day.unwrap();
    let live: BTreeSet<String> = feed
        .iter()
        .filter(|a| index::day_number(&a.date).unwrap() >= cut)
        .map(|a| a.id.clone())
        .collect();
    let after_expiry = index::recluster::recluster(&dir, &Config::default()).unwrap();
    assert_eq!(after_expiry.map.articles, live.len());
    for c in &after_expiry.map.clusters {
        assert!(c.moved.iter().all(|m| live.contains(&m.id)), "{c:?}");
    }
    assert_eq!(
        index::stats(&dir).unwrap().clusters,
        member_sets(&dir).len()
    );
    index::check(&dir).unwrap();
    // An add after a recluster works on the rewritten segments.
    let again = index::add(
        &dir,
        batches(&feed, 1).pop().unwrap(),
        vec![],
        &Config::default(),
    );
    assert_eq!(
        again.unwrap().summary.skipped,
        batches(&feed, 1).pop().unwrap().len()
    );
}
