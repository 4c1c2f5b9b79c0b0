//! The only module that knows the order of the stages. Each stage is a plain function from
//! one value to the next; parallelism lives inside stages (rayon over indexed iterators, so
//! results keep input order), and nothing here depends on how threads are scheduled.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::boilerplate;
use crate::cluster;
use crate::config::Config;
use crate::corpus::{Body, Corpus};
use crate::error::{Error, Result};
use crate::evidence::{self, Evidence, Kind, Measure};
use crate::lsh;
use crate::minhash::MinHasher;
use crate::progress::{NoProgress, Progress};
use crate::repeats::{self, RepeatRun};
use crate::report::{self, round4, Report, Summary, Warning};
use crate::segment::Span;
use crate::shingle::{self, ArticleShingles, Scratch};
use crate::spill::{Sets, Spill};
use crate::tasks::{
    AlignPair, AlignTask, ReadPair, SignatureParts, Task, TaskArticle, TaskFile, TaskText, Texts,
};
use crate::verify::{self, Similarity};

/// Candidate pairs proposed by paragraphs shared verbatim need at least this many words in
/// the paragraph, so "He declined to comment." does not propose pairs.
pub const MIN_SHARED_PARAGRAPH_WORDS: usize = 10;

/// Articles per chunk of stages 1 and 3: the unit in which shingle keys move to the spill
/// file and sets are written back over them.
const CHUNK: usize = 1 << 14;

/// A candidate pair that passed verification, with its similarity.
type VerifiedPair = ((u32, u32), Similarity);

/// Counts from each stage, for `--stats` on stderr.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub paragraphs: usize,
    pub words: usize,
    pub shingles: usize,
    pub frequent_story_paragraphs: usize,
    pub lsh_candidates: usize,
    /// Candidates only the word signature found (noisy copies).
    pub word_candidates: usize,
    /// Candidates only the character signature found.
    pub char_candidates: usize,
    /// Articles that read as noisy text ([`crate::noise`]).
    pub noisy: usize,
    pub paragraph_candidates: usize,
    /// Articles that are exact copies of an earlier one ([`crate::copies`]).
    pub copies: usize,
    pub candidates: usize,
    pub verified: usize,
    /// Pairs the passage evidence found to be reprints, and partial reuse.
    pub reprints: usize,
    pub partial: usize,
    /// Pairs whose verdict needed character evidence.
    pub by_chars: usize,
    /// Pairs whose shingle sets settled the verdict without reading their texts.
    pub by_sets: usize,
    pub bands: usize,
    pub rows: usize,
    /// Wall-clock seconds per stage, in stage order.
    pub seconds: Vec<(&'static str, f64)>,
}

/// Runs every stage over `corpus` and builds the report. `warnings` are the input warnings,
/// carried into the report. Texts are fetched with [`Corpus::text`] when a stage needs them
/// and dropped after; the error is the first text that could not be read again.
pub fn scan(corpus: &Corpus, warnings: Vec<Warning>, cfg: &Config) -> Result<(Report, Stats)> {
    let (report, stats, _) = run(
        corpus,
        warnings,
        cfg,
        Want::Report,
        &NoProgress,
        Analysed::default(),
        None,
    )?;
    Ok((report, stats))
}

/// [`scan`], telling `progress` which stage runs and how far it is.
pub fn scan_with_progress(
    corpus: &Corpus,
    warnings: Vec<Warning>,
    cfg: &Config,
    progress: &dyn Progress,
) -> Result<(Report, Stats)> {
    let (report, stats, _) = run(
        corpus,
        warnings,
        cfg,
        Want::Report,
        progress,
        Analysed::default(),
        None,
    )?;
    Ok((report, stats))
}

/// [`scan`], plus the per-article [`Details`] that `reprint clean` needs to cut text and the
/// report does not carry.
pub fn scan_with_details(
    corpus: &Corpus,
    warnings: Vec<Warning>,
    cfg: &Config,
) -> Result<(Report, Stats, Details)> {
    run(
        corpus,
        warnings,
        cfg,
        Want::Details,
        &NoProgress,
        Analysed::default(),
        None,
    )
}

/// Stage 1's results: each article's shingles and repeats, in input order, and the spill file
/// once the shingle keys outgrow `Config::key_memory_bytes`. Built by the reader
/// ([`read_and_analyse`]) or by the scan itself.
#[derive(Debug, Default)]
pub struct Analysed {
    analysed: Vec<ArticleShingles>,
    runs: Vec<Vec<RepeatRun>>,
    /// Each article's [`WORD_LSH`] band keys, article after article (zeros and inactive for
    /// an article without words of [`MIN_SIGNATURE_WORD_BYTES`]).
    word_keys: Vec<u32>,
    word_active: Vec<bool>,
    /// Each article's sampled word keys ([`crate::noise::sample_words`]), article after
    /// article, and where each article's end.
    sample_keys: Vec<u32>,
    sample_ends: Vec<u32>,
    /// Each article's sampled character grams, paragraph by paragraph.
    char_samples: Vec<evidence::ParagraphSamples>,
    /// Each article's [`Stage1Out::text_hash`].
    text_hashes: Vec<u64>,
    spill: Option<Spill>,
    /// Bytes of shingle keys analysed so far.
    key_bytes: usize,
}

impl Analysed {
    /// Appends the next articles' results; once the keys pass `cfg.key_memory_bytes`, moves every
    /// key not yet in the spill file there.
    pub(crate) fn push(&mut self, chunk: Vec<Stage1Out>, cfg: &Config) -> Result<()> {
        for Stage1Out {
            shingles: a,
            runs: rs,
            word_keys: words,
            sample,
            chars,
            text_hash,
        } in chunk
        {
            self.char_samples.push(chars);
            self.text_hashes.push(text_hash);
            self.sample_keys.extend_from_slice(&sample);
            self.sample_ends.push(self.sample_keys.len() as u32);
            self.key_bytes += a.shingles.len() * 4;
            self.analysed.push(a);
            self.runs.push(rs);
            self.word_active.push(!words.is_empty());
            match words.is_empty() {
                true => self.word_keys.extend([0; WORD_LSH.bands]),
                false => self.word_keys.extend(words),
            }
        }
        if self.spill.is_none() && self.key_bytes > cfg.key_memory_bytes {
            self.spill = Some(Spill::new()?);
        }
        if let Some(s) = &mut self.spill {
            let fresh = &mut self.analysed[s.len()..];
            s.push_all(&fresh.iter().map(|a| &a.shingles[..]).collect::<Vec<_>>())?;
            for a in fresh {
                a.shingles = Vec::new();
            }
        }
        Ok(())
    }
}

/// Stage 1's result for one article. It depends on the article's text and the settings
/// only, so it can be computed anywhere and brought back (`crate::parts`).
pub(crate) struct Stage1Out {
    pub(crate) shingles: ArticleShingles,
    /// In-article repeats.
    pub(crate) runs: Vec<RepeatRun>,
    /// The band keys of its word signature (empty when it has no word of
    /// [`MIN_SIGNATURE_WORD_BYTES`]).
    pub(crate) word_keys: Vec<u32>,
    /// Sampled words for noise detection ([`crate::noise::sample_words`]).
    pub(crate) sample: Vec<u32>,
    /// Sampled character grams ([`evidence::ParagraphSamples`]).
    pub(crate) chars: evidence::ParagraphSamples,
    /// The xxh3 hash of the text's bytes, which tells exact copies ([`crate::copies`]).
    pub(crate) text_hash: u64,
}

/// Stage 1 of one article with this thread's buffers: what the scan computes for it before
/// any article is compared with another (`crate::parts` runs it on a slice of the input).
pub(crate) fn analyse_text(text: &str, cfg: &Config) -> Stage1Out {
    SCRATCH.with_borrow_mut(|scratch| analyse(text, cfg, scratch))
}

/// The noise-robust candidates: a MinHash signature of each article's set of words (not
/// n-grams), in [`WORD_LSH`] bands. One OCR error breaks every 5-word shingle through its
/// word but only that word, so an OCR copy whose shingle sets barely overlap still shares
/// most of its words: at a 5% character error rate about 0.6 Jaccard on word sets, where two
/// separately written stories on one event share about 0.2-0.3.
pub(crate) const WORD_LSH: lsh::Params = lsh::Params { bands: 32, rows: 4 };
/// Word-signature bands two clean articles must meet in to become a candidate pair.
const CLEAN_WORD_BANDS: usize = 2;

/// Bytes a word needs to enter the word signature; shorter ones are mostly function words,
/// which every text of a language shares.
const MIN_SIGNATURE_WORD_BYTES: u32 = 4;

fn word_hasher() -> &'static MinHasher {
    static HASHER: std::sync::OnceLock<MinHasher> = std::sync::OnceLock::new();
    HASHER.get_or_init(|| MinHasher::new(WORD_LSH.bands * WORD_LSH.rows))
}

/// Stage 1 of one article: its shingles, its in-article repeats and its word band keys.
fn analyse(text: &str, cfg: &Config, scratch: &mut Scratch) -> Stage1Out {
    let a = shingle::analyze(text, cfg.ngram_words, scratch);
    let tokens = &scratch.tokens;
    let marked = |t: usize| {
        let t = &tokens[t];
        repeats::is_number_or_name(&text[t.start as usize..t.end as usize])
    };
    let runs = repeats::find(
        &a.paragraphs,
        &scratch.hashes,
        marked,
        cfg.min_repeat_words,
        cfg.repeat_similarity,
    );
    let words: Vec<u64> = scratch
        .tokens
        .iter()
        .filter(|t| t.end - t.start >= MIN_SIGNATURE_WORD_BYTES)
        .map(|t| t.hash)
        .collect();
    let mut keys = Vec::new();
    if !words.is_empty() {
        let hasher = word_hasher();
        let mut sig = vec![0u32; hasher.num_perms()];
        hasher.signature_into(&words, &mut sig);
        keys = vec![0u32; WORD_LSH.bands];
        lsh::band_keys(&sig, WORD_LSH, &mut keys);
    }
    let mut sample = Vec::new();
    crate::noise::sample_words(&scratch.tokens, &mut sample);
    let chars = evidence::ParagraphSamples::of(text, &a.paragraphs);
    Stage1Out {
        shingles: a,
        runs,
        word_keys: keys,
        sample,
        chars,
        text_hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
    }
}

/// Stage 1 as the reader's [`Analyser`](crate::input::Analyser).
struct Stage1<'a> {
    cfg: &'a Config,
    progress: &'a dyn Progress,
    done: Analysed,
}

thread_local! {
    /// Stage 1's buffers on each reading thread.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl crate::input::Analyser for Stage1<'_> {
    type Out = Stage1Out;
    fn analyse(&self, text: &str) -> Self::Out {
        self.progress.inc(1);
        SCRATCH.with_borrow_mut(|scratch| analyse(text, self.cfg, scratch))
    }
    fn take(&mut self, outs: Vec<Self::Out>) -> Result<()> {
        self.done.push(outs, self.cfg)
    }
}

/// Reads `inputs` ([`crate::input::read_inputs`]) and runs stage 1 on each text while the
/// reader holds it, so that no text is read back for it. Give the result to
/// [`scan_analysed`]. Both together give what [`scan`] gives.
pub fn read_and_analyse(
    inputs: &[std::path::PathBuf],
    cfg: &Config,
    progress: &dyn Progress,
) -> Result<(crate::input::Loaded, Analysed)> {
    progress.start(Stage::Shingle.name(), 0);
    let mut stage1 = Stage1 {
        cfg,
        progress,
        done: Analysed::default(),
    };
    let loaded = crate::input::read_inputs_analysed(
        inputs,
        cfg,
        crate::input::Retain::Articles,
        &mut stage1,
    )?;
    Ok((loaded, stage1.done))
}

/// [`scan_with_progress`] of a corpus that [`read_and_analyse`] read, from its stage 1.
pub fn scan_analysed(
    corpus: &Corpus,
    warnings: Vec<Warning>,
    analysed: Analysed,
    cfg: &Config,
    progress: &dyn Progress,
) -> Result<(Report, Stats)> {
    scan_analysed_with(corpus, warnings, analysed, cfg, progress, None)
}

