//! RSS 2.0 and Atom feeds (and RSS 1.0, whose items look the same): each `<item>` or
//! `<entry>` is one article.
//!
//! | article | RSS | Atom |
//! |---|---|---|
//! | id | `guid`, else `link`, else `file:line` | `id`, else `link href`, else `file:line` |
//! | title | `title` | `title` |
//! | text | `content:encoded`, else `description` | `content`, else `summary` |
//! | source | item `source`, else channel `title` | entry `source/title`, else feed `title` |
//! | date | `pubDate`, else `dc:date` | `published`, else `updated`, else `dc:date` |
//!
//! The text is HTML turned into plain paragraphs by [`markup`](super::markup), so every byte
//! offset in a report points into that converted text, not into the feed file. Dates are kept
//! as written: RFC 822 dates (RSS) do not sort as text, so across such feeds the canonical
//! copy of a cluster is decided by the later rules (most words, input order).
//!
//! Malformed XML ends the file with one warning at the line of the fault; the items closed
//! before it are kept. Feeds are read as UTF-8 (nearly all are); a non-UTF-8 byte is a warning
//! at its line, and only the part before it is read.

use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::markup::{html_to_text, named_entity};
use super::{strip_bom, Severity, Sink};
use crate::config::Config;
use crate::corpus::{Article, Body, Origin};
use crate::error::Result;

/// Reads one feed file. `cut_short` says the caller already warned that the bytes end early
/// (a truncated compressed file), so running out of input inside an item is not warned again.
pub(super) fn parse(
    name: &Arc<str>,
    bytes: &[u8],
    cfg: &Config,
    out: &mut Vec<Article>,
    sink: &mut Sink,
    cut_short: bool,
) -> Result<()> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return sink.note(name, 1, "empty file: no article read".into());
    }
    let (text, cut_short) = match std::str::from_utf8(bytes) {
        Ok(t) => (t, cut_short),
        Err(e) => {
            let at = e.valid_up_to();
            sink.warn(
                name,
                super::line_of(bytes, at),
                format!(
                    "invalid UTF-8 at byte offset {at} (feeds are read as UTF-8): \
                     the rest of the file skipped"
                ),
            )?;
            (std::str::from_utf8(&bytes[..at]).unwrap_or_default(), true)
        }
    };
    let mut p = FeedParser::new(text);
    let end = p.run();
    if let End::NotAFeed { root, line } = end {
        return sink.warn(
            name,
            line,
            format!("not an RSS or Atom feed (root element <{root}>): no article read"),
        );
    }
    let feed_title = p.feed_title.take().unwrap_or_default();
    let n_items = p.items.len();
    if n_items == 0 && end == End::Complete {
        // Nothing to analyse, like an empty file: said, so the file is accounted for.
        return sink.note(
            name,
            1,
            "feed holds no items (no <item> or <entry>): no article read".into(),
        );
    }
    for item in p.items {
        match item.into_article(name, &feed_title, cfg) {
            Ok(a) => out.push(a),
            Err((line, msg, severity)) => sink.warn_as(severity, name, line, msg)?,
        }
    }
    if let End::Malformed {
        line,
        message,
        end_of_input,
    } = end
    {
        if !(cut_short && end_of_input) {
            let lost = match &p.item {
                Some(it) => format!("; the item from line {} is lost", it.line),
                None => String::new(),
            };
            sink.warn(
                name,
                line,
                format!(
                    "malformed XML ({message}): the rest of the file skipped, \
                     {n_items} {} read before it{lost}",
                    if n_items == 1 { "item" } else { "items" }
                ),
            )?;
        }
    }
    Ok(())
}

/// How reading a feed ended.
#[derive(Debug, PartialEq)]
enum End {
    Complete,
    NotAFeed {
        root: String,
        line: u64,
    },
    Malformed {
        line: u64,
        message: String,
        /// The input ran out inside markup or an element (what truncation looks like).
        end_of_input: bool,
    },
}

/// What a captured element's content is, which decides how it becomes text.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Markup {
    /// Plain text (Atom `type="text"`, ids, links, dates).
    Text,
    /// HTML, escaped or in CDATA (RSS `description`, Atom `type="html"`).
    Html,
    /// Inline XHTML child elements (Atom `type="xhtml"`): the tags are markup, the text is
    /// text, so text is re-escaped before the whole goes through the HTML converter.
    Xhtml,
}

