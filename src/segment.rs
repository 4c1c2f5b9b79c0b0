//! Paragraph segmentation with byte spans.
//!
//! News text arrives in two layouts, often in one article (the MENAFN seed has both):
//! - one paragraph per line, with or without blank lines between paragraphs;
//! - hard-wrapped paragraphs (lines broken at ~70 columns) separated by blank lines or by an
//!   indented first line (Reuters-21578).
//!
//! A line ends at `\n`, `\r\n`, a bare `\r`, U+2028 (line separator) or U+2029 (paragraph
//! separator, which also ends the paragraph, as a blank line does). A *block* is a run of
//! non-blank lines. A block is hard-wrapped when it has two or more lines, every line but the
//! last is at most [`WRAP_MAX_CHARS`] characters, the last is no longer than the others, most
//! lines but the last end mid-sentence (short one-line paragraphs end theirs with a full
//! stop), and no line repeats another; otherwise each line is a paragraph. A headline line
//! above a longer first paragraph is therefore not joined to it. Inside a hard-wrapped block
//! a new paragraph starts at an indented line, at a list item (`- `, `* `, `• `, `1. `), or
//! after a line that ends a sentence (`.`, `!`, `?`, `:`, closing quote) while stopping short
//! of the block's width, the way a wrapped paragraph's last line does.
//!
//! A paragraph's span is trimmed: it never starts or ends with a line terminator or other
//! whitespace. Spans are byte offsets into the original text, on character boundaries, in
//! text order, and never overlap.

/// A paragraph: byte range `start..end` of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Lines longer than this (in characters) are not hard-wrapped text.
pub const WRAP_MAX_CHARS: usize = 100;

#[derive(Clone, Copy, Debug)]
struct Line {
    /// Trimmed content span.
    start: usize,
    end: usize,
    indented: bool,
    /// Characters of the untrimmed line (`content`), counted only for blocks of two or more
    /// lines, the only ones whose layout is weighed: most feeds put one paragraph per line.
    chars: usize,
    content: (usize, usize),
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// One line of the text: bytes `start..content_end` are its content, `content_end..end` its
/// terminator; `para_sep` says the terminator is U+2029, which also ends the paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    start: usize,
    content_end: usize,
    end: usize,
    para_sep: bool,
}

/// Calls `f` on each line of `text`, in order. A line is ended by `\n`, `\r\n`, a bare `\r`
/// (old Mac files, some CMS exports), `\r\r\n` (a CRLF converted twice: one break, not a
/// blank line), U+2028 or U+2029, or by the end of the text. The breaks are found with one
/// memchr iterator (a search per line was a tenth of segmenting); `0xE2` starts both
/// separators but also curly quotes and dashes, so it is looked for only in a text that
/// holds a separator.
fn for_each_piece(text: &str, f: impl FnMut(Piece)) {
    let b = text.as_bytes();
    // Most texts hold neither separator; searching for both once (memmem picks a rare byte
    // to look for) is cheaper than stopping at every curly quote.
    static SEPARATORS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
        std::sync::LazyLock::new(|| {
            [
                memchr::memmem::Finder::new("\u{2028}"),
                memchr::memmem::Finder::new("\u{2029}"),
            ]
        });
    if SEPARATORS.iter().any(|s| s.find(b).is_some()) {
        pieces_at(text, memchr::memchr3_iter(b'\n', b'\r', 0xE2, b), f);
    } else {
        pieces_at(text, memchr::memchr2_iter(b'\n', b'\r', b), f);
    }
}

/// [`for_each_piece`] given the positions of every byte that may start a line break.
fn pieces_at(text: &str, breaks: impl Iterator<Item = usize>, mut f: impl FnMut(Piece)) {
    let b = text.as_bytes();
    let mut start = 0;
    for p in breaks {
        if p < start {
            continue; // the `\n` of a `\r\n` already taken
        }
        let (end, para_sep) = match b[p] {
            b'\n' => (p + 1, false),
            b'\r' if b.get(p + 1) == Some(&b'\n') => (p + 2, false),
            b'\r' if b.get(p + 1..p + 3) == Some(b"\r\n") => (p + 3, false),
            b'\r' => (p + 1, false),
            _ => match b.get(p + 1..p + 3) {
                Some([0x80, 0xA8]) => (p + 3, false),
                Some([0x80, 0xA9]) => (p + 3, true),
                _ => continue,
            },
        };
        f(Piece {
            start,
            content_end: p,
            end,
            para_sep,
        });
        start = end;
    }
    if start < b.len() {
        f(Piece {
            start,
            content_end: b.len(),
            end: b.len(),
            para_sep: false,
        });
    }
}

fn lines(text: &str) -> Vec<Option<Line>> {
    // Room for lines of news-paragraph length without growing.
    let mut out = Vec::with_capacity(text.len() / 128 + 4);
    for_each_piece(text, |piece| {
        let pos = piece.start;
        let content = &text[pos..piece.content_end];
        let lead = content.len() - content.trim_start_matches(is_space).len();
        let trimmed = content.trim_matches(is_space);
        if trimmed.is_empty() {
            out.push(None);
        } else {
            out.push(Some(Line {
                start: pos + lead,
                end: pos + lead + trimmed.len(),
                indented: lead > 0 && !content.starts_with('\u{feff}'),
                chars: 0,
                content: (pos, piece.content_end),
            }));
            // A paragraph separator ends the paragraph as a blank line would.
            if piece.para_sep {
                out.push(None);
            }
        }
    });
    out
}