/// [`scan_analysed`], with stage 4's band collisions and the pairs stage 6 reads handed to
/// `workers` when given (a distributed scan's tasks) instead of done here; the same report.
pub fn scan_analysed_with(
    corpus: &Corpus,
    warnings: Vec<Warning>,
    analysed: Analysed,
    cfg: &Config,
    progress: &dyn Progress,
    workers: Option<&dyn Workers>,
) -> Result<(Report, Stats)> {
    let want = Want::Report;
    let (report, stats, _) = run(corpus, warnings, cfg, want, progress, analysed, workers)?;
    Ok((report, stats))
}

/// The stages in the order a scan runs them. Progress and the per-stage times in
/// [`Stats::seconds`] are keyed by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Stage 1: shingles, in-article repeats, word signatures and samples, per article.
    Shingle,
    /// Stage 2: boilerplate across articles.
    Boilerplate,
    /// Stage 3: boilerplate-free sets, MinHash signatures, band keys.
    Sign,
    /// Stage 4: candidate pairs.
    Candidates,
    /// Stage 5: the gate on the exact sets.
    Verify,
    /// Stage 6: passage evidence, the verdict on each pair.
    Evidence,
    /// Stage 7: story clusters and the pairs the report lists.
    Cluster,
    /// Stage 8: shared spans of the listed pairs, and the report's other lists beside them.
    Align,
    /// Stage 9: the report put together.
    Report,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 9] = [
        Stage::Shingle,
        Stage::Boilerplate,
        Stage::Sign,
        Stage::Candidates,
        Stage::Verify,
        Stage::Evidence,
        Stage::Cluster,
        Stage::Align,
        Stage::Report,
    ];

    /// The name progress lines and `--stats` show.
    pub const fn name(self) -> &'static str {
        match self {
            Stage::Shingle => "shingle+repeats",
            Stage::Boilerplate => "boilerplate",
            Stage::Sign => "minhash",
            Stage::Candidates => "candidates",
            Stage::Verify => "verify",
            Stage::Evidence => "evidence",
            Stage::Cluster => "cluster",
            Stage::Align => "align+lists",
            Stage::Report => "report",
        }
    }
}

/// Names of the stages [`scan_with_progress`] announces to its [`Progress`], in order. The
/// report's lists of repeats, boilerplate and clusters are built beside the alignment
/// ("align+lists"), so "report" only puts the report together.
pub const STAGES: [&str; 9] = {
    let mut names = [""; 9];
    let mut i = 0;
    while i < names.len() {
        names[i] = Stage::ALL[i].name();
        i += 1;
    }
    names
};

/// Wall time per stage: [`Laps::start`] closes the running stage and announces the next.
struct Laps<'a> {
    progress: &'a dyn Progress,
    running: Option<(Stage, std::time::Instant)>,
    seconds: Vec<(&'static str, f64)>,
}

impl<'a> Laps<'a> {
    fn new(progress: &'a dyn Progress) -> Laps<'a> {
        Laps {
            progress,
            running: None,
            seconds: Vec::new(),
        }
    }

    /// Starts `stage`, with `total` items for the progress line (0: no count).
    fn start(&mut self, stage: Stage, total: usize) {
        self.stop();
        self.progress.start(stage.name(), total as u64);
        self.running = Some((stage, std::time::Instant::now()));
    }

    fn stop(&mut self) {
        if let Some((stage, t0)) = self.running.take() {
            self.seconds
                .push((stage.name(), t0.elapsed().as_secs_f64()));
        }
    }

    fn finish(mut self) -> Vec<(&'static str, f64)> {
        self.stop();
        self.seconds
    }
}

/// The recipe: each stage a function from the previous stages' outputs to its own. `done` is
/// stage 1 as far as the reader ran it ([`read_and_analyse`]; empty otherwise), which stage 1
/// completes for every article not yet analysed.
fn run(
    corpus: &Corpus,
    warnings: Vec<Warning>,
    cfg: &Config,
    want: Want,
    progress: &dyn Progress,
    done: Analysed,
    workers: Option<&dyn Workers>,
) -> Result<(Report, Stats, Details)> {
    let n = corpus.len();
    let mut stats = Stats::default();
    let mut laps = Laps::new(progress);

    laps.start(Stage::Shingle, n);
    let stage1 = Stage1Done::new(analyse_corpus(corpus, cfg, progress, done)?, &mut stats);

    laps.start(Stage::Boilerplate, 0);
    let outlets = outlet_numbers(corpus);
    let bp = boilerplate::detect(
        &stage1.analysed,
        &outlets,
        &stage1.counted,
        cfg.min_boilerplate_articles,
        cfg.boilerplate_coverage,
    );
    stats.frequent_story_paragraphs = bp.frequent_story_paragraphs;

    let rank = {
        let dates = corpus.articles.par_iter().map(|a| a.date.as_str());
        cluster::canonical_rank(dates, &bp.story_words(&stage1.analysed))
    };
    let copies = match cfg.copy_classes {
        true => Copies::find(&stage1, &bp.mask, &rank),
        false => Copies::none(&stage1),
    };

    laps.start(Stage::Sign, n);
    let params = lsh::Params::for_scan(cfg.threshold, cfg.containment_threshold, cfg.num_perms);
    let (signing, stage1) = sign_stage(cfg, params, stage1, &bp, &copies, progress)?;
    let Stage1Done {
        analysed,
        runs,
        words,
        noisy,
        ..
    } = stage1;
    let Signing {
        keys,
        sets,
        shingles,
        paragraph_pairs,
        samples,
    } = signing;
    (stats.bands, stats.rows, stats.shingles) = (params.bands, params.rows, shingles);

    laps.start(Stage::Candidates, 0);
    let (mut keys, mut words) = (keys, words);
    copies.set_aside(&mut keys, &mut words);
    let mut cands = candidates(
        keys,
        words,
        &noisy,
        &samples,
        paragraph_pairs,
        &copies,
        workers,
    )?;
    cands.count(&mut stats);
    stats.copies = copies.edges.len();

    laps.start(Stage::Verify, cands.pairs.len());
    let verified = verify_candidates(cfg, &cands, &sets, progress)?;
    let char_pairs = std::mem::take(&mut cands.char_pairs);
    drop_later((cands, sets));
    stats.verified = verified.len();

    laps.start(Stage::Evidence, verified.len());
    let known = Known {
        analysed: &analysed,
        mask: &bp.mask,
        noisy: &noisy,
        samples: &samples,
        char_pairs: &char_pairs,
        heads: &copies.first,
    };
    let judged = judge_pairs(corpus, cfg, &known, &verified, progress, workers)?;
    drop_later(samples);
    count_verdicts(&judged, &mut stats);

    laps.start(Stage::Cluster, 0);
    let clusters = story_clusters(n, &rank, &verified, &judged);
    let membership = Membership::new(n, &clusters);
    let reprint_pairs = match want {
        Want::Report => Vec::new(),
        Want::Details => ReprintPair::all(&judged, &verified),
    };
    let listed = membership.listed(judged, &verified, cfg.all_pairs);

    laps.start(Stage::Align, listed.len());
    let (pairs, lists) = rayon::join(
        || align_listed(corpus, cfg, &listed, &membership, progress, workers),
        || report_lists(corpus, &analysed, &runs, &bp, &outlets, &clusters),
    );
    let pairs = pairs?;

    laps.start(Stage::Report, 0);
    let report = assemble(n, cfg, params, &stats, pairs, lists?, warnings);
    let details = match want {
        Want::Report => Details::default(),
        Want::Details => Details::of(&analysed, &bp, reprint_pairs),
    };
    stats.seconds = laps.finish();
    drop_later((analysed, runs, bp, membership, verified));
    Ok((report, stats, details))
}

/// The report from the lists of stage 8.
fn assemble(
    n: usize,
    cfg: &Config,
    params: lsh::Params,
    stats: &Stats,
    pairs: Vec<report::Pair>,
    (repeats, boilerplate, clusters): ReportLists,
    warnings: Vec<Warning>,
) -> Report {
    Report {
        version: report::SCHEMA_VERSION,
        summary: Summary {
            articles: n,
            repeats: repeats.len(),
            boilerplate: boilerplate.len(),
            pairs: pairs.len(),
            reprint_pairs: stats.reprints,
            partial_pairs: stats.partial,
            clusters: clusters.len(),
            warnings: warnings.len(),
        },
        params: report::Params::new(cfg, params),
        repeats,
        boilerplate,
        pairs,
        clusters,
        warnings,
    }
}

/// What [`run`] returns beside the report.
#[derive(Clone, Copy)]
enum Want {
    Report,
    /// Also the [`Details`] `reprint clean` needs.
    Details,
}

/// Stage 1 over the articles `done` does not yet hold: each text is fetched, analysed and
/// dropped. Articles go in chunks so that, once their keys pass `cfg.key_memory_bytes`, the
/// keys move to a temporary file (`spill`) a chunk at a time instead of all staying here.
fn analyse_corpus(
    corpus: &Corpus,
    cfg: &Config,
    progress: &dyn Progress,
    mut done: Analysed,
) -> Result<Analysed> {
    let n = corpus.len();
    for lo in (done.analysed.len()..n).step_by(CHUNK) {
        let chunk: Vec<Result<Stage1Out>> = (lo..(lo + CHUNK).min(n))
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                progress.inc(1);
                Ok(analyse(&corpus.text(i)?, cfg, scratch))
            })
            .collect();
        // In input order, so the error reported is the first article's.
        let chunk = chunk.into_iter().collect::<Result<Vec<_>>>()?;
        done.push(chunk, cfg)?;
    }
    Ok(done)
}

/// Stage 1's outputs as the later stages take them: the word samples have become the
/// noisy-article flags.
struct Stage1Done {
    analysed: Vec<ArticleShingles>,
    runs: Vec<Vec<RepeatRun>>,
    spill: Option<Spill>,
    words: WordKeys,
    noisy: Vec<bool>,
    char_samples: Vec<evidence::ParagraphSamples>,
    text_hashes: Vec<u64>,
    /// Whether the feed's statistics count the article: the first of its text
    /// ([`crate::copies::first_of_text`]).
    counted: Vec<bool>,
}

/// Each article's word-signature band keys ([`WORD_LSH`]), article after article, and
/// whether it has any.
struct WordKeys {
    keys: Vec<u32>,
    active: Vec<bool>,
}

impl Stage1Done {
    fn new(done: Analysed, stats: &mut Stats) -> Stage1Done {
        let Analysed {
            analysed,
            runs,
            spill,
            word_keys,
            word_active,
            sample_keys,
            sample_ends,
            char_samples,
            text_hashes,
            ..
        } = done;
        // What the feed's statistics count (the noise vocabulary here, boilerplate and the
        // character grams' frequencies later): each text once, so that a page the feed holds
        // many times does not make its words, lines and grams look common.
        let counted = crate::copies::first_of_text(&text_hashes, |i| {
            analysed[i].paragraphs.iter().map(|p| p.hash).collect()
        });
        let noisy = crate::noise::noisy_articles(&sample_keys, &sample_ends, &counted);
        drop((sample_keys, sample_ends));
        stats.noisy = noisy.iter().filter(|&&x| x).count();
        stats.paragraphs = analysed.iter().map(|a| a.paragraphs.len()).sum();
        stats.words = analysed.iter().map(|a| a.words()).sum();
        Stage1Done {
            analysed,
            runs,
            spill,
            words: WordKeys {
                keys: word_keys,
                active: word_active,
            },
            noisy,
            char_samples,
            text_hashes,
            counted,
        }
    }
}

/// Stage 3's outputs and what ran beside it.
struct Signing {
    /// Band keys and lead keys for stage 4.
    keys: SignedKeys,
    /// The boilerplate-free shingle sets, for stage 5.
    sets: Sets,
    shingles: usize,
    /// Candidates from story paragraphs shared verbatim.
    paragraph_pairs: Vec<(u32, u32)>,
    /// Each article's sampled character grams outside boilerplate (stages 4 and 6).
    samples: Vec<evidence::CharSample>,
}

