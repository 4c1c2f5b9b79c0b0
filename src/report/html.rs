//! `--format html`: one self-contained page (inline CSS, no script, no external asset) that
//! shows each finding in the article text it was found in.
//!
//! The [`Report`] carries byte spans, not texts, so this printer also holds the [`Corpus`]
//! the report was made from. It computes no finding: everything it adds is presentation
//! derived from the report's spans — paragraph spans from [`segment::paragraphs`] (the same
//! function the pipeline numbers paragraphs with), which paragraphs a pair's shared spans
//! leave untouched, and where a highlight crosses a paragraph break.
//!
//! Big runs stay small: only the first [`Limits::repeats`] repeats and [`Limits::clusters`]
//! clusters are drawn with their text, each article's text is cut at
//! [`Limits::text_bytes`], and the remaining findings are rows of a table capped at
//! [`Limits::rows`]. The JSON report always has everything; the page says what it left out.
//!
//! Output depends only on the report and the corpus (no clock, no hash-map order), so it is
//! byte-identical for any thread count.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use super::{Pair, Printer, Report, SpanPair, Step};
use crate::corpus::{Article, Corpus};
use crate::segment::{self, Span};

const CSS: &str = include_str!("html.css");

/// How much of a big report the page draws in full. The defaults keep the page of a
/// 100,000-article report to a few MB, which a browser opens at once.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Repeats shown inside their article's text; later ones are table rows.
    pub repeats: usize,
    /// Clusters shown with a member table and side-by-side comparisons; later ones are rows.
    pub clusters: usize,
    /// Side-by-side comparisons (canonical beside a member) per cluster; every member is
    /// still in the cluster's table with its Jaccard and containment.
    pub comparisons: usize,
    /// Bytes of one article's text shown (cut at a character boundary, with a note).
    pub text_bytes: usize,
    /// Bytes of a boilerplate block's text shown.
    pub boilerplate_bytes: usize,
    /// Carrier ids linked per boilerplate block before "and N more".
    pub ids: usize,
    /// Rows of each table of findings not drawn in full, and of the warnings list.
    pub rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            repeats: 100,
            clusters: 50,
            comparisons: 8,
            text_bytes: 20_000,
            boilerplate_bytes: 2_000,
            ids: 20,
            rows: 2_000,
        }
    }
}

/// The HTML printer: the report's findings drawn in the texts of `corpus`, which must be the
/// corpus the report was made from.
pub struct Html<'a> {
    pub corpus: &'a Corpus,
    pub limits: Limits,
}

impl<'a> Html<'a> {
    /// A printer with the default [`Limits`].
    pub fn new(corpus: &'a Corpus) -> Self {
        Html {
            corpus,
            limits: Limits::default(),
        }
    }
}

impl Printer for Html<'_> {
    fn print(&self, report: &Report, out: &mut dyn Write) -> crate::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        Page::new(self.corpus, report, &self.limits)
            .write(&mut w)
            .map_err(|e| e.0)?;
        w.flush().map_err(crate::Error::Output)
    }
}

/// A highlighted byte range of one text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    start: usize,
    end: usize,
    class: &'static str,
}

/// Where an article is linked from, for the index at the end of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Repeat(usize),
    Boilerplate(usize),
    Cluster(usize),
}

/// One rendering: lookups built once, and the articles linked so far.
struct Page<'a> {
    corpus: &'a Corpus,
    report: &'a Report,
    limits: &'a Limits,
    index: HashMap<&'a str, usize>,
    pairs: HashMap<(&'a str, &'a str), &'a Pair>,
    /// Article index → places it is linked from, in page order.
    linked: BTreeMap<usize, Vec<Place>>,
}

impl<'a> Page<'a> {
    fn new(corpus: &'a Corpus, report: &'a Report, limits: &'a Limits) -> Self {
        Page {
            corpus,
            report,
            limits,
            index: corpus
                .articles
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
            pairs: report
                .pairs
                .iter()
                .map(|p| ((p.a.as_str(), p.b.as_str()), p))
                .collect(),
            linked: BTreeMap::new(),
        }
    }

