//! `reprint index …`: flags to library calls for the persistent index ([`reprint::index`]).
//! Data on stdout, warnings and notes on stderr, the exit codes of [`Exit`].

use std::io::Write;

use reprint::index;

use crate::cli::{Format, IndexBatchArgs, IndexCommand};
use crate::{output, print_warnings, thread_pool, write_stdout, Exit};

pub fn run(cmd: IndexCommand) -> reprint::Result<Exit> {
    match cmd {
        IndexCommand::Init(a) => {
            if let Some(extra) = a.scan.inputs.first() {
                return Err(reprint::Error::Config {
                    name: "dir",
                    message: format!(
                        "index init takes one directory; {} is one argument too many",
                        extra.display()
                    ),
                });
            }
            let cfg = a.scan.config();
            let made = index::init(&a.dir, &cfg)?;
            if !a.scan.quiet {
                eprintln!(
                    "reprint: created index {} (settings fingerprint {})",
                    a.dir.display(),
                    made.manifest.fingerprint
                );
            }
            Ok(Exit::Success)
        }
        IndexCommand::Add(a) => batch(a, true),
        IndexCommand::Query(a) => batch(a, false),
        IndexCommand::Expire(a) => {
            let e = index::expire(&a.dir, a.keep_days)?;
            write_stdout(|w| {
                output(writeln!(
                    w,
                    "expired {} segments ({} articles); newest date {}",
                    e.segments.len(),
                    e.articles,
                    if e.newest.is_empty() {
                        "(none)"
                    } else {
                        &e.newest
                    }
                ))
            })?;
            Ok(Exit::Success)
        }
        IndexCommand::Merge(a) => {
            let m = index::merge::merge(&a.dir, &a.policy())?;
            json_or_text(a.format, false, &m, |w| {
                writeln!(
                    w,
                    "merged {} segments into {}; {} segments now (were {})",
                    m.merged.iter().map(|s| s.from.len()).sum::<usize>(),
                    m.merged.len(),
                    m.segments_after,
                    m.segments_before
                )?;
                for s in &m.merged {
                    let seg = &s.segment;
                    writeln!(
                        w,
                        "  {} {} articles {} bytes {} .. {} from {} segments",
                        seg.file,
                        seg.articles,
                        seg.bytes,
                        seg.min_date,
                        seg.max_date,
                        s.from.len()
                    )?;
                }
                Ok(())
            })?;
            Ok(Exit::Success)
        }
        IndexCommand::Check(a) => {
            let c = index::check(&a.dir)?;
            for f in &c.leftovers {
                eprintln!("reprint: note: {f} was left by an interrupted write; the next add, expire, merge or recluster removes it");
            }
            json_or_text(a.format, false, &c, |w| {
                writeln!(
                    w,
                    "index OK: {} segments, {} articles, {} keys; every checksum matches",
                    c.segments, c.articles, c.keys
                )
            })?;
            Ok(Exit::Success)
        }
        IndexCommand::Stats(a) => {
            let s = index::stats(&a.dir)?;
            json_or_text(a.format, false, &s, |w| {
                writeln!(
                    w,
                    "format {} fingerprint {} generation {}",
                    s.format, s.fingerprint, s.generation
                )?;
                writeln!(
                    w,
                    "{} articles in {} segments, {} bytes ({:.0} bytes per article), {} clusters, next cluster id c{}",
                    s.articles,
                    s.segments.len(),
                    s.bytes,
                    s.bytes as f64 / s.articles.max(1) as f64,
                    s.clusters,
                    s.next_cluster
                )?;
                for seg in &s.segments {
                    writeln!(
                        w,
                        "  {} {} articles {} bytes {} .. {}",
                        seg.file, seg.articles, seg.bytes, seg.min_date, seg.max_date
                    )?;
                }
                Ok(())
            })?;
            Ok(Exit::Success)
        }
        IndexCommand::Recluster(a) => {
            let asked = reprint::Config::default();
            let r =
                thread_pool(a.threads).install(|| index::recluster::recluster(&a.dir, &asked))?;
            if !a.quiet {
                let moved: usize = r.map.clusters.iter().map(|c| c.moved.len()).sum();
                eprintln!(
                    "reprint: recluster of {} articles: {} clusters changed ({} fresh ids, {} articles moved), {} ids retired, {} unchanged; {}",
                    r.map.articles,
                    r.map.clusters.len(),
                    r.fresh,
                    moved,
                    r.map.retired.len(),
                    r.map.unchanged,
                    if r.written {
                        format!(
                            "rewrote {} of {} segments, generation {}",
                            r.rewritten, r.segments, r.map.generation
                        )
                    } else {
                        "nothing to write".to_string()
                    }
                );
            }
            json_or_text(Format::Json, a.pretty, &r.map, |_| Ok(()))?;
            Ok(Exit::Success)
        }
        IndexCommand::Migrate(a) => {
            let m = index::migrate::migrate(&a.dir, &reprint::Config::default())?;
            json_or_text(a.format, false, &m, |w| {
                if m.from == m.to {
                    writeln!(w, "index is format {}; nothing to migrate", m.from)
                } else {
                    writeln!(
                        w,
                        "migrated format {} to {}: {} segments, {} articles, generation {}",
                        m.from, m.to, m.segments, m.articles, m.generation
                    )
                }
            })?;
            Ok(Exit::Success)
        }
        IndexCommand::Clusters(a) => {
            let list = index::clusters(&a.dir)?;
            json_text_or_html(
                a.format,
                a.pretty,
                &list,
                |w| list.write_text(w),
                |w| list.write_html(w),
            )?;
            Ok(Exit::Success)
        }
    }
}