/// Stage 3 (`sign`): boilerplate-free shingle sets, MinHash signatures, band keys. The keys
/// leave the analyses, so that stage 3 consumes them while the work that needs only the
/// paragraphs and the mask (the shared-paragraph candidates of stage 4, of articles that are
/// not exact copies, and the story samples) runs beside it and fills what stage 3 leaves
/// idle.
fn sign_stage(
    cfg: &Config,
    params: lsh::Params,
    mut stage1: Stage1Done,
    bp: &boilerplate::Boilerplate,
    copies: &Copies,
    progress: &dyn Progress,
) -> Result<(Signing, Stage1Done)> {
    let hasher = MinHasher::new(cfg.num_perms);
    let keys: Vec<ArticleKeys> = stage1
        .analysed
        .iter_mut()
        .map(|a| ArticleKeys {
            shingles: std::mem::take(&mut a.shingles),
            ends: std::mem::take(&mut a.shingle_ends),
        })
        .collect();
    let spill = stage1.spill.take();
    let char_samples = std::mem::take(&mut stage1.char_samples);
    let analysed = &stage1.analysed;
    let (signed, (paragraph_pairs, samples)) = rayon::join(
        || sign(keys, &bp.mask, spill, &hasher, params, progress),
        || {
            rayon::join(
                || shared_paragraph_candidates(analysed, &bp.mask, |a| copies.is_copy(a)),
                || story_samples(char_samples, &bp.mask),
            )
        },
    );
    let signed = signed?;
    let signing = Signing {
        keys: SignedKeys {
            bands: signed.band_keys,
            active: signed.active,
            leads: signed.lead_keys,
            lead_active: signed.lead_active,
            per_article: params.bands.max(1),
        },
        sets: signed.sets,
        shingles: signed.shingles,
        paragraph_pairs,
        samples,
    };
    Ok((signing, stage1))
}

/// The exact copies ([`crate::copies`]): each article's class head and each copy with its
/// head, for stage 4, and which articles the feed's statistics count.
struct Copies {
    first: Vec<u32>,
    /// `(head, copy)` for every copy, sorted.
    edges: Vec<(u32, u32)>,
    /// [`Stage1Done::counted`], whether or not there are classes.
    counted: Vec<bool>,
}

impl Copies {
    /// The classes of articles with one print (before stage 3, from stage 1's values and the
    /// boilerplate mask), each headed by its copy first in canonical order (`rank`, best
    /// first; so a story cluster's canonical heads its class). Only articles stage 3 gives a
    /// shingle set join a class: a copy is set aside because its head meets it in every
    /// band, which lists their pair as the bands would.
    fn find(stage1: &Stage1Done, mask: &[Vec<bool>], rank: &[u32]) -> Copies {
        let Stage1Done {
            analysed,
            words,
            noisy,
            char_samples,
            text_hashes,
            ..
        } = stage1;
        let per_word = WORD_LSH.bands;
        let prints: Vec<u128> = (0..analysed.len())
            .into_par_iter()
            .map(|i| {
                let mut print = crate::copies::Print::new();
                print.numbers(&[text_hashes[i]]);
                for p in &analysed[i].paragraphs {
                    print.numbers(&[
                        u64::from(p.start),
                        u64::from(p.end),
                        u64::from(p.first_token),
                        u64::from(p.end_token),
                        p.hash,
                        u64::from(p.prose),
                        u64::from(p.cut),
                    ]);
                }
                let (sample_keys, sample_ends) = char_samples[i].raw();
                print
                    .numbers(&analysed[i].shingle_ends)
                    .flags(&mask[i])
                    .flags(&[noisy[i], words.active[i]])
                    .numbers(&words.keys[i * per_word..(i + 1) * per_word])
                    .numbers(sample_keys)
                    .numbers(sample_ends);
                print.finish()
            })
            .collect();
        // Whether stage 3 will give an article a shingle set (`sign`): some paragraph outside
        // boilerplate has shingles.
        let signed = |i: usize| {
            let ends = &analysed[i].shingle_ends;
            (0..ends.len()).any(|p| !mask[i][p] && ends[p] > if p == 0 { 0 } else { ends[p - 1] })
        };
        let first = crate::copies::classes(&prints, &cluster::places(rank), signed);
        let edges = crate::copies::edges(&first);
        Copies {
            first,
            edges,
            counted: stage1.counted.clone(),
        }
    }

    /// No classes: every article its own.
    fn none(stage1: &Stage1Done) -> Copies {
        Copies {
            first: (0..stage1.counted.len() as u32).collect(),
            edges: Vec::new(),
            counted: stage1.counted.clone(),
        }
    }

    fn is_copy(&self, i: usize) -> bool {
        self.first[i] as usize != i
    }

    /// Takes the copies out of the shingle and word signatures.
    fn set_aside(&self, keys: &mut SignedKeys, words: &mut WordKeys) {
        self.set_aside_from(&mut keys.active);
        self.set_aside_from(&mut keys.lead_active);
        self.set_aside_from(&mut words.active);
    }

    /// Takes the copies out of a signature's active articles.
    fn set_aside_from(&self, active: &mut [bool]) {
        for &(_, c) in &self.edges {
            active[c as usize] = false;
        }
    }

    /// A copy's pair with its head, `a < b`.
    fn pairs(&self) -> Vec<(u32, u32)> {
        let mut pairs: Vec<(u32, u32)> = self
            .edges
            .iter()
            .map(|&(f, c)| (f.min(c), f.max(c)))
            .collect();
        pairs.sort_unstable();
        pairs
    }

    /// [`crate::copies::expand`].
    fn expand(&self, pairs: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
        crate::copies::expand(pairs, &self.first, &self.edges)
    }
}

/// The band keys stage 3 made, for stage 4.
struct SignedKeys {
    bands: Vec<u32>,
    active: Vec<bool>,
    leads: Vec<u32>,
    lead_active: Vec<bool>,
    /// Band keys per article.
    per_article: usize,
}

/// Stage 4's candidate pairs, sorted and distinct, and the counts of where they came from.
struct Candidates {
    pairs: Vec<(u32, u32)>,
    /// Pairs with a noisy side, which pass the gate whatever their shingles.
    noisy_pairs: Vec<(u32, u32)>,
    /// Those only the character signature found ([`char_keys`]), sorted.
    char_pairs: Vec<(u32, u32)>,
    lsh: usize,
    words: usize,
    chars: usize,
    paragraphs: usize,
}

impl Candidates {
    fn count(&self, stats: &mut Stats) {
        stats.lsh_candidates = self.lsh;
        stats.word_candidates = self.words;
        stats.char_candidates = self.chars;
        stats.paragraph_candidates = self.paragraphs;
        stats.candidates = self.pairs.len();
    }
}

/// Stage 4: candidates from the LSH bands (with the lead signatures), from the word
/// signatures, from the character signatures ([`char_keys`]), and from shared story
/// paragraphs (found beside stage 3). A pair only the character signature found passes the
/// gate as a pair with a noisy side does, and stage 6 keeps it on character evidence of
/// garbles, or on words resting on more than one shared passage
/// ([`evidence::Noise::CharsOnly`]).
///
/// Word signatures pair a noisy article with any article in one band, two clean articles
/// only in [`CLEAN_WORD_BANDS`] bands: clean copies share shingles, and separately written
/// stories on one event share many words (at word-set Jaccard 0.3 two articles meet in two
/// of 32 bands one time in thirty, at 0.6 nine times in ten). A pair with a noisy side
/// passes the gate whatever its shingles, so it is kept only when the two share enough
/// sampled character grams for character evidence to find anything
/// ([`evidence::CharSample::may_share`]): one band also pairs a noisy page with many
/// stories on its topic.
fn candidates(
    keys: SignedKeys,
    words: WordKeys,
    noisy: &[bool],
    samples: &[evidence::CharSample],
    paragraph_pairs: Vec<(u32, u32)>,
    copies: &Copies,
    workers: Option<&dyn Workers>,
) -> Result<Candidates> {
    let char_keys = |samples| {
        let (keys, mut active) = char_keys(samples, &copies.counted);
        copies.set_aside_from(&mut active);
        (keys, active)
    };
    let (mut pairs, word_pairs, char_pairs) = match workers {
        // Here, a signature's keys are let go as soon as its pairs are listed.
        None => {
            let pairs = collide_here(&shingle_signature(&keys));
            drop(keys);
            let word_pairs = collide_here(&word_signature(&words, noisy, samples));
            drop(words);
            let (char_keys, char_active) = char_keys(samples);
            let char_pairs =
                collide_here(&char_signature(&char_keys, &char_active, noisy, samples));
            (pairs, word_pairs, char_pairs)
        }
        // Elsewhere, each signature's bytes are made from keys the bytes own, which are let
        // go once the engine has them, not held while stage 4's tasks run (at 1M articles
        // 0.9 GB).
        Some(workers) => {
            let shingle = Handed::of(keys, shingle_signature);
            // The noise and samples go with the keys, as the parts borrow them for as long.
            let word = Handed::of((words, noisy, samples), |(w, noisy, samples)| {
                word_signature(w, noisy, samples)
            });
            let char = Handed::of(
                (char_keys(samples), noisy, samples),
                |(k, noisy, samples)| char_signature(&k.0, &k.1, noisy, samples),
            );
            let [pairs, word_pairs, char_pairs] =
                collide_elsewhere([shingle, word, char], workers)?;
            (pairs, word_pairs, char_pairs)
        }
    };
    // A copy meets its head in every band of the shingle signature, the first route, which
    // keeps the pairs it lists.
    if !copies.edges.is_empty() {
        pairs.extend(copies.pairs());
        pairs.par_sort_unstable();
    }
    let lsh = pairs.len();
    let noisy_pair = |&(a, b): &(u32, u32)| noisy[a as usize] || noisy[b as usize];
    // Each route's pairs were kept on their samples as its bands listed them (the
    // signature's `samples`, a lot of bands at a time); now those an earlier route found are
    // dropped. Both orders keep the same pairs, but the sample test reads a pair's two
    // samples where a search of the other routes' lists reads a dozen lines of lists too
    // large for the cache (72 million character pairs listed at 1M articles), and the few
    // pairs it keeps are then taken out of the other lists by searches that move forward
    // through each (`without`).
    let mut word_pairs = without(word_pairs, &pairs);
    let char_pairs = without(
        without(without(char_pairs, &pairs), &word_pairs),
        &paragraph_pairs,
    );
    let n_chars = char_pairs.len();
    word_pairs.extend_from_slice(&char_pairs);
    word_pairs.sort_unstable();
    let noisy_pairs: Vec<(u32, u32)> = word_pairs
        .iter()
        .copied()
        .filter(|p| noisy_pair(p) || char_pairs.binary_search(p).is_ok())
        .collect();
    let (n_words, n_paragraphs) = (word_pairs.len() - n_chars, paragraph_pairs.len());
    pairs.extend_from_slice(&word_pairs);
    pairs.extend(paragraph_pairs);
    pairs.par_sort_unstable();
    pairs.dedup();
    // Each copy in its head's place.
    Ok(Candidates {
        pairs: copies.expand(pairs),
        noisy_pairs: copies.expand(noisy_pairs),
        char_pairs: copies.expand(char_pairs),
        lsh,
        words: n_words,
        chars: n_chars,
        paragraphs: n_paragraphs,
    })
}

/// The shingle bands with the leads: a pair meets once.
fn shingle_signature(keys: &SignedKeys) -> SignatureParts<'_> {
    SignatureParts {
        keys: &keys.bands,
        bands: keys.per_article,
        active: &keys.active,
        leads: Some(lsh::Leads {
            keys: &keys.leads,
            active: &keys.lead_active,
        }),
        need: std::borrow::Cow::Owned(crate::tasks::Need {
            clean: 1,
            noisy: 1,
            noisy_articles: Vec::new(),
        }),
        samples: None,
    }
}

/// The word signature: two clean articles need [`CLEAN_WORD_BANDS`] meetings, a pair with a
/// noisy side one.
fn word_signature<'a>(
    words: &'a WordKeys,
    noisy: &'a [bool],
    samples: &'a [evidence::CharSample],
) -> SignatureParts<'a> {
    SignatureParts {
        keys: &words.keys,
        bands: WORD_LSH.bands,
        active: &words.active,
        leads: None,
        need: std::borrow::Cow::Owned(crate::tasks::Need {
            clean: CLEAN_WORD_BANDS as u32,
            noisy: 1,
            noisy_articles: noisy.to_vec(),
        }),
        samples: Some((evidence::Samples::Each(samples), noisy, WORD_ROUTE)),
    }
}

/// The character signature ([`char_keys`]): [`CHAR_MEETINGS`] meetings.
fn char_signature<'a>(
    keys: &'a [u32],
    active: &'a [bool],
    noisy: &'a [bool],
    samples: &'a [evidence::CharSample],
) -> SignatureParts<'a> {
    SignatureParts {
        keys,
        bands: CHAR_LSH.bands,
        active,
        leads: None,
        need: std::borrow::Cow::Owned(crate::tasks::Need {
            clean: CHAR_MEETINGS as u32,
            noisy: CHAR_MEETINGS as u32,
            noisy_articles: Vec::new(),
        }),
        samples: Some((evidence::Samples::Each(samples), noisy, CHAR_ROUTE)),
    }
}

