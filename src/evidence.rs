//! Passage evidence: does a candidate pair pass the reader's definition of a reprint?
//!
//! Whole-article set similarity is diluted by everything around a story (captions, related
//! links, local intros, another outlet's furniture), so the verdict is taken on the story's
//! own paragraphs instead:
//!
//! - A **body paragraph** has at least [`Rule::min_body_words`] words, reads as prose
//!   ([`crate::shingle::reads_as_prose`]: not a headline, byline, timestamp or photo caption),
//!   is not boilerplate, and is not a blurb of a page's list of other stories
//!   ([`body_flags`]).
//! - A body paragraph **appears** in the other article when at least
//!   [`Rule::paragraph_coverage`] of its word n-gram shingles are found there, or, for text
//!   garbled by OCR (where one wrong letter breaks every shingle through it), at least
//!   [`Rule::char_coverage`] of its character [`CHAR_GRAM`]-grams. Characters are letters and
//!   digits only, case-folded, with spaces and punctuation dropped, so split and merged words,
//!   end-of-line hyphens, long s and ligatures do not break them. When a side reads as
//!   noisy and the two differ as OCR garbles of one text, [`Rule::noisy_char_coverage`] is
//!   enough, and so is an even cover at the pair's own noise level: every third of the
//!   paragraph's grams found at [`NOISE_LEVEL_SCALE`] of the level its best-covered
//!   paragraphs reach, never below [`NOISY_COVERAGE_FLOOR`] (heavy OCR noise lowers every
//!   copied paragraph alike; a paragraph sharing one sentence is not evenly covered). Between
//!   two clean articles, a verdict on characters stands only where the words already find
//!   shared text worth listing, or where the two differ as OCR garbles
//!   (`chars_stand_alone`): two reports written from one template share most of their
//!   characters and no passage.
//! - The pair is a **reprint** when more than [`Rule::short_share`] of the shorter body's
//!   paragraphs appear in the longer, and the shared text is at least [`Rule::long_share`] of
//!   the longer body (a digest carrying one story among many is not a reprint of it), or at
//!   least [`TRIMMED_LONG_SHARE`] of it when the longer body's opening unit is among the
//!   shared ones (a copy trimmed from the bottom), on at least [`Rule::min_shared_words`]
//!   words.
//! - Only an article whose body has at least [`Rule::min_story_words`] words can be a reprint:
//!   a video page's one-line description, a teaser or a link list has no story of its own.
//!   Nor can a teaser page whose one body paragraph breaks off mid-sentence ([`is_teaser`]).
//! - It is **partial reuse** (listed, never clustered) when the shorter body is mostly found
//!   in the longer but is a small part of it (a teaser, a compilation), or when at least
//!   [`Rule::partial_words`] words of body paragraphs appear (a page quoting another at length).
//!
//! Character evidence is taken only when word evidence does not already make the pair a
//! reprint, and never lowers a verdict: a paragraph appears if either measure says so.

use crate::hash::fmix64;
use crate::shingle::{self, ArticleShingles};

/// Characters per character gram: at a 5% character error rate about three quarters of
/// 6-grams survive, while two unrelated paragraphs of one news day share about a tenth.
pub const CHAR_GRAM: usize = 6;

/// The thresholds of the evidence rule (see the module docs). Part of
/// [`Config`](crate::Config) (`Config::evidence`); the report's parameters list each field.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// Words a paragraph needs to count as story body (shorter lines are headlines, bylines,
    /// captions, timestamps). Unit: words. Default 8.
    pub min_body_words: usize,
    /// Body words an article needs to belong to a story cluster: a video page's one-line
    /// description, a teaser or a link list has no story body of its own. Unit: words.
    /// Default 40: a two-paragraph wire brief or a newspaper's short item is a story. At 60,
    /// the ICDAR 2017 pairs cut to their first paragraph (`benches/eval/score.py --only
    /// icdar-short`) were found 3 times in 105 under 60 words (48 at 40), and 29 pairs of
    /// Reuters-21578 briefs filed twice were partial reuse; the labelled Helsinki pages keep
    /// their figures at 40, while at 30 four more body-less pages join a story. A short item
    /// must also share most of the longer body ([`SHORT_STORY_LONG_SHARE`]).
    pub min_story_words: usize,
    /// Share (0..1] of a body paragraph's word shingles found in the other article from which
    /// the paragraph appears there near-verbatim. A ratio; default 0.6.
    pub paragraph_coverage: f64,
    /// Share (0..1] of a body paragraph's character 6-grams found in the other article from
    /// which the paragraph appears there, for OCR-garbled text. A ratio; default 0.65.
    pub char_coverage: f64,
    /// As `char_coverage`, when either article reads as noisy text in its feed and the pair
    /// differs as OCR garbles of one text do ([`crate::noise`]): OCR errors on both copies
    /// break more grams. A ratio; default 0.5.
    pub noisy_char_coverage: f64,
    /// Share of the shorter body's paragraphs that must appear in the other article, strictly
    /// more than this (0..1), for a reprint. A ratio; default 0.5.
    pub short_share: f64,
    /// Share (0..1] of the longer body the shared passages must cover for a reprint (a digest
    /// carrying one story among many is not its reprint). A ratio; default 0.33.
    pub long_share: f64,
    /// Words of shared body paragraphs below which a pair gets no verdict at all, whatever its
    /// ratios. Unit: words. Default 25.
    pub min_shared_words: usize,
    /// Words of shared body paragraphs from which a pair that is not a reprint is listed as
    /// partial reuse. Unit: words. Default 60.
    pub partial_words: usize,
}

impl Default for Rule {
    fn default() -> Rule {
        Rule {
            min_body_words: 8,
            min_story_words: 40,
            paragraph_coverage: 0.6,
            char_coverage: 0.65,
            noisy_char_coverage: 0.5,
            short_share: 0.5,
            long_share: 0.33,
            min_shared_words: 25,
            partial_words: 60,
        }
    }
}

/// What a pair is, by the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Not enough shared body text to list.
    None,
    /// Shared text worth showing that does not make a reprint; never joins clusters.
    Partial,
    /// The same story.
    Reprint,
}

/// What a pair's shares were measured on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Body paragraphs, by their word shingles.
    Words,
    /// Body paragraphs, by their word shingles or character grams (noisy text).
    Characters,
    /// The whole articles' boilerplate-free shingle sets, when they settle the verdict alone
    /// ([`settled_by_sets`]); no text is read for such a pair.
    Sets,
}

/// The evidence of one pair, `a` and `b` in the caller's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub kind: Kind,
    /// Share of the shorter body's paragraphs that appear in the other article.
    pub short_share: f64,
    /// Share of the longer body's words that the shared passages cover.
    pub long_share: f64,
    /// Whether `a` is the shorter side (fewer body words; `a` on a tie).
    pub a_is_shorter: bool,
    /// Words of the shorter body's paragraphs that appear in the other.
    pub shared_words: usize,
    /// What the shares were measured on.
    pub measure: Measure,
    /// Body units (paragraphs, or parts of long ones) of `a` (and of `b`) that appear in the
    /// other, in order: what story clustering compares to tell a write-through from a page
    /// carrying two stories. Empty for a pair the sets settled: all of it is shared.
    pub shared_a: Vec<u32>,
    pub shared_b: Vec<u32>,
}

/// One article prepared for comparison: its paragraphs and shingles (as stage 1 made them),
/// which paragraphs are body, and lookup tables of its word shingles and, on demand, of its
/// character grams.
#[derive(Default)]
pub struct Profile {
    pub analysed: ArticleShingles,
    body: Vec<bool>,
    body_words: usize,
    /// Whether it is a teaser page ([`is_teaser`]).
    teaser: bool,
    /// The body cut into units: its paragraphs, a long one cut at sentence ends.
    units: Vec<Unit>,
    words: KeySet,
    /// Character grams of each unit (`chars[char_ends[u-1]..char_ends[u]]`), empty until
    /// [`Profile::add_chars`].
    chars: Vec<u32>,
    char_ends: Vec<u32>,
    char_set: KeySet,
    has_chars: bool,
    /// Its words as the garble test reads them, prepared on first use.
    garble: std::cell::OnceCell<crate::noise::GarbleWords>,
    /// Its figures with their places ([`crate::figures`]), prepared on first use.
    figures: std::cell::OnceCell<crate::figures::Figures>,
    /// Buffers for shingling, folding and the character lookup set, reused across fills.
    scratch: shingle::Scratch,
    folded: Vec<u32>,
    all_chars: Vec<u32>,
}

impl Profile {
    /// Prepares `text`; `boilerplate(p)` says whether paragraph `p` is boilerplate (the
    /// paragraphs are those of stage 1, so the boilerplate mask applies as it is).
    pub fn fill(
        &mut self,
        text: &str,
        ngram_words: usize,
        rule: &Rule,
        boilerplate: impl Fn(usize) -> bool,
    ) {
        self.analysed = shingle::analyze(text, ngram_words, &mut self.scratch);
        let a = &self.analysed;
        self.body_words = body_flags(&a.paragraphs, rule, boilerplate, &mut self.body);
        self.teaser = is_teaser(&a.paragraphs, &self.body);
        self.units.clear();
        let mut first_key = 0u32;
        for (p, para) in a.paragraphs.iter().enumerate() {
            if self.body[p] {
                cut_units(
                    para,
                    first_key,
                    ngram_words,
                    text,
                    &self.scratch.tokens,
                    &mut self.units,
                );
            }
            first_key = a.shingle_ends[p];
        }
        self.words.fill(a.shingles.iter().copied());
        self.has_chars = false;
        self.garble = std::cell::OnceCell::new();
        self.figures = std::cell::OnceCell::new();
    }

    /// Its figures; `text` is the text `fill` was given (whose tokens the scratch still holds).
    fn figures(&self, text: &str) -> &crate::figures::Figures {
        self.figures.get_or_init(|| {
            let mut f = crate::figures::Figures::default();
            f.fill(
                text,
                &self.scratch.tokens,
                &self.analysed.paragraphs,
                &self.body,
            );
            f
        })
    }

    /// Its words for the garble test; `text` is the text `fill` was given.
    fn garble_words(&self, text: &str) -> &crate::noise::GarbleWords {
        self.garble
            .get_or_init(|| crate::noise::GarbleWords::of(text))
    }

    /// Adds the character grams of `text` (the text `fill` was given).
    pub fn add_chars(&mut self, text: &str) {
        if self.has_chars {
            return;
        }
        self.chars.clear();
        self.char_ends.clear();
        for u in &self.units {
            fold_chars(
                &text[u.bytes.0 as usize..u.bytes.1 as usize],
                &mut self.folded,
            );
            char_grams(&self.folded, &mut self.chars);
            self.char_ends.push(self.chars.len() as u32);
        }
        // The lookup set has every paragraph's grams, body or not.
        self.all_chars.clear();
        self.all_chars.extend_from_slice(&self.chars);
        for (p, para) in self.analysed.paragraphs.iter().enumerate() {
            if !self.body[p] {
                fold_chars(&text[para.range()], &mut self.folded);
                char_grams(&self.folded, &mut self.all_chars);
            }
        }
        self.char_set.fill(self.all_chars.iter().copied());
        self.has_chars = true;
    }

    fn char_grams_of(&self, p: usize) -> &[u32] {
        let start = if p == 0 {
            0
        } else {
            self.char_ends[p - 1] as usize
        };
        &self.chars[start..self.char_ends[p] as usize]
    }

    /// Words of body paragraphs.
    pub fn body_words(&self) -> usize {
        self.body_words
    }
}

/// Whether a paragraph that is not boilerplate reads as story body: long enough, and prose.
/// [`body_flags`] also asks where it stands.
pub fn is_body(p: &crate::shingle::Paragraph, rule: &Rule) -> bool {
    p.words() >= rule.min_body_words && p.prose
}

