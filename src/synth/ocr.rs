//! OCR noise: what a scanned and recognised copy of a printed story looks like, calibrated on
//! the ICDAR 2017 post-OCR periodicals (448 OCR / gold-standard pairs; data/README.md tells
//! how the numbers were measured).
//!
//! An article's noise level is a character error rate (CER: edit distance ÷ characters of the
//! clean text) drawn from a log-normal fitted to the ICDAR pairs ([`CerModel`]). [`noise`]
//! spends exactly that budget on events drawn by their measured shares ([`EVENTS`]):
//! character confusions (`e→o`, `c→e`, `h→b`, `n→u`, `l→1`, `o→0`, `s→ſ`, `,→.`, …),
//! multi-character confusions (`rn→m`, `m→rn`, `h→li`, `cl→d`), ligatures (`fi→ﬁ`), dropped
//! and inserted characters (mostly punctuation), split words (`con tinued`), merged words
//! (`ofthe`) and end-of-line hyphenation (`intro- duction`). Events never touch each other or
//! a line break, so the edit distance of the result is the sum of their costs and the
//! paragraphs stay as they were.

use crate::hash::SplitMix64;

/// A log-normal distribution of per-article CER, cut at `max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CerModel {
    /// Mean of ln(CER).
    pub log_mean: f64,
    /// Standard deviation of ln(CER).
    pub log_sd: f64,
    /// Highest CER drawn (a draw above it is drawn again, at most 16 times, then cut).
    pub max: f64,
}

/// Fitted to all 448 ICDAR pairs (CER mean 3.1%, median 2.0%, Q3 4.0%, max 15.5%): the fit
/// has median 1.95%, Q3 3.8% and, cut at 15.5%, mean 3.0%.
pub const CER_ICDAR: CerModel = CerModel {
    log_mean: -3.935,
    log_sd: 0.998,
    max: 0.155,
};

/// Fitted to the 164 English pairs (1841-1894; mean 4.5%, median 3.6%, max 14.6%).
pub const CER_ICDAR_ENGLISH: CerModel = CerModel {
    log_mean: -3.341,
    log_sd: 0.703,
    max: 0.146,
};

/// Fitted to the 284 French pairs (1870-1944; mean 2.2%, median 1.25%, max 15.5%).
pub const CER_ICDAR_FRENCH: CerModel = CerModel {
    log_mean: -4.279,
    log_sd: 0.981,
    max: 0.155,
};

impl CerModel {
    /// One article's CER.
    pub fn draw(&self, rng: &mut SplitMix64) -> f64 {
        for _ in 0..16 {
            // Box-Muller; 1 - unit() is in (0, 1], so the logarithm is finite.
            let r = (-2.0 * (1.0 - rng.unit()).ln()).sqrt();
            let z = r * (std::f64::consts::TAU * rng.unit()).cos();
            let c = (self.log_mean + self.log_sd * z).exp();
            if c <= self.max {
                return c;
            }
        }
        self.max
    }
}

/// The kinds of OCR error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// One character read as another (`e→o`).
    Confuse,
    /// Characters read as a different number of characters (`rn→m`, `h→li`).
    Multi,
    /// `fi`, `fl`, `ff` recognised as one ligature character.
    Ligature,
    /// A character dropped (mostly punctuation).
    Drop,
    /// A character inserted (mostly punctuation from specks).
    Insert,
    /// A space inside a word (`con tinued`).
    Split,
    /// A space between words lost (`ofthe`).
    Merge,
    /// A word broken at a line end and kept so (`intro- duction`).
    Hyphen,
}

impl Event {
    /// Edit distance one event adds.
    pub fn cost(self) -> usize {
        match self {
            Event::Multi | Event::Ligature | Event::Hyphen => 2,
            _ => 1,
        }
    }
}

/// Shares of the events (per event, not per cost unit), from the character alignment of the
/// English ICDAR pairs (3,401 single confusions, ~1,000 drops, ~300 inserts, ~130
/// multi-character confusions; splits and merges 0.1-0.45% of words; GS line-end hyphens 1% of
/// English words). Ligatures are not in the OCR side of ICDAR (only its gold standard keeps
/// them); they are here at a small share because other OCR engines emit them.
pub const EVENTS: [(Event, f64); 8] = [
    (Event::Confuse, 0.62),
    (Event::Multi, 0.05),
    (Event::Ligature, 0.02),
    (Event::Drop, 0.12),
    (Event::Insert, 0.06),
    (Event::Split, 0.03),
    (Event::Merge, 0.03),
    (Event::Hyphen, 0.07),
];