/// A signature's candidate pairs that its route keeps on their samples, sorted and unique,
/// collided here, band after band in parallel. A route that tests its pairs on samples lists
/// them [`SAMPLE_LOT_BANDS`] bands at a time and tests each lot with the code a task runs on
/// its range ([`SignatureParts::collide`]), so the pairs it drops are never all held at
/// once: at 1M generated articles the character signature lists 72 million pairs and keeps
/// 1.9 million.
fn collide_here(s: &SignatureParts<'_>) -> Vec<(u32, u32)> {
    if s.samples.is_none() {
        return s.collide(0..s.bands);
    }
    let mut pairs: Vec<(u32, u32)> = (0..s.bands)
        .step_by(SAMPLE_LOT_BANDS)
        .flat_map(|lo| s.collide(lo..(lo + SAMPLE_LOT_BANDS).min(s.bands)))
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Bands whose pairs [`collide_here`] lists before testing them on samples. Smaller lots
/// hold fewer pairs, but a lot's test, run apart from its listing, finds the samples in the
/// cache, which the listing's band keys push out: at 1M articles the candidate stage took
/// 75.9 s in lots of 32 bands, 75.2 s in lots of 16 and 65-70 s testing each band's pairs
/// as they were listed, against 87-91 s testing all pairs after listing them all; at 100k,
/// where the samples fit the cache, 2.00, 2.06 and 2.16 s against 2.00 s
/// (`benches/results/speed-2026-12-07-sample-lots.md`).
const SAMPLE_LOT_BANDS: usize = 32;

/// The candidate pairs of each signature, sorted and unique, collided by `workers`: each
/// signature's bands cut into about [`Workers::tasks`] ranges ([`crate::tasks::BandTask`]),
/// all handed out together, each signature's keys once beside them
/// ([`crate::tasks::BandSignature`]). A pair is listed only in the band where it first
/// meets, so the ranges' pairs, merged, are what [`collide_here`] lists.
fn collide_elsewhere<const N: usize>(
    signatures: [Handed<'_>; N],
    workers: &dyn Workers,
) -> Result<[Vec<(u32, u32)>; N]> {
    let shapes: [(usize, usize); N] = std::array::from_fn(|i| {
        let s = &signatures[i];
        (s.bands, s.articles)
    });
    // (signature, first band, end band) of each task.
    let mut cut: Vec<(usize, usize, usize)> = Vec::new();
    for (i, s) in signatures.iter().enumerate() {
        let ranges = workers.tasks().clamp(1, s.bands.max(1));
        let per = s.bands.div_ceil(ranges).max(1);
        cut.extend(
            (0..s.bands)
                .step_by(per)
                .map(|lo| (i, lo, (lo + per).min(s.bands))),
        );
    }
    // Each signature's keys as bytes once, handed out beside the tasks of its ranges,
    // written where the workers keep them. A task names its signature by the hash of its
    // bytes, taken as they are written: the bytes are the workers' once handed out.
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    let hashes: [AtomicU64; N] = std::array::from_fn(|_| AtomicU64::new(0));
    let mut shared = signatures.into_iter().zip(&hashes).map(|(s, hash)| {
        let bytes = s.bytes;
        Shared::new(bytes.len(), move |out: &mut [u8]| {
            bytes.write(out);
            hash.store(crate::hash::bytes(out), Relaxed);
        })
    });
    let mut found: [Vec<(u32, u32)>; N] = std::array::from_fn(|_| Vec::new());
    let make = |t: usize| {
        let (i, lo, hi) = cut[t];
        let task = crate::tasks::BandTask {
            range: lo as u32..hi as u32,
            signature: hashes[i].load(Relaxed),
        };
        Ok((task.to_bytes(), Some(i)))
    };
    hand_out(workers, 4, cut.len(), &mut shared, make, |t, bytes| {
        let (i, lo, hi) = cut[t];
        let (bands, articles) = shapes[i];
        let range = lo as u32..hi as u32;
        let pairs = crate::tasks::pairs_from_bytes(bytes, t, bands as u32, range, articles)?;
        found[i].extend(pairs);
        Ok(())
    })?;
    for pairs in &mut found {
        pairs.par_sort_unstable();
        pairs.dedup();
    }
    Ok(found)
}

/// A signature handed out by [`collide_elsewhere`]: its bands and articles, and its bytes
/// ([`SignatureParts::to_bytes`]), made from keys they own.
struct Handed<'a> {
    bands: usize,
    articles: usize,
    bytes: Shared<'a>,
}

impl<'a> Handed<'a> {
    /// The signature `parts` makes of `keys`, whose bytes own `keys` and let them go once
    /// written.
    fn of<K: Send + 'a>(
        keys: K,
        parts: impl Fn(&K) -> SignatureParts<'_> + Send + 'a,
    ) -> Handed<'a> {
        let (bands, articles, len) = {
            let s = parts(&keys);
            (s.bands, s.active.len(), s.framed_len())
        };
        Handed {
            bands,
            articles,
            bytes: Shared::new(len, move |out| parts(&keys).write_into(out)),
        }
    }
}

/// The pairs of `pairs` not in `found`, both sorted, in their order. Each pair is searched
/// for only in the part of `found` from where the pair before it was, so the searches move
/// forward through `found` and touch each part of it once, however long it is.
fn without(mut pairs: Vec<(u32, u32)>, found: &[(u32, u32)]) -> Vec<(u32, u32)> {
    debug_assert!(found.is_sorted() && pairs.is_sorted());
    let mut at = 0;
    pairs.retain(|p| {
        at += found[at..].partition_point(|f| f < p);
        found.get(at) != Some(p)
    });
    pairs
}

/// Bands of the character signature ([`char_keys`]), of 2 rows: the rare sampled grams
/// of a clean copy and one at a 12-15% character error rate have Jaccard about 0.25, which
/// meets in a band one time in sixteen.
const CHAR_LSH: lsh::Params = lsh::Params {
    bands: 128,
    rows: 2,
};
/// Bands of [`CHAR_LSH`] two articles must meet in to be a character candidate. At Jaccard
/// 0.25 two of 128 bands are met 99.7% of the time, at the 0.05 of two articles on one topic
/// 4% of the time (one band of 16, the former signature: 64% and 4%; one of 64: 98% and
/// 15%). On the all-OCR 10k feed
/// (`synth --seed 11 --articles 10000 --ocr-archive-outlets 1 --ocr-scanned-wire-rate 1`)
/// cluster ARI goes from 0.9747 to 0.9903 (16 bands meeting once: 0.9747; 64 once: 0.9906 at
/// about three times the candidate stage's time, for the pairs of one topic it lists; 128 meeting
/// three times: 0.9876).
const CHAR_MEETINGS: usize = 2;
/// A sampled character gram key found in more than this share of the articles is a common
/// gram ("ofthe", "ingthe"), which every text of a language shares; the character signature
/// is taken over the others.
const COMMON_GRAM_SHARE: f64 = 0.01;
/// A sampled gram is common only when found in more articles than this, whatever the feed's
/// size: in a feed of a few hundred articles 1% is two or three, and the grams of one story
/// reprinted four times would all count as common, leaving its copies no signature. The
/// grams every text of a language shares are in far more articles than this.
const MIN_COMMON_GRAM_ARTICLES: u32 = 8;
/// Rare sampled grams an article needs for a character signature.
const MIN_RARE_GRAMS: usize = 8;
/// Share of the smaller character sample a pair only the character signature found must share
/// ([`evidence::CharSample::shares`]): above the [`evidence::CHAR_SAMPLE_CONTAINMENT`] of the
/// word route, as such a pair met on no word band. On the generated 100k feed 0.25 halves
/// these pairs against 0.15 (20,013 -> 11,347) at the same ARI.
const CHAR_ROUTE_SHARE: f64 = 0.25;
/// The same for a pair with no noisy side ([`evidence::Noise::CharsOnly`]), which stage 6
/// keeps only on character evidence of garbles: on the generated 100k feed 0.45 against 0.25
/// cuts these pairs from 80,685 to 32,985 (a fifth of the scan's CPU) at the same ARI
/// (0.9918), and changes nothing on the real labelled feeds.
const CLEAN_CHAR_ROUTE_SHARE: f64 = 0.45;

/// What the word signature's pairs need of their character samples: a pair with a noisy side
/// [`evidence::CHAR_SAMPLE_CONTAINMENT`], the others nothing.
const WORD_ROUTE: evidence::RouteShare = evidence::RouteShare {
    noisy: evidence::CHAR_SAMPLE_CONTAINMENT,
    clean: None,
};
/// What the character signature's pairs need: [`CHAR_ROUTE_SHARE`], or
/// [`CLEAN_CHAR_ROUTE_SHARE`] with no noisy side.
const CHAR_ROUTE: evidence::RouteShare = evidence::RouteShare {
    noisy: CHAR_ROUTE_SHARE,
    clean: Some(CLEAN_CHAR_ROUTE_SHARE),
};

fn char_hasher() -> &'static MinHasher {
    static HASHER: std::sync::OnceLock<MinHasher> = std::sync::OnceLock::new();
    HASHER.get_or_init(|| MinHasher::new(CHAR_LSH.bands * CHAR_LSH.rows))
}

/// The band keys (and which articles have them) of a signature of each article's rare sampled
/// character grams, for candidates
/// ([`evidence::CharSample`], boilerplate left out): copies that OCR garbled, one or both,
/// whose word sets share no [`WORD_LSH`] band (two copies at a 5% character error rate keep
/// about half their grams, and trims and local intros thin the word sets further). Neither
/// side need read as noisy: pages reprinting one scan share its garbles, so none of their
/// words is a one-off, and a page at 2% CER sits under [`crate::noise`]'s flag.
/// Grams common in the feed are dropped first ([`COMMON_GRAM_SHARE`]), so that two
/// unrelated articles share almost nothing; the articles `counted` marks are the feed here
/// (an exact copy of an earlier article is not counted again).
fn char_keys(samples: &[evidence::CharSample], counted: &[bool]) -> (Vec<u32>, Vec<bool>) {
    debug_assert_eq!(samples.len(), counted.len());
    let mut df = vec![0u32; 1 << 16];
    let mut texts = 0usize;
    for s in samples
        .iter()
        .zip(counted)
        .filter(|(_, &c)| c)
        .map(|(s, _)| s)
    {
        texts += 1;
        for &k in s.keys() {
            df[k as usize] += 1;
        }
    }
    let common = ((texts as f64 * COMMON_GRAM_SHARE) as u32).max(MIN_COMMON_GRAM_ARTICLES);
    let signed: Vec<Option<Vec<u32>>> = samples
        .par_iter()
        .map(|s| {
            let rare: Vec<u64> = s
                .keys()
                .iter()
                .filter(|&&k| df[k as usize] <= common)
                .map(|&k| u64::from(k))
                .collect();
            if rare.len() < MIN_RARE_GRAMS {
                return None;
            }
            let hasher = char_hasher();
            let mut sig = vec![0u32; hasher.num_perms()];
            hasher.signature_into(&rare, &mut sig);
            let mut keys = vec![0u32; CHAR_LSH.bands];
            lsh::band_keys(&sig, CHAR_LSH, &mut keys);
            Some(keys)
        })
        .collect();
    let active: Vec<bool> = signed.iter().map(Option::is_some).collect();
    let keys: Vec<u32> = signed
        .into_iter()
        .flat_map(|k| k.unwrap_or_else(|| vec![0; CHAR_LSH.bands]))
        .collect();
    (keys, active)
}

/// Stage 5: the candidates that pass the gate on their exact sets, in candidate order.
fn verify_candidates(
    cfg: &Config,
    cands: &Candidates,
    sets: &Sets,
    progress: &dyn Progress,
) -> Result<Vec<VerifiedPair>> {
    let rule = cfg.gate();
    let verified: Vec<Result<Vec<VerifiedPair>>> = cands
        .pairs
        .par_chunks(1024)
        .map_init(verify::SetBuffers::default, |bufs, chunk| {
            progress.inc(chunk.len() as u64);
            verify::accepted_pairs(sets, chunk, &rule, &cands.noisy_pairs, bufs)
        })
        .collect();
    flatten_in_order(verified)
}