/// Prints `value` as one JSON document, or with `text` or `html` (the commands that print
/// a page).
fn json_text_or_html<T: serde::Serialize>(
    format: Format,
    pretty: bool,
    value: &T,
    text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    html: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> reprint::Result<()> {
    match format {
        Format::Html => write_stdout(|w| output(html(w))),
        _ => json_or_text(format, pretty, value, text),
    }
}

/// Prints `value` as one JSON document, or with `text`; HTML is refused.
fn json_or_text<T: serde::Serialize>(
    format: Format,
    pretty: bool,
    value: &T,
    text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> reprint::Result<()> {
    match format {
        Format::Html => Err(html_refused()),
        Format::Text => write_stdout(|w| output(text(w))),
        Format::Json => write_stdout(|w| {
            let r = if pretty {
                serde_json::to_writer_pretty(&mut *w, value)
            } else {
                serde_json::to_writer(&mut *w, value)
            };
            output(
                r.map_err(std::io::Error::from)
                    .and_then(|_| w.write_all(b"\n")),
            )
        }),
    }
}

fn html_refused() -> reprint::Error {
    reprint::Error::Config {
        name: "format",
        message: "this index command prints text or json (add, query and clusters also print html)"
            .into(),
    }
}

/// `index add` (`commit`) or `index query`.
fn batch(a: IndexBatchArgs, commit: bool) -> reprint::Result<Exit> {
    let cfg = a.scan.config();
    cfg.validate()?;
    let pool = thread_pool(a.scan.threads);
    let (articles, warnings, malformed) =
        pool.install(|| index::read_batch(&a.scan.inputs, &cfg))?;
    if !a.scan.quiet {
        print_warnings(&warnings, "the report");
    }
    let report = pool.install(|| {
        if commit {
            index::add(&a.dir, articles, warnings, &cfg)
        } else {
            index::query(&a.dir, articles, warnings, &cfg)
        }
    })?;
    json_text_or_html(
        a.scan.format,
        a.scan.pretty,
        &report,
        |w| report.write_text(w),
        |w| report.write_html(w),
    )?;
    Ok(Exit::after(malformed))
}
