//! The distributed scan's two halves (`reprint::parts`, issue 19): inputs cut into slices at
//! any line, each slice mapped on its own, the parts given to the reducer in any order, must
//! give the CLI's `--format json` report byte for byte; a damaged, missing or doubled part is
//! an error.

use std::path::{Path, PathBuf};
use std::process::Command;

use reprint::parts::{map_jsonl, map_jsonl_at, parts_from_bytes, scan_parts, Part, Reducer};
use reprint::report::{Json, Printer};
use reprint::{Config, Error};

/// The CLI's JSON report of `inputs`, run in the crate directory.
fn cli_json(inputs: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(["scan", "--quiet", "--format", "json"])
        .args(inputs)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("running reprint");
    // 3: malformed input, which the hand-made file has on purpose.
    assert!(
        matches!(out.status.code(), Some(0 | 3)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Byte offsets just after each line feed of `bytes`: where a slice may end.
fn line_ends(bytes: &[u8]) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
        .collect()
}

/// `bytes` cut at the line ends whose indices are in `cuts` (sorted), as (first line, slice).
fn slices<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<(u64, &'a [u8])> {
    let ends = line_ends(bytes);
    let mut out = Vec::new();
    let (mut from, mut line) = (0usize, 1u64);
    for &c in cuts {
        let Some(&to) = ends.get(c) else { continue };
        if to <= from {
            continue;
        }
        out.push((line, &bytes[from..to]));
        line += bytes[from..to].iter().filter(|&&b| b == b'\n').count() as u64;
        from = to;
    }
    out.push((line, &bytes[from..]));
    out
}

/// How the map kernel gets a slice's texts to the reducer.
#[derive(Clone, Copy, Debug)]
enum Texts {
    /// In the part ([`map_jsonl`]).
    Carried,
    /// As positions in the input's file, which the reducer reads again ([`map_jsonl_at`]).
    InFile,
}

/// Slice `slice` of input `k` (`name`, whose bytes are `data`) through the map kernel.
fn map_slice(texts: Texts, name: &str, k: usize, line: u64, data: &[u8], slice: &[u8]) -> Part {
    let cfg = Config::default();
    let offset = (slice.as_ptr() as usize - data.as_ptr() as usize) as u64;
    match texts {
        Texts::Carried => map_jsonl(name, k as u32, line, slice, &cfg),
        Texts::InFile => map_jsonl_at(name, k as u32, line, offset, slice, &cfg),
    }
    .unwrap()
}

/// The reducer's JSON of `inputs` (name, bytes), each cut where `cuts_of` says, the parts
/// through their bytes and handed over last first.
fn parts_json(
    inputs: &[(&str, Vec<u8>)],
    texts: Texts,
    cuts_of: impl Fn(usize, &[u8]) -> Vec<usize>,
) -> Vec<u8> {
    let cfg = Config::default();
    let mut bytes = Vec::new();
    for (k, (name, data)) in inputs.iter().enumerate() {
        for (line, slice) in slices(data, &cuts_of(k, data)) {
            bytes.push(map_slice(texts, name, k, line, data, slice).to_bytes());
        }
    }
    bytes.reverse();
    let parts = parts_from_bytes(&bytes).unwrap();
    let (report, _) = scan_parts(parts, &cfg).unwrap();
    let mut out = Vec::new();
    Json { pretty: false }.print(&report, &mut out).unwrap();
    out
}

/// [`parts_json`] of whole inputs, with empty slices before, inside and after each.
fn parts_json_with_empty(inputs: &[(&str, Vec<u8>)], texts: Texts) -> Vec<u8> {
    let cfg = Config::default();
    let mut bytes = Vec::new();
    for (k, (name, data)) in inputs.iter().enumerate() {
        let cut = line_ends(data).first().copied().unwrap_or(0);
        let rest_line = 1 + data[..cut].iter().filter(|&&b| b == b'\n').count() as u64;
        let last = 1 + line_ends(data).len() as u64;
        for (line, slice) in [
            (1, &data[..0]),
            (1, &data[..cut]),
            (rest_line, &data[cut..cut]),
            (rest_line, &data[cut..]),
            (last, &data[..0]),
        ] {
            bytes.push(map_slice(texts, name, k, line, data, slice).to_bytes());
        }
    }
    bytes.reverse();
    let (report, _) = scan_parts(parts_from_bytes(&bytes).unwrap(), &cfg).unwrap();
    let mut out = Vec::new();
    Json { pretty: false }.print(&report, &mut out).unwrap();
    out
}

/// A generated feed (`reprint synth`) in a temporary directory, and a small hand-made file
/// with what the reader warns about: bad JSON, a missing text, a repeated id (repeated again
/// in the feed after it), a missing id, blank lines and a byte-order mark.
fn inputs(dir: &Path, articles: usize) -> Vec<(String, Vec<u8>)> {
    let feed = dir.join("feed.jsonl");
    let made = Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(["synth", "--articles", &articles.to_string(), "--seed", "7"])
        .arg("--out")
        .arg(&feed)
        .arg("--truth")
        .arg(dir.join("truth.json"))
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // Exact copies of two articles, which stage 4 sets aside (`reprint::copies`).
    let text = std::fs::read_to_string(&feed).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for (k, line) in text.lines().take(2).enumerate() {
        for i in 0..3 {
            let mut r: serde_json::Value = serde_json::from_str(line).unwrap();
            r["id"] = format!("copy-{k}-{i}").into();
            lines.push(r.to_string());
        }
    }
    std::fs::write(&feed, lines.join("\n") + "\n").unwrap();
    let odd = dir.join("odd.jsonl");
    std::fs::write(
        &odd,
        "\u{feff}{\"id\":\"x\",\"text\":\"The harbour council voted on Monday to rebuild the old \
         ferry pier before winter, members said.\"}\n\
         not json\n\n\
         {\"id\":\"y\"}\n\
         {\"id\":\"x\",\"text\":\"Another text under a repeated id, long enough to count.\"}\n\
         {\"text\":\"No id here, so the reader names it after its file and line.\"}\n\
         \n\
         {\"id\":\"feed-000001\",\"text\":\"An id the generated feed uses too.\"}",
    )
    .unwrap();
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, " \n\n").unwrap();
    [odd, empty, feed]
        .iter()
        .map(|p: &PathBuf| (p.to_str().unwrap().to_string(), std::fs::read(p).unwrap()))
        .collect()
}

/// Where to cut input `k` of these bytes: indices of its line ends.
type Cuts = dyn Fn(usize, &[u8]) -> Vec<usize>;

#[test]
fn parts_cut_anywhere_give_the_cli_report() {
    let dir = tempfile::tempdir().unwrap();
    let files = inputs(dir.path(), 1200);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let want = cli_json(&names);
    assert!(want.len() > 10_000, "a real report");
    let text = String::from_utf8_lossy(&want);
    assert!(text.contains("empty file") && text.contains("duplicate id"));
    let inputs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let lines_of = |data: &[u8]| line_ends(data).len();
    // Whole inputs; k even slices; every line its own slice for the small files and odd cuts
    // in the feed (its first line alone, a slice ending on its last line feed).
    let cuttings: Vec<(&str, Box<Cuts>)> = vec![
        ("whole", Box::new(|_, _| vec![])),
        (
            "k=3",
            Box::new(move |_, d| (1..3).map(|i| i * lines_of(d) / 3).collect()),
        ),
        (
            "k=8",
            Box::new(move |_, d| (1..8).map(|i| i * lines_of(d) / 8).collect()),
        ),
        (
            "every line / odd",
            Box::new(move |k, d| match k {
                2 => vec![0, 1, 500, lines_of(d).saturating_sub(2)],
                _ => (0..lines_of(d)).collect(),
            }),
        ),
    ];
    // Texts carried in the parts, and given as their places in the files (read again by
    // the reducer, the byte-order mark of a file's first slice skipped).
    for texts in [Texts::Carried, Texts::InFile] {
        // Empty slices too (a byte range inside one long line owns no line): at the start of
        // an input, between two slices, at its end.
        let with_empty = parts_json_with_empty(&inputs, texts);
        assert!(
            with_empty == want,
            "reducer report differs with empty slices ({texts:?})"
        );
        for (what, cuts) in &cuttings {
            let got = parts_json(&inputs, texts, cuts);
            assert!(
                got == want,
                "reducer report differs from the CLI's: {what} ({texts:?})"
            );
        }
    }
}

#[test]
fn parts_that_give_texts_by_place_are_smaller_and_the_reducer_reads_the_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let files = inputs(dir.path(), 600);
    let (name, data) = &files[2];
    let cfg = Config::default();
    let carried = map_jsonl(name, 0, 1, data, &cfg).unwrap().to_bytes();
    let placed = map_jsonl_at(name, 0, 1, 0, data, &cfg).unwrap().to_bytes();
    // The part keeps 40 bytes of place per text instead of the text.
    let texts: usize = files[2].1.len();
    assert!(
        placed.len() * 10 < carried.len() * 7 && carried.len() - placed.len() > texts / 2,
        "carried {} bytes, placed {} (feed {texts})",
        carried.len(),
        placed.len()
    );
    let parts = || parts_from_bytes(&[&placed]).unwrap();
    assert!(scan_parts(parts(), &cfg).is_ok());

    // The file changed after the map: the reducer says which record it could not read
    // again (it reads the texts of listed pairs), never a panic or another report.
    let mut changed = data.clone();
    let at = changed
        .windows(8)
        .position(|w| w == b"\"text\":\"")
        .unwrap()
        + 8;
    changed.insert(at, b'X');
    std::fs::write(name, &changed).unwrap();
    match scan_parts(parts(), &cfg) {
        Err(Error::Reread { file, line, .. }) => assert!(file == *name && line >= 1),
        other => panic!("changed file: {:?}", other.map(|r| r.0.summary)),
    }
    // The file gone: an error naming it.
    std::fs::remove_file(name).unwrap();
    match scan_parts(parts(), &cfg) {
        Err(e @ Error::Io { .. }) => assert!(e.to_string().contains(name.as_str()), "{e}"),
        other => panic!("missing file: {:?}", other.map(|r| r.0.summary)),
    }
}