fn count_verdicts(judged: &[(usize, Evidence)], stats: &mut Stats) {
    stats.reprints = judged.iter().filter(|x| x.1.kind == Kind::Reprint).count();
    stats.partial = judged.len() - stats.reprints;
    stats.by_chars = judged
        .iter()
        .filter(|x| x.1.measure == Measure::Characters)
        .count();
    stats.by_sets = judged
        .iter()
        .filter(|x| x.1.measure == Measure::Sets)
        .count();
}

/// Stage 7: story clusters over the reprint pairs.
fn story_clusters(
    n: usize,
    rank: &[u32],
    verified: &[VerifiedPair],
    judged: &[(usize, Evidence)],
) -> Vec<cluster::Story> {
    let edges: Vec<cluster::StoryEdge> = judged
        .iter()
        .filter(|(_, e)| e.kind == Kind::Reprint)
        .map(|&(k, ref e)| {
            let ((a, b), _) = verified[k];
            cluster::StoryEdge {
                a,
                b,
                strength: e.short_share.min(e.long_share),
                shared_a: e.shared_a.clone(),
                shared_b: e.shared_b.clone(),
            }
        })
        .collect();
    let clusters = cluster::stories(n, rank, &edges);
    drop_later(edges);
    clusters
}

/// Each article's cluster and the member it is linked `via`, and which members are
/// canonicals: what decides which pairs the report lists and from which side each is aligned.
struct Membership {
    /// Each article's cluster (`u32::MAX`: none).
    cluster_of: Vec<u32>,
    via_of: Vec<u32>,
    /// Each cluster's canonical.
    canonicals: Vec<u32>,
}

impl Membership {
    fn new(n: usize, clusters: &[cluster::Story]) -> Membership {
        let mut cluster_of = vec![u32::MAX; n];
        let mut via_of = vec![u32::MAX; n];
        let canonicals = clusters.iter().map(|c| c.canonical).collect();
        for (i, c) in clusters.iter().enumerate() {
            for (&m, v) in c.members.iter().zip(&c.via) {
                cluster_of[m as usize] = i as u32;
                if let Some(v) = v {
                    via_of[m as usize] = *v;
                }
            }
        }
        Membership {
            cluster_of,
            via_of,
            canonicals,
        }
    }

    fn is_canonical(&self, x: u32) -> bool {
        let c = self.cluster_of[x as usize];
        c != u32::MAX && self.canonicals[c as usize] == x
    }

    /// The pairs the report lists, in pair order. A reprint pair of two members of one
    /// cluster is implied by their pairs with the canonical and listed only on request
    /// (`all_pairs`), or when one is linked through the other; partial pairs are always
    /// listed.
    fn listed(
        &self,
        judged: Vec<(usize, Evidence)>,
        verified: &[VerifiedPair],
        all_pairs: bool,
    ) -> Vec<(VerifiedPair, Evidence)> {
        judged
            .into_iter()
            .filter(|(k, e)| {
                let (a, b) = verified[*k].0;
                let c = self.cluster_of[a as usize];
                e.kind == Kind::Partial
                    || all_pairs
                    || c == u32::MAX
                    || c != self.cluster_of[b as usize]
                    || self.is_canonical(a)
                    || self.is_canonical(b)
                    || self.via_of[a as usize] == b
                    || self.via_of[b as usize] == a
            })
            .map(|(k, e)| (verified[k], e))
            .collect()
    }
}

/// Stage 8: the listed pairs with their shared spans, in their order. Each pair is aligned
/// from its hub: the side that is a cluster's canonical (the one most pairs share), else `a`.
/// Pairs are grouped by hub, so a hub is read, tokenized and indexed once for all its
/// partners; the spans do not depend on which side is indexed
/// (`align::shared_spans_oriented`).
fn align_listed(
    corpus: &Corpus,
    cfg: &Config,
    listed: &[(VerifiedPair, Evidence)],
    membership: &Membership,
    progress: &dyn Progress,
    workers: Option<&dyn Workers>,
) -> Result<Vec<report::Pair>> {
    let mut by_hub: Vec<(u32, u32, u32)> = listed // (hub, other side, index in `listed`)
        .iter()
        .enumerate()
        .map(|(k, &(((a, b), _), _))| {
            if membership.is_canonical(b) && !membership.is_canonical(a) {
                (b, a, k as u32)
            } else {
                (a, b, k as u32)
            }
        })
        .collect();
    by_hub.sort_unstable();
    let aligning: Vec<AlignPair> = by_hub
        .iter()
        .map(|&(hub, other, k)| AlignPair {
            hub,
            other,
            hub_is_a: listed[k as usize].0 .0 .0 == hub,
        })
        .collect();
    let spans = match workers {
        None => {
            let groups: Vec<&[AlignPair]> = aligning.chunk_by(|x, y| x.hub == y.hub).collect();
            let text = |i: u32| corpus.text(i as usize);
            flatten_in_order(align_runs(&text, cfg, &groups, progress))?
        }
        Some(workers) => align_elsewhere(corpus, &aligning, workers, progress)?,
    };
    let mut pairs: Vec<(u32, report::Pair)> = by_hub
        .iter()
        .zip(spans)
        .map(|(&(_, _, k), spans)| (k, listed_pair(corpus, &listed[k as usize], spans)))
        .collect();
    pairs.sort_unstable_by_key(|x| x.0);
    Ok(pairs.into_iter().map(|x| x.1).collect())
}

/// The shared spans of `groups` (each a hub's pairs, the hub first in every one), each
/// group's in its order, the texts given by `text`: in parallel, each thread indexing a hub
/// once for its group.
fn align_runs<'t>(
    text: &(dyn Fn(u32) -> Result<Cow<'t, str>> + Sync),
    cfg: &Config,
    groups: &[&[AlignPair]],
    progress: &dyn Progress,
) -> Vec<Result<Vec<Vec<crate::align::SharedSpan>>>> {
    groups
        .par_iter()
        .map_init(
            || {
                (
                    crate::align::Prepared::default(),
                    crate::align::Prepared::default(),
                    crate::align::Scratch::default(),
                )
            },
            |(hub, other, scratch), group| {
                hub.fill(&text(group[0].hub)?, cfg.ngram_words, true);
                progress.inc(group.len() as u64);
                group
                    .iter()
                    .map(|p| {
                        other.fill(&text(p.other)?, cfg.ngram_words, false);
                        Ok(crate::align::shared_spans_oriented(
                            hub,
                            other,
                            p.hub_is_a,
                            cfg.ngram_words,
                            scratch,
                        ))
                    })
                    .collect()
            },
        )
        .collect()
}

/// The shared spans of `pairs` (sorted by hub) from `workers`: cut into about
/// [`Workers::tasks`] runs of whole hubs, each an [`AlignTask`] with its articles' texts or
/// their places ([`task_texts`]); each task's result decoded here.
fn align_elsewhere(
    corpus: &Corpus,
    pairs: &[AlignPair],
    workers: &dyn Workers,
    progress: &dyn Progress,
) -> Result<Vec<Vec<crate::align::SharedSpan>>> {
    let per_task = pairs.len().div_ceil(workers.tasks().max(1)).max(1);
    let mut runs: Vec<&[AlignPair]> = Vec::new();
    let mut start = 0;
    for (end, w) in pairs.windows(2).enumerate() {
        if w[0].hub != w[1].hub && end + 1 - start >= per_task {
            runs.push(&pairs[start..end + 1]);
            start = end + 1;
        }
    }
    if start < pairs.len() {
        runs.push(&pairs[start..]);
    }
    let make = |run: &[AlignPair]| {
        let ends = run.iter().flat_map(|p| [p.hub, p.other]);
        AlignTask {
            texts: task_texts(corpus, ends, |_| Vec::new()),
            pairs: run.to_vec(),
        }
        .to_bytes()
    };
    hand_out_runs(
        workers,
        8,
        &runs,
        make,
        crate::tasks::spans_from_bytes,
        progress,
    )
}

/// The shared spans of an [`AlignTask`]'s pairs, in its order: what [`Workers::run`] runs
/// for a stage-8 task, in whatever process; the code a scan runs on its own texts.
pub fn align_task(task: &AlignTask, cfg: &Config) -> Result<Vec<Vec<crate::align::SharedSpan>>> {
    let store = task.texts.store()?;
    let text = |i: u32| task.texts.text(task.texts.article(i as usize, 8)?, &store);
    let groups: Vec<&[AlignPair]> = task.pairs.chunk_by(|x, y| x.hub == y.hub).collect();
    flatten_in_order(align_runs(&text, cfg, &groups, &NoProgress))
}

/// Listed pair `listed` as the report gives it, with its shared spans.
fn listed_pair(
    corpus: &Corpus,
    listed: &(VerifiedPair, Evidence),
    spans: Vec<crate::align::SharedSpan>,
) -> report::Pair {
    let &(((a, b), ref s), ref e) = listed;
    report::Pair {
        a: corpus.articles[a as usize].id.clone(),
        b: corpus.articles[b as usize].id.clone(),
        kind: if e.kind == Kind::Reprint {
            report::PairKind::Reprint
        } else {
            report::PairKind::Partial
        },
        short_share: round4(e.short_share),
        long_share: round4(e.long_share),
        shorter: if e.a_is_shorter { "a" } else { "b" },
        evidence: match e.measure {
            Measure::Words => report::EvidenceKind::Words,
            Measure::Characters => report::EvidenceKind::Characters,
            Measure::Sets => report::EvidenceKind::Sets,
        },
        jaccard: round4(s.jaccard),
        containment: round4(s.containment),
        shared_shingles: s.shared,
        spans: spans
            .into_iter()
            .map(|x| report::SpanPair {
                a: [x.a.0, x.a.1],
                b: [x.b.0, x.b.1],
                words: x.words,
            })
            .collect(),
    }
}

/// What stage 6 knows of each article before it reads any text.
#[derive(Clone, Copy)]
struct Known<'a> {
    /// Paragraphs (their shingles have gone to stage 3).
    analysed: &'a [ArticleShingles],
    /// Boilerplate paragraphs.
    mask: &'a [Vec<bool>],
    /// Articles that read as noisy text ([`crate::noise`]).
    noisy: &'a [bool],
    samples: &'a [evidence::CharSample],
    /// Candidates only the character signature found ([`evidence::Noise::FlaggedByCharsOnly`],
    /// [`evidence::Noise::CharsOnly`]), sorted.
    char_pairs: &'a [(u32, u32)],
    /// Each article's class head ([`Copies`]).
    heads: &'a [u32],
}

