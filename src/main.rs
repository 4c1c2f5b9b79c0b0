//! The `reprint` binary: parse flags, build a `Config`, run the library, print, exit.
//!
//! Exit codes (also in the README): 0 success; 1 fatal error (unreadable input, `--strict`
//! warning, bad parameter, failed write); 2 bad usage; 3 the report was written but some input
//! records were skipped with warnings.

mod cli;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use reprint::config::{Config, FieldNames, InputFormat};
use reprint::report::{Json, Printer, Text};

use cli::{Cli, Command, Format, InputFormatArg, ScanArgs};

const EXIT_ERROR: u8 = 1;
const EXIT_WARNINGS: u8 = 3;
/// Input warnings echoed on stderr before "(+N more)"; all of them are in the report.
const MAX_STDERR_WARNINGS: usize = 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("reprint: error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn config(a: &ScanArgs) -> Config {
    Config {
        ngram_words: a.ngram_words,
        num_perms: a.num_perms,
        threshold: a.threshold,
        containment_threshold: a.containment_threshold,
        min_shared_shingles: a.min_shared_shingles,
        min_repeat_words: a.min_repeat_words,
        repeat_similarity: a.repeat_similarity,
        min_boilerplate_articles: a.min_boilerplate_articles,
        boilerplate_coverage: a.boilerplate_coverage,
        max_article_bytes: a.max_article_bytes,
        fields: FieldNames {
            id: a.id_field.clone(),
            title: a.title_field.clone(),
            text: a.text_field.clone(),
            source: a.source_field.clone(),
            date: a.date_field.clone(),
        },
        input_format: match a.input_format {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Jsonl => InputFormat::Jsonl,
            InputFormatArg::Text => InputFormat::Text,
        },
        strict: a.strict,
    }
}

fn scan(args: ScanArgs) -> reprint::Result<u8> {
    let cfg = config(&args);
    cfg.validate()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .expect("building the thread pool");
    let t0 = Instant::now();
    let loaded = reprint::input::read_inputs(&args.inputs, &cfg)?;
    let t_read = t0.elapsed();
    let quiet = args.quiet;
    if !quiet {
        for w in loaded.warnings.iter().take(MAX_STDERR_WARNINGS) {
            eprintln!("reprint: warning: {}:{}: {}", w.file, w.line, w.message);
        }
        if loaded.warnings.len() > MAX_STDERR_WARNINGS {
            eprintln!(
                "reprint: warning: (+{} more warnings, all listed in the report)",
                loaded.warnings.len() - MAX_STDERR_WARNINGS
            );
        }
    }
    let had_warnings = !loaded.warnings.is_empty();
    let bytes = loaded.bytes;
    let (report, stats) =
        pool.install(|| reprint::pipeline::scan(&loaded.corpus, loaded.warnings, &cfg));
    let t_scan = t0.elapsed();
    let printer: Box<dyn Printer> = match args.format {
        Format::Text => Box::new(Text::default()),
        Format::Json => Box::new(Json {
            pretty: args.pretty,
        }),
    };
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match printer.print(&report, &mut lock).and_then(|_| lock.flush()) {
        Ok(()) => {}
        // A closed pipe (`reprint scan … | head`) is a quiet success.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
        Err(e) => return Err(reprint::Error::Output(e)),
    }
    if !quiet {
        let s = &report.summary;
        eprintln!(
            "reprint: articles={} ({:.1} MB) paragraphs={} words={}; repeats={} boilerplate={} pairs={} clusters={} warnings={}",
            s.articles,
            bytes as f64 / 1e6,
            stats.paragraphs,
            stats.words,
            s.repeats,
            s.boilerplate,
            s.pairs,
            s.clusters,
            s.warnings
        );
        eprintln!(
            "reprint: lsh bands={} rows={} (threshold {}); candidates {} (lsh {}, shared paragraphs {}), verified {}; read {:.2}s, total {:.2}s",
            stats.bands,
            stats.rows,
            cfg.threshold,
            stats.candidates,
            stats.lsh_candidates,
            stats.paragraph_candidates,
            stats.verified,
            t_read.as_secs_f64(),
            t_scan.as_secs_f64()
        );
    }
    Ok(if had_warnings { EXIT_WARNINGS } else { 0 })
}