#[test]
fn damaged_missing_or_doubled_parts_are_errors() {
    let cfg = Config::default();
    let feed = b"{\"id\":\"a\",\"text\":\"One short article about the pier.\"}\n\
{\"id\":\"b\",\"text\":\"Another short article about the ferry.\"}\n\
{\"id\":\"c\",\"text\":\"A third one, about the harbour.\"}\n";
    let (l1, l2) = feed.split_at(line_ends(feed)[0]);
    let p1 = map_jsonl("f", 0, 1, l1, &cfg).unwrap().to_bytes();
    let p2 = map_jsonl("f", 0, 2, l2, &cfg).unwrap().to_bytes();
    assert!(scan_parts(parts_from_bytes(&[&p2, &p1]).unwrap(), &cfg).is_ok());

    // Damaged: a flipped byte in the payload, a cut, another version, not a part at all.
    let mut flipped = p2.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 1;
    let mut version = p2.clone();
    version[8] = 9;
    let cases: [(&str, &[u8], &str); 4] = [
        ("flipped", &flipped, "checksum mismatch"),
        ("cut", &p2[..p2.len() - 10], "truncated"),
        ("version", &version, "version 9"),
        ("foreign", b"{\"not\":\"a part\"} and more bytes..", "magic"),
    ];
    for (what, bad, says) in cases {
        match parts_from_bytes(&[&p1[..], bad]) {
            Err(Error::Part { part: 1, message }) => {
                assert!(message.contains(says), "{what}: {message}")
            }
            other => panic!("{what}: {other:?}"),
        }
        assert!(Part::from_bytes(bad).is_err(), "{what}");
    }

    // Missing or doubled: the reducer refuses rather than giving another report.
    let missing_first = scan_parts(parts_from_bytes(&[&p2]).unwrap(), &cfg);
    assert!(matches!(missing_first, Err(Error::Part { .. })));
    let doubled = scan_parts(parts_from_bytes(&[&p1, &p2, &p2]).unwrap(), &cfg);
    let msg = doubled.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("given twice"), "{msg}");
    // The last line without its line feed, given twice.
    let no_feed = &feed[..feed.len() - 1];
    let (m1, m2) = no_feed.split_at(line_ends(no_feed)[1]);
    let q1 = map_jsonl("f", 0, 1, m1, &cfg).unwrap().to_bytes();
    let q2 = map_jsonl("f", 0, 3, m2, &cfg).unwrap().to_bytes();
    assert!(scan_parts(parts_from_bytes(&[&q2, &q1]).unwrap(), &cfg).is_ok());
    let last_twice = scan_parts(parts_from_bytes(&[&q1, &q2, &q2]).unwrap(), &cfg);
    assert!(
        matches!(last_twice, Err(Error::Part { .. })),
        "last line twice"
    );
    let p3 = map_jsonl("g", 2, 1, l1, &cfg).unwrap().to_bytes();
    let gap = scan_parts(parts_from_bytes(&[&p1, &p2, &p3]).unwrap(), &cfg);
    assert!(matches!(gap, Err(Error::Part { .. })), "input 1 missing");
}

