//! Text helpers for the generator: sentence splitting, paragraphing, copy-desk edits (word
//! substitutions, typos, headlines) and ISO dates. All randomness comes from the caller's
//! [`SplitMix64`].

use crate::hash::SplitMix64;

/// Words that end with a full stop without ending a sentence ("Sen.", "U.S.").
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "jr", "sr",
    "prof", "rev", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "no", "inc", "corp", "co",
    "ltd", "vs", "etc", "mt", "ft", "u.s", "u.k", "u.n", "a.m", "p.m", "capt", "cmdr", "adm",
    "maj", "supt", "gens", "reps", "sens", "messrs",
];

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .trim_end_matches('.')
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(['"', '\'', '(', '“', '‘'])
        .to_ascii_lowercase();
    (word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
        || ABBREVIATIONS.contains(&word.as_str())
}

fn starts_sentence(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'(“‘".contains(c))
}

/// Splits a paragraph into sentences (trimmed subslices): a sentence ends at `.`, `!` or `?`
/// (with any closing quotes or brackets) followed by whitespace and a capital, digit or
/// opening quote, unless the word before the full stop is an abbreviation or an initial.
/// Same rules as `data/make_base.py`.
pub fn sentences(p: &str) -> Vec<&str> {
    let b = p.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if !matches!(b[i], b'.' | b'!' | b'?') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            if j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']') {
                j += 1;
            } else if p[j..].starts_with('”') || p[j..].starts_with('’') {
                j += '”'.len_utf8();
            } else {
                break;
            }
        }
        let end = j;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j > end
            && j < b.len()
            && starts_sentence(&p[j..])
            && !(b[i] == b'.' && is_abbreviation(&p[start..=i]))
        {
            let s = p[start..end].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = j;
        }
        i = j.max(i + 1);
    }
    let tail = p[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

/// Words in `s` (whitespace-separated).
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Paragraphs of a base text: blocks separated by blank lines (lines inside a block joined
/// with a space); with no blank line, one paragraph per line when there are several lines;
/// otherwise sentences grouped 1-3 to a paragraph, the group sizes drawn from `rng`.
pub fn paragraphs(text: &str, rng: &mut SplitMix64) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let blank =
        lines.iter().any(|l| l.is_empty()) && lines.iter().filter(|l| !l.is_empty()).count() > 1;
    if blank {
        return lines
            .split(|l| l.is_empty())
            .filter(|b| !b.is_empty())
            .map(|b| collapse(&b.join(" ")))
            .collect();
    }
    let nonempty: Vec<&str> = lines.into_iter().filter(|l| !l.is_empty()).collect();
    if nonempty.len() > 1 {
        return nonempty.into_iter().map(collapse).collect();
    }
    let one = collapse(nonempty.first().copied().unwrap_or(""));
    if one.is_empty() {
        return Vec::new();
    }
    let sents = sentences(&one);
    let mut out = Vec::new();
    let mut i = 0;
    while i < sents.len() {
        let n = [1, 2, 2, 3][rng.below(4) as usize].min(sents.len() - i);
        out.push(sents[i..i + n].join(" "));
        i += n;
    }
    out
}

/// Whitespace runs folded into one space, ends trimmed.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// House-style and synonym substitutions a copy desk makes (both directions apply).
const SUBSTITUTIONS: &[(&str, &str)] = &[
    ("percent", "per cent"),
    ("said", "says"),
    ("toward", "towards"),
    ("among", "amongst"),
    ("program", "programme"),
    ("center", "centre"),
    ("defense", "defence"),
    ("organization", "organisation"),
    ("labor", "labour"),
    ("nearly", "almost"),
    ("government", "administration"),
    ("children", "youngsters"),
    ("big", "large"),
    ("buildings", "premises"),
    ("nearby", "neighbouring"),
];

/// The ASCII-letter core of a token ("said," → (0, 4)), or `None`.
fn core(tok: &str) -> Option<(usize, usize)> {
    let s = tok.find(|c: char| c.is_ascii_alphabetic())?;
    let e = tok.rfind(|c: char| c.is_ascii_alphabetic())? + 1;
    tok[s..e]
        .bytes()
        .all(|c| c.is_ascii_alphabetic())
        .then_some((s, e))
}

fn match_case(from: &str, to: &str) -> String {
    if from.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut c = to.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    } else {
        to.to_string()
    }
}

