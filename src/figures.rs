//! Figures: two reports written from one form are not one story.
//!
//! A wire service files the same report every day, week or month (a money-market forecast,
//! the week's money supply or grain inspections, a crop estimate) and the same report for
//! every issuer (a convertible bond, a warrant bond, a debt filing): fixed sentences around
//! other figures, dates and names. Two such reports share most of their words, often whole
//! sentences verbatim, and pass the passage rule; a reader says they are two reports.
//! What a reader sees is the figures: where the two print the same words, they print other
//! numbers between them. A reprint, a trimmed copy or a write-through prints the story's
//! figures as the story has them; a write-through may update one (a toll, a price) and a
//! correction fixes one, but keeps the rest.
//!
//! So each figure of an article (a run of tokens that start with a digit, joined by single
//! punctuation characters: `5,000`, `1-1/2`, `2:37`) is taken with its *place*: the two
//! tokens before it and the two after it. A figure of the shorter article's body whose place
//! is found in the other article *agrees* when the other prints the same figure there, and
//! *differs* when it prints only other figures there. A pair is **of one form**
//! ([`of_one_form`]) when at least [`MIN_DIFFERING`] figures differ and more differ than
//! agree.
//!
//! This reads the digits as printed, so it is asked only of pairs with no side read as noisy
//! (OCR misreads digits as it misreads letters), and only of verdicts taken from the text:
//! a pair its shingle sets settle is nearly word for word one text.

use crate::normalize::Token;
use crate::shingle::Paragraph;

/// Differing figures from which a pair can be of one form. One differing figure is a
/// write-through's update or a correction, and a place of two words on each side can meet
/// another figure by chance.
pub const MIN_DIFFERING: usize = 2;

/// Tokens on each side of a figure that make its place.
const PLACE_TOKENS: usize = 2;

/// What a figure among the tokens of a place hashes as.
const ANY_FIGURE: u64 = 0x5851_F42D_4C95_7F2D;

/// One figure of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Figure {
    /// Hash of the tokens around it ([`PLACE_TOKENS`] on each side).
    place: u64,
    /// Its digits.
    value: Digits,
    /// Whether it stands in a body paragraph.
    body: bool,
}

/// The digits of a figure, four bits each, the last [`Digits::MAX`] of them (separators
/// dropped: `5,000` and `5000` are one figure), and how many there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Digits {
    nibbles: u64,
    len: u32,
}

impl Digits {
    /// Digits kept of a longer figure.
    const MAX: u32 = 16;

    fn of(tokens: &[Token], bytes: &[u8]) -> Digits {
        let mut d = Digits { nibbles: 0, len: 0 };
        for t in tokens {
            for &b in &bytes[t.start as usize..t.end as usize] {
                // A token that starts with a digit may go on with letters ("2nd", "10am").
                let v = if b.is_ascii_digit() { b - b'0' } else { 10 };
                d.nibbles = (d.nibbles << 4) | u64::from(v);
                d.len += 1;
            }
        }
        d.len = d.len.min(Self::MAX);
        d
    }

    /// Whether `other` is this figure with one character read as another, as OCR misreads
    /// a digit (`1840` and `1849`): such a pair of figures neither agrees nor differs.
    fn one_misread_from(&self, other: &Digits) -> bool {
        let x = self.nibbles ^ other.nibbles;
        self.len == other.len && (0..16).filter(|k| (x >> (4 * k)) & 0xF != 0).count() == 1
    }
}

/// An article's figures with their places, sorted by place.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    figures: Vec<Figure>,
}

impl Figures {
    /// Collects the figures of `text`, whose tokens are `tokens` and paragraphs `paragraphs`
    /// (as stage 1 made them); `body[p]` says whether paragraph `p` is story body. A figure
    /// needs the tokens of its place on each side in the article.
    pub fn fill(&mut self, text: &str, tokens: &[Token], paragraphs: &[Paragraph], body: &[bool]) {
        self.figures.clear();
        let bytes = text.as_bytes();
        let digit = |t: &Token| bytes.get(t.start as usize).is_some_and(u8::is_ascii_digit);
        for (p, para) in paragraphs.iter().enumerate() {
            let (lo, hi) = (para.first_token as usize, para.end_token as usize);
            let mut i = lo;
            while i < hi {
                if !digit(&tokens[i]) {
                    i += 1;
                    continue;
                }
                // The run: digits joined by one punctuation byte ("5,000", "1-1/2", "2:37").
                let mut j = i + 1;
                while j < hi
                    && digit(&tokens[j])
                    && tokens[j].start == tokens[j - 1].end + 1
                    && !bytes[tokens[j - 1].end as usize].is_ascii_whitespace()
                {
                    j += 1;
                }
                if i >= PLACE_TOKENS && j + PLACE_TOKENS <= tokens.len() {
                    // A figure among the words around stands as any figure: "from 0.50 to
                    // 0.64" and "from 0.64 to 0.71" put their first figures in one place.
                    let mut around = [0u64; 2 * PLACE_TOKENS];
                    let side = tokens[i - PLACE_TOKENS..i]
                        .iter()
                        .chain(&tokens[j..j + PLACE_TOKENS]);
                    for (h, t) in around.iter_mut().zip(side) {
                        *h = if digit(t) { ANY_FIGURE } else { t.hash };
                    }
                    let value = Digits::of(&tokens[i..j], bytes);
                    self.figures.push(Figure {
                        place: crate::hash::sequence(&around),
                        value,
                        body: body.get(p).copied().unwrap_or(false),
                    });
                }
                i = j;
            }
        }
        self.figures.sort_unstable();
    }

