//! `--format json`: one JSON document (shape documented in the README, version
//! [`SCHEMA_VERSION`](super::SCHEMA_VERSION)).

use super::{Printer, Report};

/// The JSON printer.
pub struct Json {
    /// Indent the document for people (`--pretty`); one line otherwise.
    pub pretty: bool,
}

impl Printer for Json {
    fn print(&self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
        if self.pretty {
            serde_json::to_writer_pretty(&mut w, report)?;
        } else {
            serde_json::to_writer(&mut w, report)?;
        }
        w.write_all(b"\n")?;
        w.flush()
    }
}

use std::io::Write as _;
