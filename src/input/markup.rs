//! HTML fragments (an RSS `description`, an Atom `content`) turned into plain text whose
//! paragraphs are separated by blank lines, the layout `segment.rs` reads best.
//!
//! Feeds carry small, loosely written fragments, not documents, so this is a tag stripper
//! rather than an HTML parser: block tags end a paragraph, `<script>`/`<style>` are dropped
//! with their content, comments vanish, character references are decoded, and whitespace runs
//! collapse to one space as a browser would show them. Anything that does not look like a tag
//! (`a < b`) stays text. It never fails: every input gives some string.

/// Tags that end one paragraph and start the next. Table cells are not here: a row is one
/// line of text, its cells separated by spaces.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
];

/// Tags whose content is not text a reader sees.
const DROPPED_TAGS: &[&str] = &["script", "style", "template", "noscript"];

/// Plain text of an HTML fragment: paragraphs joined by `"\n\n"`, each with its whitespace
/// collapsed and trimmed; empty paragraphs are dropped.
pub(super) fn html_to_text(html: &str) -> String {
    let mut out = Paragraphs::default();
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => match tag_at(html, i) {
                Some(Tag::Comment { end }) => i = end,
                Some(Tag::Element { name, closing, end }) => {
                    i = end;
                    if BLOCK_TAGS.contains(&name.as_str()) {
                        out.end_paragraph();
                    } else if !closing && DROPPED_TAGS.contains(&name.as_str()) {
                        i = skip_raw_text(html, i, &name);
                    } else {
                        // An inline tag between two words (`a<br/>b` is handled above) still
                        // separates cells and list-like inline runs: `<td>a</td><td>b</td>`.
                        if matches!(name.as_str(), "td" | "th") {
                            out.space();
                        }
                    }
                }
                None => {
                    out.push_char('<');
                    i += 1;
                }
            },
            b'&' => {
                let (s, len) = decode_reference(&html[i..]);
                out.push_str(&s);
                i += len;
            }
            _ => {
                // Copy the run up to the next markup character in one go.
                let next = memchr::memchr2(b'<', b'&', &b[i..]).map_or(b.len(), |n| i + n);
                out.push_str(&html[i..next]);
                i = next;
            }
        }
    }
    out.finish()
}

/// Paragraphs under construction.
#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    cur: String,
    /// A space is owed before the next visible character.
    pending_space: bool,
}

impl Paragraphs {
    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push_char(c);
        }
    }

    fn push_char(&mut self, c: char) {
        // U+00A0 is a space a browser will not break at; for text it is a space.
        if c.is_whitespace() || c == '\u{a0}' {
            self.space();
        } else {
            if self.pending_space && !self.cur.is_empty() {
                self.cur.push(' ');
            }
            self.pending_space = false;
            self.cur.push(c);
        }
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn end_paragraph(&mut self) {
        if !self.cur.is_empty() {
            self.done.push(std::mem::take(&mut self.cur));
        }
        self.pending_space = false;
    }

    fn finish(mut self) -> String {
        self.end_paragraph();
        self.done.join("\n\n")
    }
}

enum Tag {
    Comment {
        end: usize,
    },
    Element {
        /// Lowercased.
        name: String,
        closing: bool,
        end: usize,
    },
}

/// The tag starting at `html[i] == '<'`, or `None` when the `<` is just text.
fn tag_at(html: &str, i: usize) -> Option<Tag> {
    let rest = &html[i..];
    if let Some(body) = rest.strip_prefix("<!--") {
        let end = body.find("-->").map_or(html.len(), |p| i + 4 + p + 3);
        return Some(Tag::Comment { end });
    }
    let b = rest.as_bytes();
    // `<!DOCTYPE …>`, `<?xml …?>`, `<![CDATA[` left by a double-wrapped feed: no text.
    if matches!(b.get(1), Some(b'!' | b'?')) {
        let end = memchr::memchr(b'>', b).map_or(html.len(), |p| i + p + 1);
        return Some(Tag::Comment { end });
    }
    let closing = b.get(1) == Some(&b'/');
    let start = if closing { 2 } else { 1 };
    if !b.get(start).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = b[start..]
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_')))
        .unwrap_or(b.len() - start);
    let name = rest[start..start + name_len].to_ascii_lowercase();
    let end = tag_end(b, start + name_len).map_or(html.len(), |p| i + p + 1);
    Some(Tag::Element { name, closing, end })
}

