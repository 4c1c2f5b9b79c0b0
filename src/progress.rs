//! Progress of a long run, kept apart from the work: stages report what they do through the
//! [`Progress`] trait, and [`Bar`] draws it on a terminal from its own thread.
//!
//! The pipeline only counts (`start` a stage with its total, `inc` as items finish); it never
//! formats or decides whether anything is shown. The binary shows a [`Bar`] only when stderr
//! is a terminal and `--quiet` is off, so logs and pipes never get carriage returns.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a stage tells about its progress. Both methods may be called from any worker thread.
pub trait Progress: Sync {
    /// A new stage begins with `total` items to do (0 when unknown).
    fn start(&self, _stage: &'static str, _total: u64) {}
    /// `n` more items of the current stage are done.
    fn inc(&self, _n: u64) {}
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Shared state of a [`Bar`]: counters written by the workers, read by the drawing thread.
struct State {
    stage: Mutex<(&'static str, Instant)>,
    stage_index: AtomicU64,
    done: AtomicU64,
    total: AtomicU64,
    stop: AtomicBool,
}

impl State {
    /// Before any stage: reading, nothing counted.
    fn new() -> State {
        State {
            stage: Mutex::new(("reading", Instant::now())),
            stage_index: AtomicU64::new(0),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        }
    }

    /// A stage announced again right after itself (stage 1, begun by the reader and completed
    /// by the scan) goes on as the same stage: same number, same start, its count kept.
    fn start(&self, stage: &'static str, total: u64) {
        let mut current = self.stage.lock().unwrap_or_else(|e| e.into_inner());
        let again = current.0 == stage && self.stage_index.load(Ordering::Relaxed) > 0;
        if !again {
            *current = (stage, Instant::now());
            self.done.store(0, Ordering::Relaxed);
            self.stage_index.fetch_add(1, Ordering::Relaxed);
        }
        self.total.store(total, Ordering::Relaxed);
    }
}

/// A one-line progress display on stderr (stage, items done of total, rate, ETA), redrawn
/// every [`Bar::REDRAW`] by a background thread and erased when the bar is dropped.
pub struct Bar {
    state: Arc<State>,
    stages: u64,
    drawer: Option<std::thread::JoinHandle<()>>,
}

impl Bar {
    /// Time between redraws.
    pub const REDRAW: Duration = Duration::from_millis(150);

    /// Starts drawing. `stages` is the number of stages the run will announce (for "3/8").
    pub fn new(stages: u64) -> Bar {
        let state = Arc::new(State::new());
        let s = Arc::clone(&state);
        let drawer = std::thread::Builder::new()
            .name("reprint-progress".into())
            .spawn(move || {
                let mut err = std::io::stderr();
                while !s.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Self::REDRAW);
                    let (name, since) = *s.stage.lock().unwrap_or_else(|e| e.into_inner());
                    let line = render(
                        name,
                        s.stage_index.load(Ordering::Relaxed),
                        stages,
                        s.done.load(Ordering::Relaxed),
                        s.total.load(Ordering::Relaxed),
                        since.elapsed(),
                    );
                    // A failed write to the terminal is not worth stopping the run for.
                    let _ = write!(err, "\r\x1b[2K{line}");
                    let _ = err.flush();
                }
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            })
            .ok();
        Bar {
            state,
            stages,
            drawer,
        }
    }

    /// The number of stages given to [`Bar::new`].
    pub fn stages(&self) -> u64 {
        self.stages
    }
}

impl Progress for Bar {
    fn start(&self, stage: &'static str, total: u64) {
        self.state.start(stage, total);
    }

    fn inc(&self, n: u64) {
        self.state.done.fetch_add(n, Ordering::Relaxed);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.drawer.take() {
            let _ = h.join();
        }
    }
}

/// One progress line: `[3/8] verify  120,000 / 1,201,375  410,000/s  ETA 3s`.
pub fn render(
    stage: &str,
    index: u64,
    stages: u64,
    done: u64,
    total: u64,
    elapsed: Duration,
) -> String {
    let secs = elapsed.as_secs_f64();
    let mut line = format!("reprint: [{index}/{stages}] {stage}");
    if total == 0 {
        line.push_str(&format!("  {:.0}s", secs));
        return line;
    }
    let done = done.min(total);
    line.push_str(&format!("  {} / {}", thousands(done), thousands(total)));
    if secs > 0.0 && done > 0 {
        let rate = done as f64 / secs;
        line.push_str(&format!("  {}/s", thousands(rate as u64)));
        let eta = (total - done) as f64 / rate;
        line.push_str(&format!("  ETA {:.0}s", eta.ceil()));
    }
    line
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_shows_stage_counts_rate_and_eta() {
        let line = render("verify", 5, 8, 250_000, 1_000_000, Duration::from_secs(2));
        assert_eq!(
            line,
            "reprint: [5/8] verify  250,000 / 1,000,000  125,000/s  ETA 6s"
        );
        assert_eq!(
            render("reading", 0, 8, 0, 0, Duration::from_millis(2400)),
            "reprint: [0/8] reading  2s"
        );
        // Nothing done yet: no rate, no ETA, no division by zero.
        assert_eq!(
            render("align", 7, 8, 0, 10, Duration::ZERO),
            "reprint: [7/8] align  0 / 10"
        );
    }

    #[test]
    fn stages_are_numbered_once_each_even_when_stage_one_is_announced_twice() {
        let s = State::new();
        let at = |s: &State| {
            let name = s.stage.lock().unwrap().0;
            (
                s.stage_index.load(Ordering::Relaxed),
                name,
                s.done.load(Ordering::Relaxed),
                s.total.load(Ordering::Relaxed),
            )
        };
        // The reader runs stage 1 as it reads (no total yet), then the scan announces it again.
        s.start("shingle+repeats", 0);
        s.done.fetch_add(300, Ordering::Relaxed);
        s.start("shingle+repeats", 300);
        assert_eq!(at(&s), (1, "shingle+repeats", 300, 300));
        s.start("boilerplate", 0);
        assert_eq!(at(&s), (2, "boilerplate", 0, 0));
        // What the scan announces after the reader, in order: every stage once, numbered 1..=9.
        let s2 = State::new();
        s2.start(crate::pipeline::STAGES[0], 0);
        for (k, name) in crate::pipeline::STAGES.iter().enumerate() {
            s2.start(name, 10);
            assert_eq!(at(&s2).0, k as u64 + 1, "{name}");
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