#[test]
fn the_reducer_takes_parts_one_at_a_time_and_refuses_strays_doubles_and_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let files = inputs(dir.path(), 900);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let want = cli_json(&names);
    let cfg = Config::default();
    // Each input in 4 slices, plus an empty slice where the feed's third slice starts (a
    // range inside a line owns none): the starts a driver knows before any part comes.
    let mut made: Vec<((u32, u64), Vec<u8>)> = Vec::new();
    for (k, (name, data)) in files.iter().enumerate() {
        let n = line_ends(data).len();
        let cuts: Vec<usize> = (1..4).map(|i| i * n / 4).collect();
        for (j, (line, slice)) in slices(data, &cuts).into_iter().enumerate() {
            let part = map_slice(Texts::InFile, name, k, line, data, slice);
            made.push(((k as u32, line), part.to_bytes()));
            if k == 2 && j == 2 {
                let empty = map_slice(Texts::InFile, name, k, line, data, &slice[..0]);
                made.push(((k as u32, line), empty.to_bytes()));
            }
        }
    }
    let starts: Vec<(u32, u64)> = made.iter().map(|(s, _)| *s).collect();
    let report_of = |order: &[usize]| {
        let mut r = Reducer::new(cfg.clone(), starts.iter().copied());
        for &i in order {
            r.add(Part::from_bytes(&made[i].1).unwrap())?;
        }
        let (report, _) = r.finish()?;
        let mut out = Vec::new();
        Json { pretty: false }.print(&report, &mut out).unwrap();
        Ok::<_, Error>(out)
    };
    // In order, last first, and interleaved: the CLI's report each time.
    let n = made.len();
    let in_order: Vec<usize> = (0..n).collect();
    let reversed: Vec<usize> = (0..n).rev().collect();
    let mut interleaved: Vec<usize> = (0..n).step_by(2).collect();
    interleaved.extend((1..n).step_by(2).rev());
    for order in [&in_order, &reversed, &interleaved] {
        assert!(report_of(order).unwrap() == want, "order {order:?}");
    }
    // A part that starts where no slice was due, one given twice, one that never comes.
    let mut r = Reducer::new(cfg.clone(), starts.iter().copied().skip(1));
    match r.add(Part::from_bytes(&made[0].1).unwrap()) {
        Err(Error::Part { message, .. }) => assert!(message.contains("no slice"), "{message}"),
        other => panic!("stray: {other:?}"),
    }
    let mut r = Reducer::new(cfg.clone(), starts.iter().copied());
    r.add(Part::from_bytes(&made[1].1).unwrap()).unwrap();
    match r.add(Part::from_bytes(&made[1].1).unwrap()) {
        Err(Error::Part { message, .. }) => assert!(message.contains("twice"), "{message}"),
        other => panic!("double: {other:?}"),
    }
    let skip_last = &in_order[..n - 1];
    match report_of(skip_last) {
        Err(Error::Part { .. }) => {}
        Err(e) => panic!("gap: {e}"),
        Ok(_) => panic!("gap: a report without the last part"),
    }
    // The empty slice that never comes is missed too: the driver said it would.
    let no_empty: Vec<usize> = (0..n)
        .filter(|&i| !Part::from_bytes(&made[i].1).unwrap().is_empty() || made[i].0 .0 != 2)
        .collect();
    assert!(no_empty.len() < n);
    match report_of(&no_empty) {
        Err(Error::Part { message, .. }) => assert!(message.contains("came"), "{message}"),
        Err(e) => panic!("empty part missing: {e}"),
        Ok(_) => panic!("a report without the empty part the driver expected"),
    }
}