fn starts_list_item(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some('-' | '*' | '•' | '·' | '–') => chars.next().is_some_and(char::is_whitespace),
        Some(c) if c.is_ascii_digit() => {
            let rest = s.trim_start_matches(|c: char| c.is_ascii_digit());
            (rest.starts_with(". ") || rest.starts_with(") ")) && s.len() - rest.len() <= 3
        }
        _ => false,
    }
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | ':' | '"' | '”' | '’' | '»' | ')'))
}

/// Splits `text` into paragraphs.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let lines = lines(text);
    let mut out = Vec::with_capacity(lines.len());
    // One buffer for every block: most feeds make each line its own block.
    let mut block: Vec<Line> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].is_none() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < lines.len() && lines[j].is_some() {
            j += 1;
        }
        block.clear();
        block.extend(lines[i..j].iter().map(|l| l.expect("non-blank")));
        if block.len() >= 2 {
            for l in &mut block {
                l.chars = text[l.content.0..l.content.1].chars().count();
            }
        }
        split_block(text, &block, &mut out);
        i = j;
    }
    out
}

/// Whether two lines of `block` hold the same text. Wrapped prose does not repeat a whole
/// line; repeated short paragraphs do (a headline or a slogan printed three times), and
/// joined into one paragraph their repeat could not be found.
fn repeats_a_line(text: &str, block: &[Line]) -> bool {
    let mut seen: Vec<&str> = block.iter().map(|l| &text[l.start..l.end]).collect();
    seen.sort_unstable();
    seen.windows(2).any(|w| w[0] == w[1])
}

fn split_block(text: &str, block: &[Line], out: &mut Vec<Span>) {
    let body = &block[..block.len().saturating_sub(1)];
    // Hard-wrapped prose breaks lines mid-sentence most of the time; short one-line
    // paragraphs end their lines with a full stop.
    let mid_sentence = body
        .iter()
        .filter(|l| !ends_sentence(&text[l.start..l.end]))
        .count();
    let body_width = body.iter().map(|l| l.chars).max().unwrap_or(0);
    // ...and never run past the wrap width on the last line.
    let wrapped = block.len() >= 2
        && body_width <= WRAP_MAX_CHARS
        && block[block.len() - 1].chars <= body_width + 3
        && mid_sentence * 2 > body.len()
        && !repeats_a_line(text, block);
    if !wrapped {
        out.extend(block.iter().map(|l| Span {
            start: l.start,
            end: l.end,
        }));
        return;
    }
    let width = block.iter().map(|l| l.chars).max().unwrap_or(0);
    let all_indented = block.iter().all(|l| l.indented);
    let mut cur = Span {
        start: block[0].start,
        end: block[0].end,
    };
    for w in block.windows(2) {
        let (prev, line) = (w[0], w[1]);
        let s = &text[line.start..line.end];
        let new_para = (line.indented && !all_indented)
            || starts_list_item(s)
            || starts_list_item(&text[prev.start..prev.end])
            || (ends_sentence(&text[prev.start..prev.end]) && prev.chars * 4 < width * 3);
        if new_para {
            out.push(cur);
            cur = Span {
                start: line.start,
                end: line.end,
            };
        } else {
            cur.end = line.end;
        }
    }
    out.push(cur);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of `text` as (content, terminator), by the plain definition: the longest
    /// terminator that starts at each character.
    fn naive_pieces(text: &str) -> Vec<(&str, &str)> {
        const TERMINATORS: [&str; 6] = ["\r\r\n", "\r\n", "\n", "\r", "\u{2028}", "\u{2029}"];
        let mut out = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < text.len() {
            if let Some(t) = TERMINATORS.iter().find(|t| text[i..].starts_with(**t)) {
                out.push((&text[start..i], *t));
                i += t.len();
                start = i;
            } else {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        if start < text.len() {
            out.push((&text[start..], ""));
        }
        out
    }

    /// Pieces of text that make every kind of line break, curly punctuation that shares the
    /// separators' first byte, and whitespace to trim.
    fn parts() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "Bb.", "\n", "\r", "\r\n", " ", "\u{e9}", "\n\n", "\u{2028}", "\u{2029}",
                "\u{2019}", "\u{2014}", "\u{feff}", "\t",
            ]),
            0..24,
        )
        .prop_map(|p| p.concat())
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// `for_each_piece` finds the lines the plain definition finds.
        #[test]
        fn pieces_are_the_naive_lines(text in parts()) {
            let mut ours = Vec::new();
            let mut flags = Vec::new();
            for_each_piece(&text, |p| {
                ours.push((&text[p.start..p.content_end], &text[p.content_end..p.end]));
                flags.push(p.para_sep);
            });
            let seps: Vec<bool> = ours.iter().map(|(_, t)| *t == "\u{2029}").collect();
            proptest::prop_assert_eq!(flags, seps);
            proptest::prop_assert_eq!(ours, naive_pieces(&text));
        }

        /// Spans are trimmed, in order, non-overlapping, on character boundaries, and every
        /// non-blank stretch of the text is in one.
        #[test]
        fn spans_are_trimmed_ordered_and_cover_the_words(text in parts()) {
            let spans = paragraphs(&text);
            let mut last_end = 0;
            for sp in &spans {
                proptest::prop_assert!(sp.start < sp.end && sp.start >= last_end);
                proptest::prop_assert!(text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end));
                let t = &text[sp.start..sp.end];
                proptest::prop_assert_eq!(t, t.trim_matches(is_space));
                last_end = sp.end;
            }
            let covered: usize = spans.iter().map(|sp| text[sp.start..sp.end].matches(|c: char| !is_space(c)).count()).sum();
            proptest::prop_assert_eq!(covered, text.matches(|c: char| !is_space(c)).count());
        }
    }

    fn texts(text: &str) -> Vec<&str> {
        paragraphs(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn one_paragraph_per_line() {
        let long = "x".repeat(120);
        let text = format!("Headline here\r\n{long} one.\n{long} two.\n");
        let p = texts(&text);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0], "Headline here");
        assert!(p[2].ends_with("two."));
    }

    #[test]
    fn hard_wrapped_paragraphs_join_and_blank_lines_split() {
        let text = "Legal Disclaimer:\nMENAFN provides the\ninformation as is without warranty of any kind. We do not\naccept any responsibility.\n\nComments\nNo comment";
        assert_eq!(
            texts(text),
            vec![
                "Legal Disclaimer:",
                "MENAFN provides the\ninformation as is without warranty of any kind. We do not\naccept any responsibility.",
                "Comments\nNo comment"
            ]
        );
    }

    #[test]
    fn indented_lines_and_list_items_start_paragraphs() {
        let text = "    Shares rose on Monday after the\n    company said it would buy back stock.\n    Analysts said the move was\n    expected by most traders.";
        assert_eq!(
            texts(text).len(),
            1,
            "all lines indented: indentation tells nothing"
        );
        let text = "Shares rose on Monday after the company\nsaid it would buy back stock and more.\n    Analysts said the move was\nexpected by most traders.";
        assert_eq!(texts(text).len(), 2);
        let text = "Most popular\n- First story\n- Second story";
        assert_eq!(
            texts(text),
            vec!["Most popular", "- First story", "- Second story"]
        );
    }

    #[test]
    fn spans_exclude_terminators_and_whitespace() {
        let text = "  a b  \r\n\r\n\tc\r\n";
        let p = paragraphs(text);
        assert_eq!(&text[p[0].start..p[0].end], "a b");
        assert_eq!(&text[p[1].start..p[1].end], "c");
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n \n\t\n").is_empty());
    }
}