    fn article(&self, id: &str) -> Option<(usize, &'a Article)> {
        self.index.get(id).map(|&i| (i, &self.corpus.articles[i]))
    }

    /// The text of article `i`. A text that cannot be read again fails the page with the
    /// library's error ([`crate::Error::Reread`]).
    fn text(&self, i: usize) -> Step<Cow<'a, str>> {
        Ok(self.corpus.text(i)?)
    }

    /// The headline shown for article `id` ([`super::headline`]); empty for an unknown id.
    fn headline(&self, id: &str) -> Step<String> {
        match self.article(id) {
            Some((i, _)) => Ok(super::headline(self.corpus, i)?),
            None => Ok(String::new()),
        }
    }

    /// The outlet of article `id`; empty when unknown.
    fn source(&self, id: &str) -> &'a str {
        self.article(id).map_or("", |(_, a)| a.source.as_str())
    }

    /// A link to the article's entry in the index, remembered for the index.
    fn link(&mut self, w: &mut dyn Write, id: &str, place: Place) -> io::Result<()> {
        match self.index.get(id) {
            Some(&i) => {
                let places = self.linked.entry(i).or_default();
                if places.last() != Some(&place) {
                    places.push(place);
                }
                write!(w, "<a class=\"id\" href=\"#a{i}\">")?;
                esc(w, id)?;
                w.write_all(b"</a>")
            }
            None => {
                w.write_all(b"<span class=\"id\">")?;
                esc(w, id)?;
                w.write_all(b"</span>")
            }
        }
    }

    fn write(mut self, w: &mut dyn Write) -> Step<()> {
        page_start(w, "reprint report")?;
        self.header(w)?;
        self.repeats(w)?;
        self.boilerplate(w)?;
        self.clusters(w)?;
        self.warnings(w)?;
        self.index_of_articles(w)?;
        Ok(w.write_all(b"</body>\n</html>\n")?)
    }

    fn header(&self, w: &mut dyn Write) -> io::Result<()> {
        let s = &self.report.summary;
        w.write_all(b"<header>\n<h1>reprint report</h1>\n<nav><a href=\"#repeats\">Repeats</a><a href=\"#boilerplate\">Boilerplate</a><a href=\"#clusters\">Reprint clusters</a><a href=\"#warnings\">Warnings</a><a href=\"#articles\">Articles</a></nav>\n")?;
        w.write_all(b"<table class=\"summary\">\n<tr><th>articles</th><th>repeats</th><th>boilerplate blocks</th><th>reprint pairs</th><th>pairs listed</th><th>reprint clusters</th><th>warnings</th></tr>\n<tr>")?;
        for (key, n) in [
            ("articles", s.articles),
            ("repeats", s.repeats),
            ("boilerplate", s.boilerplate),
            ("reprint_pairs", s.reprint_pairs),
            ("partial_pairs", s.partial_pairs),
            ("pairs", s.pairs),
            ("clusters", s.clusters),
            ("warnings", s.warnings),
        ] {
            write!(w, "<td data-count=\"{key}\">{n}</td>")?;
        }
        w.write_all(b"</tr>\n</table>\n")?;
        // Serialized rather than listed by hand, so a parameter added to the report shows up.
        w.write_all(b"<details class=\"params\"><summary>Scan parameters</summary>\n<table>\n")?;
        if let Ok(serde_json::Value::Object(params)) = serde_json::to_value(&self.report.params) {
            for (k, v) in &params {
                w.write_all(b"<tr><th>")?;
                esc(w, k)?;
                w.write_all(b"</th><td class=\"n\">")?;
                esc(w, &v.to_string())?;
                w.write_all(b"</td></tr>\n")?;
            }
        }
        w.write_all(b"</table>\n</details>\n")?;
        let l = self.limits;
        writeln!(
            w,
            "<p class=\"note\">Paragraph numbers are 0-based and byte offsets end-exclusive, as in \
             the JSON report. Drawn in full: the first {} repeats and {} clusters ({} comparisons \
             each), at most {} bytes of each article; the rest are table rows (at most {} per \
             table). <code>--format json</code> has every finding.</p>\n</header>",
            l.repeats, l.clusters, l.comparisons, l.text_bytes, l.rows
        )
    }

    fn repeats(&mut self, w: &mut dyn Write) -> Step<()> {
        let report = self.report;
        writeln!(
            w,
            "<section id=\"repeats\">\n<h2>Repeats ({})</h2>",
            report.repeats.len()
        )?;
        if report.repeats.is_empty() {
            return Ok(w.write_all(
                b"<p class=\"note\">No repeated runs inside an article.</p>\n</section>\n",
            )?);
        }
        w.write_all(b"<p class=\"legend note\"><mark class=\"first\">first occurrence</mark> <mark class=\"repeat\">repeat</mark> inside the same article.</p>\n")?;
        let shown = report.repeats.len().min(self.limits.repeats);
        for (i, x) in report.repeats.iter().enumerate().take(shown) {
            write!(
                w,
                "<details class=\"repeat\" id=\"r{i}\"{}><summary>#{} ",
                if i == 0 { " open" } else { "" },
                i + 1
            )?;
            self.link(w, &x.article, Place::Repeat(i))?;
            writeln!(
                w,
                ": paragraphs {} repeat {} ({} words{})</summary>",
                range(x.repeat.paragraphs),
                range(x.first.paragraphs),
                x.words,
                if x.exact { ", exact" } else { ", near-exact" }
            )?;
            writeln!(
                w,
                "<p class=\"note\">first bytes {}..{}, repeat bytes {}..{}</p>",
                x.first.start, x.first.end, x.repeat.start, x.repeat.end
            )?;
            match self.article(&x.article) {
                Some((a, _)) => {
                    let text = self.text(a)?;
                    let marks = [
                        Mark {
                            start: x.first.start,
                            end: x.first.end,
                            class: "first",
                        },
                        Mark {
                            start: x.repeat.start,
                            end: x.repeat.end,
                            class: "repeat",
                        },
                    ];
                    let paras = segment::paragraphs(&text);
                    write_text(w, &text, &paras, &marks, &|_| None, self.limits.text_bytes)?;
                }
                None => w.write_all(b"<p class=\"note\">Article not in the corpus.</p>\n")?,
            }
            w.write_all(b"</details>\n")?;
        }
        if report.repeats.len() > shown {
            let rest = &report.repeats[shown..];
            writeln!(
                w,
                "<h3>More repeats ({}), without text</h3>\n<table>\n<tr><th>#</th><th>article</th><th>paragraphs</th><th>repeat</th><th>words</th><th>first bytes</th><th>repeat bytes</th></tr>",
                rest.len()
            )?;
            for (k, x) in rest.iter().enumerate().take(self.limits.rows) {
                write!(w, "<tr><td class=\"n\">{}</td><td>", shown + k + 1)?;
                esc(w, &x.article)?;
                writeln!(
                    w,
                    "</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}..{}</td><td>{}..{}</td></tr>",
                    range(x.repeat.paragraphs),
                    range(x.first.paragraphs),
                    x.words,
                    x.first.start,
                    x.first.end,
                    x.repeat.start,
                    x.repeat.end
                )?;
            }
            w.write_all(b"</table>\n")?;
            more_rows(w, rest.len(), self.limits.rows)?;
        }
        Ok(w.write_all(b"</section>\n")?)
    }

    fn boilerplate(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let report = self.report;
        writeln!(
            w,
            "<section id=\"boilerplate\">\n<h2>Boilerplate ({})</h2>",
            report.boilerplate.len()
        )?;
        if report.boilerplate.is_empty() {
            return w.write_all(b"<p class=\"note\">No boilerplate blocks.</p>\n</section>\n");
        }
        for (i, b) in report.boilerplate.iter().enumerate().take(self.limits.rows) {
            write!(
                w,
                "<details class=\"boilerplate\" id=\"b{i}\"{}><summary>#{} {} articles, {} words, {} paragraph{}: <q>",
                if i == 0 { " open" } else { "" },
                i + 1,
                b.articles,
                b.words,
                b.paragraphs,
                if b.paragraphs == 1 { "" } else { "s" }
            )?;
            esc(w, &super::snippet(&b.text, 90))?;
            w.write_all(b"</q></summary>\n<blockquote>")?;
            let cut = floor_boundary(&b.text, self.limits.boilerplate_bytes);
            esc(w, &b.text[..cut])?;
            if cut < b.text.len() {
                write!(w, " … ({} more bytes)", b.text.len() - cut)?;
            }
            w.write_all(b"</blockquote>\n<table><tr><th>outlet</th><th>articles</th></tr>\n")?;
            // Most frequent outlet first; ties in the report's (name) order.
            let mut sources: Vec<(&String, &usize)> = b.sources.iter().collect();
            sources.sort_by(|x, y| y.1.cmp(x.1));
            for (name, n) in sources {
                w.write_all(b"<tr><td>")?;
                esc(w, name)?;
                writeln!(w, "</td><td class=\"n\">{n}</td></tr>")?;
            }
            w.write_all(b"</table>\n<ul class=\"ids\">\n")?;
            for id in b.ids.iter().take(self.limits.ids) {
                w.write_all(b"<li>")?;
                self.link(w, id, Place::Boilerplate(i))?;
                w.write_all(b"</li>\n")?;
            }
            w.write_all(b"</ul>\n")?;
            if b.ids.len() > self.limits.ids {
                writeln!(
                    w,
                    "<p class=\"note\">and {} more (all ids are in the JSON report)</p>",
                    b.ids.len() - self.limits.ids
                )?;
            }
            w.write_all(b"</details>\n")?;
        }
        more_rows(w, report.boilerplate.len(), self.limits.rows)?;
        w.write_all(b"</section>\n")
    }

    /// The pair of the canonical and a member, with spans as (canonical, member) ranges.
    fn pair_spans(&self, canonical: &str, member: &str) -> Option<(&'a Pair, Vec<SpanPair>)> {
        if let Some(p) = self.pairs.get(&(canonical, member)) {
            return Some((p, p.spans.clone()));
        }
        // Pairs keep input order (`a` before `b`), so the canonical may be `b`.
        self.pairs.get(&(member, canonical)).map(|p| {
            let swapped = p
                .spans
                .iter()
                .map(|s| SpanPair {
                    a: s.b,
                    b: s.a,
                    words: s.words,
                })
                .collect();
            (*p, swapped)
        })
    }

    fn clusters(&mut self, w: &mut dyn Write) -> Step<()> {
        let report = self.report;
        writeln!(
            w,
            "<section id=\"clusters\">\n<h2>Reprint clusters ({})</h2>",
            report.clusters.len()
        )?;
        if report.clusters.is_empty() {
            return Ok(w.write_all(b"<p class=\"note\">No reprint clusters.</p>\n</section>\n")?);
        }
        w.write_all(b"<p class=\"legend note\"><mark class=\"shared\">shared passage</mark> <mark class=\"shared alt\">next shared passage</mark> (the same passage has the same shade on both sides), <span class=\"added\">paragraph the member added</span> (no shared passage touches it), <span class=\"dropped\">canonical paragraph the member dropped</span>. J = Jaccard, C = containment of the word 5-gram sets without boilerplate.</p>\n")?;
        let shown = report.clusters.len().min(self.limits.clusters);
        for (i, c) in report.clusters.iter().enumerate().take(shown) {
            self.cluster(w, i, c)?;
        }
        if report.clusters.len() > shown {
            let rest = &report.clusters[shown..];
            writeln!(
                w,
                "<h3>More clusters ({}), without text</h3>\n<table>\n<tr><th>#</th><th>articles</th><th>canonical</th><th>outlet</th><th>headline</th></tr>",
                rest.len()
            )?;
            for (k, c) in rest.iter().enumerate().take(self.limits.rows) {
                write!(
                    w,
                    "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"id\">",
                    shown + k + 1,
                    c.members.len()
                )?;
                esc(w, &c.canonical)?;
                w.write_all(b"</td><td>")?;
                esc(w, self.source(&c.canonical))?;
                w.write_all(b"</td><td>")?;
                esc(w, &self.headline(&c.canonical)?)?;
                w.write_all(b"</td></tr>\n")?;
            }
            w.write_all(b"</table>\n")?;
            more_rows(w, rest.len(), self.limits.rows)?;
        }
        Ok(w.write_all(b"</section>\n")?)
    }

    fn cluster(&mut self, w: &mut dyn Write, i: usize, c: &'a super::Cluster) -> Step<()> {
        write!(
            w,
            "<details class=\"cluster\" id=\"c{i}\"{}><summary>#{} {} articles, canonical ",
            if i == 0 { " open" } else { "" },
            i + 1,
            c.members.len()
        )?;
        self.link(w, &c.canonical, Place::Cluster(i))?;
        w.write_all(b": <q>")?;
        esc(w, &self.headline(&c.canonical)?)?;
        w.write_all(b"</q></summary>\n<table>\n<tr><th>member</th><th>outlet</th><th>date</th><th>J</th><th>C</th><th>shared shingles</th><th>passages</th><th>headline</th></tr>\n")?;
        for (k, m) in c.members.iter().enumerate() {
            w.write_all(b"<tr><td>")?;
            self.link(w, m, Place::Cluster(i))?;
            w.write_all(b"</td><td>")?;
            esc(w, self.source(m))?;
            w.write_all(b"</td><td class=\"d\">")?;
            esc(
                w,
                self.article(m).map(|(_, a)| a.date.as_str()).unwrap_or(""),
            )?;
            w.write_all(b"</td>")?;
            match (k, self.pair_spans(&c.canonical, m)) {
                (0, _) => w.write_all(b"<td colspan=\"4\">canonical</td>")?,
                (_, Some((p, _))) => write!(
                    w,
                    "<td class=\"n\">{:.4}</td><td class=\"n\">{:.4}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
                    p.jaccard,
                    p.containment,
                    p.shared_shingles,
                    p.spans.len()
                )?,
                (_, None) => w.write_all(b"<td colspan=\"4\">no pair in the report</td>")?,
            }
            w.write_all(b"<td>")?;
            esc(w, &self.headline(m)?)?;
            w.write_all(b"</td></tr>\n")?;
        }
        w.write_all(b"</table>\n")?;
        let members = c.members.len().saturating_sub(1);
        let compared = members.min(self.limits.comparisons);
        let canonical = self.article(&c.canonical);
        // The canonical's text only when a comparison draws it.
        let canonical_text = match canonical {
            Some((ci, _)) if compared > 0 => Some(self.text(ci)?),
            _ => None,
        };
        let canonical_paras = canonical_text.as_deref().map(segment::paragraphs);
        for (k, m) in c.members.iter().enumerate().skip(1).take(compared) {
            let (Some((_, ca)), Some(ct), Some(cp), Some((mi, ma))) = (
                canonical,
                canonical_text.as_deref(),
                canonical_paras.as_deref(),
                self.article(m),
            ) else {
                continue;
            };
            let mt = self.text(mi)?;
            let spans = self
                .pair_spans(&c.canonical, m)
                .map(|(_, s)| s)
                .unwrap_or_default();
            self.comparison(w, (i, k), (ca, ct, cp), (ma, &mt), &spans)?;
        }
        if members > compared {
            writeln!(
                w,
                "<p class=\"note\">{} more members are in the table above without a comparison.</p>",
                members - compared
            )?;
        }
        Ok(w.write_all(b"</details>\n")?)
    }

    /// The canonical beside one member, shared passages highlighted, added and dropped
    /// paragraphs marked. `spans` are (canonical, member) ranges.
    fn comparison(
        &self,
        w: &mut dyn Write,
        (i, k): (usize, usize),
        (ca, ct, cp): (&Article, &str, &[Span]),
        (ma, mt): (&Article, &str),
        spans: &[SpanPair],
    ) -> io::Result<()> {
        let mp = segment::paragraphs(mt);
        // Passage n gets the same shade on both sides; shades alternate so neighbours differ.
        let class = |n: usize| {
            if n.is_multiple_of(2) {
                "shared"
            } else {
                "shared alt"
            }
        };
        let mut cm: Vec<Mark> = spans
            .iter()
            .enumerate()
            .map(|(n, s)| Mark {
                start: s.a[0],
                end: s.a[1],
                class: class(n),
            })
            .collect();
        let mut mm: Vec<Mark> = spans
            .iter()
            .enumerate()
            .map(|(n, s)| Mark {
                start: s.b[0],
                end: s.b[1],
                class: class(n),
            })
            .collect();
        cm.sort_by_key(|m| (m.start, m.end));
        mm.sort_by_key(|m| (m.start, m.end));
        let dropped = untouched(cp, &cm);
        let added = untouched(&mp, &mm);
        let (nd, na) = (
            dropped.iter().filter(|&&x| x).count(),
            added.iter().filter(|&&x| x).count(),
        );
        write!(
            w,
            "<details class=\"comparison\" id=\"c{i}m{k}\"{}><summary>canonical vs <span class=\"id\">",
            if i == 0 && k == 1 { " open" } else { "" }
        )?;
        esc(w, &ma.id)?;
        writeln!(
            w,
            "</span>: {} shared passage{}, {} paragraph{} added, {} dropped</summary>\n<div class=\"cols\">",
            spans.len(),
            if spans.len() == 1 { "" } else { "s" },
            na,
            if na == 1 { "" } else { "s" },
            nd
        )?;
        for (a, text, paras, marks, flags, flag) in [
            (ca, ct, cp, &cm, &dropped, "dropped"),
            (ma, mt, &mp[..], &mm, &added, "added"),
        ] {
            w.write_all(b"<div class=\"col\">\n<h4><span class=\"id\">")?;
            esc(w, &a.id)?;
            w.write_all(b"</span>")?;
            if !a.source.is_empty() {
                w.write_all(b" (")?;
                esc(w, &a.source)?;
                w.write_all(b")")?;
            }
            if !a.title.is_empty() {
                w.write_all(b": ")?;
                esc(w, &a.title)?;
            }
            w.write_all(b"</h4>\n")?;
            write_text(
                w,
                text,
                paras,
                marks,
                &|p| flags[p].then_some(flag),
                self.limits.text_bytes,
            )?;
            w.write_all(b"</div>\n")?;
        }
        w.write_all(b"</div>\n</details>\n")
    }

    fn warnings(&self, w: &mut dyn Write) -> io::Result<()> {
        let ws = &self.report.warnings;
        writeln!(
            w,
            "<section id=\"warnings\">\n<h2>Warnings ({})</h2>",
            ws.len()
        )?;
        if ws.is_empty() {
            return w
                .write_all(b"<p class=\"note\">Every input record was read.</p>\n</section>\n");
        }
        w.write_all(b"<table>\n<tr><th>file</th><th>line</th><th>message</th></tr>\n")?;
        for x in ws.iter().take(self.limits.rows) {
            w.write_all(b"<tr><td class=\"id\">")?;
            esc(w, &x.file)?;
            write!(w, "</td><td class=\"n\">{}</td><td>", x.line)?;
            esc(w, &x.message)?;
            w.write_all(b"</td></tr>\n")?;
        }
        w.write_all(b"</table>\n")?;
        more_rows(w, ws.len(), self.limits.rows)?;
        w.write_all(b"</section>\n")
    }

    /// Every article linked above, once, with where it appears: the anchors the links point
    /// to sit outside the collapsed sections, so a link always lands on something visible.
    fn index_of_articles(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(
            w,
            "<section id=\"articles\">\n<h2>Articles linked above ({})</h2>",
            self.linked.len()
        )?;
        if self.linked.is_empty() {
            return w.write_all(b"</section>\n");
        }
        w.write_all(b"<table>\n<tr><th>id</th><th>outlet</th><th>date</th><th>headline</th><th>appears in</th></tr>\n")?;
        for (&i, places) in &self.linked {
            let a = &self.corpus.articles[i];
            write!(w, "<tr id=\"a{i}\"><td class=\"id\">")?;
            esc(w, &a.id)?;
            w.write_all(b"</td><td>")?;
            esc(w, &a.source)?;
            w.write_all(b"</td><td>")?;
            esc(w, &a.date)?;
            w.write_all(b"</td><td>")?;
            esc(w, &a.title)?;
            w.write_all(b"</td><td>")?;
            for (n, place) in places.iter().enumerate() {
                if n > 0 {
                    w.write_all(b", ")?;
                }
                match *place {
                    Place::Repeat(r) => write!(w, "<a href=\"#r{r}\">repeat #{}</a>", r + 1)?,
                    Place::Boilerplate(b) => {
                        write!(w, "<a href=\"#b{b}\">boilerplate #{}</a>", b + 1)?
                    }
                    Place::Cluster(c) => write!(w, "<a href=\"#c{c}\">cluster #{}</a>", c + 1)?,
                }
            }
            w.write_all(b"</td></tr>\n")?;
        }
        w.write_all(b"</table>\n</section>\n")
    }
}