/// Which article field a captured element fills.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Field {
    FeedTitle,
    Title,
    Id,
    Link,
    Content,
    Summary,
    /// Dates by preference: 0 `pubDate`/`published`, 1 `updated`, 2 `dc:date`.
    Date(usize),
    Source,
}

/// An element whose content is being collected.
struct Capture {
    field: Field,
    markup: Markup,
    /// Stack depth with the captured element open.
    depth: usize,
    buf: String,
}

/// One `<item>`/`<entry>` as read, before it becomes an [`Article`].
#[derive(Debug, Default)]
struct Item {
    /// 1-based line of the opening tag.
    line: u64,
    /// Stack depth with the item open.
    depth: usize,
    title: Option<String>,
    id: Option<String>,
    link: Option<String>,
    content: Option<String>,
    summary: Option<String>,
    dates: [Option<String>; 3],
    source: Option<String>,
}

impl Item {
    fn into_article(
        self,
        name: &Arc<str>,
        feed_title: &str,
        cfg: &Config,
    ) -> std::result::Result<Article, (u64, String, Severity)> {
        let line = self.line;
        let Some(text) = self.content.or(self.summary) else {
            return Err((
                line,
                "item has no text (no content, description or summary): skipped".into(),
                Severity::Benign,
            ));
        };
        if text.len() > cfg.max_article_bytes {
            return Err((
                line,
                format!(
                    "text of {} bytes exceeds --max-article-bytes {}: skipped",
                    text.len(),
                    cfg.max_article_bytes
                ),
                Severity::Malformed,
            ));
        }
        let [d0, d1, d2] = self.dates;
        Ok(Article {
            id: self
                .id
                .or(self.link)
                .unwrap_or_else(|| format!("{name}:{line}")),
            title: self.title.unwrap_or_default(),
            body: Body::Text(text),
            source: self.source.unwrap_or_else(|| feed_title.to_string()),
            date: d0.or(d1).or(d2).unwrap_or_default(),
            origin: Origin {
                file: name.clone(),
                line,
            },
        })
    }
}

/// Byte offset → 1-based line, for offsets that mostly grow (so a feed is scanned once).
#[derive(Default)]
struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, pos: usize) -> u64 {
        let pos = pos.min(text.len());
        if pos < self.pos {
            return super::line_of(text.as_bytes(), pos);
        }
        self.line += memchr::memchr_iter(b'\n', &text.as_bytes()[self.pos..pos]).count() as u64;
        self.pos = pos;
        self.line + 1
    }
}

struct FeedParser<'a> {
    text: &'a str,
    lines: LineCounter,
    /// Open element names (an `atom:` prefix dropped).
    stack: Vec<String>,
    /// The root is Atom's `<feed>` (not RSS).
    atom: bool,
    feed_title: Option<String>,
    /// The item being read.
    item: Option<Item>,
    capture: Option<Capture>,
    /// Items closed so far.
    items: Vec<Item>,
}

impl<'a> FeedParser<'a> {
    fn new(text: &'a str) -> Self {
        FeedParser {
            text,
            lines: LineCounter::default(),
            stack: Vec::new(),
            atom: false,
            feed_title: None,
            item: None,
            capture: None,
            items: Vec::new(),
        }
    }

