//! What `reprint index add` and `query` report on a batch, and the window's cluster list;
//! JSON (schema [`SCHEMA_VERSION`], documented in the README), text and HTML printers (the
//! pages share the scan page's head, style sheet and escaping).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use serde::Serialize;

use super::store::StoredArticle;
use super::{Event, Index};
use crate::corpus::Corpus;
use crate::report::{snippet, PairKind, Warning};

/// Version of the index's JSON documents (batch report and cluster list); bumped on any
/// incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A cluster id as printed: `c` and the number.
pub fn cluster_name(id: u64) -> String {
    format!("c{id}")
}

/// Characters of a passage's text kept for the HTML page ([`Shared::text`], [`Repeat::text`]).
pub const PASSAGE_CHARS: usize = 400;

/// A passage shared with the other article: bytes of this article's text and of the other's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shared {
    pub this: [usize; 2],
    pub other: [usize; 2],
    pub words: usize,
    /// This article's words of the passage, at most [`PASSAGE_CHARS`] characters, for the
    /// HTML page (the JSON gives the byte ranges only).
    #[serde(skip)]
    pub text: String,
}

/// Another article this one shares a story with (a reprint pair or partial reuse).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub id: String,
    pub date: String,
    pub source: String,
    /// True when the other article was indexed before this batch; false when it is in the
    /// batch itself.
    pub indexed: bool,
    pub kind: PairKind,
    pub short_share: f64,
    pub long_share: f64,
    pub jaccard: f64,
    pub containment: f64,
    pub spans: Vec<Shared>,
}

/// A run of this article that repeats an earlier run of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Repeat {
    pub words: usize,
    pub first: [usize; 2],
    pub repeat: [usize; 2],
    pub exact: bool,
    /// The repeated run's words, at most [`PASSAGE_CHARS`] characters, for the HTML page.
    #[serde(skip)]
    pub text: String,
}

/// A boilerplate block this article carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Carried {
    /// Its opening words (at most 80 characters).
    pub snippet: String,
    /// Carriers and outlets among the batch and the earlier articles read with it.
    pub articles: usize,
    pub outlets: usize,
}

/// The report on one new article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleReport {
    pub id: String,
    pub date: String,
    pub source: String,
    /// Its story cluster (an id of its own when it reprints nothing and nothing reprints it).
    #[serde(serialize_with = "as_cluster_name")]
    pub cluster: u64,
    /// The cluster's canonical article.
    pub canonical: String,
    pub links: Vec<Link>,
    pub repeats: Vec<Repeat>,
    pub boilerplate: Vec<Carried>,
}

fn as_cluster_name<S: serde::Serializer>(id: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&cluster_name(*id))
}

/// Counts of a batch report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchSummary {
    /// New articles reported on (the batch minus skipped ids).
    pub articles: usize,
    /// Ids already in the index (or twice in the batch), skipped.
    pub skipped: usize,
    /// Earlier articles read as candidates.
    pub candidates: usize,
    /// New articles with at least one reprint link to an indexed article.
    pub reprint_indexed: usize,
    /// New articles with at least one link of either kind.
    pub linked: usize,
    pub events: usize,
}

/// The report of `index add` or `index query`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchReport {
    pub version: u32,
    /// `add` or `query`.
    pub command: &'static str,
    /// The segment `add` wrote (none for `query`, or when nothing was new).
    pub segment: Option<String>,
    pub summary: BatchSummary,
    pub articles: Vec<ArticleReport>,
    pub events: Vec<EventReport>,
    pub skipped: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// An [`Event`] as reported, with cluster names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventReport {
    CanonicalSuperseded {
        cluster: String,
        old: String,
        new: String,
    },
    Merged {
        from: String,
        into: String,
        by: String,
    },
}

impl EventReport {
    /// The event in words, as the text and HTML printers show it.
    fn describe(&self) -> String {
        match self {
            EventReport::CanonicalSuperseded { cluster, old, new } => {
                format!("{cluster} canonical {old} superseded by earlier {new}")
            }
            EventReport::Merged { from, into, by } => format!("{from} merged into {into} by {by}"),
        }
    }
}