/// Stage 6: the passage evidence of each pair that passed the gate, in their order; pairs
/// of [`Kind::None`] are left out. Text is read only where it can change a verdict: pairs the
/// shingle sets settle ([`evidence::settled_by_sets`]), or whose sets share too few shingles
/// for any word verdict ([`evidence::too_few_shingles`]), are judged without it unless
/// character evidence could raise them and their sampled character grams
/// ([`evidence::CharSample`]) say it could find something. The pairs read are taken in
/// [`read_order`], so that each task prepares an article once for the pairs of its story
/// that it judges ([`ProfileCache`]).
fn judge_pairs(
    corpus: &Corpus,
    cfg: &Config,
    known: &Known,
    verified: &[VerifiedPair],
    progress: &dyn Progress,
    workers: Option<&dyn Workers>,
) -> Result<Vec<(usize, Evidence)>> {
    let Known {
        analysed,
        mask,
        noisy,
        samples,
        char_pairs,
        heads,
    } = *known;
    let rule = cfg.evidence;
    // Each article's body words, and whether it is a teaser, for pairs judged without
    // their text.
    let (body, teaser): (Vec<usize>, Vec<bool>) = (0..analysed.len())
        .into_par_iter()
        .map_init(Vec::new, |flags, i| {
            let paragraphs = &analysed[i].paragraphs;
            let words = evidence::body_flags(paragraphs, &rule, |p| mask[i][p], flags);
            (words, evidence::is_teaser(paragraphs, flags))
        })
        .unzip();
    let noise_of = |a: usize, b: usize| {
        let chars_only = char_pairs.binary_search(&(a as u32, b as u32)).is_ok();
        match (chars_only, noisy[a] || noisy[b]) {
            (true, true) => evidence::Noise::FlaggedByCharsOnly,
            (true, false) => evidence::Noise::CharsOnly,
            (false, true) => evidence::Noise::Flagged,
            (false, false) => evidence::Noise::Clean,
        }
    };
    // Character evidence where it could raise the word verdict and the samples say it
    // could find something.
    let chars = |a: usize, b: usize, words: &Evidence| {
        evidence::chars_may_lift(words, body[a], body[b]) && samples[a].may_share(&samples[b])
    };
    // What the sets alone can say of a pair, and whether that is its verdict.
    let unread = |a: usize, b: usize, sim: &Similarity| {
        evidence::settled_by_sets(sim, (body[a], body[b]), teaser[a] || teaser[b], &rule)
            .or_else(|| evidence::too_few_shingles(sim.shared, (body[a], body[b])))
    };
    let mut judged: Vec<Option<Evidence>> = verified
        .par_iter()
        .map(|&((a, b), ref sim)| {
            let (a, b) = (a as usize, b as usize);
            unread(a, b, sim)
                .filter(|e| !chars(a, b, e))
                .map(|e| e.for_noise(noise_of(a, b)))
        })
        .collect();
    progress.inc(judged.iter().filter(|e| e.is_some()).count() as u64);
    // A pair with a copy in it reads as its heads' pair: the heads' texts and stage-1 values
    // are the copies' ([`Copies`]), and a verdict depends only on them. When the heads come
    // in the other order, the verdict is theirs with `a` and `b` swapped, which holds when
    // the two bodies differ in words (the shorter side is `a` on a tie). Each such pair is
    // read once, as the heads'.
    let head_pair = |k: u32| {
        let (a, b) = verified[k as usize].0;
        let (ha, hb) = (heads[a as usize], heads[b as usize]);
        let swapped = ha > hb;
        let (x, y) = if swapped { (hb, ha) } else { (ha, hb) };
        let may = (x, y) != (a, b) && x != y && (!swapped || body[a as usize] != body[b as usize]);
        may.then(|| verified.binary_search_by_key(&(x, y), |v| v.0).ok())
            .flatten()
            .map(|h| (h, swapped))
    };
    // (pair, its heads' pair and whether it is swapped), and the pairs to read.
    type AsHeads = Vec<(u32, (usize, bool))>;
    let (as_heads, to_read): (AsHeads, Vec<u32>) = read_order(verified, &judged, analysed.len())
        .into_par_iter()
        .partition_map(|k| match head_pair(k) {
            Some(h) => rayon::iter::Either::Left((k, h)),
            None => rayon::iter::Either::Right(k),
        });
    let reads: Vec<ReadPair> = to_read
        .into_par_iter()
        .map(|k| {
            let ((a, b), ref sim) = verified[k as usize];
            let (i, j) = (a as usize, b as usize);
            ReadPair {
                k,
                a,
                b,
                noise: noise_of(i, j),
                may_share: samples[i].may_share(&samples[j]),
                settled: unread(i, j, sim),
            }
        })
        .collect();
    let verdicts = match workers {
        None => {
            let fetch = |i: usize, text: &mut String| {
                text.push_str(&corpus.text(i)?);
                Ok(())
            };
            judge_reads(&reads, &fetch, &|i, p| mask[i][p], cfg, progress)?
        }
        Some(workers) => judge_elsewhere(corpus, mask, &reads, workers, progress)?,
    };
    for (p, e) in reads.iter().zip(verdicts) {
        judged[p.k as usize] = Some(e);
    }
    progress.inc(as_heads.len() as u64);
    for (k, (h, swapped)) in as_heads {
        judged[k as usize] = judged[h]
            .clone()
            .map(|e| if swapped { e.swapped() } else { e });
    }
    Ok(judged
        .into_iter()
        .map(|e| e.expect("every pair is judged, from its sets or its texts"))
        .enumerate()
        .filter(|(_, e)| e.kind != Kind::None)
        .collect())
}