    /// Figures of this article's body that `other` prints the same at their place, and that
    /// it prints only otherwise there.
    pub fn against(&self, other: &Figures) -> (usize, usize) {
        let (mut agree, mut differ) = (0, 0);
        for f in self.figures.iter().filter(|f| f.body) {
            let lo = other.figures.partition_point(|g| g.place < f.place);
            let there = other.figures[lo..]
                .iter()
                .take_while(|g| g.place == f.place);
            let (mut any, mut same, mut misread) = (false, false, false);
            for g in there {
                any = true;
                same |= g.value == f.value;
                misread |= g.value.one_misread_from(&f.value);
            }
            if same {
                agree += 1;
            } else if any && !misread {
                differ += 1;
            }
        }
        (agree, differ)
    }
}

/// Whether `short` (the shorter body's figures) and `long` are two reports of one form: at
/// least [`MIN_DIFFERING`] figures of the shorter body differ from what the other prints in
/// the same place, and more differ than agree (the module docs).
pub fn of_one_form(short: &Figures, long: &Figures) -> bool {
    let (agree, differ) = short.against(long);
    differ >= MIN_DIFFERING && differ > agree
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::{analyze, Scratch};

    fn figures(text: &str) -> Figures {
        let mut s = Scratch::default();
        let a = analyze(text, 5, &mut s);
        let body = vec![true; a.paragraphs.len()];
        let mut f = Figures::default();
        f.fill(text, &s.tokens, &a.paragraphs, &body);
        f
    }

    /// Two daily forecasts of one (made-up) central bank, from one form: the fixed sentences
    /// around other figures.
    const MONDAY: &str = "The Bank of Northland said it forecast a shortage of around \
        700 mln crowns in the money market today.\n\nAmong the main factors, maturing \
        assistance and bill repurchases will drain 410 mln crowns, while a rise in notes in \
        circulation takes out some 120 mln.\n\nBanks' balances below target will take out a \
        further 95 mln crowns, the bank said.";
    const THURSDAY: &str = "The Bank of Northland said it forecast a shortage of around \
        350 mln crowns in the money market today.\n\nAmong the main factors, maturing \
        assistance and bill repurchases will drain 180 mln crowns, while a rise in notes in \
        circulation takes out some 60 mln.\n\nBanks' balances below target will take out a \
        further 40 mln crowns, the bank said.";

    #[test]
    fn two_forecasts_from_one_form_differ_in_their_figures() {
        let (m, t) = (figures(MONDAY), figures(THURSDAY));
        assert_eq!(m.against(&t), (0, 4));
        assert!(of_one_form(&m, &t) && of_one_form(&t, &m));
        // A resend of the same forecast agrees.
        assert_eq!(m.against(&figures(MONDAY)), (4, 0));
        assert!(!of_one_form(&m, &figures(MONDAY)));
    }

    #[test]
    fn a_write_through_that_updates_one_figure_is_not_of_one_form() {
        let updated = MONDAY.replace("410 mln", "520 mln");
        let (m, u) = (figures(MONDAY), figures(&updated));
        assert_eq!(m.against(&u), (3, 1));
        assert!(!of_one_form(&m, &u));
        // Two updates among four figures: as many differ as agree, still one story.
        let twice = updated.replace("95 mln", "70 mln");
        assert_eq!(m.against(&figures(&twice)), (2, 2));
        assert!(!of_one_form(&m, &figures(&twice)));
    }

    #[test]
    fn a_digit_misread_as_another_neither_agrees_nor_differs() {
        // As OCR reads a scan: one digit of a figure read as another, or as a letter.
        let scanned = MONDAY
            .replace("700 mln", "709 mln")
            .replace("410 mln", "41O mln")
            .replace("120 mln", "126 mln");
        let (m, s) = (figures(MONDAY), figures(&scanned));
        assert_eq!(m.against(&s), (1, 0));
        assert!(!of_one_form(&m, &s) && !of_one_form(&s, &m));
        // Two digits changed is another figure.
        let other = MONDAY
            .replace("700 mln", "350 mln")
            .replace("410 mln", "180 mln");
        assert_eq!(m.against(&figures(&other)), (2, 2));
    }

    #[test]
    fn a_figure_is_its_whole_run_of_digits_and_its_place_the_words_around_it() {
        let a = figures("The selling concession is 1-1/2 pct while management pays 3/4 pct of it.");
        let b = figures("The selling concession is 1-3/8 pct while management pays 3/4 pct of it.");
        // "1-1/2" and "1-3/8" are one figure each, at one place; "3/4" agrees.
        assert_eq!(a.against(&b), (1, 1));
        // "April 23, 1992": two figures (a space between them), each with its own place, in
        // which a figure among the words around stands as any figure: 23 and 30 differ,
        // 1992 agrees.
        let c = figures("The bond is due April 23, 1992 and pays at par.");
        let d = figures("The bond is due April 30, 1992 and pays at par.");
        assert_eq!(c.figures.len(), 2);
        assert_eq!(c.against(&d), (1, 1));
        // A figure whose place the other article does not print is not compared.
        let e = figures("Shares rose 12 pct on Monday after the company said profits doubled.");
        assert_eq!(e.against(&d), (0, 0));
    }

    #[test]
    fn only_body_figures_are_weighed() {
        let mut s = Scratch::default();
        let a = analyze(MONDAY, 5, &mut s);
        let mut f = Figures::default();
        f.fill(
            MONDAY,
            &s.tokens,
            &a.paragraphs,
            &vec![false; a.paragraphs.len()],
        );
        assert_eq!(f.against(&figures(THURSDAY)), (0, 0));
        // The other side's figures count wherever they stand.
        assert_eq!(figures(THURSDAY).against(&f), (0, 4));
    }
}