/// Words under which a body paragraph that stands alone is not story body when the body
/// paragraph before or after it stands alone too ([`body_flags`]). About the 200 characters
/// from which jusText's context-free pass calls a block good on its own.
pub const LONE_BODY_WORDS: usize = 30;

/// Which paragraphs of an article are story body, into `out`: [`is_body`] and not
/// boilerplate (`boilerplate(p)`), less the blurbs of a list of other stories. Returns the
/// body's words.
///
/// A body paragraph *stands alone* when the nearest paragraph before it and the nearest
/// after it that are not skipped (lines under [`Rule::min_body_words`] words, boilerplate)
/// are not body, or there are none. A body paragraph under [`LONE_BODY_WORDS`] words that
/// stands alone is a blurb, not story body, when the body paragraph before or after it
/// (whatever lies between) stands alone too: a page's list of other stories ("most
/// popular", "more in World", a link list) is one-sentence blurbs, each between a headline
/// and a timestamp, where a story's paragraphs follow one another. A story paragraph set
/// apart by an inserted "Related:" line or a photo caption has a neighbour in the story
/// that does not stand alone, and a one-paragraph brief has no body neighbour at all, so
/// both stay body. Pages of one site carry the same list, so without this two of its pages
/// on different stories read as reprints of each other (the `pages` block of
/// `benches/eval/score.py`).
pub fn body_flags(
    paragraphs: &[crate::shingle::Paragraph],
    rule: &Rule,
    boilerplate: impl Fn(usize) -> bool,
    out: &mut Vec<bool>,
) -> usize {
    out.clear();
    out.extend(
        paragraphs
            .iter()
            .enumerate()
            .map(|(p, para)| is_body(para, rule) && !boilerplate(p)),
    );
    let counted = |q: &usize| paragraphs[*q].words() >= rule.min_body_words && !boilerplate(*q);
    let body_at = |q: Option<usize>| q.is_some_and(|q| out[q]);
    // Each body paragraph, and whether it stands alone.
    let alone: Vec<(usize, bool)> = (0..paragraphs.len())
        .filter(|&p| out[p])
        .map(|p| {
            let before = (0..p).rev().find(counted);
            let after = (p + 1..paragraphs.len()).find(counted);
            (p, !body_at(before) && !body_at(after))
        })
        .collect();
    for (i, &(p, lone)) in alone.iter().enumerate() {
        let neighbour_alone = |j: Option<usize>| j.and_then(|j| alone.get(j)).is_some_and(|x| x.1);
        if lone
            && paragraphs[p].words() < LONE_BODY_WORDS
            && (neighbour_alone(i.checked_sub(1)) || neighbour_alone(Some(i + 1)))
        {
            out[p] = false;
        }
    }
    paragraphs
        .iter()
        .zip(out.iter())
        .filter(|x| *x.1)
        .map(|x| x.0.words())
        .sum()
}

/// Whether a page whose story body is `body` (flags over `paragraphs`, [`body_flags`]) is
/// a teaser: its body is one paragraph, which breaks off mid-sentence
/// ([`crate::shingle::breaks_off`]), among other lines (a headline, a "More" link). A teaser
/// page prints a story's opening cut off at a fixed length: an excerpt of a story, not a
/// story of its own, so it is never a reprint (its pairs can be partial reuse). A brief
/// ends its sentence, and a text that is one paragraph alone is judged as it is.
pub fn is_teaser(paragraphs: &[crate::shingle::Paragraph], body: &[bool]) -> bool {
    let mut body_paragraphs = paragraphs.iter().zip(body).filter(|x| *x.1).map(|x| x.0);
    match (body_paragraphs.next(), body_paragraphs.next()) {
        (Some(p), None) => p.cut && paragraphs.len() > 1,
        _ => false,
    }
}

/// Words from which a body paragraph is cut into units at sentence ends, so that a text
/// without paragraph breaks (one long paragraph) is judged sentence group by sentence group.
pub const MAX_UNIT_WORDS: usize = 120;
/// Words a unit cut from a long paragraph has at least before it ends at a sentence end.
pub const MIN_UNIT_WORDS: usize = 40;

/// A stretch of body text judged as one: a body paragraph, or part of a long one.
#[derive(Clone, Copy, Debug)]
struct Unit {
    /// Its word shingles: `analysed.shingles[keys.0..keys.1]`.
    keys: (u32, u32),
    /// Its bytes in the text.
    bytes: (u32, u32),
    words: u32,
}

/// Cuts body paragraph `para` into units; `tokens` are the article's, with their offsets.
fn cut_units(
    para: &crate::shingle::Paragraph,
    first_key: u32,
    n: usize,
    text: &str,
    tokens: &[crate::normalize::Token],
    out: &mut Vec<Unit>,
) {
    let words = para.words();
    let keys = crate::shingle::shingle_count(words, n) as u32;
    if words <= MAX_UNIT_WORDS {
        out.push(Unit {
            keys: (first_key, first_key + keys),
            bytes: (para.start, para.end),
            words: words as u32,
        });
        return;
    }
    let toks = &tokens[para.first_token as usize..para.end_token as usize];
    let bytes = text.as_bytes();
    let mut lo = 0usize;
    let push = |lo: usize, hi: usize, out: &mut Vec<Unit>| {
        let start = if lo == 0 { para.start } else { toks[lo].start };
        let end = if hi == toks.len() {
            para.end
        } else {
            toks[hi].start
        };
        out.push(Unit {
            keys: (
                first_key + (lo as u32).min(keys),
                first_key + (hi as u32).min(keys),
            ),
            bytes: (start, end),
            words: (hi - lo) as u32,
        });
    };
    for i in 0..toks.len() {
        let len = i + 1 - lo;
        let rest = toks.len() - i - 1;
        if rest < MIN_UNIT_WORDS / 2 {
            break;
        }
        let gap = &bytes[toks[i].end as usize..toks[i + 1].start as usize];
        let sentence_end = gap.iter().any(|c| matches!(c, b'.' | b'!' | b'?'));
        if (len >= MIN_UNIT_WORDS && sentence_end) || len >= MAX_UNIT_WORDS {
            push(lo, i + 1, out);
            lo = i + 1;
        }
    }
    push(lo, toks.len(), out);
}

/// The share of a unit's grams found in `set`, and the least share of any of their three thirds (in
/// text order): how evenly the other article holds the unit. OCR noise breaks grams all
/// through a copied paragraph; a paragraph that shares one sentence with the other has a
/// third that is barely found. One pass over the grams.
fn char_cover(keys: &[u32], set: &KeySet) -> (f64, f64) {
    let n = keys.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mut hits = [0usize; 3];
    for (t, hit) in hits.iter_mut().enumerate() {
        *hit = keys[t * n / 3..(t + 1) * n / 3]
            .iter()
            .filter(|&&k| set.contains(k))
            .count();
    }
    let even = (0..3)
        .map(|t| {
            let len = (t + 1) * n / 3 - t * n / 3;
            if len == 0 {
                0.0
            } else {
                hits[t] as f64 / len as f64
            }
        })
        .fold(f64::INFINITY, f64::min);
    (hits.iter().sum::<usize>() as f64 / n as f64, even)
}

/// Whether a unit with `hit` of its `keys` word shingles found in the other article appears
/// there by words ([`Rule::paragraph_coverage`]).
fn appears_by_words(hit: usize, keys: usize, rule: &Rule) -> bool {
    hit as f64 >= rule.paragraph_coverage * keys as f64
}

/// One side's view of the other: which of its body paragraphs appear, and its body's
/// shingle coverage.
struct Side {
    /// Body paragraphs that appear in the other article.
    shared: Vec<u32>,
    paragraphs: usize,
    appearing: usize,
    appearing_words: usize,
    /// Share of the body's word shingles (or character grams) found in the other.
    gram_share: f64,
}

/// How much of each unit of one side the other holds: the word shingles found, and, for
/// a unit too few of whose shingles are found, the share of its character grams found
/// and the least share of any third of them (even coverage ([`char_cover`])) (`None` when not
/// measured). Measured once and judged at any character coverage.
struct Cover {
    units: Vec<UnitCover>,
}

/// One unit's [`Cover`]: word shingles found, word shingles, and character coverage with
/// its even coverage ([`char_cover`]) when measured.
type UnitCover = (usize, usize, Option<(f64, f64)>);

fn cover(x: &Profile, other: &Profile, rule: &Rule, chars: bool) -> Cover {
    let units = x
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let keys = &x.analysed.shingles[unit.keys.0 as usize..unit.keys.1 as usize];
            let hit = keys.iter().filter(|&&k| other.words.contains(k)).count();
            let by_words = appears_by_words(hit, keys.len(), rule);
            let chars =
                (chars && !by_words).then(|| char_cover(x.char_grams_of(u), &other.char_set));
            (hit, keys.len(), chars)
        })
        .collect();
    Cover { units }
}

/// `even` is the even coverage ([`char_cover`]) from which a unit also appears ([`noisy_coverage`]), or
/// infinity.
fn side(x: &Profile, cover: &Cover, rule: &Rule, even: f64) -> Side {
    let mut s = Side {
        shared: Vec::new(),
        paragraphs: 0,
        appearing: 0,
        appearing_words: 0,
        gram_share: 0.0,
    };
    let (mut found, mut total) = (0usize, 0usize);
    for (u, (unit, &(hit, keys, chars))) in x.units.iter().zip(&cover.units).enumerate() {
        s.paragraphs += 1;
        let mut appears = appears_by_words(hit, keys, rule);
        found += hit;
        total += keys;
        if let Some((c, e)) = chars.filter(|_| !appears) {
            appears = c >= rule.char_coverage || e >= even;
        }
        if appears {
            s.shared.push(u as u32);
            s.appearing += 1;
            s.appearing_words += unit.words as usize;
        }
    }
    s.gram_share = if total == 0 {
        0.0
    } else {
        found as f64 / total as f64
    };
    s
}

/// The evidence of a pair. Character grams are used, and added to the profiles, only when
/// word evidence alone does not make a reprint; when `noisy` (either side reads as noisy
/// text, [`crate::noise`]) and the two differ as garbles of one text, a paragraph appears
/// from [`Rule::noisy_char_coverage`] of its character grams, else from
/// [`Rule::char_coverage`] ([`compare_chars`]).
pub fn compare(
    a: &mut Profile,
    text_a: &str,
    b: &mut Profile,
    text_b: &str,
    rule: &Rule,
    noisy: bool,
) -> Evidence {
    let words = compare_words(a, b, rule);
    let noise = if noisy { Noise::Flagged } else { Noise::Clean };
    let e = if chars_may_lift(&words, a.body_words, b.body_words) {
        compare_chars(a, text_a, b, text_b, rule, noise, words)
    } else {
        words
    };
    e.for_form(noise, a, text_a, b, text_b)
}

/// The evidence of a pair by word shingles alone.
pub fn compare_words(a: &Profile, b: &Profile, rule: &Rule) -> Evidence {
    judge(a, b, &Covers::of(a, b, rule, false), rule, f64::INFINITY)
}

/// Whether character evidence could raise `words`, the word verdict of a pair whose bodies
/// have `body_a` and `body_b` words: it is not a reprint already, and both have a body.
pub fn chars_may_lift(words: &Evidence, body_a: usize, body_b: usize) -> bool {
    words.kind != Kind::Reprint && body_a > 0 && body_b > 0
}