impl From<&Event> for EventReport {
    fn from(e: &Event) -> Self {
        match e {
            Event::CanonicalSuperseded { cluster, old, new } => EventReport::CanonicalSuperseded {
                cluster: cluster_name(*cluster),
                old: old.clone(),
                new: new.clone(),
            },
            Event::Merged { from, into, by } => EventReport::Merged {
                from: cluster_name(*from),
                into: cluster_name(*into),
                by: by.clone(),
            },
        }
    }
}

impl BatchReport {
    /// Builds the report from the pipeline's `scan` of `corpus` (its first `n_old` articles
    /// are the earlier ones) and the cluster assignment of the new ones.
    pub(super) fn build(
        corpus: &Corpus,
        n_old: usize,
        scan: &crate::report::Report,
        assigned: &[(u64, String)],
        events: &[Event],
        skipped: Vec<String>,
        warnings: Vec<Warning>,
    ) -> crate::Result<BatchReport> {
        let pos: HashMap<&str, usize> = corpus
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let mut articles: Vec<ArticleReport> = corpus.articles[n_old..]
            .iter()
            .zip(assigned)
            .map(|(a, (cluster, canonical))| ArticleReport {
                id: a.id.clone(),
                date: a.date.clone(),
                source: a.source.clone(),
                cluster: *cluster,
                canonical: canonical.clone(),
                links: Vec::new(),
                repeats: Vec::new(),
                boilerplate: Vec::new(),
            })
            .collect();
        let new_at = |id: &str| pos.get(id).filter(|&&p| p >= n_old).map(|&p| p - n_old);
        // The words of bytes `r` of article `a`'s text, for the HTML page.
        let passage = |a: usize, r: [usize; 2]| -> crate::Result<String> {
            let text = corpus.text(a)?;
            Ok(snippet(
                text.get(r[0]..r[1]).unwrap_or_default(),
                PASSAGE_CHARS,
            ))
        };
        for p in &scan.pairs {
            let (Some(&pa), Some(&pb)) = (pos.get(p.a.as_str()), pos.get(p.b.as_str())) else {
                continue;
            };
            for (me, other, mine_is_a) in [(pb, pa, false), (pa, pb, true)] {
                if me < n_old {
                    continue;
                }
                let o = &corpus.articles[other];
                let mut spans = Vec::with_capacity(p.spans.len());
                for s in &p.spans {
                    let this = if mine_is_a { s.a } else { s.b };
                    spans.push(Shared {
                        this,
                        other: if mine_is_a { s.b } else { s.a },
                        words: s.words,
                        text: passage(me, this)?,
                    });
                }
                articles[me - n_old].links.push(Link {
                    id: o.id.clone(),
                    date: o.date.clone(),
                    source: o.source.clone(),
                    indexed: other < n_old,
                    kind: p.kind,
                    short_share: p.short_share,
                    long_share: p.long_share,
                    jaccard: p.jaccard,
                    containment: p.containment,
                    spans,
                });
            }
        }
        for r in &scan.repeats {
            if let Some(me) = new_at(&r.article) {
                let repeat = [r.repeat.start, r.repeat.end];
                articles[me].repeats.push(Repeat {
                    words: r.words,
                    first: [r.first.start, r.first.end],
                    repeat,
                    exact: r.exact,
                    text: passage(n_old + me, repeat)?,
                });
            }
        }
        for b in &scan.boilerplate {
            for id in &b.ids {
                if let Some(me) = new_at(id) {
                    articles[me].boilerplate.push(Carried {
                        snippet: snippet(&b.text, 80),
                        articles: b.articles,
                        outlets: b.sources.len(),
                    });
                }
            }
        }
        let summary = BatchSummary {
            articles: articles.len(),
            skipped: skipped.len(),
            candidates: n_old,
            reprint_indexed: articles
                .iter()
                .filter(|a| {
                    a.links
                        .iter()
                        .any(|l| l.indexed && l.kind == PairKind::Reprint)
                })
                .count(),
            linked: articles.iter().filter(|a| !a.links.is_empty()).count(),
            events: events.len(),
        };
        Ok(BatchReport {
            version: SCHEMA_VERSION,
            command: "add",
            segment: None,
            summary,
            articles,
            events: events.iter().map(EventReport::from).collect(),
            skipped,
            warnings,
        })
    }

