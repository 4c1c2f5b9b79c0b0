//! `--format json`: one JSON document (shape documented in the README, version
//! [`SCHEMA_VERSION`](super::SCHEMA_VERSION)).

use super::{Printer, Report};

/// The JSON printer.
pub struct Json {
    /// Indent the document for people (`--pretty`); one line otherwise.
    pub pretty: bool,
}

impl Printer for Json {
    fn print(&self, report: &Report, out: &mut dyn std::io::Write) -> crate::Result<()> {
        self.write(report, out).map_err(crate::Error::Output)
    }
}

impl Json {
    fn write(&self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
        if self.pretty {
            serde_json::to_writer_pretty(&mut w, report)?;
        } else {
            compact(report, &mut w)?;
        }
        w.write_all(b"\n")?;
        w.flush()
    }
}

/// `serde_json::to_writer(report)`, byte for byte, with the long lists serialized in
/// parallel: compact JSON of a list is its items' compact JSON joined by commas, so items can
/// be written apart and concatenated. A 100,000-article report is about 17 MB, and writing it
/// on one thread was a serial step at the end of the run (`compact_is_serde_json` below
/// checks the bytes).
fn compact(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let Report {
        version,
        summary,
        params,
        repeats,
        boilerplate,
        pairs,
        clusters,
        warnings,
    } = report;
    w.write_all(b"{\"version\":")?;
    serde_json::to_writer(&mut *w, version)?;
    w.write_all(b",\"summary\":")?;
    serde_json::to_writer(&mut *w, summary)?;
    w.write_all(b",\"params\":")?;
    serde_json::to_writer(&mut *w, params)?;
    w.write_all(b",\"repeats\":")?;
    list(repeats, w)?;
    w.write_all(b",\"boilerplate\":")?;
    list(boilerplate, w)?;
    w.write_all(b",\"pairs\":")?;
    list(pairs, w)?;
    w.write_all(b",\"clusters\":")?;
    list(clusters, w)?;
    w.write_all(b",\"warnings\":")?;
    list(warnings, w)?;
    w.write_all(b"}")
}

/// A JSON list of `items`, serialized a chunk at a time in parallel and written in order.
fn list<T: serde::Serialize + Sync>(
    items: &[T],
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let chunks: Vec<std::io::Result<Vec<u8>>> = items
        .par_chunks(512)
        .map(|chunk| {
            let mut buf = Vec::new();
            for (i, item) in chunk.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                serde_json::to_writer(&mut buf, item)?;
            }
            Ok(buf)
        })
        .collect();
    w.write_all(b"[")?;
    for (i, chunk) in chunks.into_iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(&chunk?)?;
    }
    w.write_all(b"]")
}

use std::io::Write as _;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// The parallel writer gives serde_json's bytes for a real report with every list
    /// filled: the bundled example (repeats, boilerplate, pairs, clusters) plus warnings.
    #[test]
    fn compact_is_serde_json() {
        let feed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/example/feed.jsonl");
        let cfg = Config::default();
        let loaded = crate::input::read_inputs(&[feed], &cfg).unwrap();
        let (mut report, _) = crate::pipeline::scan(&loaded.corpus, vec![], &cfg).unwrap();
        report.warnings = (0..1500)
            .map(|i| crate::report::Warning {
                file: format!("f\"{i}\".jsonl"),
                line: i,
                message: "bad \u{2019}record\u{0}".into(),
            })
            .collect();
        // More items than one chunk, so chunks are joined.
        let many = report.pairs.len().max(1) * (2 * 512 / report.pairs.len().max(1) + 1);
        report.pairs = report.pairs.iter().cycle().take(many).cloned().collect();
        assert!(report.pairs.len() > 1024 && !report.repeats.is_empty());
        assert!(!report.boilerplate.is_empty() && !report.clusters.is_empty());
        let mut ours = Vec::new();
        Json { pretty: false }.print(&report, &mut ours).unwrap();
        let mut theirs = serde_json::to_vec(&report).unwrap();
        theirs.push(b'\n');
        assert!(
            ours == theirs,
            "the parallel JSON differs from serde_json's"
        );
    }
}