/// What is known of a pair's noise before its texts are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noise {
    /// Neither side reads as noisy text in its feed.
    Clean,
    /// A side reads as noisy text in its feed ([`crate::noise::noisy_articles`]).
    Flagged,
    /// As `Flagged`, and only the character signature proposed the pair: it is there for
    /// OCR noise, so its character evidence counts only when the two differ as garbles.
    FlaggedByCharsOnly,
    /// Only the character signature proposed the pair, and neither side is flagged noisy:
    /// copies of one scan whose garbles other pages share, so that no word reads as a
    /// one-off. Character evidence counts only when the two differ as garbles, and a verdict
    /// on words only when it rests on more than one shared passage ([`Evidence::for_noise`]):
    /// on clean text the route mostly finds briefs sharing a sentence, but also the trimmed
    /// reprints that the word bands missed by chance.
    CharsOnly,
}

/// Shared body units of the shorter side on which a verdict by words of a
/// [`Noise::CharsOnly`] pair stands. One is a sentence or paragraph two clean briefs share
/// (a quote, or one wire paragraph), which the reader's definition does not call a reprint.
///
/// Before, such a pair kept only a verdict on characters. But the character signature also
/// proposes clean trimmed reprints whose shingle sets met in no word band by chance (the
/// bands find a pair at Jaccard 0.3 one time in four), and whether a side then reads as
/// noisy depends on the rest of the feed: news-story-chains-2021's pair 013/014 (containment
/// 0.72, 261 shared shingles, a reprint by its labels) was found alone and lost when the feed
/// was scanned beside 2,225 BBC articles (`benches/eval/score.py --mixed`). On the
/// generated 100k feed this keeps 1,752 more true pairs (`reprint eval`'s verified pairs) at
/// 24 more false ones, and cluster ARI goes from 0.9943 to 0.9945; a reprint on one shared
/// unit also keeps 336 false pairs between random-sentence briefs (ARI 0.9911).
pub const CHARS_ONLY_WORD_UNITS: usize = 2;

impl Evidence {
    /// Body units of the shorter side that appear in the other (none listed for a pair the
    /// sets settled).
    fn shorter_units_shared(&self) -> usize {
        if self.a_is_shorter {
            self.shared_a.len()
        } else {
            self.shared_b.len()
        }
    }

    /// The evidence of the pair taken the other way round, `b` and `a`: the same as measuring
    /// it so when the two bodies differ in words (each measure is of the shorter body and of
    /// the longer; on a tie `a` is taken as the shorter, so the two orders may differ).
    pub fn swapped(self) -> Evidence {
        Evidence {
            a_is_shorter: !self.a_is_shorter,
            shared_a: self.shared_b,
            shared_b: self.shared_a,
            ..self
        }
    }

    /// The evidence as the pair's `noise` lets it stand: a [`Noise::CharsOnly`] pair keeps a
    /// verdict measured on characters ([`compare_chars`] gives one only when the two differ
    /// as garbles), a reprint the sets settle (nine tenths of a 60-word story and more), and
    /// a verdict on words that rests on [`CHARS_ONLY_WORD_UNITS`] shared units of the shorter
    /// body or more; any other is [`Kind::None`], and the pair is not listed.
    pub fn for_noise(self, noise: Noise) -> Evidence {
        let stands = match self.measure {
            Measure::Characters => true,
            Measure::Sets => self.kind == Kind::Reprint,
            Measure::Words => self.shorter_units_shared() >= CHARS_ONLY_WORD_UNITS,
        };
        if noise == Noise::CharsOnly && !stands {
            Evidence {
                kind: Kind::None,
                ..self
            }
        } else {
            self
        }
    }

    /// The evidence as the figures of `a` and `b` (the pair's profiles, of `text_a` and
    /// `text_b`) let it stand: two articles that neither reads as noisy, judged from their
    /// text, that print other figures where they print the same words are two reports of
    /// one form ([`crate::figures`]), and get [`Kind::None`]. OCR misreads digits as it
    /// misreads letters, so a pair with a side flagged noisy keeps its verdict, and so does
    /// one whose texts differ as OCR garbles ([`crate::noise::garbled`]; an OCR'd copy need
    /// not read as noisy in its feed). A verdict the shingle sets settled stands too: the two
    /// are nearly one text.
    pub fn for_form(
        self,
        noise: Noise,
        a: &Profile,
        text_a: &str,
        b: &Profile,
        text_b: &str,
    ) -> Evidence {
        let read_clean = matches!(noise, Noise::Clean | Noise::CharsOnly);
        if self.kind == Kind::None || self.measure == Measure::Sets || !read_clean {
            return self;
        }
        let (short, long) = if self.a_is_shorter {
            (a.figures(text_a), b.figures(text_b))
        } else {
            (b.figures(text_b), a.figures(text_a))
        };
        if crate::figures::of_one_form(short, long)
            && !crate::noise::garbled(
                a.garble_words(text_a),
                text_a,
                b.garble_words(text_b),
                text_b,
            )
        {
            Evidence {
                kind: Kind::None,
                ..self
            }
        } else {
            self
        }
    }
}

/// The evidence of a pair by word shingles or character grams, given `words`, its evidence
/// by word shingles alone ([`compare_words`]): the better of the two. When a side is flagged
/// noisy and the two texts differ as OCR garbles of one text do
/// ([`crate::noise::differ_as_garbles`], asked at most once, and only when it changes the
/// evidence), a paragraph appears from [`Rule::noisy_char_coverage`] of its grams instead of
/// [`Rule::char_coverage`]. A pair only the character signature proposed keeps `words`
/// unless it differs as garbles ([`Noise::FlaggedByCharsOnly`], [`Noise::CharsOnly`]), and so
/// does a clean pair in which the words find no shared passage at all
/// (`chars_stand_alone`).
pub fn compare_chars(
    a: &mut Profile,
    text_a: &str,
    b: &mut Profile,
    text_b: &str,
    rule: &Rule,
    noise: Noise,
    words: Evidence,
) -> Evidence {
    a.add_chars(text_a);
    b.add_chars(text_b);
    let (a, b) = (&*a, &*b);
    let a_is_shorter = a.body_words <= b.body_words;
    let (short, long) = if a_is_shorter { (a, b) } else { (b, a) };
    let noisy_rule = noise != Noise::Clean && rule.noisy_char_coverage != rule.char_coverage;
    let short_cover = cover(short, long, rule, true);
    // A verdict needs `min_shared_words` of the shorter body to appear in the other. When even
    // the most lenient threshold this pair can be judged at leaves fewer, the characters find
    // nothing, and the longer side need not be measured.
    let (coverage, even) = if noisy_rule {
        (
            rule.char_coverage.min(rule.noisy_char_coverage),
            noisy_coverage(&short_cover, rule),
        )
    } else {
        (rule.char_coverage, f64::INFINITY)
    };
    let most = Rule {
        char_coverage: coverage,
        ..*rule
    };
    if side(short, &short_cover, &most, even).appearing_words < rule.min_shared_words {
        return words.for_noise(noise);
    }
    let long_cover = cover(long, short, rule, true);
    let (cover_a, cover_b) = if a_is_shorter {
        (short_cover, long_cover)
    } else {
        (long_cover, short_cover)
    };
    let covers = Covers {
        a: cover_a,
        b: cover_b,
        chars: true,
    };
    let mut garbled = None;
    let mut garbles = || {
        *garbled.get_or_insert_with(|| {
            crate::noise::garbled(
                a.garble_words(text_a),
                text_a,
                b.garble_words(text_b),
                text_b,
            )
        })
    };
    let at = |char_coverage: f64, even: f64| {
        let chars = judge(
            a,
            b,
            &covers,
            &Rule {
                char_coverage,
                ..*rule
            },
            even,
        );
        if chars.kind > words.kind {
            Evidence {
                measure: Measure::Characters,
                ..chars
            }
        } else {
            words.clone()
        }
    };
    let clean = at(rule.char_coverage, f64::INFINITY);
    let e = if !noisy_rule {
        clean
    } else {
        let lenient = at(rule.noisy_char_coverage, even);
        if lenient == clean || !garbles() {
            clean
        } else {
            lenient
        }
    };
    let e = if e.measure == Measure::Characters && !chars_stand_alone(noise, &words) && !garbles() {
        words
    } else {
        e
    };
    e.for_noise(noise)
}

/// Whether a verdict on characters stands for a pair of this `noise` whose verdict on words
/// is `words`, without the two differing as OCR garbles. Not for a pair only the character
/// signature proposed (it is there for OCR noise). Nor for a clean pair whose words find no
/// shared passage ([`Kind::None`]): two reports written from one template (a weekly figure,
/// a bond issue, a stake filing: the same sentences around other names, dates and figures)
/// share most of their characters and no passage, and are separate stories. A clean copy
/// edited word by word (a write-through) keeps passages the words find, and an OCR'd copy
/// differs as garbles or is flagged noisy. On Reuters-21578 (21,578 real wire items of 1987)
/// the verdicts on characters fall from 288 reprints and 645 partial pairs to 92 and 48 (of 30
/// of the 288 read, none is a reprint and 25 are reports from one template); every labelled
/// set and the mixed feed keep their figures (`benches/results/quality-2026-12-06-templates.md`).
fn chars_stand_alone(noise: Noise, words: &Evidence) -> bool {
    match noise {
        Noise::CharsOnly | Noise::FlaggedByCharsOnly => false,
        Noise::Clean => words.kind != Kind::None,
        Noise::Flagged => true,
    }
}

/// The even coverage ([`char_cover`]) from which a unit of a pair that differs as OCR garbles also
/// appears, beside [`Rule::noisy_char_coverage`] of all its grams. Heavier OCR noise breaks
/// more grams of every copied paragraph alike (at a 14% character error rate on one side
/// about 40% of 6-grams survive, under that rule's half), so this threshold follows the
/// pair's own copy level: [`NOISE_LEVEL_SCALE`] of the upper quartile of the even coverages of
/// `short`'s units (the shorter side's; a unit that appears by words counts as whole), never below
/// [`NOISY_COVERAGE_FLOOR`] nor above the rule's. A pair with clean copied paragraphs keeps
/// the rule's threshold; a paragraph sharing one sentence with the other is not evenly
/// covered at any level.
fn noisy_coverage(short: &Cover, rule: &Rule) -> f64 {
    let mut levels: Vec<f64> = short
        .units
        .iter()
        .map(|&(hit, keys, chars)| {
            if appears_by_words(hit, keys, rule) {
                1.0
            } else {
                chars.map_or(0.0, |(_, even)| even)
            }
        })
        .collect();
    if levels.is_empty() {
        return rule.noisy_char_coverage;
    }
    levels.sort_unstable_by(f64::total_cmp);
    let level = levels[levels.len() * 3 / 4];
    (NOISE_LEVEL_SCALE * level)
        .max(NOISY_COVERAGE_FLOOR)
        .min(rule.noisy_char_coverage)
}

/// Share of a garbled pair's copy level (the module docs) from which a unit appears.
pub const NOISE_LEVEL_SCALE: f64 = 0.7;

/// Even coverage below which no unit appears, however noisy the pair: two unrelated
/// paragraphs of one news day share about a tenth of their grams.
pub const NOISY_COVERAGE_FLOOR: f64 = 0.3;

/// The word verdict of a pair whose boilerplate-free shingle sets share only `shared`
/// shingles, when so few cannot make one: `None` when the text must be read. A verdict needs
/// [`Rule::min_shared_words`] words of appearing paragraphs, and a paragraph of `w` words
/// appears with [`Rule::paragraph_coverage`] of its `w - n + 1` shingles, so three
/// appearing paragraphs of 9 words already need 9 shared shingles; below
/// [`MIN_WORD_EVIDENCE_SHINGLES`] the verdict is `Kind::None` without reading. (A paragraph
/// found only in the other article's boilerplate is not counted as shared story text.)
pub fn too_few_shingles(shared: usize, body_words: (usize, usize)) -> Option<Evidence> {
    (shared < MIN_WORD_EVIDENCE_SHINGLES).then(|| Evidence {
        kind: Kind::None,
        short_share: 0.0,
        long_share: 0.0,
        a_is_shorter: body_words.0 <= body_words.1,
        shared_words: 0,
        measure: Measure::Words,
        shared_a: Vec::new(),
        shared_b: Vec::new(),
    })
}