    fn run(&mut self) -> End {
        let mut reader = Reader::from_str(self.text);
        // `AT&T` written unescaped is common in feeds; it is text, not a fatal error.
        reader.config_mut().allow_dangling_amp = true;
        let mut root_seen = false;
        loop {
            let before = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let end_of_input = matches!(
                        e,
                        quick_xml::Error::Syntax(
                            quick_xml::errors::SyntaxError::UnclosedTag
                                | quick_xml::errors::SyntaxError::UnclosedComment
                                | quick_xml::errors::SyntaxError::UnclosedCData
                                | quick_xml::errors::SyntaxError::UnclosedDoctype
                                | quick_xml::errors::SyntaxError::UnclosedPI
                                | quick_xml::errors::SyntaxError::UnclosedXmlDecl
                        )
                    );
                    let at = reader.error_position() as usize;
                    return End::Malformed {
                        line: self.lines.line_at(self.text, at),
                        message: e.to_string(),
                        end_of_input,
                    };
                }
            };
            match event {
                // quick-xml finds a tag's end by its quotes and does not look inside attribute
                // values, where XML forbids `<`: an unclosed quote makes a tag swallow the
                // markup after it, items included, without an error (found by fuzzing,
                // issue 17). Such a tag is malformed XML, like any other.
                Event::Start(e) | Event::Empty(e) if e.contains(&b'<') => {
                    return End::Malformed {
                        line: self.lines.line_at(self.text, before),
                        message: format!(
                            "a `<` inside the tag <{}>: an attribute value is not closed",
                            qname(&e)
                        ),
                        end_of_input: false,
                    };
                }
                // The same for the XML declaration, which can swallow a whole feed up to a
                // `?>` far down.
                Event::Decl(_)
                    if self.text.as_bytes()[before..reader.buffer_position() as usize]
                        .iter()
                        .skip(1)
                        .any(|&b| b == b'<') =>
                {
                    return End::Malformed {
                        line: self.lines.line_at(self.text, before),
                        message: "a `<` inside the XML declaration <?xml …?>".into(),
                        end_of_input: false,
                    };
                }
                Event::Start(e) | Event::Empty(e) if !root_seen => {
                    let root = qname(&e);
                    if !matches!(root.as_str(), "rss" | "feed" | "rdf:RDF") {
                        return End::NotAFeed {
                            root,
                            line: self.lines.line_at(self.text, before),
                        };
                    }
                    root_seen = true;
                    self.atom = root == "feed";
                    self.stack.push(root);
                }
                Event::Start(e) => {
                    let line = self.lines.line_at(self.text, before);
                    self.open(&e, line, false);
                }
                Event::Empty(e) => {
                    let line = self.lines.line_at(self.text, before);
                    self.open(&e, line, true);
                }
                Event::End(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    self.close(strip_atom(name));
                }
                Event::Text(t) => {
                    let s = t.xml10_content().unwrap_or_default();
                    self.push_text(&s);
                }
                Event::CData(t) => {
                    let s = t.xml10_content().unwrap_or_default();
                    self.push_text(&s);
                }
                Event::GeneralRef(r) => {
                    let name = r.decode().unwrap_or_default();
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        Ok(None) => named_entity(&name),
                        Err(_) => Some('\u{fffd}'),
                    };
                    match c {
                        Some(c) => self.push_text(c.encode_utf8(&mut [0; 4])),
                        // An entity the feed's DTD may define; shown as written.
                        None => self.push_text(&format!("&{name};")),
                    }
                }
                Event::Eof => {
                    return match self.stack.last() {
                        None if !root_seen => End::NotAFeed {
                            root: "(none)".into(),
                            line: 1,
                        },
                        None => End::Complete,
                        Some(open) => End::Malformed {
                            line: self.lines.line_at(self.text, self.text.len()),
                            message: format!("unexpected end of file inside <{open}>"),
                            end_of_input: true,
                        },
                    };
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    /// An opening (or empty) tag below the root.
    fn open(&mut self, e: &BytesStart, line: u64, empty: bool) {
        let name = qname(e);
        if let Some(cap) = &mut self.capture {
            // Markup nested in a captured element: kept as tags for the HTML converter.
            if cap.markup != Markup::Text {
                cap.buf.push('<');
                cap.buf.push_str(&name);
                cap.buf.push_str(if empty { "/>" } else { ">" });
            }
        } else if self.item.is_none() {
            if !empty && (name == "item" || name == "entry") {
                self.item = Some(Item {
                    line,
                    depth: self.stack.len() + 1,
                    ..Item::default()
                });
            } else if !empty && name == "title" && self.is_feed_level() {
                self.start_capture(Field::FeedTitle, self.markup_of(e, Markup::Html));
            }
        } else if let Some(field) = self.item_field(&name) {
            if field == Field::Link {
                // Atom links carry the address in `href`; only the article's own page counts.
                if let Some(href) = attr(e, "href") {
                    let rel = attr(e, "rel");
                    let item = self.item.as_mut().expect("inside an item");
                    if matches!(rel.as_deref(), None | Some("alternate")) && item.link.is_none() {
                        item.link = Some(href.trim().to_string()).filter(|h| !h.is_empty());
                    }
                } else if !empty {
                    self.start_capture(field, Markup::Text);
                }
            } else if field == Field::Content && attr(e, "src").is_some() {
                // Atom out-of-line content: the text is elsewhere.
            } else if !empty {
                let default = match field {
                    Field::Title | Field::Content | Field::Summary if !self.atom => Markup::Html,
                    _ => Markup::Text,
                };
                let markup = match field {
                    Field::Title | Field::Content | Field::Summary => self.markup_of(e, default),
                    _ => Markup::Text,
                };
                self.start_capture(field, markup);
            }
        }
        if !empty {
            self.stack.push(name);
        }
    }

    /// The field an element directly inside the current item fills (`source/title` for
    /// Atom, one level deeper).
    fn item_field(&self, name: &str) -> Option<Field> {
        let item = self.item.as_ref()?;
        let depth = self.stack.len();
        if depth == item.depth + 1 && self.atom && self.stack[depth - 1] == "source" {
            return (name == "title").then_some(Field::Source);
        }
        if depth != item.depth {
            return None;
        }
        Some(match name {
            "title" => Field::Title,
            "guid" | "id" => Field::Id,
            "link" => Field::Link,
            "content:encoded" | "content" => Field::Content,
            "description" | "summary" => Field::Summary,
            "pubDate" | "published" => Field::Date(0),
            "updated" => Field::Date(1),
            "dc:date" => Field::Date(2),
            // Atom's entry `source` is a container whose `title` names the outlet.
            "source" if !self.atom => Field::Source,
            _ => return None,
        })
    }

    /// A `title` directly in RSS's `channel` or Atom's `feed` (not in `image`, not in items).
    fn is_feed_level(&self) -> bool {
        match self.stack.as_slice() {
            [root] => root == "feed",
            [_, parent] => parent == "channel",
            _ => false,
        }
    }

    /// The markup of an element from its Atom `type` attribute, or `default`.
    fn markup_of(&self, e: &BytesStart, default: Markup) -> Markup {
        match attr(e, "type")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "text/html") => Markup::Html,
            Some("xhtml" | "application/xhtml+xml") => Markup::Xhtml,
            Some("text" | "text/plain") => Markup::Text,
            _ => default,
        }
    }

    fn start_capture(&mut self, field: Field, markup: Markup) {
        self.capture = Some(Capture {
            field,
            markup,
            depth: self.stack.len() + 1,
            buf: String::new(),
        });
    }

    fn push_text(&mut self, s: &str) {
        let Some(cap) = &mut self.capture else {
            return;
        };
        if cap.markup == Markup::Xhtml {
            for c in s.chars() {
                match c {
                    '&' => cap.buf.push_str("&amp;"),
                    '<' => cap.buf.push_str("&lt;"),
                    _ => cap.buf.push(c),
                }
            }
        } else {
            cap.buf.push_str(s);
        }
    }

    fn close(&mut self, name: String) {
        let depth = self.stack.len();
        self.stack.pop();
        if let Some(cap) = &mut self.capture {
            if depth > cap.depth {
                if cap.markup != Markup::Text {
                    cap.buf.push_str("</");
                    cap.buf.push_str(&name);
                    cap.buf.push('>');
                }
                return;
            }
            let cap = self.capture.take().expect("checked above");
            self.finish_capture(cap);
        }
        if self.item.as_ref().is_some_and(|it| depth == it.depth) {
            let item = self.item.take().expect("checked above");
            self.items.push(item);
        }
    }

    fn finish_capture(&mut self, cap: Capture) {
        let body = matches!(cap.field, Field::Content | Field::Summary);
        let value = match (cap.markup, body) {
            (Markup::Text, true) => cap.buf.trim().replace("\r\n", "\n"),
            (Markup::Text, false) => one_line(&cap.buf),
            (_, true) => html_to_text(&cap.buf),
            (_, false) => one_line(&html_to_text(&cap.buf)),
        };
        if value.is_empty() {
            return;
        }
        if cap.field == Field::FeedTitle {
            self.feed_title.get_or_insert(value);
            return;
        }
        let Some(item) = &mut self.item else {
            return;
        };
        let slot = match cap.field {
            Field::Title => &mut item.title,
            Field::Id => &mut item.id,
            Field::Link => &mut item.link,
            Field::Content => &mut item.content,
            Field::Summary => &mut item.summary,
            Field::Date(k) => &mut item.dates[k],
            Field::Source => &mut item.source,
            Field::FeedTitle => return,
        };
        // The first non-empty value wins (a feed that repeats a field is rare and wrong).
        slot.get_or_insert(value);
    }
}