#[test]
fn rejected_lines_count_as_a_one_machine_read_of_those_records_counts_them() {
    // The Python binding writes records as JSONL and leaves blank the line of a record it
    // cannot write (`Part::reject`); a scan of the records on one machine counts that line as
    // malformed, with the binding's warning in its place. Two slices, the second with a
    // rejected record, must give that report.
    let dir = tempfile::tempdir().unwrap();
    let (_, data) = inputs(dir.path(), 300).pop().unwrap();
    let mut lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    lines[200] = b"\n";
    let whole: Vec<u8> = lines.concat();
    let rejected = |line| reprint::diagnostics::Warning {
        file: "records".into(),
        line,
        message: "field \"text\" is a dict: record skipped".into(),
    };
    let cfg = Config::default();
    let mut loaded = reprint::input::read_jsonl_bytes("records", &whole, &cfg).unwrap();
    loaded.malformed += 1;
    loaded.warnings.push(rejected(201));
    loaded.warnings.sort_by_key(|w| w.line);
    let (report, _) = reprint::pipeline::scan(&loaded.corpus, loaded.warnings, &cfg).unwrap();
    let mut want = Vec::new();
    Json { pretty: false }.print(&report, &mut want).unwrap();
    assert!(String::from_utf8_lossy(&want).contains("\"line\":201"));

    let cut = line_ends(&whole)[149];
    let first = map_jsonl("records", 0, 1, &whole[..cut], &cfg).unwrap();
    let mut second = map_jsonl("records", 0, 151, &whole[cut..], &cfg).unwrap();
    // A line outside the slice, or one that gave an article, is not the slice's to reject.
    for line in [150, 152] {
        let e = second.reject(vec![rejected(line)]).unwrap_err();
        assert!(matches!(e, Error::Part { .. }), "{e}");
    }
    second.reject(vec![rejected(201)]).unwrap();
    let parts = parts_from_bytes(&[second.to_bytes(), first.to_bytes()]).unwrap();
    let (report, _) = scan_parts(parts, &cfg).unwrap();
    let mut got = Vec::new();
    Json { pretty: false }.print(&report, &mut got).unwrap();
    assert_eq!(
        String::from_utf8(got).unwrap(),
        String::from_utf8(want).unwrap()
    );
}