/// Shared shingles below which word evidence cannot give a verdict ([`too_few_shingles`]).
pub const MIN_WORD_EVIDENCE_SHINGLES: usize = 5;

/// One character gram in this many enters an article's [`CharSample`].
pub const CHAR_SAMPLE: u32 = 16;

/// Character grams sampled from each paragraph of an article (stage 1, while the text is at
/// hand): the grams whose key falls in one [`CHAR_SAMPLE`]th of the range, so that two
/// articles sample the same grams. `keys[ends[p-1]..ends[p]]` are paragraph `p`'s. A sampled
/// key keeps 16 of its bits: two articles of a few hundred sampled grams each then share one
/// by chance about once in a thousand grams, far below what the samples are asked to tell,
/// for half the memory.
#[derive(Clone, Debug, Default)]
pub struct ParagraphSamples {
    keys: Vec<u16>,
    ends: Vec<u32>,
}

/// The sampled form of character gram key `g`, if it is sampled.
#[inline]
fn sampled(g: u32) -> Option<u16> {
    const SHIFT: u32 = 32 - CHAR_SAMPLE.trailing_zeros() - 16;
    (g < u32::MAX / CHAR_SAMPLE).then_some((g >> SHIFT) as u16)
}

impl ParagraphSamples {
    /// The sampled keys and each paragraph's end in them, as held (for `crate::parts`, which
    /// carries stage 1 between processes).
    pub fn raw(&self) -> (&[u16], &[u32]) {
        (&self.keys, &self.ends)
    }

    /// Samples from what [`raw`](Self::raw) gave.
    pub fn from_raw(keys: Vec<u16>, ends: Vec<u32>) -> ParagraphSamples {
        ParagraphSamples { keys, ends }
    }

    /// The samples of `text`, whose paragraphs are `paragraphs`.
    pub fn of(text: &str, paragraphs: &[shingle::Paragraph]) -> ParagraphSamples {
        let mut s = ParagraphSamples::default();
        let (mut folded, mut grams) = (Vec::new(), Vec::new());
        for para in paragraphs {
            fold_chars(&text[para.range()], &mut folded);
            grams.clear();
            char_grams(&folded, &mut grams);
            s.keys.extend(grams.iter().filter_map(|&g| sampled(g)));
            s.ends.push(s.keys.len() as u32);
        }
        s
    }

    /// The article's [`CharSample`]: the samples of the paragraphs `keep` says to keep.
    pub fn sample(&self, keep: impl Fn(usize) -> bool) -> CharSample {
        let mut keys = Vec::new();
        let mut lo = 0;
        for (p, &hi) in self.ends.iter().enumerate() {
            if keep(p) {
                keys.extend_from_slice(&self.keys[lo..hi as usize]);
            }
            lo = hi as usize;
        }
        keys.sort_unstable();
        keys.dedup();
        CharSample { keys }
    }
}

/// An article's sampled character grams outside boilerplate, sorted and distinct: enough to
/// tell cheaply, without its text, whether character evidence could find anything shared
/// with another article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharSample {
    keys: Vec<u16>,
}

impl CharSample {
    /// A sample of `keys`, or `None` unless they are a sample's keys ([`CharSample::holds`]).
    pub fn from_keys(keys: Vec<u16>) -> Option<CharSample> {
        CharSample::holds(&keys).then_some(CharSample { keys })
    }

    /// Whether `keys` can be a sample's: sorted and distinct (a sample read from bytes:
    /// [`crate::tasks::SampleRoute`]).
    pub fn holds(keys: &[u16]) -> bool {
        keys.is_sorted_by(|x, y| x < y)
    }

    /// The sampled keys, sorted and distinct.
    pub fn keys(&self) -> &[u16] {
        &self.keys
    }

    /// Whether character evidence could find shared text in the pair: the share of the
    /// smaller sample found in the other reaches [`CHAR_SAMPLE_CONTAINMENT`], or the smaller
    /// has fewer than [`MIN_CHAR_SAMPLE`] grams (too few to tell).
    pub fn may_share(&self, other: &CharSample) -> bool {
        self.shares(other, CHAR_SAMPLE_CONTAINMENT)
    }

    /// Whether the share of the smaller sample found in the other reaches `share`, or the
    /// smaller has fewer than [`MIN_CHAR_SAMPLE`] grams (too few to tell).
    pub fn shares(&self, other: &CharSample, share: f64) -> bool {
        let small = self.keys.len().min(other.keys.len());
        small < MIN_CHAR_SAMPLE || shared(&self.keys, &other.keys) as f64 >= share * small as f64
    }
}

/// What stage 4 asks of a route's pairs on their character samples
/// ([`keep_on_samples`]): the share of the smaller sample a pair with a noisy side must find
/// in the other, and the share a pair with no noisy side must (`None`: none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RouteShare {
    pub noisy: f64,
    pub clean: Option<f64>,
}

/// Every article's [`CharSample`] keys: a scan's samples, one each, or a stage-4 task's,
/// read where its bytes are as one list of keys of which each article's is a run
/// ([`crate::tasks::SampleRoute`]).
#[derive(Clone, Copy, Debug)]
pub enum Samples<'a> {
    /// One sample per article.
    Each(&'a [CharSample]),
    /// Article `i`'s keys are `keys[starts[i]..starts[i + 1]]`.
    Runs { starts: &'a [u32], keys: &'a [u16] },
}

impl<'a> Samples<'a> {
    /// Articles sampled.
    pub fn len(&self) -> usize {
        match self {
            Samples::Each(each) => each.len(),
            Samples::Runs { starts, .. } => starts.len().saturating_sub(1),
        }
    }

    /// Whether no article is sampled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Article `i`'s sampled keys, sorted and distinct.
    pub fn keys(&self, i: usize) -> &'a [u16] {
        match *self {
            Samples::Each(each) => each[i].keys(),
            Samples::Runs { starts, keys } => &keys[starts[i] as usize..starts[i + 1] as usize],
        }
    }

    /// Keys of all the samples.
    pub fn total_keys(&self) -> usize {
        match self {
            Samples::Each(each) => each.iter().map(|s| s.keys.len()).sum(),
            Samples::Runs { keys, .. } => keys.len(),
        }
    }
}

/// The `pairs` (sorted) whose samples share what `share` asks, in their order: a pair is
/// noisy when either side is (`noisy`, one flag per article).
pub fn keep_on_samples(
    pairs: &[(u32, u32)],
    samples: Samples<'_>,
    noisy: &[bool],
    share: RouteShare,
) -> Vec<(u32, u32)> {
    filter_by_first(pairs, samples, |&(a, b), held| {
        let need = match noisy[a as usize] || noisy[b as usize] {
            true => Some(share.noisy),
            false => share.clean,
        };
        need.is_none_or(|s| held.shares(samples.keys(b as usize), s))
    })
}

/// The `pairs` that `keep` keeps, in their order, filtered in parallel a run of pairs with
/// one first article at a time: `keep` gets that article's [`CharSample`] held in a
/// [`SampleBits`].
fn filter_by_first(
    pairs: &[(u32, u32)],
    samples: Samples<'_>,
    keep: impl Fn(&(u32, u32), &SampleBits) -> bool + Sync,
) -> Vec<(u32, u32)> {
    use rayon::prelude::*;
    let runs: Vec<&[(u32, u32)]> = pairs.chunk_by(|x, y| x.0 == y.0).collect();
    let kept: Vec<Vec<(u32, u32)>> = runs
        .par_iter()
        .map_init(SampleBits::default, |held, run| {
            held.hold(samples.keys(run[0].0 as usize));
            run.iter().copied().filter(|p| keep(p, held)).collect()
        })
        .collect();
    kept.concat()
}

/// One article's [`CharSample`] as a bitmap of its keys, so that its share with each of
/// many partners is counted by looking up the partner's keys, not by merging two lists:
/// stage 4 asks it of a million pairs, grouped by their first article.
#[derive(Default)]
pub struct SampleBits {
    bits: Vec<u64>,
    keys: Vec<u16>,
}

impl SampleBits {
    /// Holds the sample of `keys` ([`CharSample::keys`]) from now on (and no longer the one
    /// held before).
    pub fn hold(&mut self, keys: &[u16]) {
        if self.bits.is_empty() {
            self.bits = vec![0; (1 << 16) / 64];
        }
        for &k in &self.keys {
            self.bits[usize::from(k) / 64] = 0;
        }
        self.keys.clear();
        self.keys.extend_from_slice(keys);
        for &k in &self.keys {
            self.bits[usize::from(k) / 64] |= 1 << (k % 64);
        }
    }

    /// [`CharSample::shares`] of the sample held with the sample of `other` (its keys).
    pub fn shares(&self, other: &[u16], share: f64) -> bool {
        let small = self.keys.len().min(other.len());
        small < MIN_CHAR_SAMPLE || {
            let n = other
                .iter()
                .filter(|&&k| self.bits[usize::from(k) / 64] >> (k % 64) & 1 == 1)
                .count();
            n as f64 >= share * small as f64
        }
    }
}