/// Confusions of one character, with weights (from the ICDAR counts, e.g. `e→o` 183, `s→a`
/// 149, `n→u` 149, `h→b` 110, `,→.` 241).
fn confusions(c: char) -> &'static [(char, u8)] {
    match c {
        'a' => &[('e', 3), ('o', 2), ('u', 2), ('n', 1), ('s', 1)],
        'b' => &[('h', 4), ('6', 1)],
        'c' => &[('e', 3), ('o', 3)],
        'd' => &[('l', 2), ('a', 1)],
        'e' => &[('o', 5), ('c', 3), ('a', 2), ('s', 1)],
        'f' => &[('t', 3), ('l', 2), ('ſ', 1)],
        'g' => &[('q', 2), ('y', 1)],
        'h' => &[('b', 6), ('n', 1)],
        'i' => &[('l', 3), ('I', 3), ('1', 2), ('t', 1)],
        'j' => &[('i', 1)],
        'k' => &[('h', 1), ('x', 1)],
        'l' => &[('i', 3), ('1', 3), ('I', 2), ('t', 2)],
        'm' => &[('n', 2), ('w', 1)],
        'n' => &[('u', 6), ('a', 1), ('o', 1)],
        'o' => &[('e', 4), ('0', 2), ('a', 1), ('c', 1)],
        'p' => &[('o', 1), ('n', 1)],
        'q' => &[('g', 1)],
        'r' => &[('i', 2), ('v', 1), ('t', 1)],
        's' => &[('a', 4), ('e', 2), ('ſ', 2), ('f', 1), ('t', 1)],
        't' => &[('l', 3), ('i', 2), ('f', 2)],
        'u' => &[('n', 4), ('a', 2)],
        'v' => &[('y', 1), ('r', 1)],
        'w' => &[('v', 1)],
        'x' => &[('z', 1)],
        'y' => &[('v', 3), ('j', 1)],
        'z' => &[('x', 1)],
        'A' => &[('4', 1), ('H', 1)],
        'B' => &[('E', 2), ('8', 2), ('R', 1)],
        'C' => &[('O', 2), ('G', 2)],
        'D' => &[('O', 1)],
        'E' => &[('B', 4), ('R', 2), ('F', 1), ('K', 1)],
        'F' => &[('P', 2), ('E', 1)],
        'G' => &[('C', 1), ('O', 1), ('6', 1)],
        'H' => &[('N', 1)],
        'I' => &[('1', 3), ('l', 3)],
        'M' => &[('N', 1)],
        'N' => &[('H', 1)],
        'O' => &[('0', 3), ('C', 1), ('Q', 1)],
        'P' => &[('F', 2), ('R', 1)],
        'R' => &[('B', 2), ('K', 1)],
        'S' => &[('8', 3), ('5', 1)],
        'T' => &[('I', 1)],
        'U' => &[('V', 1)],
        '0' => &[('O', 2), ('9', 1), ('o', 1)],
        '1' => &[('I', 3), ('l', 3)],
        '3' => &[('8', 1)],
        '5' => &[('6', 2), ('S', 1)],
        '6' => &[('G', 1), ('5', 1)],
        '8' => &[('3', 1), ('B', 1)],
        '9' => &[('0', 1)],
        ',' => &[('.', 5)],
        '.' => &[(',', 5)],
        ';' => &[(':', 2), (',', 1)],
        ':' => &[(';', 1)],
        '!' => &[('1', 2), ('l', 1)],
        '\'' => &[(',', 1), ('`', 1)],
        '"' => &[('\'', 1)],
        _ => &[],
    }
}

/// Multi-character confusions: (read, written as), all of edit cost 2.
const MULTI: &[(&str, &str)] = &[
    ("h", "li"),
    ("rn", "m"),
    ("m", "rn"),
    ("m", "in"),
    ("in", "m"),
    ("d", "cl"),
    ("cl", "d"),
    ("u", "ii"),
    ("n", "ii"),
    ("w", "vv"),
];

const LIGATURES: &[(&str, char)] = &[("fi", 'ﬁ'), ("fl", 'ﬂ'), ("ff", 'ﬀ')];

/// Characters inserted, with weights (ICDAR: `.` 268, `,` 196, `-` 145, `'` 104, `i` 44,
/// `s` 39).
const INSERTS: &[(char, u8)] = &[('.', 6), (',', 4), ('-', 3), ('\'', 2), ('i', 1), ('s', 1)];

fn weighted<T: Copy>(items: &[(T, u8)], rng: &mut SplitMix64) -> T {
    let total: u64 = items.iter().map(|&(_, w)| u64::from(w)).sum();
    let mut x = rng.below(total);
    for &(t, w) in items {
        if x < u64::from(w) {
            return t;
        }
        x -= u64::from(w);
    }
    items[items.len() - 1].0
}

