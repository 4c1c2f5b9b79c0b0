//! `--format text`: a report a person reads in a terminal.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Write;

use super::{snippet, Printer, Report, Step};
use crate::corpus::Corpus;

/// The text printer. It shows the opening words of each repeat and each cluster member's
/// outlet and headline, which it takes from `corpus`: the corpus the report was made from.
pub struct Text<'a> {
    pub corpus: &'a Corpus,
    /// Ids listed per boilerplate block before "(+N more)".
    pub max_ids: usize,
}

impl<'a> Text<'a> {
    /// A printer listing 8 ids per boilerplate block.
    pub fn new(corpus: &'a Corpus) -> Self {
        Text { corpus, max_ids: 8 }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Printer for Text<'_> {
    fn print(&self, r: &Report, out: &mut dyn Write) -> crate::Result<()> {
        self.write(r, out).map_err(|e| e.0)
    }
}

impl Text<'_> {
    fn write(&self, r: &Report, out: &mut dyn Write) -> Step<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
        // Article numbers of the ids whose text, outlet or headline is shown.
        let shown: HashSet<&str> = r
            .repeats
            .iter()
            .map(|x| x.article.as_str())
            .chain(
                r.clusters
                    .iter()
                    .flat_map(|c| c.members.iter().map(String::as_str)),
            )
            .collect();
        let index: HashMap<&str, usize> = if shown.is_empty() {
            HashMap::new()
        } else {
            self.corpus
                .articles
                .iter()
                .enumerate()
                .filter(|(_, a)| shown.contains(a.id.as_str()))
                .map(|(i, a)| (a.id.as_str(), i))
                .collect()
        };
        // Repeats come grouped by article: its text is read once for them.
        let mut text: Option<(usize, Cow<str>)> = None;
        let s = &r.summary;
        writeln!(
            w,
            "{}, {}, {}, {}, {}, {}",
            plural(s.articles, "article", "articles"),
            plural(s.repeats, "repeat", "repeats"),
            plural(s.boilerplate, "boilerplate block", "boilerplate blocks"),
            plural(s.reprint_pairs, "reprint pair", "reprint pairs"),
            plural(s.clusters, "cluster", "clusters"),
            plural(s.warnings, "warning", "warnings"),
        )?;
        if !r.repeats.is_empty() {
            writeln!(
                w,
                "\nREPEATS (paragraphs are 0-based; bytes are end-exclusive)"
            )?;
            for x in &r.repeats {
                let (f, p) = (&x.first, &x.repeat);
                let opening = match index.get(x.article.as_str()) {
                    Some(&i) => {
                        if text.as_ref().is_none_or(|(t, _)| *t != i) {
                            text = Some((i, self.corpus.text(i)?));
                        }
                        let t = text.as_ref().map_or("", |(_, t)| t);
                        snippet(t.get(p.start..p.end).unwrap_or(""), 70)
                    }
                    None => String::new(),
                };
                writeln!(
                    w,
                    "  {}: paragraphs {} repeat {} ({} words{})",
                    x.article,
                    range(p.paragraphs),
                    range(f.paragraphs),
                    x.words,
                    if x.exact { "" } else { ", near-exact" }
                )?;
                writeln!(w, "    first  bytes {}..{}", f.start, f.end)?;
                writeln!(
                    w,
                    "    repeat bytes {}..{}  \"{}\"",
                    p.start, p.end, opening
                )?;
            }
        }
        if !r.boilerplate.is_empty() {
            writeln!(w, "\nBOILERPLATE")?;
            for (i, b) in r.boilerplate.iter().enumerate() {
                let sources: Vec<String> =
                    b.sources.iter().map(|(k, v)| format!("{k} {v}")).collect();
                writeln!(
                    w,
                    "  [{}] {} articles, {} words: \"{}\"",
                    i + 1,
                    b.articles,
                    b.words,
                    snippet(&b.text, 70)
                )?;
                writeln!(w, "      outlets: {}", sources.join(", "))?;
                let shown: Vec<&str> = b
                    .ids
                    .iter()
                    .take(self.max_ids)
                    .map(String::as_str)
                    .collect();
                let more = b.ids.len().saturating_sub(self.max_ids);
                writeln!(
                    w,
                    "      ids: {}{}",
                    shown.join(", "),
                    if more > 0 {
                        format!(", … (+{more} more)")
                    } else {
                        String::new()
                    }
                )?;
            }
        }
        if !r.clusters.is_empty() {
            writeln!(w, "\nREPRINT CLUSTERS (canonical first)")?;
            let pair: std::collections::HashMap<(&str, &str), &super::Pair> = r
                .pairs
                .iter()
                .map(|p| ((p.a.as_str(), p.b.as_str()), p))
                .collect();
            for (i, c) in r.clusters.iter().enumerate() {
                writeln!(
                    w,
                    "  [{}] {} articles, canonical {}",
                    i + 1,
                    c.members.len(),
                    c.canonical
                )?;
                for (k, m) in c.members.iter().enumerate() {
                    let detail = if k == 0 {
                        "canonical".to_string()
                    } else {
                        // The member's link toward the canonical: the canonical itself, or
                        // the version it was linked through.
                        let to = c.via.get(m).unwrap_or(&c.canonical);
                        let key = (to.as_str(), m.as_str());
                        let via = if to == &c.canonical {
                            String::new()
                        } else {
                            format!("via {to}  ")
                        };
                        match pair.get(&key).or_else(|| pair.get(&(key.1, key.0))) {
                            Some(p) => format!(
                                "{via}shares {:.2}/{:.2} jaccard {:.2} containment {:.2} spans {}",
                                p.short_share,
                                p.long_share,
                                p.jaccard,
                                p.containment,
                                p.spans.len()
                            ),
                            None => via.trim_end().to_string(),
                        }
                    };
                    let i = index.get(m.as_str()).copied();
                    let source = i
                        .map(|i| self.corpus.articles[i].source.as_str())
                        .filter(|s| !s.is_empty());
                    let headline = match i {
                        Some(i) => super::headline(self.corpus, i)?,
                        None => String::new(),
                    };
                    writeln!(
                        w,
                        "      {m}{}  {detail}  \"{}\"",
                        source.map(|s| format!(" ({s})")).unwrap_or_default(),
                        headline
                    )?;
                }
            }
        }
        if !r.warnings.is_empty() {
            writeln!(w, "\nWARNINGS")?;
            for x in &r.warnings {
                writeln!(w, "  {}:{}: {}", x.file, x.line, x.message)?;
            }
        }
        Ok(w.flush()?)
    }
}

fn range(p: [usize; 2]) -> String {
    if p[0] == p[1] {
        p[0].to_string()
    } else {
        format!("{}-{}", p[0], p[1])
    }
}