/// Number of keys two sorted, distinct lists share: a merge walk without branches on the
/// keys (which side steps is computed, not predicted), as stage 4 asks it of a million pairs.
fn shared(a: &[u16], b: &[u16]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Sampled grams from which [`CharSample::may_share`] estimates a share.
pub const MIN_CHAR_SAMPLE: usize = 4;
/// Sampled share of the smaller article found in the other from which character evidence
/// is taken ([`CharSample::may_share`]). Two unrelated articles of one news day share about
/// 4% of their character grams (99% of such pairs less than 12%); copies that character
/// evidence accepts share 45% or more.
pub const CHAR_SAMPLE_CONTAINMENT: f64 = 0.15;

/// The [`Cover`]s of a pair, `a`'s of `b` and `b`'s of `a`, and whether they measured
/// character grams.
struct Covers {
    a: Cover,
    b: Cover,
    chars: bool,
}

impl Covers {
    fn of(a: &Profile, b: &Profile, rule: &Rule, chars: bool) -> Covers {
        Covers {
            a: cover(a, b, rule, chars),
            b: cover(b, a, rule, chars),
            chars,
        }
    }
}

/// The evidence of a pair from its [`Covers`], judged at `rule.char_coverage` where they
/// measured character grams.
fn judge(a: &Profile, b: &Profile, covers: &Covers, rule: &Rule, even: f64) -> Evidence {
    let chars = covers.chars;
    let a_is_shorter = a.body_words <= b.body_words;
    let (short, long, short_cover, long_cover) = if a_is_shorter {
        (a, b, &covers.a, &covers.b)
    } else {
        (b, a, &covers.b, &covers.a)
    };
    let s = side(short, short_cover, rule, even);
    let l = side(long, long_cover, rule, even);
    let short_share = if s.paragraphs == 0 {
        0.0
    } else {
        s.appearing as f64 / s.paragraphs as f64
    };
    // A trimmed copy of a story printed as one long paragraph covers part of that paragraph:
    // shingle coverage counts it where whole appearing paragraphs would not.
    let long_share = if long.body_words == 0 {
        0.0
    } else {
        (l.appearing_words as f64 / long.body_words as f64).max(if chars {
            0.0
        } else {
            l.gram_share
        })
    };
    let shared_words = s.appearing_words;
    let enough = shared_words >= rule.min_shared_words;
    // A page without a story body of its own (a video page's one-line description, a teaser,
    // a link list) shares text with stories but is not one of them.
    let story = has_story(short.body_words, long_share, a.teaser || b.teaser, rule);
    // A copy trimmed from the bottom shares the longer story's opening: it needs less of the
    // longer body than a page that carries the story somewhere among others (a live blog).
    let trimmed = l.shared.first() == Some(&0) && long_share >= TRIMMED_LONG_SHARE;
    let kind = if story
        && enough
        && short_share > rule.short_share
        && (long_share >= rule.long_share || trimmed)
    {
        Kind::Reprint
    } else if enough
        && (short_share > rule.short_share
            || shared_words.max(l.appearing_words) >= rule.partial_words)
    {
        Kind::Partial
    } else {
        Kind::None
    };
    let (shared_a, shared_b) = if a_is_shorter {
        (s.shared, l.shared)
    } else {
        (l.shared, s.shared)
    };
    Evidence {
        kind,
        short_share,
        long_share,
        a_is_shorter,
        shared_words,
        measure: Measure::Words,
        shared_a,
        shared_b,
    }
}

/// Body words under which a story is a short item ([`SHORT_STORY_LONG_SHARE`]).
pub const SHORT_STORY_WORDS: usize = 60;
/// Share of the longer body a short item ([`SHORT_STORY_WORDS`]) must share to be its
/// reprint. One sentence is most of a short item's body, so a quote or a background
/// sentence it shares with another page covers most of it, and a third of the other page
/// (one sentence of a 90-word brief) is not the same story; a short item reprinted or
/// OCR'd shares nearly all of both bodies. On the generated 100k feed, whose briefs share
/// random sentences, story clusters keep ARI 0.9937 at two thirds (0.9913 with no such
/// share, 0.9941 when no item under 60 words can be a reprint); the ICDAR pairs cut short
/// and the Reuters-21578 briefs keep what items of 40 words gained.
pub const SHORT_STORY_LONG_SHARE: f64 = 0.66;

/// Whether the shorter side of a pair, of `short_words` body words, has a story that can be
/// a reprint of the longer, of whose body the shared text is `long_share`: at least
/// [`Rule::min_story_words`], and a short item ([`SHORT_STORY_WORDS`]) sharing
/// [`SHORT_STORY_LONG_SHARE`] of the longer body; never when either side is a teaser page
/// (`teaser`, [`is_teaser`]).
fn has_story(short_words: usize, long_share: f64, teaser: bool, rule: &Rule) -> bool {
    !teaser
        && short_words >= rule.min_story_words
        && (short_words >= SHORT_STORY_WORDS || long_share >= SHORT_STORY_LONG_SHARE)
}

/// Share of the longer body that a copy sharing its opening unit needs to be a reprint
/// (see [`Rule::long_share`] for any other): a story trimmed to its first three tenths or
/// third. A teaser keeping a fifth of a story is partial reuse, even when its photo captions,
/// counted as body, lift its share over a quarter (a Chicago Tribune teaser of an AP story in
/// the Helsinki feed measured 0.274).
pub const TRIMMED_LONG_SHARE: f64 = 0.30;

/// Containment of the smaller shingle set in the larger from which the sets settle a pair.
pub const SETTLED_CONTAINMENT: f64 = 0.9;
/// Share of the larger set that the shared shingles must cover for the sets to settle a pair.
pub const SETTLED_LONG_SHARE: f64 = 0.45;

/// The verdict of a pair whose boilerplate-free shingle sets alone settle it: the smaller set
/// is nearly all in the larger and covers most of it, so more than half of the shorter body's
/// paragraphs must appear in the other (a paragraph that does not appear misses at least 40%
/// of its shingles) and the longer body is well covered. `sim` is the sets' similarity,
/// `body_words` the two articles' body words, and `teaser` whether either is a teaser page
/// ([`is_teaser`]), which the sets never settle. `None` when the text must be read.
pub fn settled_by_sets(
    sim: &crate::verify::Similarity,
    body_words: (usize, usize),
    teaser: bool,
    rule: &Rule,
) -> Option<Evidence> {
    let long_share = sim.containment * sim.size_ratio;
    let a_is_shorter = body_words.0 <= body_words.1;
    let short_words = body_words.0.min(body_words.1);
    if sim.containment < SETTLED_CONTAINMENT
        || long_share < SETTLED_LONG_SHARE
        || !has_story(short_words, long_share, teaser, rule)
        || rule.paragraph_coverage > 0.6
        || rule.short_share >= 0.75
        || rule.long_share > SETTLED_LONG_SHARE
    {
        return None;
    }
    Some(Evidence {
        kind: Kind::Reprint,
        short_share: sim.containment,
        long_share,
        a_is_shorter,
        shared_words: short_words,
        measure: Measure::Sets,
        shared_a: Vec::new(),
        shared_b: Vec::new(),
    })
}

/// Appends the letters and digits of `text`, lower-cased, to `out` (cleared first); long s
/// reads as s and ligatures as their letters, as OCR and typesetting write them either way.
/// ASCII, most of a news text, is folded through the tokenizer's table (`normalize::LOWER`)
/// and written without a branch on whether it is kept (a letter or digit is written and
/// counted, anything else is written and overwritten).
pub fn fold_chars(text: &str, out: &mut Vec<u32>) {
    let bytes = text.as_bytes();
    out.clear();
    out.resize(bytes.len(), 0);
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte.is_ascii() {
            let f = crate::normalize::LOWER[usize::from(byte)];
            // n <= i: no character folds to more characters than its bytes.
            out[n] = u32::from(f);
            n += usize::from(f != 0);
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("i is at a char boundary");
        i += c.len_utf8();
        crate::normalize::fold_non_ascii(c, |f| {
            if n < out.len() {
                out[n] = f;
            } else {
                out.push(f);
            }
            n += 1;
        });
    }
    out.truncate(n);
}

/// Appends the keys of every [`CHAR_GRAM`]-gram of `chars` (one key for a shorter run).
/// A gram is its characters packed 21 bits each (a Unicode scalar value fits) into a 126-bit
/// window, and its key hashes the window.
pub fn char_grams(chars: &[u32], out: &mut Vec<u32>) {
    if chars.len() < CHAR_GRAM {
        let mut grams = Grams::default();
        chars.iter().for_each(|&c| _ = grams.push(c));
        out.extend(grams.short());
        return;
    }
    let start = out.len();
    out.resize(start + chars.len() + 1 - CHAR_GRAM, 0);
    gram_keys(chars, &mut out[start..]);
}

/// `dst[i]`: the key of the gram `chars[i..i + CHAR_GRAM]`, as [`Grams`] gives it. Each key
/// is computed from its own characters, not from the window before it, so the loop has no
/// dependence from one gram to the next and is compiled for AVX-512 where the processor has
/// it (eight grams at a time).
fn gram_keys(chars: &[u32], dst: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    if crate::avx512() {
        // SAFETY: the processor has the features `gram_keys_avx512` is compiled for.
        return unsafe { gram_keys_avx512(chars, dst) };
    }
    gram_keys_portable(chars, dst)
}

/// [`gram_keys_portable`] compiled for AVX-512; the same integer operations, so the same keys.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn gram_keys_avx512(chars: &[u32], dst: &mut [u32]) {
    gram_keys_portable(chars, dst)
}

#[inline(always)]
fn gram_keys_portable(chars: &[u32], dst: &mut [u32]) {
    const { assert!(CHAR_GRAM == 6) };
    let chars = &chars[..dst.len() + CHAR_GRAM - 1];
    for (i, d) in dst.iter_mut().enumerate() {
        let c: [u64; CHAR_GRAM] = std::array::from_fn(|k| u64::from(chars[i + k]));
        // The 126-bit window of `Grams` (21 bits a character, the oldest highest), as its
        // low and high 64 bits.
        let lo = c[5] | c[4] << 21 | c[3] << 42 | c[2] << 63;
        let hi = c[2] >> 1 | c[1] << 20 | c[0] << 41;
        *d = window_key(lo, hi);
    }
}

/// The key of a gram's window, given as its low and high 64 bits.
#[inline(always)]
fn window_key(lo: u64, hi: u64) -> u32 {
    (fmix64(lo ^ fmix64(hi)) >> 32) as u32
}

/// The sliding window of [`char_grams`]: characters go in one at a time, the key of each
/// full gram comes out.
#[derive(Default)]
struct Grams {
    window: u128,
    seen: usize,
}

impl Grams {
    const BITS: u32 = 21;
    const MASK: u128 = (1u128 << (Self::BITS * CHAR_GRAM as u32)) - 1;

    #[inline]
    fn key(&self) -> u32 {
        window_key(self.window as u64, (self.window >> 64) as u64)
    }

    /// Shifts `c` in; the key of the gram it ends, once there are [`CHAR_GRAM`] characters.
    #[inline]
    fn push(&mut self, c: u32) -> Option<u32> {
        self.window = ((self.window << Self::BITS) | u128::from(c)) & Self::MASK;
        self.seen += 1;
        (self.seen >= CHAR_GRAM).then(|| self.key())
    }

    /// The key of a run shorter than a gram (but not empty), which stands for its one gram.
    fn short(&self) -> Option<u32> {
        (self.seen > 0 && self.seen < CHAR_GRAM).then(|| self.key())
    }
}

/// A set of 32-bit keys with constant-time lookup: open addressing, linear probing, a power
/// of two of slots at least twice the keys. Keys are hash bits, so they index it directly.
#[derive(Default)]
struct KeySet {
    slots: Vec<u32>,
    has_zero: bool,
}

impl KeySet {
    fn fill(&mut self, keys: impl ExactSizeIterator<Item = u32>) {
        let size = (keys.len() * 2).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(size, 0);
        self.has_zero = false;
        let mask = size - 1;
        for k in keys {
            if k == 0 {
                self.has_zero = true;
                continue;
            }
            let mut i = Self::slot(k, mask);
            while self.slots[i] != 0 && self.slots[i] != k {
                i = (i + 1) & mask;
            }
            self.slots[i] = k;
        }
    }

    #[inline]
    fn slot(k: u32, mask: usize) -> usize {
        (k.wrapping_mul(0x9E37_79B1) as usize) & mask
    }