/// "and N more" under a table cut at `limit` rows.
fn more_rows(w: &mut dyn Write, total: usize, limit: usize) -> io::Result<()> {
    if total > limit {
        writeln!(
            w,
            "<p class=\"note\">and {} more (all are in the JSON report)</p>",
            total - limit
        )?;
    }
    Ok(())
}

/// For each paragraph, whether no mark touches it. `marks` are sorted by start.
fn untouched(paras: &[Span], marks: &[Mark]) -> Vec<bool> {
    let mut out = vec![true; paras.len()];
    for m in marks {
        // Paragraphs are in order and disjoint: those overlapping `m` are a contiguous run.
        let first = paras.partition_point(|p| p.end <= m.start);
        for (p, flag) in paras[first..].iter().zip(&mut out[first..]) {
            if p.start >= m.end {
                break;
            }
            *flag = false;
        }
    }
    out
}

/// Writes the paragraphs of `text` as `<p data-n="…">` with `marks` (sorted by start) as
/// `<mark>` elements, split where they cross a paragraph break. Stops after `cap` bytes.
fn write_text(
    w: &mut dyn Write,
    text: &str,
    paras: &[Span],
    marks: &[Mark],
    para_class: &dyn Fn(usize) -> Option<&'static str>,
    cap: usize,
) -> io::Result<()> {
    w.write_all(b"<div class=\"text\">\n")?;
    let cap = floor_boundary(text, cap);
    let mut mi = 0;
    for (n, p) in paras.iter().enumerate() {
        if p.start >= cap {
            break;
        }
        let end = p.end.min(cap);
        match para_class(n) {
            Some(class) => write!(w, "<p data-n=\"{n}\" class=\"{class}\">")?,
            None => write!(w, "<p data-n=\"{n}\">")?,
        }
        let mut at = p.start;
        while mi < marks.len() && marks[mi].end <= at {
            mi += 1;
        }
        let mut k = mi;
        while k < marks.len() && marks[k].start < end {
            let m = marks[k];
            let s = floor_boundary(text, m.start.max(at));
            let e = floor_boundary(text, m.end.min(end));
            if e > s {
                esc(w, &text[at..s])?;
                write!(w, "<mark class=\"{}\">", m.class)?;
                esc(w, &text[s..e])?;
                w.write_all(b"</mark>")?;
                at = e;
            }
            if m.end > end {
                break;
            }
            k += 1;
        }
        esc(w, &text[at..end])?;
        w.write_all(b"</p>\n")?;
    }
    if cap < text.len() {
        writeln!(
            w,
            "<p class=\"cut\">… {} more bytes not shown (the page shows {} bytes per article)</p>",
            text.len() - cap,
            cap
        )?;
    }
    w.write_all(b"</div>\n")
}