/// Stages 4 and 6 handed out as the Ray scan hands them out: each task through its bytes and
/// the kernel ([`reprint::parts::work`]), the tasks run last first, the results back through
/// their bytes. Counts what it was given.
struct Elsewhere {
    tasks: usize,
    given: std::sync::Mutex<Given>,
    /// The bytes the stage's tasks share (`Workers::share`).
    shared: std::sync::Mutex<Vec<Vec<u8>>>,
    /// Damages the result of the second task of a stage (4, 6 or 8): drops its last
    /// verdict, reverses a pair, or flips a byte.
    damage: Option<(u8, Damage)>,
    /// Fails in taking the stage's shared bytes.
    share_fault: Option<ShareFault>,
}

/// How an engine fails in taking the shared bytes.
#[derive(Clone, Copy, Debug)]
enum ShareFault {
    /// It takes the first and returns.
    TakesOne,
    /// It cannot hold them.
    Full,
}

/// Damage done to a result's bytes.
type Damage = fn(&mut Vec<u8>);

#[derive(Clone, Debug, Default)]
struct Given {
    /// How many byte strings each `Workers::share` gave, in order.
    shares: Vec<usize>,
    band_tasks: usize,
    band_task_bytes: usize,
    /// Bytes handed out beside the tasks (the signatures' keys), once per stage.
    shared_bytes: usize,
    /// Pairs the band tasks listed.
    listed: usize,
    read_tasks: usize,
    /// Pairs the stage-6 tasks read.
    read: usize,
    /// Texts the stage-6 and stage-8 tasks carried, and texts they gave by their place in
    /// an input.
    texts_carried: usize,
    texts_placed: usize,
    align_tasks: usize,
    /// Pairs the stage-8 tasks aligned.
    aligned: usize,
}