/// Whitespace runs collapsed to one space, trimmed.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_atom(name: String) -> String {
    match name.strip_prefix("atom:") {
        Some(local) => local.to_string(),
        None => name,
    }
}

/// The element's qualified name, an `atom:` prefix dropped so prefixed Atom reads the same.
fn qname(e: &BytesStart) -> String {
    strip_atom(String::from_utf8_lossy(e.name().as_ref()).into_owned())
}

/// An attribute's unescaped value (malformed attributes count as absent).
fn attr(e: &BytesStart, key: &str) -> Option<String> {
    let a = e.try_get_attribute(key).ok()??;
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Warning;

    fn read(xml: &str) -> (Vec<Article>, Vec<Warning>) {
        read_with(xml, false)
    }

    fn read_with(xml: &str, cut_short: bool) -> (Vec<Article>, Vec<Warning>) {
        let mut out = Vec::new();
        let mut warnings = Vec::new();
        let mut sink = Sink {
            warnings: &mut warnings,
            malformed: &mut 0,
            strict: false,
        };
        let name: Arc<str> = Arc::from("f.xml");
        parse(
            &name,
            xml.as_bytes(),
            &Config::default(),
            &mut out,
            &mut sink,
            cut_short,
        )
        .unwrap();
        (out, warnings)
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>The Valley Courier</title>
  <image><title>Logo</title><url>http://x/logo.png</url></image>
  <item>
    <title>Harbour &amp; docks reopen</title>
    <link>https://courier.example/harbour</link>
    <guid isPermaLink="false">courier-1</guid>
    <pubDate>Tue, 05 Mar 2024 14:20:00 GMT</pubDate>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>The harbour reopened on Monday.</p><p>Ships &amp; ferries <b>returned</b>.<br/>Crowds cheered.</p><script>track()</script>]]></content:encoded>
  </item>
  <item>
    <title>Second</title>
    <link>https://courier.example/second</link>
    <dc:date>2024-03-06T08:00:00Z</dc:date>
    <source url="https://wire.example/rss">Meridian Press</source>
    <description>&lt;p&gt;Escaped &lt;em&gt;HTML&lt;/em&gt; body.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;</description>
  </item>
  <item><title>No body</title></item>