fn draw_event(rng: &mut SplitMix64) -> Event {
    let mut x = rng.unit();
    for &(e, w) in &EVENTS {
        if x < w {
            return e;
        }
        x -= w;
    }
    Event::Confuse
}

/// One planned event: at char index `at` of the clean text, replace `len` chars by `with`.
struct Edit {
    at: usize,
    len: usize,
    with: String,
}

/// The text with OCR noise of character error rate `cer` (edit distance ÷ chars of `text`).
/// Line breaks are never touched, nor are characters next to an earlier event, so the edit
/// distance is the sum of the event costs: `round(cer × chars)`, less when the text has too
/// few places left for the events (very high rates on very short texts).
pub fn noise(text: &str, cer: f64, rng: &mut SplitMix64) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let budget = (cer * n as f64).round() as usize;
    if budget == 0 || n < 4 {
        return text.to_string();
    }
    // A char is free until an event takes it or a neighbour; line breaks are never free.
    let mut free: Vec<bool> = chars.iter().map(|&c| c != '\n').collect();
    let mut edits: Vec<Edit> = Vec::with_capacity(budget);
    let mut spent = 0;
    let mut misses = 0;
    while spent < budget && misses < 64 {
        let mut ev = draw_event(rng);
        if ev.cost() > budget - spent {
            ev = Event::Confuse;
        }
        match place(ev, &chars, &free, rng).or_else(|| place(Event::Confuse, &chars, &free, rng)) {
            Some(e) => {
                let lo = e.at.saturating_sub(1);
                let hi = (e.at + e.len.max(1) + 1).min(n);
                free[lo..hi].iter_mut().for_each(|f| *f = false);
                spent += cost(&e);
                edits.push(e);
            }
            None => misses += 1,
        }
    }
    edits.sort_unstable_by_key(|e| e.at);
    let mut out = String::with_capacity(text.len() + edits.len() * 2);
    let mut i = 0;
    for e in edits {
        out.extend(&chars[i..e.at]);
        out.push_str(&e.with);
        i = e.at + e.len;
    }
    out.extend(&chars[i..]);
    out
}

/// Edit distance of one placed edit: the span and its replacement share no character at
/// the same place (a confusion never maps a character to itself, an insertion replaces
/// nothing).
fn cost(e: &Edit) -> usize {
    let new = e.with.chars().count();
    if e.len == 0 {
        new
    } else {
        e.len.max(new)
    }
}