#[cfg(test)]
mod issue_17 {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        paragraphs(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    /// A text and the paragraphs it must split into.
    struct Case {
        name: &'static str,
        text: &'static str,
        want: &'static [&'static str],
    }

    const CASES: &[Case] = &[
        Case {
            name: "bare CR (classic Mac line ends)",
            text: "Harbour opens next week.\rThe quay took three years to build.\r",
            want: &["Harbour opens next week.", "The quay took three years to build."],
        },
        Case {
            name: "CR CR LF is one break, not a blank line",
            text: "The council met on Monday to\r\r\ndiscuss the budget for the year",
            want: &["The council met on Monday to\r\r\ndiscuss the budget for the year"],
        },
        Case {
            name: "U+2029 paragraph separator",
            text: "The council met on Monday to\u{2029}discuss the budget for the year",
            want: &["The council met on Monday to", "discuss the budget for the year"],
        },
        Case {
            name: "U+2028 line separator",
            text: "Harbour opens next week.\u{2028}The quay took three years to build.",
            want: &["Harbour opens next week.", "The quay took three years to build."],
        },
        Case {
            name: "curly quotes and dashes are not breaks",
            text: "\u{201c}It\u{2019}s open\u{201d} \u{2014} the mayor said.",
            want: &["\u{201c}It\u{2019}s open\u{201d} \u{2014} the mayor said."],
        },
        Case {
            name: "a ~40-character line repeated is not hard-wrapped prose",
            text: "Subscribe to our newsletter for updates\nSubscribe to our newsletter for updates\nSubscribe to our newsletter for updates",
            want: &[
                "Subscribe to our newsletter for updates",
                "Subscribe to our newsletter for updates",
                "Subscribe to our newsletter for updates",
            ],
        },
        Case {
            name: "wrapped prose without repeated lines is still joined",
            text: "The council met on Monday to discuss\nthe budget for the coming year and\nthe repairs to the harbour wall",
            want: &["The council met on Monday to discuss\nthe budget for the coming year and\nthe repairs to the harbour wall"],
        },
    ];

    #[test]
    fn line_breaks_and_layouts() {
        for c in CASES {
            assert_eq!(texts(c.text), c.want, "{}", c.name);
        }
    }
}