/// The index of the `>` that closes a tag, skipping `>` inside quoted attribute values.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (k, &c) in b.iter().enumerate().skip(from) {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, b'>') => return Some(k),
            _ => {}
        }
    }
    None
}

/// Skips the content of a `<script>`-like element opened just before `i`: up to and including
/// its closing tag (or the end, when it is never closed).
fn skip_raw_text(html: &str, i: usize, name: &str) -> usize {
    let lower = html[i..].to_ascii_lowercase();
    let close = format!("</{name}");
    match lower.find(&close) {
        Some(p) => {
            let from = i + p + close.len();
            memchr::memchr(b'>', &html.as_bytes()[from..]).map_or(html.len(), |q| from + q + 1)
        }
        None => html.len(),
    }
}

/// Decodes the reference at the start of `s` (which starts with `&`): its text and how many
/// bytes it took. An unknown or malformed reference is the `&` itself.
fn decode_reference(s: &str) -> (std::borrow::Cow<'static, str>, usize) {
    use std::borrow::Cow;
    let literal = (Cow::Borrowed("&"), 1);
    // The longest entity names are short; a `;` further away means this `&` is text.
    let Some(semi) = s.as_bytes().iter().take(34).position(|&c| c == b';') else {
        return literal;
    };
    let body = &s[1..semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        match v {
            // NUL and surrogates are not characters; show the replacement character.
            Some(0) => Some('\u{fffd}'),
            Some(v) => Some(char::from_u32(v).unwrap_or('\u{fffd}')),
            None => None,
        }
    } else {
        named_entity(body)
    };
    match c {
        Some(c) => (Cow::Owned(c.to_string()), semi + 1),
        None => literal,
    }
}