</channel>
</rss>"#;

    #[test]
    fn rss_fields_map_to_articles() {
        let (arts, warnings) = read(RSS);
        assert_eq!(arts.len(), 2, "{warnings:?}");
        let a = &arts[0];
        assert_eq!(a.id, "courier-1");
        assert_eq!(a.title, "Harbour & docks reopen");
        assert_eq!(
            a.body.in_memory().unwrap(),
            "The harbour reopened on Monday.\n\nShips & ferries returned.\n\nCrowds cheered."
        );
        assert_eq!(
            a.source, "The Valley Courier",
            "channel title, not the image's"
        );
        assert_eq!(a.date, "Tue, 05 Mar 2024 14:20:00 GMT");
        assert_eq!(a.origin.line, 6);
        let b = &arts[1];
        assert_eq!(b.id, "https://courier.example/second", "link when no guid");
        assert_eq!(b.body.in_memory().unwrap(), "Escaped HTML body.\n\nTwo.");
        assert_eq!(b.source, "Meridian Press");
        assert_eq!(b.date, "2024-03-06T08:00:00Z");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 21);
        assert!(warnings[0].message.contains("no text"), "{warnings:?}");
    }

    #[test]
    fn atom_fields_map_to_articles() {
        let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Wire Desk</title>
  <entry>
    <title type="html">Budget &lt;i&gt;passes&lt;/i&gt;</title>
    <id>urn:uuid:1</id>
    <link rel="enclosure" href="https://x/photo.jpg"/>
    <link href="https://x/budget"/>
    <updated>2024-03-02T00:00:00Z</updated>
    <published>2024-03-01T00:00:00Z</published>
    <summary>Teaser</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>A &amp;lt; B &amp; C.</p><p>Second para.</p></div></content>
    <source><title>Original Wire</title><id>urn:feed</id></source>
  </entry>
  <entry>
    <link href="https://x/two"/>
    <updated>2024-03-03T00:00:00Z</updated>
    <summary>Just a summary
with two lines.</summary>
  </entry>
</feed>"#;
        let (arts, warnings) = read(xml);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(arts.len(), 2);
        let a = &arts[0];
        assert_eq!(a.id, "urn:uuid:1");
        assert_eq!(a.title, "Budget passes");
        assert_eq!(a.body.in_memory().unwrap(), "A &lt; B & C.\n\nSecond para.");
        assert_eq!(a.source, "Original Wire");
        assert_eq!(a.date, "2024-03-01T00:00:00Z", "published before updated");
        let b = &arts[1];
        assert_eq!(b.id, "https://x/two");
        assert_eq!(b.source, "Wire Desk");
        assert_eq!(b.date, "2024-03-03T00:00:00Z");
        assert_eq!(
            b.body.in_memory().unwrap(),
            "Just a summary\nwith two lines.",
            "type text kept as written"
        );
    }

    #[test]
    fn malformed_xml_keeps_earlier_items_and_names_the_line() {
        let xml = "<rss><channel><title>T</title>\n<item><guid>a</guid><description>one</description></item>\n<item><guid>b</guid><description>two</wrong></item>\n<item><guid>c</guid><description>three</description></item></channel></rss>";
        let (arts, warnings) = read(xml);
        assert_eq!(arts.len(), 1);
        assert_eq!(arts[0].id, "a");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].line, 3);
        assert!(
            warnings[0].message.contains("malformed XML"),
            "{warnings:?}"
        );
        assert!(
            warnings[0].message.contains("line 3 is lost"),
            "{warnings:?}"
        );
    }

    #[test]
    fn truncation_is_warned_unless_the_caller_did() {
        let xml = "<rss><channel>\n<item><guid>a</guid><description>one</description></item>\n<item><guid>b</guid><descr";
        let (arts, warnings) = read(xml);
        assert_eq!(arts.len(), 1);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].line, 3);
        let (arts, warnings) = read_with(xml, true);
        assert_eq!(arts.len(), 1);
        assert!(warnings.is_empty(), "{warnings:?}");
        // Cut between tags: also the end of input.
        let (arts, warnings) = read_with(&xml[..xml.len() - 6], true);
        assert_eq!((arts.len(), warnings.len()), (1, 0), "{warnings:?}");
    }

    #[test]
    fn other_xml_empty_and_bad_utf8_are_warnings() {
        let (arts, w) = read("<urlset><url/></urlset>");
        assert!(arts.is_empty());
        assert!(w[0].message.contains("not an RSS or Atom feed"), "{w:?}");
        let (_, w) = read("  \n");
        assert!(w[0].message.contains("empty file"), "{w:?}");
        let (_, w) = read("just text");
        assert!(w[0].message.contains("not an RSS or Atom feed"), "{w:?}");

        let mut bytes = b"<rss><channel>\n<item><guid>a</guid><description>one</description></item>\n<item><description>caf".to_vec();
        bytes.extend_from_slice(b"\xe9</description></item></channel></rss>");
        let mut out = Vec::new();
        let mut warnings = Vec::new();
        let mut sink = Sink {
            warnings: &mut warnings,
            malformed: &mut 0,
            strict: false,
        };
        let name: Arc<str> = Arc::from("f.rss");
        parse(
            &name,
            &bytes,
            &Config::default(),
            &mut out,
            &mut sink,
            false,
        )
        .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].line, 3);
        assert!(warnings[0].message.contains("invalid UTF-8"));
    }

    #[test]
    fn entities_and_ids() {
        let xml = "<rss><channel><item><title>Caf&eacute; &#8220;opens&#8221; &unknown;</title><description>Body &amp;amp; more.</description></item></channel></rss>";
        let (arts, w) = read(xml);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(arts[0].title, "Café “opens” &unknown;");
        assert_eq!(arts[0].body.in_memory().unwrap(), "Body & more.");
        assert_eq!(arts[0].id, "f.xml:1", "no guid, no link: file:line");
        assert_eq!(arts[0].source, "");
    }

    #[test]
    fn never_panics_on_cut_feeds() {
        for cut in 0..RSS.len() {
            if RSS.is_char_boundary(cut) {
                let _ = read(&RSS[..cut]);
                let _ = read_with(&RSS[..cut], true);
            }
        }
    }
}