    /// Writes the text form: one block per new article that shares text with another or
    /// repeats itself (with the boilerplate it carries; the JSON lists it for every article),
    /// then the events and a summary line.
    pub fn write_text(&self, w: &mut dyn Write) -> std::io::Result<()> {
        for a in &self.articles {
            if a.links.is_empty() && a.repeats.is_empty() {
                continue;
            }
            writeln!(
                w,
                "{} ({} {}) cluster {} canonical {}",
                a.id,
                a.date,
                a.source,
                cluster_name(a.cluster),
                a.canonical
            )?;
            for l in &a.links {
                let kind = l.kind.name();
                let words: usize = l.spans.iter().map(|s| s.words).sum();
                writeln!(
                    w,
                    "  {kind} {} {} ({} {}) short_share={} long_share={} jaccard={} spans={} words={words}",
                    if l.indexed { "of indexed" } else { "in batch" },
                    l.id,
                    l.date,
                    l.source,
                    l.short_share,
                    l.long_share,
                    l.jaccard,
                    l.spans.len()
                )?;
            }
            for r in &a.repeats {
                writeln!(
                    w,
                    "  repeat of {} words: bytes {}..{} again at {}..{}",
                    r.words, r.first[0], r.first[1], r.repeat[0], r.repeat[1]
                )?;
            }
            for b in &a.boilerplate {
                writeln!(
                    w,
                    "  boilerplate ({} articles, {} outlets): {}",
                    b.articles, b.outlets, b.snippet
                )?;
            }
        }
        for e in &self.events {
            writeln!(w, "event: {}", e.describe())?;
        }
        let s = &self.summary;
        writeln!(
            w,
            "{}: {} new articles ({} skipped), {} reprint indexed articles, {} linked, {} candidates read, {} events{}",
            self.command,
            s.articles,
            s.skipped,
            s.reprint_indexed,
            s.linked,
            s.candidates,
            s.events,
            self.segment.as_ref().map_or(String::new(), |f| format!(", segment {f}"))
        )
    }

    /// One self-contained page (inline CSS, no script, the scan page's style sheet): the
    /// summary, the cluster events, then per new article that shares text or repeats itself
    /// (as [`BatchReport::write_text`] selects them) its links with their scores and the
    /// shared passages' words, its repeats and the boilerplate it carries; then the skipped
    /// ids and the input warnings.
    pub fn write_html(&self, w: &mut dyn Write) -> std::io::Result<()> {
        use crate::report::html::{esc, page_start};
        let title = format!("reprint index {}", self.command);
        page_start(w, &title)?;
        w.write_all(b"<h1>")?;
        esc(w, &title)?;
        w.write_all(b"</h1>\n<table class=\"summary\">\n")?;
        let s = &self.summary;
        for (what, n) in [
            ("new articles", s.articles),
            ("skipped (already indexed)", s.skipped),
            ("earlier articles read", s.candidates),
            ("reprinting indexed articles", s.reprint_indexed),
            ("sharing text with any article", s.linked),
            ("cluster events", s.events),
        ] {
            writeln!(w, "<tr><th>{what}</th><td>{n}</td></tr>")?;
        }
        w.write_all(b"</table>\n")?;
        if let Some(seg) = &self.segment {
            w.write_all(b"<p class=\"note\">written as segment <span class=\"id\">")?;
            esc(w, seg)?;
            w.write_all(b"</span></p>\n")?;
        }
        if !self.events.is_empty() {
            w.write_all(b"<h2>Cluster events</h2>\n<ul>\n")?;
            for e in &self.events {
                w.write_all(b"<li>")?;
                esc(w, &e.describe())?;
                w.write_all(b"</li>\n")?;
            }
            w.write_all(b"</ul>\n")?;
        }
        let shown: Vec<&ArticleReport> = self
            .articles
            .iter()
            .filter(|a| !a.links.is_empty() || !a.repeats.is_empty())
            .collect();
        writeln!(w, "<h2>New articles that share text ({})</h2>", shown.len())?;
        for a in shown {
            write_article_html(w, a)?;
        }
        for (head, items) in [
            ("Skipped ids", &self.skipped),
            (
                "Input warnings",
                &self
                    .warnings
                    .iter()
                    .map(|x| format!("{}:{}: {}", x.file, x.line, x.message))
                    .collect(),
            ),
        ] {
            if items.is_empty() {
                continue;
            }
            writeln!(w, "<h2>{head} ({})</h2>\n<ul>", items.len())?;
            for x in items {
                w.write_all(b"<li>")?;
                esc(w, x)?;
                w.write_all(b"</li>\n")?;
            }
            w.write_all(b"</ul>\n")?;
        }
        w.write_all(b"</body>\n</html>\n")
    }
}