/// Where a distributed scan's stage 4 collides band keys ([`crate::tasks::BandTask`]) and
/// its stage 6 reads the pairs whose texts it needs ([`Task`]), when not in this process:
/// the tasks handed to an engine (the Ray and Spark scans' reducers, through the Python
/// binding), each run by [`crate::parts::work`]. A task's result depends only on the task
/// ([`crate::tasks`]), so the report is the one a scan that does the work itself gives.
pub trait Workers: Sync {
    /// About how many tasks to cut a stage's work into (at least one; fewer when there is
    /// less work).
    fn tasks(&self) -> usize;
    /// Takes the bytes the tasks of `stage`, to come, read beside their own (such as a
    /// signature's band keys, which the engine can hold once for all of them), in place of
    /// any it holds, before that stage's first [`Workers::run`]; and none once the stage's
    /// last batch is back. The engine takes every item of `shared` before it returns, each
    /// written straight into the buffer it keeps them in ([`Shared`]): the reducer holds no
    /// copy (at 1M articles stage 4's signatures are 1.3 GB, the largest 0.7 GB). An error
    /// in taking them is an error of `stage`.
    fn share(&self, stage: u8, shared: &mut (dyn Iterator<Item = Shared<'_>> + Send))
        -> Result<()>;
    /// The results of `tasks`, each a task's bytes: one result per task in order, what
    /// [`crate::parts::work`] gives for it wherever it runs, given the shared bytes
    /// `uses[k]` names (of the last [`Workers::share`]) beside task `k`. The caller decodes
    /// and checks the results.
    fn run(&self, tasks: Vec<Vec<u8>>, uses: &[Option<usize>]) -> Result<Vec<Vec<u8>>>;
}

/// Bytes the tasks of a stage share ([`Workers::share`]), of a length known beforehand,
/// written by the reducer into the buffer the engine gives, so that they exist once.
pub struct Shared<'a> {
    len: usize,
    write: Box<WriteShared<'a>>,
}

/// What writes a [`Shared`]'s bytes into the buffer it is given.
type WriteShared<'a> = dyn FnOnce(&mut [u8]) + Send + 'a;

impl<'a> Shared<'a> {
    /// `len` bytes, which `write` writes into a buffer of that length.
    pub fn new(len: usize, write: impl FnOnce(&mut [u8]) + Send + 'a) -> Shared<'a> {
        Shared {
            len,
            write: Box::new(write),
        }
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes the bytes into `out`, which is [`Shared::len`] bytes long.
    pub fn write(self, out: &mut [u8]) {
        (self.write)(out);
    }

    /// The bytes, in a vector of their own.
    pub fn into_vec(self) -> Vec<u8> {
        let mut out = vec![0; self.len];
        self.write(&mut out);
        out
    }
}

/// The tasks handed to [`Workers::run`] at a time are kept under about this many bytes
/// (texts or band keys, mostly): the reducer holds one batch of tasks, not every text stage 6
/// reads.
const TASK_BATCH_BYTES: usize = 256 << 20;

/// Hands `count` tasks of `stage` to `workers`, each made by `make` (its bytes, and which of
/// `shared` it reads, if any) when its batch is due, in batches of about
/// [`TASK_BATCH_BYTES`] of tasks (`shared` given to the workers first, once for all
/// batches, and taken back after the last); each result goes to `take` with its task's
/// number among the stage's tasks, in task order.
fn hand_out(
    workers: &dyn Workers,
    stage: u8,
    count: usize,
    shared: &mut (dyn Iterator<Item = Shared<'_>> + Send),
    mut make: impl FnMut(usize) -> Result<(Vec<u8>, Option<usize>)>,
    mut take: impl FnMut(usize, &[u8]) -> Result<()>,
) -> Result<()> {
    workers.share(stage, shared)?;
    if shared.next().is_some() {
        return Err(Error::Task {
            stage,
            task: 0,
            message: "the workers did not take every shared item before the stage".into(),
        });
    }
    let mut batch: Vec<Vec<u8>> = Vec::new();
    let mut uses: Vec<Option<usize>> = Vec::new();
    let mut batch_bytes = 0;
    let mut handed = 0;
    for t in 0..count {
        let (task, used) = make(t)?;
        batch_bytes += task.len();
        batch.push(task);
        uses.push(used);
        if batch_bytes >= TASK_BATCH_BYTES || t + 1 == count {
            let sent = batch.len();
            let got = workers.run(std::mem::take(&mut batch), &std::mem::take(&mut uses))?;
            if got.len() != sent {
                return Err(Error::Task {
                    stage,
                    task: handed + got.len().min(sent),
                    message: format!("{} results for {sent} tasks", got.len()),
                });
            }
            for result in got {
                take(handed, &result)?;
                handed += 1;
            }
            batch_bytes = 0;
        }
    }
    // The stage's shared bytes are let go with its last batch, not kept into the next stage.
    workers.share(stage, &mut std::iter::empty())
}

/// The verdicts of `reads` from `workers`: the pairs cut into about [`Workers::tasks`] runs
/// in read order (so a story's pairs stay in one task, and each task prepares their articles
/// once), each with its articles' texts and masks ([`hand_out`]); each task's result decoded
/// here.
fn judge_elsewhere(
    corpus: &Corpus,
    mask: &[Vec<bool>],
    reads: &[ReadPair],
    workers: &dyn Workers,
    progress: &dyn Progress,
) -> Result<Vec<Evidence>> {
    let per_task = reads.len().div_ceil(workers.tasks().max(1)).max(1);
    let runs: Vec<&[ReadPair]> = reads.chunks(per_task).collect();
    let make = |pairs: &[ReadPair]| {
        let ends = pairs.iter().flat_map(|p| [p.a, p.b]);
        Task {
            texts: task_texts(corpus, ends, |i| mask[i as usize].clone()),
            pairs: pairs.to_vec(),
        }
        .to_bytes()
    };
    hand_out_runs(
        workers,
        6,
        &runs,
        make,
        crate::tasks::verdicts_from_bytes,
        progress,
    )
}

/// Hands `runs` out as tasks of `stage` ([`hand_out`], nothing shared), each task's bytes made
/// by `make` from its run; each result decoded by `decode` (its bytes, the task's number and
/// its run's length) into one value per item of the run, all in order.
fn hand_out_runs<P, R>(
    workers: &dyn Workers,
    stage: u8,
    runs: &[&[P]],
    make: impl Fn(&[P]) -> Vec<u8>,
    decode: impl Fn(&[u8], usize, usize) -> Result<Vec<R>>,
    progress: &dyn Progress,
) -> Result<Vec<R>> {
    let mut out = Vec::with_capacity(runs.iter().map(|r| r.len()).sum());
    hand_out(
        workers,
        stage,
        runs.len(),
        &mut std::iter::empty(),
        |t| Ok((make(runs[t]), None)),
        |t, bytes| {
            let n = runs[t].len();
            out.extend(decode(bytes, t, n)?);
            progress.inc(n as u64);
            Ok(())
        },
    )?;
    Ok(out)
}

/// The texts of articles `ids` (in any order, with repeats) for a task, each once, in order,
/// with the boilerplate mask `mask` gives: a text the corpus holds in memory is carried, a
/// text in a stored file is given by its place there, the file named among the task's
/// ([`Texts::files`]) by the path the corpus reads it at.
fn task_texts(
    corpus: &Corpus,
    ids: impl Iterator<Item = u32>,
    mask: impl Fn(u32) -> Vec<bool>,
) -> Texts<'_> {
    let mut ids: Vec<u32> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    // The stored files the task's texts are in, numbered among the task's.
    let mut files: Vec<TaskFile> = Vec::new();
    let mut numbers = std::collections::HashMap::<u32, u32>::new();
    let mut articles = Vec::with_capacity(ids.len());
    for i in ids {
        let art = &corpus.articles[i as usize];
        let text = match &art.body {
            Body::Text(text) => TaskText::from(text.as_str()),
            stored => {
                // The body's place, its file numbered among the task's.
                let mut body = stored.clone();
                if let Body::Line { file, .. } | Body::File { file, .. } = &mut body {
                    let in_store = *file;
                    *file = *numbers.entry(in_store).or_insert_with(|| {
                        let stored = &corpus.store.files[in_store as usize];
                        files.push(TaskFile {
                            path: stored.path.clone(),
                            format: stored.format,
                            name: art.origin.file.to_string(),
                        });
                        files.len() as u32 - 1
                    });
                }
                TaskText::Stored {
                    body,
                    line: art.origin.line,
                }
            }
        };
        articles.push(TaskArticle {
            article: i,
            text,
            boilerplate: mask(i),
        });
    }
    Texts { files, articles }
}

/// The verdicts of a task's pairs, in its order: what [`Workers::run`] runs for each task,
/// in whatever process. The same code as a scan that reads its pairs itself, so the same
/// verdicts.
pub fn judge_task(task: &Task, cfg: &Config) -> Result<Vec<Evidence>> {
    let article = |i: usize| task.texts.article(i, 6);
    let store = task.texts.store()?;
    let fetch = |i: usize, text: &mut String| {
        text.push_str(&task.texts.text(article(i)?, &store)?);
        Ok(())
    };
    // A paragraph the task's mask does not reach is one the text does not have: stage 1
    // cut these texts into the mask's paragraphs, so a longer list is a task of another text.
    let mask = |i: usize, p: usize| {
        article(i).is_ok_and(|a| a.boilerplate.get(p).copied().unwrap_or(false))
    };
    judge_reads(&task.pairs, &fetch, &mask, cfg, &NoProgress)
}

/// The verdicts of `reads`, in their order, each pair's texts fetched with `fetch` (which
/// appends the article's text) and its boilerplate paragraphs told by `mask`; in parallel
/// chunks of [`READ_CHUNK`] pairs, each task keeping the articles it prepared
/// ([`ProfileCache`]). An error (a text that changed under the run) ends the stage: a task
/// stops at its chunk's first, and of the chunks that failed, the one holding the earliest
/// pair (by `k`) is reported, the same one whatever the threads.
fn judge_reads(
    reads: &[ReadPair],
    fetch: &(dyn Fn(usize, &mut String) -> Result<()> + Sync),
    mask: &(dyn Fn(usize, usize) -> bool + Sync),
    cfg: &Config,
    progress: &dyn Progress,
) -> Result<Vec<Evidence>> {
    let rule = cfg.evidence;
    let judged: Vec<Result<Vec<Evidence>>> = reads
        .par_chunks(READ_CHUNK)
        .map_init(
            || ProfileCache::new(PROFILE_CACHE),
            |cache, chunk| {
                progress.inc(chunk.len() as u64);
                chunk
                    .iter()
                    .map(|p| {
                        let prepare = |i: usize, profile: &mut evidence::Profile, text: &str| {
                            profile.fill(text, cfg.ngram_words, &rule, |x| mask(i, x))
                        };
                        let (ea, eb) = cache.pair(p.a as usize, p.b as usize, fetch, prepare)?;
                        let words = p.settled.clone().unwrap_or_else(|| {
                            evidence::compare_words(&ea.profile, &eb.profile, &rule)
                        });
                        let (body_a, body_b) = (ea.profile.body_words(), eb.profile.body_words());
                        let e = if p.may_share && evidence::chars_may_lift(&words, body_a, body_b) {
                            evidence::compare_chars(
                                &mut ea.profile,
                                &ea.text,
                                &mut eb.profile,
                                &eb.text,
                                &rule,
                                p.noise,
                                words,
                            )
                        } else {
                            words.for_noise(p.noise)
                        };
                        Ok(e.for_form(p.noise, &ea.profile, &ea.text, &eb.profile, &eb.text))
                    })
                    .collect()
            },
        )
        .collect();
    let mut first_error: Option<(u32, crate::Error)> = None;
    let mut verdicts = Vec::with_capacity(reads.len());
    for (chunk, r) in reads.chunks(READ_CHUNK).zip(judged) {
        match r {
            Ok(v) => verdicts.extend(v),
            Err(e) => {
                let k = chunk
                    .iter()
                    .map(|p| p.k)
                    .min()
                    .expect("chunks are not empty");
                if first_error.as_ref().is_none_or(|(f, _)| k < *f) {
                    first_error = Some((k, e));
                }
            }
        }
    }
    match first_error {
        Some((_, e)) => Err(e),
        None => Ok(verdicts),
    }
}

/// Pairs whose texts stage 6 reads, a chunk of them to each task ([`ProfileCache`]).
const READ_CHUNK: usize = 32;
/// Articles a task keeps prepared ([`ProfileCache`]): with their character grams, about
/// 50 KB each.
const PROFILE_CACHE: usize = 64;

/// The pairs of `verified` not judged yet (`judged[k]` is `None`), as indices, in an order
/// that keeps the pairs of one story together, so that a task's [`ProfileCache`] meets its
/// articles again: each article is labelled with the smallest article it is paired with (or
/// itself), and pairs are sorted on the smaller label of their two sides, then on the pair.
/// The order only decides which articles a task finds prepared, never a verdict.
fn read_order(verified: &[VerifiedPair], judged: &[Option<Evidence>], articles: usize) -> Vec<u32> {
    let mut label: Vec<u32> = (0..articles as u32).collect();
    for (((a, b), _), e) in verified.iter().zip(judged) {
        if e.is_none() {
            label[*a as usize] = label[*a as usize].min(*b);
            label[*b as usize] = label[*b as usize].min(*a);
        }
    }
    let mut read: Vec<(u32, u32)> = verified
        .iter()
        .zip(judged)
        .enumerate()
        .filter(|(_, (_, e))| e.is_none())
        .map(|(k, (((a, b), _), _))| (label[*a as usize].min(label[*b as usize]), k as u32))
        .collect();
    read.sort_unstable();
    read.into_iter().map(|x| x.1).collect()
}

/// An article read and prepared for evidence, kept for its next pair.
#[derive(Default)]
struct Prepared {
    article: usize,
    text: String,
    profile: evidence::Profile,
    used: u64,
}

/// The last articles a stage-6 task prepared (least recently used out first), so that an
/// article paired with several others of a chunk is read, tokenized and given its
/// character grams once. Results do not depend on what the cache holds.
struct ProfileCache {
    slots: Vec<Prepared>,
    capacity: usize,
    clock: u64,
}

impl ProfileCache {
    fn new(capacity: usize) -> ProfileCache {
        ProfileCache {
            slots: Vec::new(),
            capacity,
            clock: 0,
        }
    }

    /// The slot of `article`, prepared with `prepare`, never evicting slot `keep`.
    fn slot(
        &mut self,
        article: usize,
        keep: Option<usize>,
        fetch: &(dyn Fn(usize, &mut String) -> Result<()> + Sync),
        prepare: &impl Fn(usize, &mut evidence::Profile, &str),
    ) -> Result<usize> {
        self.clock += 1;
        if let Some(i) = self.slots.iter().position(|s| s.article == article) {
            self.slots[i].used = self.clock;
            return Ok(i);
        }
        let i = if self.slots.len() < self.capacity {
            self.slots.push(Prepared::default());
            self.slots.len() - 1
        } else {
            (0..self.slots.len())
                .filter(|&i| Some(i) != keep)
                .min_by_key(|&i| self.slots[i].used)
                .expect("a cache holds at least two slots")
        };
        let s = &mut self.slots[i];
        s.article = usize::MAX;
        s.text.clear();
        fetch(article, &mut s.text)?;
        prepare(article, &mut s.profile, &s.text);
        s.article = article;
        s.used = self.clock;
        Ok(i)
    }

    /// The prepared articles `a` and `b` (`a != b`).
    fn pair(
        &mut self,
        a: usize,
        b: usize,
        fetch: &(dyn Fn(usize, &mut String) -> Result<()> + Sync),
        prepare: impl Fn(usize, &mut evidence::Profile, &str),
    ) -> Result<(&mut Prepared, &mut Prepared)> {
        let ia = self.slot(a, None, fetch, &prepare)?;
        let ib = self.slot(b, Some(ia), fetch, &prepare)?;
        let [pa, pb] = self
            .slots
            .get_disjoint_mut([ia, ib])
            .expect("a pair has two articles");
        Ok((pa, pb))
    }
}

/// Each article's [`evidence::CharSample`] outside boilerplate.
fn story_samples(
    samples: Vec<evidence::ParagraphSamples>,
    mask: &[Vec<bool>],
) -> Vec<evidence::CharSample> {
    samples
        .into_par_iter()
        .zip(mask)
        .map(|(s, m)| s.sample(|p| !m[p]))
        .collect()
}

/// The report's lists of repeats, boilerplate blocks and clusters, built side by side, each
/// in parallel (a few large blocks would leave a thread idle); the first error is taken in
/// input order within each, and in that order across them.
fn report_lists(
    corpus: &Corpus,
    analysed: &[ArticleShingles],
    runs: &[Vec<RepeatRun>],
    bp: &boilerplate::Boilerplate,
    outlets: &[u32],
    clusters: &[cluster::Story],
) -> Result<ReportLists> {
    let (repeats, (boilerplate, clusters)) = rayon::join(
        || repeat_list(corpus, analysed, runs),
        || {
            rayon::join(
                || boilerplate_list(corpus, bp, outlets),
                || cluster_list(corpus, clusters),
            )
        },
    );
    Ok((repeats?, boilerplate?, clusters?))
}

/// The report's repeats, article by article.
fn repeat_list(
    corpus: &Corpus,
    analysed: &[ArticleShingles],
    runs: &[Vec<RepeatRun>],
) -> Result<Vec<report::Repeat>> {
    let repeats: Vec<Result<Vec<report::Repeat>>> = runs
        .par_iter()
        .enumerate()
        .filter(|(_, rs)| !rs.is_empty())
        .map(|(a, rs)| {
            let art = &corpus.articles[a];
            let ps = &analysed[a].paragraphs;
            let repeats = rs.iter().map(|r| {
                let side = |(i, j): (usize, usize)| report::RepeatSide {
                    start: ps[i].start as usize,
                    end: ps[j].end as usize,
                    paragraphs: [i, j],
                };
                let exact = (0..=r.repeat.1 - r.repeat.0)
                    .all(|k| ps[r.first.0 + k].hash == ps[r.repeat.0 + k].hash);
                report::Repeat {
                    article: art.id.clone(),
                    words: r.words,
                    first: side(r.first),
                    repeat: side(r.repeat),
                    exact,
                }
            });
            Ok(repeats.collect())
        })
        .collect();
    flatten_in_order(repeats)
}

/// The report's boilerplate blocks.
fn boilerplate_list(
    corpus: &Corpus,
    bp: &boilerplate::Boilerplate,
    outlets: &[u32],
) -> Result<Vec<report::Boilerplate>> {
    let boilerplate: Vec<Result<report::Boilerplate>> = bp
        .blocks
        .par_iter()
        .map(|b| -> Result<report::Boilerplate> {
            // Carriers counted by outlet number first: a footer has tens of thousands of
            // carriers and a few outlets, whose names are then copied once each.
            let mut by_outlet: crate::hash::IntMap<u32, (usize, usize)> = Default::default();
            for &a in &b.articles {
                by_outlet
                    .entry(outlets[a as usize])
                    .or_insert((a as usize, 0))
                    .1 += 1;
            }
            let mut sources = std::collections::BTreeMap::new();
            for (first, count) in by_outlet.into_values() {
                let s = &corpus.articles[first].source;
                let name = if s.is_empty() { "(unknown)" } else { s };
                // "(unknown)" could also be an outlet's real name: the counts add up.
                *sources.entry(name.to_string()).or_insert(0) += count;
            }
            let (ex, start, end) = b.example;
            Ok(report::Boilerplate {
                text: corpus.text(ex as usize)?[start..end].to_string(),
                articles: b.articles.len(),
                sources,
                ids: b
                    .articles
                    .iter()
                    .map(|&a| corpus.articles[a as usize].id.clone())
                    .collect(),
                paragraphs: b.paragraphs,
                words: b.words,
            })
        })
        .collect();
    boilerplate.into_iter().collect()
}

/// The report's clusters.
fn cluster_list(corpus: &Corpus, clusters: &[cluster::Story]) -> Result<Vec<report::Cluster>> {
    let clusters: Vec<Result<report::Cluster>> = clusters
        .par_iter()
        .map(|c| -> Result<report::Cluster> {
            let arts: Vec<_> = c
                .members
                .iter()
                .map(|&m| &corpus.articles[m as usize])
                .collect();
            Ok(report::Cluster {
                canonical: corpus.articles[c.canonical as usize].id.clone(),
                members: arts.iter().map(|a| a.id.clone()).collect(),
                via: c
                    .members
                    .iter()
                    .zip(&c.via)
                    .filter_map(|(&m, v)| {
                        v.map(|v| {
                            (
                                corpus.articles[m as usize].id.clone(),
                                corpus.articles[v as usize].id.clone(),
                            )
                        })
                    })
                    .collect(),
            })
        })
        .collect();
    clusters.into_iter().collect()
}

/// What [`report_lists`] builds.
type ReportLists = (
    Vec<report::Repeat>,
    Vec<report::Boilerplate>,
    Vec<report::Cluster>,
);

/// Frees `x` on a worker thread of the pool, while the caller goes on: the analyses and sets
/// of 100,000 articles are hundreds of thousands of allocations, and freeing them one by one
/// took 36 ms of a run's wall time (more at the end of stage 5), with every other thread idle.
/// Nothing waits for it; at the end of a process, the system takes the memory back at once.
fn drop_later<T: Send + 'static>(x: T) {
    rayon::spawn(move || drop(x));
}

/// The items of per-group results, in order, or the first error in input order (so which
/// error a run reports does not depend on how threads were scheduled).
fn flatten_in_order<T>(groups: Vec<Result<Vec<T>>>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for g in groups {
        out.extend(g?);
    }
    Ok(out)
}

/// Per-article facts behind the report, for `reprint clean`: every paragraph's span, where
/// the boilerplate stands, with the block it belongs to, and every reprint pair.
#[derive(Clone, Debug, Default)]
pub struct Details {
    /// `paragraphs[a]`: the paragraphs of article `a` (the indices used by the report's
    /// repeats and by [`BoilerplateRun::paragraphs`]).
    pub paragraphs: Vec<Vec<Span>>,
    /// `boilerplate[a]`: the boilerplate runs of article `a`, in text order, disjoint.
    pub boilerplate: Vec<Vec<BoilerplateRun>>,
    /// Every pair judged a reprint, in pair order, whether the report lists it or not (a
    /// report lists a cluster's pairs through its canonical unless `all_pairs` is set, and
    /// clean may keep another member).
    pub reprint_pairs: Vec<ReprintPair>,
}

/// A pair judged a reprint: articles `a < b` (indices in the corpus) and their similarity,
/// rounded as the report rounds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReprintPair {
    pub a: usize,
    pub b: usize,
    pub jaccard: f64,
    pub containment: f64,
}

impl ReprintPair {
    fn all(judged: &[(usize, Evidence)], verified: &[VerifiedPair]) -> Vec<ReprintPair> {
        judged
            .iter()
            .filter(|(_, e)| e.kind == Kind::Reprint)
            .map(|&(k, _)| {
                let ((a, b), s) = verified[k];
                ReprintPair {
                    a: a as usize,
                    b: b as usize,
                    jaccard: round4(s.jaccard),
                    containment: round4(s.containment),
                }
            })
            .collect()
    }
}

impl Details {
    fn of(
        analysed: &[ArticleShingles],
        bp: &boilerplate::Boilerplate,
        reprint_pairs: Vec<ReprintPair>,
    ) -> Details {
        Details {
            reprint_pairs,
            paragraphs: analysed
                .iter()
                .map(|a| {
                    a.paragraphs
                        .iter()
                        .map(|p| Span {
                            start: p.start as usize,
                            end: p.end as usize,
                        })
                        .collect()
                })
                .collect(),
            boilerplate: boilerplate_runs(bp),
        }
    }
}

/// Paragraphs `paragraphs[0]..=paragraphs[1]` of one article are boilerplate block `block`
/// (an index into [`Report::boilerplate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoilerplateRun {
    pub paragraphs: [usize; 2],
    /// Index into [`Report::boilerplate`]; always set (every boilerplate run belongs to a
    /// block, [`boilerplate::Boilerplate::runs`]), an `Option` for the callers that build
    /// runs of their own.
    pub block: Option<usize>,
}