/// One or two word edits in `p`: a house-style substitution when the paragraph has a word
/// from the table, otherwise a typo (two letters transposed, a letter doubled or dropped).
/// Returns `None` when nothing could be edited.
pub fn word_edits(p: &str, edits: usize, rng: &mut SplitMix64) -> Option<String> {
    let mut toks: Vec<String> = p.split(' ').map(str::to_string).collect();
    let mut changed = false;
    let mut touched: Vec<usize> = Vec::new();
    for _ in 0..edits {
        let subs: Vec<(usize, &str)> = toks
            .iter()
            .enumerate()
            .filter(|(i, _)| !touched.contains(i))
            .filter_map(|(i, t)| {
                let (s, e) = core(t)?;
                let w = t[s..e].to_ascii_lowercase();
                SUBSTITUTIONS
                    .iter()
                    .find_map(|&(a, b)| (w == a).then_some((i, b)).or((w == b).then_some((i, a))))
            })
            .collect();
        if !subs.is_empty() && rng.unit() < 0.6 {
            let (i, to) = subs[rng.below(subs.len() as u64) as usize];
            let (s, e) = core(&toks[i]).unwrap_or((0, 0));
            let new = format!(
                "{}{}{}",
                &toks[i][..s],
                match_case(&toks[i][s..e], to),
                &toks[i][e..]
            );
            toks[i] = new;
            touched.push(i);
            changed = true;
            continue;
        }
        let cands: Vec<usize> = toks
            .iter()
            .enumerate()
            .filter(|(i, t)| !touched.contains(i) && core(t).is_some_and(|(s, e)| e - s >= 5))
            .map(|(i, _)| i)
            .collect();
        if cands.is_empty() {
            continue;
        }
        let i = cands[rng.below(cands.len() as u64) as usize];
        let (s, e) = core(&toks[i]).unwrap_or((0, 0));
        let mut w: Vec<u8> = toks[i].as_bytes()[s..e].to_vec();
        // Interior position, so the first and last letters stay (typos rarely hit them).
        let k = 1 + rng.below((w.len() - 2) as u64) as usize;
        match rng.below(3) {
            0 if w[k] != w[k + 1] => w.swap(k, k + 1),
            1 => w.insert(k, w[k]),
            _ => {
                w.remove(k);
            }
        }
        let w = String::from_utf8(w).unwrap_or_default();
        toks[i] = format!("{}{}{}", &toks[i][..s], w, &toks[i][e..]);
        touched.push(i);
        changed = true;
    }
    changed.then(|| toks.join(" "))
}

/// A headline made from a sentence: the sentence itself when it has at most 12 words, else its
/// first clause (up to a comma) when that has 5-12 words, else its first 10 words. Trailing
/// punctuation is dropped.
pub fn headline_from(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let pick = if words.len() <= 12 {
        words.join(" ")
    } else {
        let clause = sentence.split(", ").next().unwrap_or(sentence);
        let n = word_count(clause);
        if (5..=12).contains(&n) {
            clause.to_string()
        } else {
            words[..10].join(" ")
        }
    };
    pick.trim_end_matches(['.', ',', ';', ':', '!', '?', ' ', '"', '”'])
        .to_string()
}

const TITLE_PREFIXES: &[&str] = &[
    "UPDATE: ",
    "World news: ",
    "Latest: ",
    "REPORT: ",
    "What we know: ",
];

/// A copy desk's new headline for a wire story: a prefix, a shortened title, Title Case, or a
/// headline written from the lead sentence. Always differs from `title` unless every way
/// gives the same text.
pub fn retitle(title: &str, lead_sentence: &str, rng: &mut SplitMix64) -> String {
    for _ in 0..4 {
        let t = match rng.below(4) {
            0 => format!(
                "{}{}",
                TITLE_PREFIXES[rng.below(TITLE_PREFIXES.len() as u64) as usize],
                title
            ),
            1 => {
                let cut = [": ", " - ", " — ", ", "]
                    .iter()
                    .filter_map(|d| title.find(d))
                    .min();
                match cut {
                    Some(c) if word_count(&title[..c]) >= 3 => title[..c].to_string(),
                    _ => {
                        let w: Vec<&str> = title.split_whitespace().collect();
                        if w.len() > 7 {
                            w[..6].join(" ")
                        } else {
                            continue;
                        }
                    }
                }
            }
            2 => title
                .split(' ')
                .map(|w| {
                    if w.len() >= 4 && w.starts_with(|c: char| c.is_ascii_lowercase()) {
                        match_case("X", w)
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
            _ => headline_from(lead_sentence),
        };
        if t != title && !t.is_empty() {
            return t;
        }
    }
    format!("{}{}", TITLE_PREFIXES[0], title)
}

/// Days since 1970-01-01 of 2024-03-01, the first day of every synthetic feed.
pub const START_DAY: i64 = 19_783;

/// (year, month, day) of a day number (days since 1970-01-01), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// ISO 8601 UTC timestamp of `minute` minutes after the feed's start (2024-03-01T00:00:00Z).
pub fn iso_date(minute: u64) -> String {
    let (y, m, d) = civil(START_DAY + (minute / 1440) as i64);
    let mm = minute % 1440;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z", mm / 60, mm % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_skip_abbreviations_and_keep_quotes() {
        let p = "Sen. Elizabeth Warren spoke. \"It is hard,\" she said. The U.S. Senate voted 51-50! Then J. Smith left.";
        assert_eq!(
            sentences(p),
            vec![
                "Sen. Elizabeth Warren spoke.",
                "\"It is hard,\" she said.",
                "The U.S. Senate voted 51-50!",
                "Then J. Smith left."
            ]
        );
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(START_DAY), (2024, 3, 1));
        assert_eq!(iso_date(0), "2024-03-01T00:00:00Z");
        assert_eq!(iso_date(31 * 1440 + 14 * 60 + 20), "2024-04-01T14:20:00Z");
        assert_eq!(civil(START_DAY - 1), (2024, 2, 29));
    }

    #[test]
    fn paragraph_layouts() {
        let mut r = SplitMix64(1);
        assert_eq!(paragraphs("A b.\n\nC\nd.\n", &mut r), vec!["A b.", "C d."]);
        assert_eq!(paragraphs("One.\nTwo.", &mut r), vec!["One.", "Two."]);
        let p = paragraphs("A a. B b. C c. D d. E e. F f. G g.", &mut r);
        assert_eq!(p.join(" "), "A a. B b. C c. D d. E e. F f. G g.");
        assert!(p.iter().all(|x| (1..=3).contains(&sentences(x).len())));
    }
}