/// One new article's section of the batch page.
fn write_article_html(w: &mut dyn Write, a: &ArticleReport) -> std::io::Result<()> {
    use crate::report::html::esc;
    w.write_all(b"<section id=\"")?;
    esc(w, &a.id)?;
    w.write_all(b"\">\n<h3><span class=\"id\">")?;
    esc(w, &a.id)?;
    w.write_all(b"</span> &middot; ")?;
    esc(w, &a.date)?;
    w.write_all(b" &middot; ")?;
    esc(w, &a.source)?;
    write!(
        w,
        " &middot; cluster {} &middot; canonical <span class=\"id\">",
        cluster_name(a.cluster)
    )?;
    esc(w, &a.canonical)?;
    w.write_all(b"</span></h3>\n")?;
    if !a.links.is_empty() {
        w.write_all(b"<table>\n<tr><th>kind</th><th>article</th><th>date</th><th>source</th><th>short share</th><th>long share</th><th>Jaccard</th><th>shared words</th></tr>\n")?;
        for l in &a.links {
            let kind = l.kind.name();
            let words: usize = l.spans.iter().map(|s| s.words).sum();
            write!(
                w,
                "<tr><td>{kind} {}</td><td class=\"id\">",
                if l.indexed { "of indexed" } else { "in batch" }
            )?;
            esc(w, &l.id)?;
            w.write_all(b"</td><td class=\"d\">")?;
            esc(w, &l.date)?;
            w.write_all(b"</td><td>")?;
            esc(w, &l.source)?;
            writeln!(
                w,
                "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{words}</td></tr>",
                l.short_share, l.long_share, l.jaccard
            )?;
        }
        w.write_all(b"</table>\n")?;
        for l in a.links.iter().filter(|l| !l.spans.is_empty()) {
            write!(
                w,
                "<details><summary>{} shared passages with <span class=\"id\">",
                l.spans.len()
            )?;
            esc(w, &l.id)?;
            w.write_all(b"</span></summary>\n")?;
            for sp in &l.spans {
                writeln!(
                    w,
                    "<p class=\"note\">{} words: bytes {}-{} here, {}-{} there</p>",
                    sp.words, sp.this[0], sp.this[1], sp.other[0], sp.other[1]
                )?;
                w.write_all(b"<blockquote><mark class=\"shared\">")?;
                esc(w, &sp.text)?;
                w.write_all(b"</mark></blockquote>\n")?;
            }
            w.write_all(b"</details>\n")?;
        }
    }
    for r in &a.repeats {
        writeln!(
            w,
            "<p class=\"note\">{} repeat of {} words: bytes {}-{} again at {}-{}</p>",
            if r.exact { "exact" } else { "near-exact" },
            r.words,
            r.first[0],
            r.first[1],
            r.repeat[0],
            r.repeat[1]
        )?;
        w.write_all(b"<blockquote><mark class=\"repeat\">")?;
        esc(w, &r.text)?;
        w.write_all(b"</mark></blockquote>\n")?;
    }
    if !a.boilerplate.is_empty() {
        w.write_all(b"<p class=\"note\">boilerplate it carries:</p>\n<ul>\n")?;
        for b in &a.boilerplate {
            write!(w, "<li>({} articles, {} outlets) ", b.articles, b.outlets)?;
            esc(w, &b.snippet)?;
            w.write_all(b"</li>\n")?;
        }
        w.write_all(b"</ul>\n")?;
    }
    w.write_all(b"</section>\n")
}