/// Each article's boilerplate runs, with the block of the report each belongs to.
fn boilerplate_runs(bp: &boilerplate::Boilerplate) -> Vec<Vec<BoilerplateRun>> {
    bp.runs
        .iter()
        .map(|runs| {
            runs.iter()
                .map(|&(p, q, b)| BoilerplateRun {
                    paragraphs: [p as usize, q as usize],
                    block: Some(b as usize),
                })
                .collect()
        })
        .collect()
}

/// An article's shingle keys and where its paragraphs' keys end (see [`ArticleShingles`]),
/// taken out of its analysis for stage 3.
struct ArticleKeys {
    shingles: Vec<u32>,
    ends: Vec<u32>,
}

/// What stage 3 leaves: 4-byte band keys of each article and of its lead, which of them take
/// part, the boilerplate-free sets, and the number of keys in them.
struct Signed {
    band_keys: Vec<u32>,
    lead_keys: Vec<u32>,
    active: Vec<bool>,
    lead_active: Vec<bool>,
    sets: Sets,
    shingles: usize,
}

/// Stage 3: boilerplate-free shingle sets and MinHash signatures, of each article and of its
/// lead (see `shingle::set_and_lead`), which LSH compares with whole articles to find copies
/// trimmed from the bottom. Each set is built in the allocation of the per-shingle keys it
/// consumes, so all keys are never held twice, and is kept for verification. Signatures live
/// only in a per-thread buffer: what stays is each band's 4-byte key (`lsh::band_keys`).
/// With a spill, an article's keys are read back into a vector that becomes its set, and a
/// chunk's sets are written over their keys with one call.
fn sign(
    mut keys: Vec<ArticleKeys>,
    mask: &[Vec<bool>],
    mut spill: Option<Spill>,
    hasher: &MinHasher,
    params: lsh::Params,
    progress: &dyn Progress,
) -> Result<Signed> {
    let n = keys.len();
    let k = hasher.num_perms().max(1);
    let bands = params.bands.max(1);
    let mut band_keys = vec![0u32; n * bands];
    let mut lead_keys = vec![0u32; n * bands];
    let mut in_memory = Vec::with_capacity(if spill.is_some() { 0 } else { n });
    let mut lead_active = Vec::with_capacity(n);
    let mut active = Vec::with_capacity(n);
    let mut shingles = 0;
    for lo in (0..n).step_by(CHUNK) {
        let hi = (lo + CHUNK).min(n);
        let chunk: Vec<Result<(Vec<u32>, bool)>> = band_keys[lo * bands..hi * bands]
            .par_chunks_mut(bands)
            .zip(lead_keys[lo * bands..hi * bands].par_chunks_mut(bands))
            .zip(keys[lo..hi].par_iter_mut().zip(mask[lo..hi].par_iter()))
            .enumerate()
            .map_init(
                || (shingle::SetScratch::default(), vec![0u32; k]),
                |(scratch, sig), (i, ((band, lead_band), (a, mask)))| {
                    progress.inc(1);
                    let mut own = std::mem::take(&mut a.shingles);
                    if let Some(s) = &spill {
                        s.read(lo + i, &mut own)?;
                    }
                    let ends = std::mem::take(&mut a.ends);
                    let (set, has_lead) = shingle::set_and_lead(own, &ends, |p| !mask[p], scratch);
                    hasher.signature_into(&set, sig);
                    lsh::band_keys(sig, params, band);
                    if has_lead {
                        hasher.signature_into(&scratch.lead, sig);
                        lsh::band_keys(sig, params, lead_band);
                    }
                    Ok((set, has_lead))
                },
            )
            .collect();
        // In input order, so the error reported is the first article's.
        let mut sets = Vec::with_capacity(chunk.len());
        for r in chunk {
            let (set, has_lead) = r?;
            shingles += set.len();
            active.push(!set.is_empty());
            lead_active.push(has_lead);
            sets.push(set);
        }
        match &mut spill {
            Some(s) => s.rewrite_all(lo, &sets)?,
            None => in_memory.extend(sets),
        }
    }
    let sets = match spill {
        Some(s) => Sets::Spilled(s),
        None => Sets::Memory(in_memory),
    };
    Ok(Signed {
        band_keys,
        lead_keys,
        active,
        lead_active,
        sets,
        shingles,
    })
}

/// Each article's outlet (`source`) as a number, outlets numbered in order of first
/// appearance. Names are hashed in parallel (xxh3): a million lookups of the strings
/// themselves took 20 ms of one thread before anything else of stage 2 could start.
fn outlet_numbers(corpus: &Corpus) -> Vec<u32> {
    let hashes: Vec<u64> = corpus
        .articles
        .par_iter()
        .map(|a| crate::hash::bytes(a.source.as_bytes()))
        .collect();
    crate::hash::number_by_hash(corpus.articles.iter().map(|a| a.source.as_str()), &hashes)
}

/// Pairs of articles that share a whole non-boilerplate paragraph of at least
/// [`MIN_SHARED_PARAGRAPH_WORDS`] words, sorted and distinct. This finds trimmed reprints
/// whose Jaccard is too low for the LSH bands; verification then decides.
fn shared_paragraph_candidates(
    analysed: &[ArticleShingles],
    mask: &[Vec<bool>],
    set_aside: impl Fn(usize) -> bool + Sync,
) -> Vec<(u32, u32)> {
    let mut keys: Vec<(u64, u32)> = analysed
        .par_iter()
        .zip(mask.par_iter())
        .enumerate()
        .filter(|&(a, _)| !set_aside(a))
        .flat_map_iter(|(a, (s, m))| {
            let mut v: Vec<(u64, u32)> = s
                .paragraphs
                .iter()
                .zip(m)
                .filter(|(p, &b)| !b && p.words() >= MIN_SHARED_PARAGRAPH_WORDS)
                .map(|(p, _)| (p.hash, a as u32))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    keys.par_sort_unstable();
    let mut out = Vec::new();
    for group in keys.chunk_by(|x, y| x.0 == y.0) {
        lsh::push_bucket_pairs(group.iter().map(|k| k.1), group.len(), &mut out);
    }
    out.par_sort_unstable();
    out.dedup();
    out
}

/// The keys under which `reprint index` files an article (issue 18), so that a new batch finds
/// the earlier articles it may reprint by merging sorted key tables instead of rescanning
/// them. They do not depend on the other articles (no boilerplate mask), so they are a
/// superset of what a scan proposes from: the hash of every paragraph of
/// [`MIN_SHARED_PARAGRAPH_WORDS`] words or more (tag 0), the band keys
/// of the whole shingle set's signature in the scan's LSH bands (tag 1) and of the word
/// signature (tag 2), each band alone. Hashed into one `u64` per key whose top two bits are
/// the tag ([`IndexKeys::tag`]), sorted and deduplicated. Built once per run (deriving the
/// bands is not cheap), used per text.
pub struct IndexKeys<'a> {
    cfg: &'a Config,
    params: lsh::Params,
    hasher: MinHasher,
}

impl<'a> IndexKeys<'a> {
    pub fn new(cfg: &'a Config) -> Self {
        IndexKeys {
            cfg,
            params: lsh::Params::for_scan(cfg.threshold, cfg.containment_threshold, cfg.num_perms),
            hasher: MinHasher::new(cfg.num_perms),
        }
    }

    /// The tag of a key: 0 paragraph, 1 shingle band, 2 word band.
    pub fn tag(key: u64) -> u64 {
        key >> 62
    }

    /// The keys of `text`.
    pub fn of(&self, text: &str) -> Vec<u64> {
        let out = SCRATCH.with_borrow_mut(|scratch| analyse(text, self.cfg, scratch));
        let a = &out.shingles;
        let tagged = |tag: u64, band: usize, value: u64| {
            let h = crate::hash::sequence(&[
                (tag << 32 | band as u64) as u32,
                value as u32,
                (value >> 32) as u32,
            ]);
            tag << 62 | h >> 2
        };
        let mut keys: Vec<u64> = a
            .paragraphs
            .iter()
            .filter(|p| p.words() >= MIN_SHARED_PARAGRAPH_WORDS)
            .map(|p| tagged(0, 0, p.hash))
            .collect();
        let mut set = a.shingles.clone();
        let mut tmp = Vec::new();
        shingle::sort_dedup(&mut set, &mut tmp);
        if !set.is_empty() {
            let sig = self.hasher.signature(&set);
            let mut bands = vec![0u32; self.params.bands];
            lsh::band_keys(&sig, self.params, &mut bands);
            keys.extend(
                bands
                    .iter()
                    .enumerate()
                    .map(|(b, &k)| tagged(1, b, k as u64)),
            );
        }
        keys.extend(
            out.word_keys
                .iter()
                .enumerate()
                .map(|(b, &k)| tagged(2, b, k as u64)),
        );
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted_pairs() -> impl Strategy<Value = Vec<(u32, u32)>> {
        proptest::collection::btree_set((0u32..40, 0u32..40), 0..120)
            .prop_map(|s| s.into_iter().collect())
    }

    proptest! {
        /// The walk keeps what a search of every pair in `found` keeps, in order.
        #[test]
        fn without_keeps_the_pairs_not_found(pairs in sorted_pairs(), found in sorted_pairs()) {
            let want: Vec<(u32, u32)> = pairs
                .iter()
                .copied()
                .filter(|p| found.binary_search(p).is_err())
                .collect();
            prop_assert_eq!(without(pairs, &found), want);
        }
    }
}