    #[inline]
    fn contains(&self, k: u32) -> bool {
        if k == 0 {
            return self.has_zero;
        }
        if self.slots.is_empty() {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::slot(k, mask);
        loop {
            match self.slots[i] {
                0 => return false,
                s if s == k => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> Rule {
        Rule::default()
    }

    /// Paragraph `i` of a made-up story `s`: a sentence of 14 distinct words.
    fn para(s: &str, i: usize) -> String {
        (0..14)
            .map(|w| format!("{s}{i}w{w}"))
            .collect::<Vec<_>>()
            .join(" ")
            + "."
    }

    fn story(s: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| para(s, i)).collect()
    }

    /// The two texts prepared for comparison, with no boilerplate.
    fn profiles(a: &str, b: &str, r: &Rule) -> (Profile, Profile) {
        let (mut pa, mut pb) = (Profile::default(), Profile::default());
        pa.fill(a, 5, r, |_| false);
        pb.fill(b, 5, r, |_| false);
        (pa, pb)
    }

    fn judge_texts(a: &str, b: &str) -> Evidence {
        let r = rule();
        let (mut pa, mut pb) = profiles(a, b, &r);
        compare(&mut pa, a, &mut pb, b, &r, false)
    }

    #[test]
    fn a_reprint_among_page_furniture_is_a_reprint() {
        let body = story("x", 8);
        let a = body.join("\n\n");
        let mut b = vec![
            "Trump meets Putin in Helsinki".to_string(),
            "Jul 15, 2018 2:37 PM".to_string(),
            "The two leaders shake hands at the palace on Monday. (AP Photo/Pablo Martinez)".into(),
        ];
        b.extend(body[..6].iter().cloned());
        b.push("Related: Another story entirely about something else".into());
        let e = judge_texts(&a, &b.join("\n\n"));
        assert_eq!(e.kind, Kind::Reprint, "{e:?}");
        assert!(!e.a_is_shorter && e.short_share == 1.0, "{e:?}");
        assert_eq!(
            e.shared_b.len(),
            6,
            "captions and headlines are not body: {e:?}"
        );
    }

    /// A site's list of other stories, as its pages print it around their own story: a
    /// headline, a one-sentence blurb and a timestamp per item.
    fn story_list(items: usize) -> Vec<String> {
        (0..items)
            .flat_map(|k| {
                [
                    format!("Headline {k} of another story the site ran on this day"),
                    para(&format!("blurb{k}x"), 0),
                    format!("{}H ago", k + 1),
                ]
            })
            .collect()
    }

    fn body_of(text: &str) -> Vec<bool> {
        let mut scratch = shingle::Scratch::default();
        let a = shingle::analyze(text, 5, &mut scratch);
        let mut out = Vec::new();
        body_flags(&a.paragraphs, &rule(), |_| false, &mut out);
        out
    }

    #[test]
    fn two_pages_of_one_site_sharing_its_list_of_other_stories_are_not_reprints() {
        let list = story_list(8);
        let page = |s: &str| {
            let mut p = list[..12].to_vec();
            p.push(format!(
                "The headline of story {s} on this page of the site"
            ));
            p.extend(story(s, 5));
            p.extend(list[12..].iter().cloned());
            p.join("\n")
        };
        let (a, b) = (page("x"), page("y"));
        // Every blurb reads as prose and is shared; the two stories are not.
        let body = body_of(&a);
        assert_eq!(body.iter().filter(|&&x| x).count(), 5, "{body:?}");
        let e = judge_texts(&a, &b);
        assert_ne!(e.kind, Kind::Reprint, "{e:?}");
        assert_eq!(e.short_share, 0.0, "{e:?}");
        // The story still is one with its own copy on another site.
        let mut copy = story("x", 5);
        copy.insert(0, "By A Reporter, Other Site".into());
        assert_eq!(judge_texts(&a, &copy.join("\n")).kind, Kind::Reprint);
    }

    #[test]
    fn only_blurbs_that_stand_alone_next_to_another_lone_blurb_leave_the_body() {
        let s = story("x", 4);
        // A story paragraph set apart by an inserted line keeps a neighbour in the story.
        let related = "Related: Another headline on another topic from this week";
        let text = [s[0].as_str(), s[1].as_str(), related, s[2].as_str()].join("\n");
        assert_eq!(body_of(&text), [true, true, false, true]);
        // A one-paragraph brief among page furniture has no body neighbour at all.
        let brief = [
            "Headline of the brief in a few words here today",
            s[0].as_str(),
            "2H ago",
        ];
        assert_eq!(body_of(&brief.join("\n")), [false, true, false]);
        // Two lone blurbs are a list; a long paragraph standing alone stays body.
        let long = story("long", 3).join(" ");
        let mut list = story_list(2);
        let item = [
            "Headline of a video the site ran on this day too".into(),
            long,
        ];
        list.splice(3..3, item.into_iter().chain(["4H ago".to_string()]));
        assert_eq!(
            body_of(&list.join("\n")),
            [false, false, false, false, true, false, false, false, false]
        );
    }

    #[test]
    fn a_digest_carrying_one_story_among_others_is_partial() {
        let x = story("x", 4);
        let mut digest = story("d", 6);
        digest.extend(x.iter().cloned());
        digest.extend(story("e", 6));
        let e = judge_texts(&x.join("\n\n"), &digest.join("\n\n"));
        assert_eq!(e.kind, Kind::Partial, "{e:?}");
        assert!(e.long_share < 0.33 && e.short_share == 1.0, "{e:?}");
    }

    #[test]
    fn stories_sharing_one_quoted_paragraph_are_not_reprints() {
        let quote = para("q", 0);
        let mut a = story("a", 6);
        let mut b = story("b", 7);
        a.insert(2, quote.clone());
        b.insert(4, quote);
        let e = judge_texts(&a.join("\n\n"), &b.join("\n\n"));
        assert_eq!(e.kind, Kind::None, "{e:?}");
    }

    #[test]
    fn a_clean_pair_only_the_character_signature_proposed_stands_on_more_than_one_passage() {
        let stands = |e: &Evidence, noise| e.clone().for_noise(noise).kind;
        // A clean copy trimmed to half of a story (the word bands can miss such a pair).
        let long = story("x", 10);
        let trimmed = judge_texts(&long[..5].join("\n\n"), &long.join("\n\n"));
        assert_eq!(
            (trimmed.kind, trimmed.measure, trimmed.shared_a.len()),
            (Kind::Reprint, Measure::Words, 5),
            "{trimmed:?}"
        );
        assert_eq!(stands(&trimmed, Noise::CharsOnly), Kind::Reprint);
        // A one-paragraph brief of 70 words that another story prints whole: a reprint by
        // the shares, on one shared passage, so not when only the character route found it.
        let brief = (0..5).map(|i| para("q", i)).collect::<Vec<_>>().join(" ");
        let other = [brief.clone(), story("o", 5).join(" ")].join("\n\n");
        let one = judge_texts(&brief, &other);
        assert_eq!(
            (one.kind, one.measure, one.shared_a.len()),
            (Kind::Reprint, Measure::Words, 1),
            "{one:?}"
        );
        assert_eq!(stands(&one, Noise::CharsOnly), Kind::None);
        for noise in [Noise::Clean, Noise::Flagged, Noise::FlaggedByCharsOnly] {
            assert_eq!(stands(&one, noise), Kind::Reprint, "{noise:?}");
        }
        // A reprint the sets settle (nearly all of a 60-word story) stands.
        let sim = crate::verify::Similarity {
            shared: 300,
            jaccard: 0.5,
            containment: 0.95,
            size_ratio: 0.55,
        };
        let settled = settled_by_sets(&sim, (320, 600), false, &rule()).expect("settled");
        assert_eq!(stands(&settled, Noise::CharsOnly), Kind::Reprint);
        assert!(
            settled_by_sets(&sim, (320, 600), true, &rule()).is_none(),
            "a teaser's pairs are read"
        );
    }

    #[test]
    fn a_page_without_a_story_body_is_never_a_reprint() {
        let x = story("x", 6);
        let stub = format!("Watch: the summit\n\n{}", x[0]);
        let e = judge_texts(&stub, &x.join("\n\n"));
        assert_ne!(e.kind, Kind::Reprint, "{e:?}");
    }

    #[test]
    fn two_copies_of_a_teaser_page_are_partial_reuse_not_a_story() {
        // An aggregator's teaser: a headline, the outlet, "More", and the story's opening
        // cut off at a fixed length, mid-sentence.
        let opening =
            "(CNN) - The top Democrats in Congress on Friday called for the president to \
            cancel his summit with the Russian leader after the Justice Department announced \
            indictments against twelve Russian intelligence officers. \"The president should \
            cancel his meeting until Russia takes transparent steps to prove that it won't \
            interfere in future elections,\" the Senate minority leader said in a statement. \
            The top Democrat in the House,";
        let page = |outlet: &str, body: &str| {
            format!("Democrats call on Trump to cancel Putin meeting\n\n{outlet}\n\nMore\n\n{body}")
        };
        let r = rule();
        let (a, b) = (
            page("Local 10 Miami", opening),
            page("KHOU 11 Houston", opening),
        );
        let (mut pa, mut pb) = profiles(&a, &b, &r);
        assert!(pa.teaser && pb.teaser && pa.body_words >= r.min_story_words);
        let e = compare(&mut pa, &a, &mut pb, &b, &r, false);
        assert_eq!(e.kind, Kind::Partial, "{e:?}");
        // The same pages with a paragraph that ends its sentence carry a story.
        let ended = opening.replace("in the House,", "in the House agreed.");
        let (a, b) = (
            page("Local 10 Miami", &ended),
            page("KHOU 11 Houston", &ended),
        );
        let (mut pa, mut pb) = profiles(&a, &b, &r);
        assert!(!pa.teaser);
        assert_eq!(
            compare(&mut pa, &a, &mut pb, &b, &r, false).kind,
            Kind::Reprint
        );
        // A text that is the paragraph alone is judged as it is.
        let (mut pa, mut pb) = profiles(opening, opening, &r);
        assert!(!pa.teaser);
        let e = compare(&mut pa, opening, &mut pb, opening, &r, false);
        assert_eq!(e.kind, Kind::Reprint);
    }

    #[test]
    fn an_ocr_garbled_copy_is_found_by_characters() {
        let text =
            "The committee met on Tuesday to consider the report of the harbour commissioners, \
            which recommended that the new pier be extended by two hundred feet at a cost of \
            eleven thousand pounds, to be raised by a loan upon the security of the dues.";
        let clean = [text; 4].join("\n\n").replace("Tuesday", "Monday");
        let garbled = clean
            .replace("committee", "cornmittee")
            .replace("harbour", "harb our")
            .replace("the new", "tlie new")
            .replace("hundred", "hun- dred")
            .replace("security", "secnrity")
            .replace("thousand", "thonsand")
            .replace("recommended", "recommeuded");
        let r = rule();
        let (mut pa, mut pb) = profiles(&clean, &garbled, &r);
        let words = compare_words(&pa, &pb, &r);
        assert_ne!(
            words.kind,
            Kind::Reprint,
            "word shingles alone miss it: {words:?}"
        );
        let e = compare(&mut pa, &clean, &mut pb, &garbled, &r, true);
        assert_eq!(
            (e.kind, e.measure),
            (Kind::Reprint, Measure::Characters),
            "{e:?}"
        );
    }

    #[test]
    fn a_short_ocr_item_is_a_reprint_by_its_characters_with_neither_side_flagged() {
        // A newspaper's short item and its OCR: too short for the feed to tell its noise
        // (`noise::MIN_SAMPLED_WORDS`), so neither side is flagged; the garbles stand where
        // the corrected text prints the word ("tbe", "mads", "gaiu").
        let clean = "The result of the polling in the northern division of the county was made \
            known to-day, and the Conservative candidate was returned by a majority of \
            seventy-seven.\n\nThis is a gain of a seat to the Conservatives, who had lost the \
            division at both of the two previous elections by a narrow margin.";
        let ocr = "Tho result of tbe polling in the northern divisiou of the county was mads \
            known to-day, and the Conservative candidate was retumed by a majority of \
            seventy-seven.\n\nThis is a gaiu of a seat to tho Conservatives, who had lost the \
            division at both of the two previous elcctions by a narrow margiu.";
        let r = rule();
        let (mut pa, mut pb) = profiles(clean, ocr, &r);
        assert!(
            (r.min_story_words..SHORT_STORY_WORDS).contains(&pa.body_words),
            "a short item: {}",
            pa.body_words
        );
        let words = compare_words(&pa, &pb, &r);
        assert_eq!(
            words.kind,
            Kind::None,
            "the garbles break the word shingles"
        );
        let e = compare(&mut pa, clean, &mut pb, ocr, &r, false);
        assert_eq!(
            (e.kind, e.measure),
            (Kind::Reprint, Measure::Characters),
            "{e:?}"
        );
    }

    #[test]
    fn a_rewrite_flagged_noisy_by_its_feed_keeps_the_clean_character_rule() {
        let paragraphs = [
            "The regional council approved on Thursday a plan to rebuild the coastal road \
             between the two harbour towns, which was closed after the spring floods washed \
             away a section near the old lighthouse.",
            "Engineers estimate that the work will take eighteen months and cost about forty \
             million, most of it paid from the national infrastructure fund set up last year.",
            "Residents of the northern villages have complained that the detour adds almost an \
             hour to the journey to the hospital and the secondary school in the county town.",
            "The council leader said construction crews would start in the autumn and that one \
             lane would reopen before the tourist season, subject to the weather.",
        ];
        let original = paragraphs.join("\n\n");
        // A press-release rewrite: other words in every sentence, as a trade site edits.
        let rewrite = original
            .replace("approved on Thursday", "backed this week")
            .replace("rebuild", "reconstruct")
            .replace("which was closed", "shut")
            .replace("Engineers estimate", "Planners expect")
            .replace("take eighteen months", "last a year and a half")
            .replace("most of it paid", "largely funded")
            .replace("have complained", "say")
            .replace("almost an", "nearly one")
            .replace("said construction crews", "told reporters builders")
            .replace("subject to", "depending on");
        let r = rule();
        let judge_at = |char_coverage: f64| {
            let (mut pa, mut pb) = profiles(&original, &rewrite, &r);
            let words = compare_words(&pa, &pb, &r);
            let rule = Rule { char_coverage, ..r };
            compare_chars(
                &mut pa,
                &original,
                &mut pb,
                &rewrite,
                &rule,
                Noise::Flagged,
                words,
            )
        };
        let (clean, lenient) = (judge_at(r.char_coverage), judge_at(r.noisy_char_coverage));
        assert_ne!(clean, lenient, "the lenient rule would change this pair");
        assert!(!crate::noise::differ_as_garbles(&original, &rewrite));
        let (mut pa, mut pb) = profiles(&original, &rewrite, &r);
        let flagged = compare(&mut pa, &original, &mut pb, &rewrite, &r, true);
        assert_eq!(flagged, clean);
    }

    /// A daily forecast written from a template (a made-up central bank): long fixed
    /// sentences, one figure each.
    fn daily_forecast(day: &str, figures: [&str; 4]) -> String {
        let [shortage, drain, notes, balances] = figures;
        [
            format!(
                "The Bank of Northland said on March {day} that it forecast a shortage of \
                 around {shortage} mln crowns in the money market today, as the quarter's \
                 tax payments fall due."
            ),
            format!(
                "Among the main factors affecting liquidity, bills maturing in official hands \
                 and the take-up of treasury bills will drain some {drain} mln crowns from the \
                 system over the day."
            ),
            format!(
                "A rise in the note circulation ahead of the long weekend will take out a \
                 further {notes} mln crowns, while exchequer transactions will add a small \
                 amount to the system."
            ),
            format!(
                "Bankers' balances below target will take out around {balances} mln crowns, \
                 the bank said, and it will give its first view of the day's help at noon."
            ),
        ]
        .join("\n\n")
    }

    /// Issue 16 (Reuters-21578): two daily forecasts from one form share every sentence but
    /// its figure, and the words call them a reprint; their figures say they are two reports.
    #[test]
    fn two_clean_forecasts_from_one_form_are_not_reprints_by_their_figures() {
        let monday = daily_forecast("2", ["700", "410", "120", "95"]);
        let thursday = daily_forecast("19", ["350", "180", "60", "40"]);
        let r = rule();
        let (pa, pb) = profiles(&monday, &thursday, &r);
        let words = compare_words(&pa, &pb, &r);
        assert_eq!(words.kind, Kind::Reprint, "{words:?}");
        assert_eq!(judge_texts(&monday, &thursday).kind, Kind::None);
        // A side flagged noisy keeps the verdict: OCR misreads digits.
        let (mut pa, mut pb) = profiles(&monday, &thursday, &r);
        let flagged = compare(&mut pa, &monday, &mut pb, &thursday, &r, true);
        assert_eq!(flagged.kind, Kind::Reprint, "{flagged:?}");
        // A later version of one forecast that revises one figure is the same report, and
        // so is a copy whose figures read one digit wrong, as a scan does.
        let revised = daily_forecast("2", ["700", "520", "120", "95"]);
        assert_eq!(judge_texts(&monday, &revised).kind, Kind::Reprint);
        let misread = daily_forecast("2", ["709", "416", "126", "95"]);
        assert_eq!(judge_texts(&monday, &misread).kind, Kind::Reprint);
    }

    /// One weekly report written from a template: the same sentences around other dates,
    /// figures and places, a few words apart.
    fn weekly_report(week: &str, figures: [&str; 8], port: &str) -> String {
        let [total, prior, wheat, maize, soy, season, last, ships] = figures;
        [
            format!(
                "Inspections of grain for export in the week ended {week} totalled {total} \
                 tonnes, against {prior} tonnes the week before, the agriculture department \
                 said."
            ),
            format!(
                "Wheat was {wheat} pct of the total, maize {maize} pct and soybeans {soy} pct, \
                 and loadings at {port} made up the largest part of the {ships} ships inspected."
            ),
            format!(
                "Inspections since June 1 stand at {season} tonnes against {last} tonnes a year \
                 earlier, and {ships} vessels are waiting to load at {port}, the department \
                 said on {week}."
            ),
        ]
        .join("\n\n")
    }

    #[test]
    fn two_clean_reports_from_one_template_are_not_reprints_by_their_characters() {
        let a = weekly_report(
            "March 6",
            [
                "1,204,311",
                "987,450",
                "41",
                "33",
                "26",
                "31,845,200",
                "29,310,007",
                "47",
            ],
            "the Gulf ports",
        );
        let b = weekly_report(
            "March 13",
            [
                "1,356,902",
                "1,122,078",
                "38",
                "35",
                "27",
                "33,202,102",
                "30,455,981",
                "52",
            ],
            "the Pacific northwest terminals",
        );
        let r = rule();
        let (mut pa, mut pb) = profiles(&a, &b, &r);
        let words = compare_words(&pa, &pb, &r);
        assert_eq!(words.kind, Kind::None, "no passage is shared: {words:?}");
        assert!(!crate::noise::differ_as_garbles(&a, &b));
        // The characters see shared text, as they would in an OCR'd copy.
        let flagged = compare_chars(&mut pa, &a, &mut pb, &b, &r, Noise::Flagged, words.clone());
        assert!(
            flagged.kind > Kind::None && flagged.measure == Measure::Characters,
            "{flagged:?}"
        );
        // Two clean texts: separate reports, listed nowhere.
        let clean = compare_chars(&mut pa, &a, &mut pb, &b, &r, Noise::Clean, words);
        assert_eq!(clean.kind, Kind::None, "{clean:?}");
        assert_eq!(judge_texts(&a, &b).kind, Kind::None);
    }

    #[test]
    fn a_clean_write_through_edited_word_by_word_stays_a_reprint_by_its_characters() {
        let first = NOISY_STORY.join("\n\n");
        // A later version: two paragraphs as they were, two edited every few words.
        let later = [
            NOISY_STORY[0].to_string(),
            NOISY_STORY[1]
                .replace("Several members", "Some members")
                .replace("could not bear", "could not afford")
                .replace("remained so poor", "remained very poor")
                .replace("proposed that", "asked that")
                .replace("been examined", "been checked"),
            NOISY_STORY[2]
                .replace("The chairman replied", "The chairman answered")
                .replace("now passed", "now pass")
                .replace("would bring", "should bring")
                .replace("the merchants", "the traders")
                .replace("promised their support", "pledged their support"),
            NOISY_STORY[3].to_string(),
        ]
        .join("\n\n");
        let r = rule();
        let (pa, pb) = profiles(&first, &later, &r);
        let words = compare_words(&pa, &pb, &r);
        assert_eq!(
            words.kind,
            Kind::Partial,
            "two passages are shared: {words:?}"
        );
        assert!(!crate::noise::differ_as_garbles(&first, &later));
        let e = judge_texts(&first, &later);
        assert_eq!(
            (e.kind, e.measure),
            (Kind::Reprint, Measure::Characters),
            "{e:?}"
        );
    }

    /// Four paragraphs of one made-up story, for the noise-level tests.
    const NOISY_STORY: [&str; 4] = [
        "The harbour commissioners met yesterday afternoon to consider the engineer's report \
         upon the proposed extension of the northern pier, which recommended an addition of \
         two hundred feet at a cost of eleven thousand pounds, to be raised by a loan.",
        "Several members objected that the town could not bear a further charge upon the \
         rates while the fishing season remained so poor, and proposed that the matter be \
         adjourned until the annual accounts had been examined by the finance committee.",
        "The chairman replied that the steamers which now passed the port for want of deep \
         water would bring a larger revenue than the interest upon the loan, and that the \
         merchants of the district had promised their support for the undertaking.",
        "After a long discussion the resolution was carried by seven votes to four, and the \
         clerk was instructed to apply to the Board of Trade for the necessary sanction \
         before the contracts were advertised in the newspapers of the county.",
    ];

    /// OCR-like garbling: in the first `k` of every seven words, each word of four or more
    /// letters has its second letter misread (and its seventh, if it has one).
    fn garble(text: &str, k: usize) -> String {
        let misread = |c: char| match c {
            'e' => 'c',
            'n' => 'u',
            'a' => 'o',
            'o' => 'a',
            'i' => 'l',
            'h' => 'b',
            'u' => 'n',
            'r' => 'v',
            _ => 'x',
        };
        text.split(' ')
            .enumerate()
            .map(|(i, w)| {
                let letters = w.chars().filter(|c| c.is_alphabetic()).count();
                if i % 7 >= k || letters < 4 {
                    return w.to_string();
                }
                w.chars()
                    .enumerate()
                    .map(|(j, c)| if j == 1 || j == 6 { misread(c) } else { c })
                    .collect()
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The verdict of a flagged-noisy pair, and the one the noisy rule alone (no threshold
    /// from the pair's own noise level) would give.
    fn noisy_verdicts(a: &str, b: &str) -> (Evidence, Kind) {
        let r = rule();
        let (mut pa, mut pb) = profiles(a, b, &r);
        let e = compare(&mut pa, a, &mut pb, b, &r, true);
        let covers = Covers::of(&pa, &pb, &r, true);
        let noisy_rule = Rule {
            char_coverage: r.noisy_char_coverage,
            ..r
        };
        let fixed = judge(&pa, &pb, &covers, &noisy_rule, f64::INFINITY).kind;
        (e, fixed)
    }

    #[test]
    fn the_noisy_threshold_follows_the_pairs_copy_level() {
        let r = rule();
        let of = |units: Vec<UnitCover>| noisy_coverage(&Cover { units }, &r);
        // Copied paragraphs found at about half their grams: 0.7 of that level.
        let level = vec![(0, 40, Some((0.5, 0.45))); 4];
        assert!((of(level) - NOISE_LEVEL_SCALE * 0.45).abs() < 1e-9);
        // Heavier noise: never below the floor.
        assert_eq!(of(vec![(0, 40, Some((0.2, 0.1))); 4]), NOISY_COVERAGE_FLOOR);
        // Paragraphs copied word for word: the rule's own threshold.
        let mut clean = vec![(40, 40, None); 3];
        clean.push((0, 40, Some((0.45, 0.4))));
        assert_eq!(of(clean), r.noisy_char_coverage);
    }

    #[test]
    fn a_heavily_garbled_copy_is_found_at_its_own_noise_level() {
        let clean = NOISY_STORY.join("\n\n");
        let garbled = garble(&clean, 4);
        assert!(crate::noise::differ_as_garbles(&clean, &garbled));
        let (e, fixed) = noisy_verdicts(&clean, &garbled);
        assert_ne!(fixed, Kind::Reprint, "the fixed noisy threshold misses it");
        assert_eq!(
            (e.kind, e.measure),
            (Kind::Reprint, Measure::Characters),
            "{e:?}"
        );
    }

    #[test]
    fn a_brief_sharing_one_garbled_sentence_is_not_a_reprint_at_any_noise_level() {
        // Two one-paragraph briefs of other stories that print one long sentence alike.
        let a = format!(
            "Fire broke out late on Saturday night in a timber warehouse standing on the west \
             side of the quay. {} Police said nobody was hurt and that the cause of the fire \
             was not yet known to the brigade.",
            NOISY_STORY[2]
        );
        let b = format!(
            "A new schoolmaster has been appointed at Westbury by the managers of the national \
             school after a long vacancy. {} The vicar presided at the annual dinner of the \
             cricket club, held in the assembly rooms.",
            garble(NOISY_STORY[2], 2)
        );
        assert!(crate::noise::differ_as_garbles(&a, &b));
        let r = rule();
        let (mut pa, mut pb) = profiles(&a, &b, &r);
        pa.add_chars(&a);
        pb.add_chars(&b);
        let grams = pb.char_grams_of(0);
        let (all, even) = char_cover(grams, &pa.char_set);
        assert!(
            all >= NOISY_COVERAGE_FLOOR && all < r.noisy_char_coverage,
            "the shared sentence is much of the brief: {all}"
        );
        assert!(
            even < NOISY_COVERAGE_FLOOR,
            "its ends are not shared: {even}"
        );
        let (e, _) = noisy_verdicts(&a, &b);
        assert_ne!(e.kind, Kind::Reprint, "{e:?}");
    }

    fn char_sample(text: &str) -> CharSample {
        let mut scratch = shingle::Scratch::default();
        let a = shingle::analyze(text, 5, &mut scratch);
        ParagraphSamples::of(text, &a.paragraphs).sample(|_| true)
    }

    #[test]
    fn char_samples_tell_an_ocr_copy_from_another_story_on_the_topic() {
        let story = "The harbour commissioners met on Tuesday to consider the report on the new \
            pier, which recommended an extension of two hundred feet at a cost of eleven \
            thousand pounds, to be raised by a loan upon the security of the harbour dues. \
            Mr. Hawkins objected that the town could not bear a further charge while the \
            drainage works remained unpaid, and moved that the matter be deferred.\n\n\
            After a long discussion the chairman put the amendment, which was lost by seven \
            votes to four, and the report was adopted. The clerk was instructed to apply to \
            the Board of Trade for sanction to borrow the money, and to advertise for tenders \
            for the ironwork before the end of the month.";
        let garbled = story
            .replace("commissioners", "cornmissioners")
            .replace("harbour", "harb our")
            .replace("the new", "tlie new")
            .replace("hundred", "hun- dred")
            .replace("security", "secnrity")
            .replace("thousand", "thonsand")
            .replace("recommended", "recommeuded")
            .replace("drainage", "draiuage")
            .replace("discussion", "discnssion")
            .replace("instructed", "iustructed")
            .replace("ironwork", "iron- work");
        let other = "The pier company held its annual meeting on Tuesday, when the chairman \
            reported that the receipts of the harbour had fallen by a tenth, owing to the \
            closing of the quarries, and that the directors proposed to reduce the dividend \
            to four per cent. A vote of thanks to the secretary closed the proceedings.\n\n\
            In the evening the members dined together at the Royal Hotel, where the health of \
            the retiring director, Mr. Polglase, was drunk with much enthusiasm, and a \
            presentation of plate was made to him in recognition of thirty years of service \
            to the company and to the fishing interest of the port.";
        let (s, g, o) = (
            char_sample(story),
            char_sample(&garbled),
            char_sample(other),
        );
        assert!(
            s.keys.len() >= MIN_CHAR_SAMPLE,
            "{} sampled grams",
            s.keys.len()
        );
        assert!(s.may_share(&g) && g.may_share(&s));
        let share = |x: &CharSample, y: &CharSample| {
            shared(&x.keys, &y.keys) as f64 / x.keys.len().min(y.keys.len()) as f64
        };
        assert!(
            !s.may_share(&o) && !g.may_share(&o),
            "{} {} {} {}",
            s.keys.len(),
            o.keys.len(),
            share(&s, &o),
            share(&s, &g)
        );
        // Too few sampled grams to tell: character evidence is not ruled out.
        assert!(char_sample("A short line.").may_share(&o));
    }

    #[test]
    fn character_gram_keys_depend_on_the_six_characters_only() {
        let keys = |s: &str| {
            let (mut f, mut out) = (Vec::new(), Vec::new());
            fold_chars(s, &mut f);
            char_grams(&f, &mut out);
            out
        };
        let a = keys("abcdefgh");
        assert_eq!(a.len(), 3);
        assert_eq!(keys("xxabcdef")[2], a[0], "the same window, the same key");
        assert_eq!(keys("ABC-DEF!")[0], a[0], "case and punctuation fold away");
        assert_ne!(keys("abcdeg")[0], a[0]);
        // A run shorter than a gram is one key, distinct from the grams it is part of.
        assert_eq!(keys("abc").len(), 1);
        assert!(!a.contains(&keys("bcdef")[0]));
        let mut distinct = keys(&"the quick brown fox jumps over the lazy dog ".repeat(3));
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            35,
            "one key per distinct window of the 35-letter cycle"
        );
    }

    #[test]
    fn too_few_shared_shingles_settle_a_pair_as_unrelated() {
        // The most text four shared shingles can carry: one copied 8-word paragraph.
        let long = story("l", 8);
        let copied: Vec<&str> = long[3].split(' ').take(8).collect();
        let mut short = story("s", 6);
        short.insert(2, copied.join(" ") + ".");
        let (short, long) = (short.join("\n\n"), long.join("\n\n"));
        let r = rule();
        let (mut pa, mut pb) = (Profile::default(), Profile::default());
        pa.fill(&short, 5, &r, |_| false);
        pb.fill(&long, 5, &r, |_| false);
        let shared = pa
            .analysed
            .shingles
            .iter()
            .filter(|&&k| pb.words.contains(k))
            .count();
        assert_eq!(shared, 4);
        let read = compare_words(&pa, &pb, &r);
        assert_eq!(read.shared_words, 8, "{read:?}");
        let unread = too_few_shingles(shared, (pa.body_words, pb.body_words)).expect("too few");
        assert_eq!(
            (read.kind, read.a_is_shorter),
            (unread.kind, unread.a_is_shorter)
        );
        assert_eq!(unread.kind, Kind::None);
        assert!(too_few_shingles(MIN_WORD_EVIDENCE_SHINGLES, (84, 112)).is_none());
    }

    #[test]
    fn folding_reads_long_s_and_ligatures_as_letters() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        fold_chars("ſuﬃcient ﬁrſt, Œuvre!", &mut a);
        fold_chars("sufficient first oeuvre", &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn key_set_finds_exactly_its_keys() {
        let keys: Vec<u32> = (1..500u32).map(|i| i.wrapping_mul(2_654_435_761)).collect();
        let mut set = KeySet::default();
        set.fill(keys.iter().copied());
        assert!(keys.iter().all(|&k| set.contains(k)));
        assert!(!set.contains(7) && !set.contains(0));
    }

    /// Two pages cut from one real article (`data/menafn-japan-germany-security.txt`): `a`
    /// its lines where `keep_a` says, `b` where `keep_b` says, with the letters at `garbles`
    /// (positions in `b`) misread as OCR misreads them.
    fn cut_pages(keep_a: &[bool], keep_b: &[bool], garbles: &[usize]) -> (String, String) {
        let lines: Vec<&str> = include_str!("../data/menafn-japan-germany-security.txt")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let page = |keep: &[bool]| {
            lines
                .iter()
                .zip(keep.iter().cycle())
                .filter(|(_, &k)| k)
                .map(|(l, _)| *l)
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        let mut b: Vec<char> = page(keep_b).chars().collect();
        let n = b.len().max(1);
        for &g in garbles {
            if let Some(c) = b.get_mut(g % n) {
                *c = match *c {
                    'e' => 'c',
                    'n' => 'u',
                    'h' => 'b',
                    'l' => 'I',
                    c => c,
                };
            }
        }
        (page(keep_a), b.into_iter().collect())
    }

    proptest::proptest! {
        /// `Evidence::swapped`: a pair measured the other way round is its evidence swapped
        /// when the two bodies differ in words (stage 6 gives a copy's pair its heads' verdict
        /// so, `pipeline::judge_pairs`), clean or noisy, on words or characters.
        #[test]
        fn a_pair_measured_the_other_way_round_is_its_evidence_swapped(
            keep_a in proptest::collection::vec(proptest::prelude::any::<bool>(), 8..40),
            keep_b in proptest::collection::vec(proptest::prelude::any::<bool>(), 8..40),
            garbles in proptest::collection::vec(0usize..10_000, 0..200),
            noisy in proptest::prelude::any::<bool>(),
        ) {
            let (a, b) = cut_pages(&keep_a, &keep_b, &garbles);
            let r = rule();
            let (mut pa, mut pb) = profiles(&a, &b, &r);
            let ab = compare(&mut pa, &a, &mut pb, &b, &r, noisy);
            let (mut pa, mut pb) = profiles(&a, &b, &r);
            let ba = compare(&mut pb, &b, &mut pa, &a, &r, noisy);
            if pa.body_words != pb.body_words {
                proptest::prop_assert_eq!(ba.swapped(), ab);
            }
        }

        #[test]
        fn folding_keeps_letters_and_digits_lower_cased(text in "[a-zA-Z0-9 .,'ſﬁﬃæŒÉİßΣ\u{0301}\u{00a0}-]{0,60}") {
            let mut want = Vec::new();
            for c in text.chars() {
                if c.is_ascii() {
                    if c.is_ascii_alphanumeric() {
                        want.push(c.to_ascii_lowercase() as u32);
                    }
                } else {
                    crate::normalize::fold_non_ascii(c, |f| want.push(f));
                }
            }
            let mut got = vec![9; 3];
            fold_chars(&text, &mut got);
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn gram_keys_are_the_sliding_window_keys(chars in proptest::collection::vec(
            proptest::prop_oneof![0u32..128, 0u32..0x11_0000], 0..80)) {
            let mut want = Vec::new();
            let mut grams = Grams::default();
            for &c in &chars {
                want.extend(grams.push(c));
            }
            want.extend(grams.short());
            let mut got = vec![7];
            char_grams(&chars, &mut got);
            proptest::prop_assert_eq!(got[0], 7);
            proptest::prop_assert_eq!(&got[1..], &want[..]);
            if chars.len() >= CHAR_GRAM {
                let mut portable = vec![0; chars.len() + 1 - CHAR_GRAM];
                gram_keys_portable(&chars, &mut portable);
                proptest::prop_assert_eq!(portable, want);
            }
        }

        #[test]
        fn sample_bits_share_as_the_samples_do(
            a in proptest::collection::btree_set(0u16..2000, 0..60),
            others in proptest::collection::vec(proptest::collection::btree_set(0u16..2000, 0..60), 1..4),
            share in 0.0f64..1.0,
        ) {
            let sample = |s: &std::collections::BTreeSet<u16>| CharSample { keys: s.iter().copied().collect() };
            let mut bits = SampleBits::default();
            // Held after another sample, so that what the first held must be gone.
            bits.hold(sample(&others[0]).keys());
            bits.hold(sample(&a).keys());
            for o in &others {
                proptest::prop_assert_eq!(bits.shares(sample(o).keys(), share), sample(&a).shares(&sample(o), share));
            }
        }

        #[test]
        fn shared_counts_the_keys_both_sorted_lists_hold(
            a in proptest::collection::btree_set(0u16..300, 0..120),
            b in proptest::collection::btree_set(0u16..300, 0..120),
        ) {
            let (va, vb): (Vec<u16>, Vec<u16>) = (a.iter().copied().collect(), b.iter().copied().collect());
            proptest::prop_assert_eq!(shared(&va, &vb), a.intersection(&b).count());
            proptest::prop_assert_eq!(shared(&vb, &va), a.intersection(&b).count());
        }
    }
}