/// A random free place for `ev` in `chars`, and the edit it makes; `None` when none is found
/// in a few tries.
fn place(ev: Event, chars: &[char], free: &[bool], rng: &mut SplitMix64) -> Option<Edit> {
    let n = chars.len();
    let ok = |i: usize, len: usize| i + len <= n && free[i..i + len].iter().all(|&f| f);
    let letter = |i: usize| i < n && chars[i].is_alphabetic();
    for _ in 0..24 {
        let i = rng.below(n as u64) as usize;
        match ev {
            Event::Confuse => {
                let opts = confusions(chars[i]);
                if ok(i, 1) && !opts.is_empty() {
                    let c = weighted(opts, rng);
                    return Some(Edit {
                        at: i,
                        len: 1,
                        with: c.to_string(),
                    });
                }
            }
            Event::Multi => {
                let (from, to) = MULTI[rng.below(MULTI.len() as u64) as usize];
                // Look for the pattern at or just after i.
                let flen = from.chars().count();
                let found = (i..(i + 40).min(n)).find(|&j| {
                    ok(j, flen) && chars[j..j + flen].iter().copied().eq(from.chars()) && letter(j)
                });
                if let Some(j) = found {
                    return Some(Edit {
                        at: j,
                        len: flen,
                        with: to.to_string(),
                    });
                }
            }
            Event::Ligature => {
                let (from, to) = LIGATURES[rng.below(LIGATURES.len() as u64) as usize];
                let found = (i..(i + 80).min(n))
                    .find(|&j| ok(j, 2) && chars[j..j + 2].iter().copied().eq(from.chars()));
                if let Some(j) = found {
                    return Some(Edit {
                        at: j,
                        len: 2,
                        with: to.to_string(),
                    });
                }
            }
            Event::Drop => {
                // Punctuation first (ICDAR: hyphens, full stops, commas), else an `s` or `e`.
                let punct = rng.unit() < 0.6;
                let found = (i..(i + 60).min(n)).find(|&j| {
                    ok(j, 1)
                        && if punct {
                            matches!(chars[j], '-' | '.' | ',' | '\'' | ';' | ':')
                        } else {
                            matches!(chars[j], 's' | 'e' | 't')
                                && letter(j.wrapping_sub(1))
                                && letter(j + 1)
                        }
                });
                if let Some(j) = found {
                    return Some(Edit {
                        at: j,
                        len: 1,
                        with: String::new(),
                    });
                }
            }
            Event::Insert => {
                // Before a free char that is not at a paragraph's start.
                if ok(i, 1) && i > 0 && chars[i - 1] != '\n' {
                    return Some(Edit {
                        at: i,
                        len: 0,
                        with: weighted(INSERTS, rng).to_string(),
                    });
                }
            }
            Event::Split => {
                // Before letter i, with two letters on either side of the new space.
                if ok(i, 1) && i >= 2 && (i - 2..i + 2).all(letter) {
                    return Some(Edit {
                        at: i,
                        len: 0,
                        with: " ".to_string(),
                    });
                }
            }
            Event::Merge => {
                let found = (i..(i + 40).min(n)).find(|&j| {
                    ok(j, 1) && chars[j] == ' ' && j > 0 && !chars[j - 1].is_whitespace()
                });
                if let Some(j) = found {
                    if j + 1 < n && !chars[j + 1].is_whitespace() {
                        return Some(Edit {
                            at: j,
                            len: 1,
                            with: String::new(),
                        });
                    }
                }
            }
            Event::Hyphen => {
                // Before letter i, with three letters on either side of the break.
                if ok(i, 1) && i >= 3 && (i - 3..i + 3).all(letter) {
                    return Some(Edit {
                        at: i,
                        len: 0,
                        with: "- ".to_string(),
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Levenshtein distance over chars (the oracle of the CER).
    pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        let mut cur = vec![0; b.len() + 1];
        for i in 1..=a.len() {
            cur[0] = i;
            for j in 1..=b.len() {
                cur[j] = (prev[j] + 1)
                    .min(cur[j - 1] + 1)
                    .min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[b.len()]
    }

    const TEXT: &str = "The minister said on Monday that the government would introduce the bill in the autumn, after a consultation with the opposition and with industry.\nOfficials confirmed the figures, which showed a rise of 4.5 percent in the first quarter; the office declined to comment further on the difficult financial situation.";

    #[test]
    fn measured_cer_is_the_target() {
        let n = TEXT.chars().count();
        for (seed, cer) in [
            (1, 0.004),
            (2, 0.02),
            (3, 0.031),
            (4, 0.06),
            (5, 0.1),
            (6, 0.155),
        ] {
            let mut rng = SplitMix64(seed);
            let out = noise(TEXT, cer, &mut rng);
            let d = edit_distance(TEXT, &out);
            let want = (cer * n as f64).round() as usize;
            assert_eq!(d, want, "cer {cer}: {out}");
            assert_eq!(out.matches('\n').count(), 1, "{out}");
        }
    }

    #[test]
    fn noise_is_deterministic() {
        let a = noise(TEXT, 0.05, &mut SplitMix64(9));
        assert_eq!(a, noise(TEXT, 0.05, &mut SplitMix64(9)));
        assert_ne!(a, noise(TEXT, 0.05, &mut SplitMix64(10)));
        assert_eq!(noise(TEXT, 0.0, &mut SplitMix64(9)), TEXT);
    }

    #[test]
    fn every_event_kind_occurs_and_keeps_its_cost() {
        // Many draws at a high rate: splits, merges, hyphens and confusions all show up.
        let mut rng = SplitMix64(3);
        let mut all = String::new();
        for _ in 0..200 {
            all.push_str(&noise(TEXT, 0.08, &mut rng));
            all.push('\n');
        }
        assert!(all.contains("- "), "no hyphenation");
        assert!(
            all.contains('ﬁ') || all.contains('ﬂ') || all.contains('ﬀ'),
            "no ligature"
        );
        for merged in ["ofthe", "inthe", "theautumn", "thebill", "thegovernment"] {
            if all.contains(merged) {
                return;
            }
        }
        panic!("no merged words");
    }

    #[test]
    fn cer_draws_follow_the_fit() {
        let mut rng = SplitMix64(1);
        let mut v: Vec<f64> = (0..20_000).map(|_| CER_ICDAR.draw(&mut rng)).collect();
        v.sort_by(f64::total_cmp);
        let q = |f: f64| v[(f * (v.len() - 1) as f64) as usize];
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!((0.018..0.022).contains(&q(0.5)), "median {}", q(0.5));
        assert!((0.035..0.042).contains(&q(0.75)), "Q3 {}", q(0.75));
        assert!((0.027..0.033).contains(&mean), "mean {mean}");
        assert!(v[v.len() - 1] <= 0.155);
    }
}
