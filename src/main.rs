//! The `reprint` binary: parse flags, build a `Config`, run the library, print, exit.
//!
//! Exit codes: [`Exit`], the one place they are decided (the README's table lists the same).

mod cli;
mod index_cmd;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser};
use reprint::config::InputFormat;
use reprint::report::{Html, Json, Printer, Text};

use cli::{CleanArgs, Cli, Command, Format, KeepArg, ScanArgs};
#[cfg(feature = "tooling")]
use cli::{EvalArgs, SynthArgs};

/// Input warnings echoed on stderr before "(+N more)"; all of them are in the report.
const MAX_STDERR_WARNINGS: usize = 20;

/// How a run ended, as the process's exit status. A cron job can treat anything but 0 as
/// worth a look: input with nothing to analyse (empty texts, files or directories) and
/// duplicate ids are warnings listed in the report, but exit 0, since real feeds carry them
/// every day; `--strict` makes any warning fatal instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    /// The report was written; no input was malformed.
    Success = 0,
    /// Nothing, or a partial report, was written: an input named on the command line could
    /// not be read or changed during the run, a parameter is out of range, a temporary file
    /// failed, `--strict` met a warning, or writing failed.
    Error = 1,
    /// The command line could not be parsed (clap's message).
    Usage = 2,
    /// The report was written, but some input was malformed (a record, file or directory
    /// entry that could not be read as written was skipped or changed).
    Malformed = 3,
}

impl Exit {
    /// The status of a run that wrote its report after `malformed` warnings about malformed
    /// input ([`reprint::input::Loaded::malformed`]).
    fn after(malformed: usize) -> Exit {
        if malformed > 0 {
            Exit::Malformed
        } else {
            Exit::Success
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // `--help` and `--version` are "errors" printed on stdout.
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            }
            .into();
        }
    };
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        #[cfg(feature = "tooling")]
        Command::Eval(args) => eval(args),
        #[cfg(feature = "tooling")]
        Command::Synth(args) => synth(args),
        Command::Clean(args) => clean(args),
        Command::Index(cmd) => index_cmd::run(cmd),
        Command::Completions(args) => completions(args.shell),
        Command::Man(args) => man(args.subcommand.as_deref()),
    };
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("reprint: error: {e}");
            Exit::Error.into()
        }
    }
}

/// `n` and the noun, singular for one.
#[cfg(feature = "tooling")]
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Runs `print` on stdout and flushes it; a closed pipe is not an error.
fn write_stdout(print: impl FnOnce(&mut dyn Write) -> reprint::Result<()>) -> reprint::Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match print(&mut lock).and_then(|_| lock.flush().map_err(reprint::Error::Output)) {
        // A closed pipe (`reprint scan … | head`) is a quiet success.
        Err(reprint::Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// `write` as the library's result: its error is a failed write of output.
fn output(write: std::io::Result<()>) -> reprint::Result<()> {
    write.map_err(reprint::Error::Output)
}

fn thread_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("building the thread pool")
}

fn create(path: &std::path::Path) -> reprint::Result<Box<dyn Write>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdout()));
    }
    let f = std::fs::File::create(path).map_err(|source| reprint::Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Box::new(std::io::BufWriter::new(f)))
}

#[cfg(feature = "tooling")]
fn eval(args: EvalArgs) -> reprint::Result<Exit> {
    let mut cfg = args.scan.config();
    // The verified pairs are scored too, so all of them must be listed.
    cfg.all_pairs = true;
    cfg.validate()?;
    if let Format::Html = args.scan.format {
        return Err(reprint::Error::Config {
            name: "format",
            message: "eval prints text or json; use scan --format html for the page".into(),
        });
    }
    let truth = reprint::synth::read_truth(&args.truth)?;
    let pool = thread_pool(args.scan.threads);
    let loaded = pool.install(|| reprint::input::read_inputs(&args.scan.inputs, &cfg))?;
    let malformed = loaded.malformed;
    let corpus = loaded.corpus;
    let (report, _) = pool.install(|| reprint::pipeline::scan(&corpus, loaded.warnings, &cfg))?;
    if let Some(path) = &args.report {
        let mut w = create(path)?;
        Json { pretty: false }.print(&report, &mut w)?;
        output(w.flush())?;
    }
    let e = pool
        .install(|| reprint::eval::evaluate(&corpus, &report, &truth, cfg.ngram_words))
        .map_err(|e| match e {
            // The truth file is named, so the user sees which of two files is wrong.
            reprint::Error::Config {
                name: "truth",
                message,
            } => reprint::Error::Unusable {
                file: args.truth.display().to_string(),
                message,
            },
            e => e,
        })?;
    if e.unknown_ids > 0 && !args.scan.quiet {
        eprintln!(
            "reprint: warning: {}: {} are not in the input; they are left out of the scores",
            args.truth.display(),
            plural(e.unknown_ids, "truth id", "truth ids")
        );
    }
    write_stdout(|w| {
        output(match args.scan.format {
            Format::Text | Format::Html => reprint::eval::write_text(&e, w),
            Format::Json => {
                let v = if args.scan.pretty {
                    serde_json::to_writer_pretty(&mut *w, &e)
                } else {
                    serde_json::to_writer(&mut *w, &e)
                };
                v.map_err(std::io::Error::from)
                    .and_then(|_| w.write_all(b"\n"))
            }
        })
    })?;
    Ok(Exit::after(malformed))
}