/// The HTML named entities that news feeds use. The full HTML list has over 2,000 names;
/// an unknown one is kept as written, which the normalizer then treats as punctuation and a
/// word.
pub(super) fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "shy" => '\u{ad}',
        "zwj" => '\u{200d}',
        "zwnj" => '\u{200c}',
        "ndash" => '–',
        "mdash" => '—',
        "minus" => '−',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "prime" => '′',
        "Prime" => '″',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "sup1" => '¹',
        "sup2" => '²',
        "sup3" => '³',
        "micro" => 'µ',
        "para" => '¶',
        "sect" => '§',
        "dagger" => '†',
        "Dagger" => '‡',
        "permil" => '‰',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "curren" => '¤',
        "iexcl" => '¡',
        "iquest" => '¿',
        "ordf" => 'ª',
        "ordm" => 'º',
        "acute" => '´',
        "uml" => '¨',
        "cedil" => '¸',
        "macr" => '¯',
        "not" => '¬',
        "brvbar" => '¦',
        "Agrave" => 'À',
        "Aacute" => 'Á',
        "Acirc" => 'Â',
        "Atilde" => 'Ã',
        "Auml" => 'Ä',
        "Aring" => 'Å',
        "AElig" => 'Æ',
        "Ccedil" => 'Ç',
        "Egrave" => 'È',
        "Eacute" => 'É',
        "Ecirc" => 'Ê',
        "Euml" => 'Ë',
        "Igrave" => 'Ì',
        "Iacute" => 'Í',
        "Icirc" => 'Î',
        "Iuml" => 'Ï',
        "ETH" => 'Ð',
        "Ntilde" => 'Ñ',
        "Ograve" => 'Ò',
        "Oacute" => 'Ó',
        "Ocirc" => 'Ô',
        "Otilde" => 'Õ',
        "Ouml" => 'Ö',
        "Oslash" => 'Ø',
        "Ugrave" => 'Ù',
        "Uacute" => 'Ú',
        "Ucirc" => 'Û',
        "Uuml" => 'Ü',
        "Yacute" => 'Ý',
        "THORN" => 'Þ',
        "szlig" => 'ß',
        "agrave" => 'à',
        "aacute" => 'á',
        "acirc" => 'â',
        "atilde" => 'ã',
        "auml" => 'ä',
        "aring" => 'å',
        "aelig" => 'æ',
        "ccedil" => 'ç',
        "egrave" => 'è',
        "eacute" => 'é',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "igrave" => 'ì',
        "iacute" => 'í',
        "icirc" => 'î',
        "iuml" => 'ï',
        "eth" => 'ð',
        "ntilde" => 'ñ',
        "ograve" => 'ò',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "otilde" => 'õ',
        "ouml" => 'ö',
        "oslash" => 'ø',
        "ugrave" => 'ù',
        "uacute" => 'ú',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "yacute" => 'ý',
        "thorn" => 'þ',
        "yuml" => 'ÿ',
        "OElig" => 'Œ',
        "oelig" => 'œ',
        "Scaron" => 'Š',
        "scaron" => 'š',
        "Yuml" => 'Ÿ',
        "fnof" => 'ƒ',
        "circ" => 'ˆ',
        "tilde" => '˜',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_tags_make_paragraphs() {
        let html = "<p>First   para\n graph.</p><p>Second.</p>Tail<br>after break<div><ul><li>one</li><li>two</li></ul></div><h2>Head</h2>";
        assert_eq!(
            html_to_text(html),
            "First para graph.\n\nSecond.\n\nTail\n\nafter break\n\none\n\ntwo\n\nHead"
        );
    }

    #[test]
    fn inline_tags_vanish_and_words_stay_apart() {
        assert_eq!(
            html_to_text("A <b>bold</b> and <a href=\"x?a=1&b=2\" title='a>b'>linked</a> word."),
            "A bold and linked word."
        );
        assert_eq!(
            html_to_text("<table><tr><td>a</td><td>b</td></tr></table>"),
            "a b"
        );
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            html_to_text("AT&amp;T said &ldquo;no&rdquo; &#8212; caf&eacute; &#x41;&nbsp;B"),
            "AT&T said “no” — café A B"
        );
        // Unknown, unterminated and out-of-range references stay readable.
        assert_eq!(
            html_to_text("a &bogus; b & c &#xD800; &#99999999;"),
            "a &bogus; b & c \u{fffd} \u{fffd}"
        );
    }

    #[test]
    fn scripts_styles_and_comments_are_dropped() {
        let html = "<p>Keep</p><script type=\"text/javascript\">var a = '<p>no</p>';</script><STYLE>p{}</STYLE><!-- <p>hidden</p> --><p>this</p>";
        assert_eq!(html_to_text(html), "Keep\n\nthis");
        // Unclosed: the rest is dropped, nothing panics.
        assert_eq!(html_to_text("<p>a</p><script>b"), "a");
        assert_eq!(html_to_text("<p>a</p><!-- b"), "a");
    }

    #[test]
    fn stray_angle_brackets_are_text() {
        assert_eq!(html_to_text("3 < 4 and 5 > 2"), "3 < 4 and 5 > 2");
        assert_eq!(html_to_text("<"), "<");
        assert_eq!(html_to_text("<p"), "");
        assert_eq!(html_to_text(""), "");
        assert_eq!(html_to_text("&"), "&");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let pieces = [
            "<", ">", "&", ";", "#", "x", "<p>", "</p>", "<!--", "-->", "<script>", "é", "\"", "'",
            "&#", "&#x", "<!", "<?", " ",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let _ = html_to_text(&format!("{a}{b}{c}"));
                }
            }
        }
    }
}
