//! Paragraph segmentation with byte spans.
//!
//! News text arrives in two layouts, often in one article (the MENAFN seed has both):
//! - one paragraph per line, with or without blank lines between paragraphs;
//! - hard-wrapped paragraphs (lines broken at ~70 columns) separated by blank lines or by an
//!   indented first line (Reuters-21578).
//!
//! A *block* is a run of non-blank lines. A block is hard-wrapped when it has two or more
//! lines, every line but the last is at most [`WRAP_MAX_CHARS`] characters, the last is no
//! longer than the others, and most lines but the last end mid-sentence (short one-line
//! paragraphs end theirs with a full stop); otherwise each line is a paragraph. A headline
//! line above a longer first paragraph is therefore not joined to it. Inside a hard-wrapped block a new paragraph starts at an indented
//! line, at a list item (`- `, `* `, `• `, `1. `), or after a line that ends a sentence
//! (`.`, `!`, `?`, `:`, closing quote) while stopping short of the block's width, the
//! way a wrapped paragraph's last line does.
//!
//! A paragraph's span excludes its line terminator (`\n` or `\r\n`) and surrounding
//! whitespace; spans are in text order and never overlap.

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

/// Where each piece of `text.split_inclusive('\n')` ends, found with one memchr iterator
/// (a search per line was a tenth of segmenting).
fn piece_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|nl| nl + 1)
        .chain((!text.is_empty() && !text.ends_with('\n')).then_some(text.len()))
}

fn lines(text: &str) -> Vec<Option<Line>> {
    // Room for lines of news-paragraph length without growing.
    let mut out = Vec::with_capacity(text.len() / 128 + 4);
    let mut pos = 0;
    for end in piece_ends(text) {
        let raw = &text[pos..end];
        let content = raw.strip_suffix('\n').unwrap_or(raw);
        let content = content.strip_suffix('\r').unwrap_or(content);
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
                content: (pos, pos + content.len()),
            }));
        }
        pos += raw.len();
    }
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
        && mid_sentence * 2 > body.len();
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

    proptest::proptest! {
        /// `piece_ends` gives the pieces of `split_inclusive('\n')`.
        #[test]
        fn pieces_end_where_split_inclusive_ends_them(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "\n", "\r", " ", "\u{e9}", "\n\n"]),
                0..20,
            )
        ) {
            let text = parts.concat();
            let mut from = 0;
            let ours: Vec<&str> = piece_ends(&text)
                .map(|end| {
                    let piece = &text[from..end];
                    from = end;
                    piece
                })
                .collect();
            let theirs: Vec<&str> = text.split_inclusive('\n').collect();
            proptest::prop_assert_eq!(ours, theirs);
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