/// Writes the completion script for `shell`, made from the flag definitions.
fn completions(shell: clap_complete::Shell) -> reprint::Result<Exit> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "reprint", &mut buf);
    write_stdout(|w| output(w.write_all(&buf)))?;
    Ok(Exit::Success)
}

/// Writes the main man page, or `subcommand`'s (`reprint-scan(1)`, which the main page's
/// list refers to), made from the flag definitions.
fn man(subcommand: Option<&str>) -> reprint::Result<Exit> {
    let mut cmd = Cli::command();
    // Building names the subcommands `reprint-scan` and their usage `reprint scan`.
    cmd.build();
    let page = match subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            // The page's footer shows the version, which subcommands do not carry.
            Some(sub) => sub.clone().version(env!("CARGO_PKG_VERSION")),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                eprintln!(
                    "reprint: error: man: no subcommand {name:?}; one of {}",
                    names.join(", ")
                );
                return Ok(Exit::Usage);
            }
        },
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .map_err(reprint::Error::Output)?;
    write_stdout(|w| output(w.write_all(&buf)))?;
    Ok(Exit::Success)
}

#[cfg(feature = "tooling")]
fn synth(args: SynthArgs) -> reprint::Result<Exit> {
    let base = if args.base.is_empty() {
        reprint::synth::bundled_base()
    } else {
        reprint::synth::load_bases(&args.base)?
    };
    if base.is_empty() {
        // Cleaning drops every sentence found in two stories: the same file given twice, or
        // a file of copies, leaves nothing to build a feed from.
        return Err(reprint::Error::Config {
            name: "base",
            message: format!(
                "no usable base stories in {} after removing text they share",
                args.base
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let mut cfg = reprint::synth::SynthConfig {
        seed: args.seed,
        articles: args.articles,
        outlets: args.outlets.max(1),
        max_reprints: args.max_reprints,
        ..Default::default()
    };
    if let Some(days) = args.days {
        cfg.days = days;
        cfg.within_days = true;
    }
    // Rates given on the command line replace the library's defaults, which stay in one place.
    let set = |flag: Option<f64>, field: &mut f64| {
        if let Some(x) = flag {
            *field = x;
        }
    };
    set(args.write_through_rate, &mut cfg.write_through_rate);
    set(args.quote_share_rate, &mut cfg.quote_share_rate);
    set(args.furniture_outlets, &mut cfg.furniture.outlets);
    set(args.ocr_archive_outlets, &mut cfg.ocr.archive_outlets);
    set(args.ocr_scanned_wire_rate, &mut cfg.ocr.scanned_wire_rate);
    reprint::synth::check_supply(&base, &cfg)?;
    let mut out = create(&args.out)?;
    let truth =
        reprint::synth::write_feed(&base, &cfg, &mut out).map_err(reprint::Error::Output)?;
    out.flush().map_err(reprint::Error::Output)?;
    let mut t = create(&args.truth)?;
    truth
        .write(&mut t)
        .and_then(|_| t.flush())
        .map_err(reprint::Error::Output)?;
    eprintln!(
        "reprint: wrote {} ({}, {}, {}, {})",
        plural(truth.articles, "article", "articles"),
        plural(truth.clusters.len(), "reprint cluster", "reprint clusters"),
        plural(truth.repeats.len(), "repeat", "repeats"),
        plural(
            truth.boilerplate.len(),
            "boilerplate block",
            "boilerplate blocks"
        ),
        plural(
            truth.hard_negatives.len(),
            "hard negative",
            "hard negatives"
        ),
    );
    Ok(Exit::Success)
}

fn scan(args: ScanArgs) -> reprint::Result<Exit> {
    let cfg = args.config();
    cfg.validate()?;
    let pool = thread_pool(args.threads);
    let t0 = Instant::now();
    let quiet = args.quiet;
    // A progress line only for a person watching: never in a log, a pipe or with --quiet.
    let bar = (!quiet && std::io::stderr().is_terminal())
        .then(|| reprint::progress::Bar::new(reprint::pipeline::STAGES.len() as u64));
    let progress: &dyn reprint::progress::Progress = match &bar {
        Some(b) => b,
        None => &reprint::progress::NoProgress,
    };
    // Stage 1 runs on each text as it is read.
    let read = pool.install(|| reprint::pipeline::read_and_analyse(&args.inputs, &cfg, progress));
    let (loaded, analysed) = match read {
        Ok(x) => x,
        Err(e) => {
            drop(bar);
            return Err(e);
        }
    };
    let t_read = t0.elapsed();
    let malformed = loaded.malformed;
    let bytes = loaded.bytes;
    let scanned = pool.install(|| {
        reprint::pipeline::scan_analysed(&loaded.corpus, loaded.warnings, analysed, &cfg, progress)
    });
    // The bar's line is erased before anything else is written to stderr.
    drop(bar);
    let (report, stats) = scanned?;
    let t_scan = t0.elapsed();
    if !quiet {
        print_warnings(&report.warnings, "the report");
    }
    // In the pool: the JSON printer writes its long lists in parallel.
    pool.install(|| {
        let printer: Box<dyn Printer + '_> = match args.format {
            Format::Text => Box::new(Text::new(&loaded.corpus)),
            Format::Json => Box::new(Json {
                pretty: args.pretty,
            }),
            // Both draw on the article texts and titles, which the report does not carry.
            Format::Html => Box::new(Html::new(&loaded.corpus)),
        };
        write_stdout(|w| printer.print(&report, w))
    })?;
    let t_print = t0.elapsed() - t_scan;
    if !quiet {
        let s = &report.summary;
        eprintln!(
            "reprint: articles={} ({:.1} MB) paragraphs={} words={}; repeats={} boilerplate={} pairs_listed={} clusters={} warnings={} malformed={}",
            s.articles,
            bytes as f64 / 1e6,
            stats.paragraphs,
            stats.words,
            s.repeats,
            s.boilerplate,
            s.pairs,
            s.clusters,
            s.warnings,
            malformed
        );
        eprintln!(
            "reprint: lsh bands={} rows={} (threshold {}); candidates {} (lsh {} with {} exact copies, shared paragraphs {}, words {}, characters {}), gated {}, reprints {}, partial {} (by sets {}, by characters {}; noisy articles {}); read+shingle {:.2}s, total {:.2}s, printing {:.2}s",
            stats.bands,
            stats.rows,
            reprint::error::number(cfg.threshold),
            stats.candidates,
            stats.lsh_candidates,
            stats.copies,
            stats.paragraph_candidates,
            stats.word_candidates,
            stats.char_candidates,
            stats.verified,
            stats.reprints,
            stats.partial,
            stats.by_sets,
            stats.by_chars,
            stats.noisy,
            t_read.as_secs_f64(),
            t_scan.as_secs_f64(),
            t_print.as_secs_f64()
        );
        let stages: Vec<String> = stats
            .seconds
            .iter()
            .map(|(name, secs)| format!("{name} {secs:.2}s"))
            .collect();
        eprintln!("reprint: stages: {}", stages.join(", "));
    }
    // The process ends here: freeing the corpus and the report string by string is a
    // measurable share of a large run, and the system takes the memory back at once.
    std::mem::forget(loaded.corpus);
    std::mem::forget(report);
    Ok(Exit::after(malformed))
}

/// Echoes the first input warnings on stderr; `all_in` says where the rest are listed.
fn print_warnings(warnings: &[reprint::report::Warning], all_in: &str) {
    for w in warnings.iter().take(MAX_STDERR_WARNINGS) {
        eprintln!("reprint: warning: {}:{}: {}", w.file, w.line, w.message);
    }
    if warnings.len() > MAX_STDERR_WARNINGS {
        eprintln!(
            "reprint: warning: (+{} more warnings, all listed in {all_in})",
            warnings.len() - MAX_STDERR_WARNINGS
        );
    }
}

/// `OUT.removed.jsonl` next to `OUT` (a trailing `/` of a directory is dropped).
fn default_sidecar(out: &std::path::Path) -> std::path::PathBuf {
    let s = out.to_string_lossy();
    let trimmed = s.trim_end_matches('/');
    std::path::PathBuf::from(format!(
        "{}.removed.jsonl",
        if trimmed.is_empty() { &*s } else { trimmed }
    ))
}

fn clean(args: CleanArgs) -> reprint::Result<Exit> {
    use reprint::clean::{self, write, Keep, Policy};
    let cfg = args.scan.config();
    cfg.validate()?;
    let sidecar = args
        .removed
        .clone()
        .unwrap_or_else(|| default_sidecar(&args.output));
    write::check_paths(&args.scan.inputs, &args.output, &sidecar)?;
    let pool = thread_pool(args.scan.threads);
    let loaded = pool.install(|| {
        reprint::input::read_inputs_keeping(
            &args.scan.inputs,
            &cfg,
            reprint::input::Retain::AllBytes,
        )
    })?;
    let quiet = args.scan.quiet;
    if !quiet {
        print_warnings(&loaded.warnings, &sidecar.display().to_string());
    }
    let malformed = loaded.malformed;
    let corpus = loaded.corpus;
    let sources = loaded.sources;
    // A feed is the input's fault, not --output's (the layout check below would blame it).
    if let Some(feed) = sources.iter().find(|s| s.format == InputFormat::Feed) {
        return Err(reprint::Error::Unusable {
            file: feed.name.to_string(),
            message: "an RSS/Atom feed, which clean cannot write back (its articles are \
                      converted from markup); scan the feed, or convert it to JSONL first"
                .into(),
        });
    }
    if let Some(table) = sources.iter().find(|s| s.format == InputFormat::Parquet) {
        return Err(reprint::Error::Unusable {
            file: table.name.to_string(),
            message: "a Parquet file, which clean cannot write back (it writes JSONL lines \
                      and text files); scan it, or convert it to JSONL first"
                .into(),
        });
    }
    // Decide the layout before the scan, so mixed inputs fail fast.
    let layout = write::layout(&corpus, &args.scan.inputs, &cfg, &sources)?;
    let (report, _, details) = pool.install(|| clean::scan(&corpus, loaded.warnings, &cfg))?;
    let policy = Policy {
        keep: match args.keep {
            KeepArg::Canonical => Keep::Canonical,
            KeepArg::All => Keep::All,
            KeepArg::Longest => Keep::Longest,
        },
        keep_boilerplate: args.keep_boilerplate,
        min_boilerplate_words: args.min_boilerplate_words,
    };
    let plan = clean::plan(&corpus, &report, &details, policy)?;
    write::write_output(
        &plan,
        &corpus,
        &args.scan.inputs,
        &cfg,
        &sources,
        layout,
        &args.output,
    )?;
    let mut w = create(&sidecar)?;
    write::write_sidecar(&plan, &corpus, &mut w)
        .and_then(|_| w.flush())
        .map_err(reprint::Error::Output)?;
    if !quiet {
        let c = plan.counts();
        eprintln!(
            "reprint: clean: articles in {} = kept {} + removed {} ({} reprints, {} emptied) + skipped {}; spans cut {} ({} repeats, {} boilerplate), bytes cut {}",
            c.records_in,
            c.kept,
            c.removed,
            c.reprints,
            c.emptied,
            c.skipped,
            c.spans_cut,
            c.repeat_spans,
            c.boilerplate_spans,
            c.bytes_cut
        );
        eprintln!(
            "reprint: clean: wrote {}; removed items listed in {}",
            args.output.display(),
            sidecar.display()
        );
    }
    Ok(Exit::after(malformed))
}

/// jemalloc instead of the system allocator: a run makes millions of small allocations from
/// several threads (per-article vectors and strings), which glibc's malloc serves more slowly
/// and with a higher peak (the comparison, and mimalloc's, is in
/// `benches/results/speed-2026-11-29-s8.md`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