/// The largest character boundary of `text` at or below `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Writes a page's start up to `<body>`: doctype, `title` (escaped) and the inline style
/// sheet. Shared with the index's cluster list (`reprint index clusters --format html`).
pub(crate) fn page_start(w: &mut dyn Write, title: &str) -> io::Result<()> {
    w.write_all(b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")?;
    w.write_all(b"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")?;
    w.write_all(b"<title>")?;
    esc(w, title)?;
    w.write_all(b"</title>\n<style>\n")?;
    w.write_all(CSS.as_bytes())?;
    w.write_all(b"</style>\n</head>\n<body>\n")
}

/// Writes `s` HTML-escaped (safe in text and in quoted attribute values).
pub(crate) fn esc(w: &mut dyn Write, s: &str) -> io::Result<()> {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        w.write_all(&bytes[last..i])?;
        w.write_all(rep)?;
        last = i + 1;
    }
    w.write_all(&bytes[last..])
}

fn range(p: [usize; 2]) -> String {
    if p[0] == p[1] {
        p[0].to_string()
    } else {
        format!("{}-{}", p[0], p[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_that_cannot_be_read_again_fails_the_page_with_the_library_error() {
        let dir = std::env::temp_dir().join(format!("reprint-html-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("feed.jsonl");
        let para = "The harbour council met again on Monday to debate the budget.";
        let line = serde_json::json!({"id": "a", "text": format!("{para}\n\n{para}")});
        std::fs::write(&path, format!("{line}\n")).unwrap();
        let cfg = crate::Config::default();
        let loaded = crate::input::read_inputs(std::slice::from_ref(&path), &cfg).unwrap();
        let (report, _) = crate::pipeline::scan(&loaded.corpus, vec![], &cfg).unwrap();
        assert_eq!(report.repeats.len(), 1);
        std::fs::write(&path, "").unwrap();
        let e = Html::new(&loaded.corpus)
            .print(&report, &mut Vec::new())
            .unwrap_err();
        assert!(matches!(e, crate::Error::Reread { line: 1, .. }), "{e:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn render(text: &str, marks: &[Mark], cap: usize) -> String {
        let mut out = Vec::new();
        let paras = segment::paragraphs(text);
        write_text(&mut out, text, &paras, marks, &|_| None, cap).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_every_special_character() {
        let mut out = Vec::new();
        esc(&mut out, "<script>a&b</script> \"x\" 'y'").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "&lt;script&gt;a&amp;b&lt;/script&gt; &quot;x&quot; &#39;y&#39;"
        );
    }

    #[test]
    fn a_mark_across_a_paragraph_break_is_split_in_both_paragraphs() {
        let text = "One two three.\nFour five six.\nSeven.";
        let marks = [Mark {
            start: 4,
            end: 20,
            class: "first",
        }];
        assert_eq!(
            render(text, &marks, 1000),
            "<div class=\"text\">\n<p data-n=\"0\">One <mark class=\"first\">two three.</mark></p>\n\
             <p data-n=\"1\"><mark class=\"first\">Four </mark>five six.</p>\n<p data-n=\"2\">Seven.</p>\n</div>\n"
        );
    }

    #[test]
    fn two_marks_in_one_paragraph_and_the_cap_cuts_on_a_char_boundary() {
        let text = "aa bb cc.\nZürich.";
        let marks = [
            Mark {
                start: 0,
                end: 2,
                class: "first",
            },
            Mark {
                start: 3,
                end: 5,
                class: "repeat",
            },
        ];
        let html = render(text, &marks, 12);
        assert!(html
            .contains("<mark class=\"first\">aa</mark> <mark class=\"repeat\">bb</mark> cc.</p>"));
        // Byte 12 falls inside "ü" (bytes 11..13): the cut keeps "Z" only.
        assert!(html.contains("<p data-n=\"1\">Z</p>"), "{html}");
        assert!(html.contains("7 more bytes not shown"), "{html}");
    }

    #[test]
    fn untouched_paragraphs_are_those_no_mark_overlaps() {
        let paras = [
            Span { start: 0, end: 5 },
            Span { start: 6, end: 10 },
            Span { start: 11, end: 20 },
        ];
        let marks = [Mark {
            start: 8,
            end: 12,
            class: "shared",
        }];
        assert_eq!(untouched(&paras, &marks), vec![true, false, false]);
        assert_eq!(untouched(&paras, &[]), vec![true, true, true]);
    }
}