impl reprint::pipeline::Workers for Elsewhere {
    fn tasks(&self) -> usize {
        self.tasks
    }

    fn share(
        &self,
        stage: u8,
        shared: &mut (dyn Iterator<Item = reprint::pipeline::Shared<'_>> + Send),
    ) -> reprint::Result<()> {
        let shared: Vec<Vec<u8>> = match self.share_fault {
            None => shared.map(reprint::pipeline::Shared::into_vec).collect(),
            Some(ShareFault::TakesOne) => shared.take(1).map(|s| s.into_vec()).collect(),
            Some(ShareFault::Full) => {
                return Err(Error::Task {
                    stage,
                    task: 0,
                    message: "the store is full".into(),
                })
            }
        };
        let mut given = self.given.lock().unwrap();
        given.shared_bytes += shared.iter().map(Vec::len).sum::<usize>();
        given.shares.push(shared.len());
        *self.shared.lock().unwrap() = shared;
        Ok(())
    }

    fn run(&self, tasks: Vec<Vec<u8>>, uses: &[Option<usize>]) -> reprint::Result<Vec<Vec<u8>>> {
        let cfg = Config::default();
        let shared = self.shared.lock().unwrap();
        let shared_of = |k: usize| uses[k].map(|u| shared[u].as_slice());
        let stage = |t: &[u8]| reprint::tasks::stage_of(t).expect("a task the reducer made");
        let mut done: Vec<(usize, Vec<u8>)> = tasks
            .iter()
            .enumerate()
            .rev()
            .map(|(k, b)| (k, reprint::parts::work(b, shared_of(k), &cfg).unwrap()))
            .collect();
        done.sort_by_key(|d| d.0);
        let mut given = self.given.lock().unwrap();
        for (t, (k, result)) in tasks.iter().zip(&done) {
            if stage(t) == 4 {
                let bytes = shared_of(*k).unwrap();
                let signature = reprint::tasks::BandSignature::from_bytes(bytes).unwrap();
                // The task's range, as the kernel's result gives it back.
                let range = u32::from_le_bytes(result[32..36].try_into().unwrap())
                    ..u32::from_le_bytes(result[36..40].try_into().unwrap());
                assert_eq!(
                    reprint::tasks::BandTask::of(range.clone(), bytes).to_bytes(),
                    *t
                );
                let pairs = reprint::tasks::pairs_from_bytes(
                    result,
                    0,
                    signature.bands,
                    range,
                    signature.articles(),
                );
                given.band_tasks += 1;
                given.band_task_bytes += t.len();
                given.listed += pairs.unwrap().len();
            } else {
                let texts = if stage(t) == 8 {
                    let task = reprint::tasks::AlignTask::from_bytes(t).unwrap();
                    given.align_tasks += 1;
                    given.aligned += task.pairs.len();
                    task.texts
                } else {
                    let task = reprint::tasks::Task::from_bytes(t).unwrap();
                    given.read_tasks += 1;
                    given.read += task.pairs.len();
                    task.texts
                };
                for a in &texts.articles {
                    match a.text {
                        reprint::tasks::TaskText::Given(_) => given.texts_carried += 1,
                        reprint::tasks::TaskText::Stored { .. } => given.texts_placed += 1,
                    }
                }
            }
        }
        if let Some((s, damage)) = self.damage {
            if let Some(second) = done.iter_mut().filter(|d| stage(&tasks[d.0]) == s).nth(1) {
                damage(&mut second.1);
            }
        }
        Ok(done.into_iter().map(|d| d.1).collect())
    }
}

#[test]
fn stages_four_and_six_handed_out_as_tasks_give_the_cli_report() {
    let dir = tempfile::tempdir().unwrap();
    let files = inputs(dir.path(), 1200);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let want = cli_json(&names);
    let cfg = Config::default();
    let reduce_with = |workers: &Elsewhere, texts: Texts| {
        let mut starts = Vec::new();
        let mut parts = Vec::new();
        for (k, (name, data)) in files.iter().enumerate() {
            for (line, slice) in slices(data, &[1, 400]) {
                starts.push((k as u32, line));
                parts.push(map_slice(texts, name, k, line, data, slice));
            }
        }
        let mut reducer = Reducer::new(cfg.clone(), starts);
        for p in parts {
            reducer.add(p).unwrap();
        }
        reducer.finish_on(workers)
    };
    let reduce = |workers: &Elsewhere| reduce_with(workers, Texts::InFile);
    // Parts that carry their texts at 3 tasks, parts that give their places otherwise.
    for tasks in [1, 3, 50] {
        let texts = if tasks == 3 {
            Texts::Carried
        } else {
            Texts::InFile
        };
        let workers = Elsewhere {
            tasks,
            given: Default::default(),
            shared: Default::default(),
            damage: None,
            share_fault: None,
        };
        let (report, stats) = reduce_with(&workers, texts).unwrap();
        let mut got = Vec::new();
        Json { pretty: false }.print(&report, &mut got).unwrap();
        assert!(
            got == want,
            "report differs with stages 4 and 6 in {tasks} tasks ({texts:?})"
        );
        let given = workers.given.lock().unwrap().clone();
        // Stage 4's three signatures were shared before its tasks and taken back after
        // them, so the engine held none of them into stage 5; stage 6's and stage 8's tasks
        // share none.
        assert_eq!(given.shares, [3, 0, 0, 0, 0, 0], "{given:?}");
        assert!(workers.shared.lock().unwrap().is_empty());
        // Stage 4: each of the three signatures (the shingle bands, the word signature's 32,
        // the character signature's 128) cut into ranges of its bands; what they listed is at
        // least what the candidate stage kept of them.
        let ranges = |bands: usize| bands.div_ceil(bands.div_ceil(tasks.min(bands)));
        assert_eq!(
            given.band_tasks,
            ranges(stats.bands) + ranges(32) + ranges(128),
            "band tasks handed out"
        );
        // The signatures' keys went out once beside their tasks (one batch), the tasks
        // themselves only name their range and signature.
        assert!(
            given.band_task_bytes < 64 * given.band_tasks
                && given.shared_bytes > 900 * (128 + 32 + 32) * 4,
            "{given:?}"
        );
        assert!(
            given.listed >= stats.lsh_candidates + stats.word_candidates + stats.char_candidates
                && stats.char_candidates > 0,
            "{given:?} listed, {stats:?}"
        );
        // Stage 6: pairs were read elsewhere, among them pairs judged on characters (OCR'd
        // copies).
        assert_eq!(
            given.read_tasks,
            given.read.div_ceil(given.read.div_ceil(tasks)),
            "stage-6 tasks handed out"
        );
        assert!(
            given.read > 100 && given.read < stats.verified,
            "{} of {} pairs read",
            given.read,
            stats.verified
        );
        assert!(stats.by_chars > 0);
        // Parts that gave their articles' places in the input files: the tasks named the
        // files and the kernel read every text there, as the reducer would have; parts that
        // carried their texts: the tasks carried them.
        let (placed, carried) = match texts {
            Texts::InFile => (given.texts_placed, given.texts_carried),
            Texts::Carried => (given.texts_carried, given.texts_placed),
        };
        assert!(
            placed >= (given.read_tasks + given.align_tasks) * 2 && carried == 0,
            "{texts:?}: {given:?}"
        );
        // Stage 8: every listed pair was aligned elsewhere, a hub's pairs in one task.
        assert_eq!(given.aligned, report.pairs.len(), "{given:?}");
        assert!(
            given.align_tasks >= 1 && given.align_tasks <= tasks && given.aligned > 100,
            "{given:?}"
        );
        // The copies were set aside from the bands the tasks collided.
        assert_eq!(stats.copies, 6);
    }
    // Verdicts that do not fit their task are an error naming it, never another report.
    let drop_last: fn(&mut Vec<u8>) = |v| {
        let task = reprint::tasks::verdicts_from_bytes(v, 1, usize::MAX).err();
        let n = match task {
            Some(Error::Task { message, .. }) => {
                message.split(' ').next().unwrap().parse::<usize>().unwrap()
            }
            other => panic!("{other:?}"),
        };
        // Re-encode without the last verdict.
        let all = reprint::tasks::verdicts_from_bytes(v, 1, n).unwrap();
        *v = reprint::tasks::verdicts_to_bytes(&all[..n - 1]);
    };
    let flip: fn(&mut Vec<u8>) = |v| {
        let last = v.len() - 1;
        v[last] ^= 0x40;
    };
    // A pair written the wrong way round, the frame made good again: a bad result, not a
    // damaged one.
    let reverse: fn(&mut Vec<u8>) = |v| {
        let payload = &v[28..];
        let (bands, start, end, n) = (
            u32::from_le_bytes(payload[0..4].try_into().unwrap()),
            u32::from_le_bytes(payload[4..8].try_into().unwrap()),
            u32::from_le_bytes(payload[8..12].try_into().unwrap()),
            u64::from_le_bytes(payload[12..20].try_into().unwrap()),
        );
        let mut pairs =
            reprint::tasks::pairs_from_bytes(v, 1, bands, start..end, n as usize).unwrap();
        let (a, b) = pairs[0];
        pairs[0] = (b, a);
        *v = reprint::tasks::pairs_to_bytes(bands, start..end, n as usize, &pairs);
    };
    for (stage, damage, says) in [
        (6, drop_last, "verdicts for the task's"),
        (6, flip, "checksum"),
        (4, flip, "checksum"),
        (4, reverse, "is not two of the"),
        (8, flip, "checksum"),
    ] {
        let workers = Elsewhere {
            tasks: 3,
            given: Default::default(),
            shared: Default::default(),
            damage: Some((stage, damage)),
            share_fault: None,
        };
        match reduce(&workers) {
            Err(e @ Error::Task { task: 1, .. }) => {
                let want = format!("stage-{stage} task 1: ");
                assert!(e.to_string().starts_with(&want), "{e}");
                assert!(e.to_string().contains(says), "{e}")
            }
            other => panic!("damaged results: {:?}", other.map(|r| r.0.summary)),
        }
    }
    // An engine that does not take every shared item, or cannot: an error of stage 4.
    for (fault, says) in [
        (
            ShareFault::TakesOne,
            "the workers did not take every shared item before the stage",
        ),
        (ShareFault::Full, "the store is full"),
    ] {
        let workers = Elsewhere {
            tasks: 3,
            given: Default::default(),
            shared: Default::default(),
            damage: None,
            share_fault: Some(fault),
        };
        match reduce(&workers) {
            Err(e @ Error::Task { .. }) => {
                assert_eq!(
                    e.to_string(),
                    format!("stage-4 task 0: {says}"),
                    "{fault:?}"
                )
            }
            other => panic!("{fault:?}: {:?}", other.map(|r| r.0.summary)),
        }
    }
}