/// One member of a listed cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: String,
    pub date: String,
    pub source: String,
    pub title: String,
}

/// A cluster of the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListedCluster {
    pub id: String,
    /// The canonical as recorded; it may have left the window (expired).
    pub canonical: String,
    /// Members in the window: the canonical first when it is still there (as `scan` lists a
    /// cluster), then the others in the order they were added.
    pub members: Vec<Member>,
}

/// `reprint index clusters`: every cluster with two or more members in the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterList {
    pub version: u32,
    pub generation: u64,
    pub clusters: Vec<ListedCluster>,
}

impl ClusterList {
    pub(super) fn build(index: &Index, groups: BTreeMap<u64, Vec<StoredArticle>>) -> ClusterList {
        let clusters = groups
            .into_iter()
            .filter(|(_, m)| m.len() > 1)
            .map(|(id, mut members)| {
                let canonical = index
                    .manifest
                    .clusters
                    .get(&id)
                    .map_or_else(|| members[0].id.clone(), |c| c.canonical.clone());
                // The canonical first, as `scan` lists a cluster; the others as added.
                if let Some(k) = members.iter().position(|m| m.id == canonical) {
                    members[..=k].rotate_right(1);
                }
                ListedCluster {
                    id: cluster_name(id),
                    canonical,
                    members: members
                        .into_iter()
                        .map(|a| Member {
                            id: a.id,
                            date: a.date,
                            source: a.source,
                            title: a.title,
                        })
                        .collect(),
                }
            })
            .collect();
        ClusterList {
            version: SCHEMA_VERSION,
            generation: index.manifest.generation,
            clusters,
        }
    }

    pub fn write_text(&self, w: &mut dyn Write) -> std::io::Result<()> {
        for c in &self.clusters {
            writeln!(
                w,
                "{} canonical {} ({} members)",
                c.id,
                c.canonical,
                c.members.len()
            )?;
            for m in &c.members {
                writeln!(
                    w,
                    "  {} {} {} {}",
                    m.id,
                    m.date,
                    m.source,
                    snippet(&m.title, 60)
                )?;
            }
        }
        writeln!(w, "{} clusters", self.clusters.len())
    }

    /// One self-contained page (inline CSS, no script): per cluster, a table of its members
    /// with the canonical marked, in the order of [`ClusterList::write_text`].
    pub fn write_html(&self, w: &mut dyn Write) -> std::io::Result<()> {
        use crate::report::html::{esc, page_start};
        page_start(w, "reprint index clusters")?;
        w.write_all(b"<h1>reprint index clusters</h1>\n")?;
        writeln!(
            w,
            "<p class=\"note\">{} clusters of two or more articles in the window (index \
             generation {})</p>",
            self.clusters.len(),
            self.generation
        )?;
        for c in &self.clusters {
            w.write_all(b"<section id=\"")?;
            esc(w, &c.id)?;
            w.write_all(b"\">\n<h3>")?;
            esc(w, &c.id)?;
            write!(
                w,
                " &middot; {} members &middot; canonical <span class=\"id\">",
                c.members.len()
            )?;
            esc(w, &c.canonical)?;
            w.write_all(b"</span></h3>\n<table>\n<tr><th>article</th><th>date</th><th>source</th><th>title</th></tr>\n")?;
            for m in &c.members {
                w.write_all(b"<tr><td class=\"id\">")?;
                esc(w, &m.id)?;
                if m.id == c.canonical {
                    w.write_all(b" (canonical)")?;
                }
                for field in [&m.date, &m.source, &m.title] {
                    w.write_all(b"</td><td>")?;
                    esc(w, field)?;
                }
                w.write_all(b"</td></tr>\n")?;
            }
            w.write_all(b"</table>\n</section>\n")?;
        }
        w.write_all(b"</body>\n</html>\n")
    }
}
