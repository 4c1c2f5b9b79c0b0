//! Stage 6's reading handed out (issue 19). Stage 6 judges most pairs from their shingle
//! sets alone; the rest it judges from their texts, and that reading is the costliest stage
//! of a scan. A distributed scan cuts those pairs into [`Task`]s, each carrying what judging
//! needs and nothing of the rest of the scan: its pairs with what the reducer knows of each
//! ([`ReadPair`]), and each article's text and boilerplate mask ([`TaskArticle`]). Any process
//! of the same build judges a task ([`crate::parts::judge`]) and returns one [`Evidence`] per
//! pair, in the task's order; the reducer puts them in their places
//! ([`crate::pipeline::Judges`]).
//!
//! Invariants:
//!
//! - a verdict depends only on its pair, never on the task it is in nor on the other pairs of
//!   that task, so the report is the same bytes however the pairs are cut
//! - a task and its verdicts cross processes as framed bytes (`wire.rs`: magics
//!   [`TASK_MAGIC`] and [`VERDICTS_MAGIC`], format [`VERSION`]); damaged or foreign bytes, a
//!   pair naming an article its task does not carry, or verdicts that are not one per pair,
//!   are an [`Error::Task`], never a panic or another report

use crate::error::{Error, Result};
use crate::evidence::{Evidence, Kind, Measure, Noise};
use crate::wire::{self, Reader, Writer};

/// The first bytes of a task.
pub const TASK_MAGIC: [u8; 8] = *b"RPRTTASK";
/// The first bytes of a task's verdicts.
pub const VERDICTS_MAGIC: [u8; 8] = *b"RPRTVERD";
/// The format's version. Verdicts change with the detection code, so tasks are for one run
/// of one build, not for keeping.
pub const VERSION: u32 = 1;

/// Pairs of stage 6 to judge from their texts, with those texts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Task {
    /// The articles the pairs name, sorted by number, each once.
    pub articles: Vec<TaskArticle>,
    pub pairs: Vec<ReadPair>,
}

/// An article of a [`Task`]: its number in the scan, its text, and which of its paragraphs
/// (stage 1's, which the judge finds again in the text) are boilerplate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskArticle {
    pub article: u32,
    pub text: String,
    pub boilerplate: Vec<bool>,
}

/// A pair stage 6 reads, with what is known of it before its texts are read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadPair {
    /// The pair's place among the verified pairs (the reducer's, for errors).
    pub k: u32,
    pub a: u32,
    pub b: u32,
    pub noise: Noise,
    /// Whether the two articles' character samples share enough for character evidence to
    /// find anything ([`crate::evidence::CharSample::may_share`]).
    pub may_share: bool,
    /// The verdict the shingle sets give, when they give one that character evidence may
    /// still raise; else the words are read.
    pub settled: Option<Evidence>,
}

impl Task {
    /// The article `article`'s place in [`Task::articles`].
    pub fn find(&self, article: usize) -> Option<&TaskArticle> {
        self.articles
            .binary_search_by_key(&article, |a| a.article as usize)
            .ok()
            .map(|i| &self.articles[i])
    }

    /// The task as framed bytes ([`TASK_MAGIC`], [`VERSION`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.u64(self.articles.len() as u64);
        for a in &self.articles {
            w.u32(a.article);
            w.str(&a.text);
            w.u64(a.boilerplate.len() as u64);
            w.0.extend(a.boilerplate.iter().map(|&b| b as u8));
        }
        w.u64(self.pairs.len() as u64);
        for p in &self.pairs {
            w.u32(p.k);
            w.u32(p.a);
            w.u32(p.b);
            w.u8(noise_code(p.noise));
            w.u8(p.may_share as u8);
            match &p.settled {
                None => w.u8(0),
                Some(e) => {
                    w.u8(1);
                    write_evidence(&mut w, e);
                }
            }
        }
        wire::frame(&TASK_MAGIC, VERSION, &w.0)
    }

    /// A task from [`Task::to_bytes`]: an [`Error::Task`] (numbered 0) when the bytes are
    /// not a task of this version, are damaged, or name articles it does not carry.
    pub fn from_bytes(bytes: &[u8]) -> Result<Task> {
        Task::decode(bytes).map_err(|message| Error::Task { task: 0, message })
    }

    fn decode(bytes: &[u8]) -> std::result::Result<Task, String> {
        let payload = wire::unframe(bytes, &TASK_MAGIC, VERSION, "a reprint task")?;
        let mut r = Reader { at: 0, b: payload };
        let n = r.count(4 + 8 + 8)?;
        let mut articles: Vec<TaskArticle> = Vec::with_capacity(n);
        for _ in 0..n {
            let article = r.u32()?;
            if articles.last().is_some_and(|l| l.article >= article) {
                return Err(format!("article {article} out of order or given twice"));
            }
            let text = r.string()?;
            let np = r.count(1)?;
            let boilerplate = (0..np)
                .map(|_| r.bool())
                .collect::<std::result::Result<_, _>>()?;
            articles.push(TaskArticle {
                article,
                text,
                boilerplate,
            });
        }
        let n = r.count(4 * 3 + 3)?;
        let mut pairs = Vec::with_capacity(n);
        for _ in 0..n {
            let (k, a, b) = (r.u32()?, r.u32()?, r.u32()?);
            let noise = noise_of_code(r.take(1)?[0])?;
            let may_share = r.bool()?;
            let settled = match r.bool()? {
                false => None,
                true => Some(read_evidence(&mut r)?),
            };
            pairs.push(ReadPair {
                k,
                a,
                b,
                noise,
                may_share,
                settled,
            });
        }
        if r.at != r.b.len() {
            return Err(format!(
                "{} bytes left after the last pair",
                r.b.len() - r.at
            ));
        }
        let task = Task { articles, pairs };
        for p in &task.pairs {
            if p.a == p.b {
                return Err(format!("pair {} is article {} with itself", p.k, p.a));
            }
            for x in [p.a, p.b] {
                if task.find(x as usize).is_none() {
                    return Err(format!("pair {} names article {x}, which it lacks", p.k));
                }
            }
        }
        Ok(task)
    }
}

/// A task's verdicts, one per pair in its order, as framed bytes ([`VERDICTS_MAGIC`]).
pub fn verdicts_to_bytes(verdicts: &[Evidence]) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.u64(verdicts.len() as u64);
    for e in verdicts {
        write_evidence(&mut w, e);
    }
    wire::frame(&VERDICTS_MAGIC, VERSION, &w.0)
}

/// The verdicts of task number `task` (for the error) of `pairs` pairs, from
/// [`verdicts_to_bytes`].
pub fn verdicts_from_bytes(bytes: &[u8], task: usize, pairs: usize) -> Result<Vec<Evidence>> {
    let decode = || -> std::result::Result<Vec<Evidence>, String> {
        let payload = wire::unframe(bytes, &VERDICTS_MAGIC, VERSION, "a task's verdicts")?;
        let mut r = Reader { at: 0, b: payload };
        let n = r.count(1)?;
        if n != pairs {
            return Err(format!("{n} verdicts for the task's {pairs} pairs"));
        }
        let v = (0..n)
            .map(|_| read_evidence(&mut r))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if r.at != r.b.len() {
            return Err(format!(
                "{} bytes left after the last verdict",
                r.b.len() - r.at
            ));
        }
        Ok(v)
    };
    decode().map_err(|message| Error::Task { task, message })
}

fn noise_code(n: Noise) -> u8 {
    match n {
        Noise::Clean => 0,
        Noise::Flagged => 1,
        Noise::FlaggedByCharsOnly => 2,
        Noise::CharsOnly => 3,
    }
}

fn noise_of_code(v: u8) -> std::result::Result<Noise, String> {
    Ok(match v {
        0 => Noise::Clean,
        1 => Noise::Flagged,
        2 => Noise::FlaggedByCharsOnly,
        3 => Noise::CharsOnly,
        _ => return Err(format!("{v} is not a noise code")),
    })
}

/// Kind and measure in one byte, the shares as their bits, so a verdict crosses unchanged.
fn write_evidence(w: &mut Writer, e: &Evidence) {
    let kind = match e.kind {
        Kind::None => 0,
        Kind::Partial => 1,
        Kind::Reprint => 2,
    };
    let measure = match e.measure {
        Measure::Words => 0,
        Measure::Characters => 1,
        Measure::Sets => 2,
    };
    w.u8(kind | measure << 2 | (e.a_is_shorter as u8) << 4);
    w.u64(e.short_share.to_bits());
    w.u64(e.long_share.to_bits());
    w.u64(e.shared_words as u64);
    w.u32s(&e.shared_a);
    w.u32s(&e.shared_b);
}

fn read_evidence(r: &mut Reader) -> std::result::Result<Evidence, String> {
    let at = r.at;
    let v = r.take(1)?[0];
    let kind = match v & 3 {
        0 => Kind::None,
        1 => Kind::Partial,
        2 => Kind::Reprint,
        _ => return Err(format!("byte {at} is {v}, not a verdict's kind")),
    };
    let measure = match v >> 2 & 3 {
        0 => Measure::Words,
        1 => Measure::Characters,
        2 => Measure::Sets,
        _ => return Err(format!("byte {at} is {v}, not a verdict's measure")),
    };
    if v >> 5 != 0 {
        return Err(format!("byte {at} is {v}, not a verdict's flags"));
    }
    let share = |x: u64| {
        let s = f64::from_bits(x);
        match s.is_finite() && s >= 0.0 {
            true => Ok(s),
            false => Err(format!("a share of {s} after byte {at}")),
        }
    };
    Ok(Evidence {
        kind,
        measure,
        a_is_shorter: v >> 4 & 1 == 1,
        short_share: share(r.u64()?)?,
        long_share: share(r.u64()?)?,
        shared_words: usize::try_from(r.u64()?).map_err(|e| e.to_string())?,
        shared_a: r.u32s()?,
        shared_b: r.u32s()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(kind: Kind, measure: Measure) -> Evidence {
        Evidence {
            kind,
            short_share: 0.625,
            long_share: 1.0 / 3.0,
            a_is_shorter: false,
            shared_words: 412,
            measure,
            shared_a: vec![0, 2, 3],
            shared_b: vec![1, 4],
        }
    }

    fn task() -> Task {
        Task {
            articles: vec![
                TaskArticle {
                    article: 3,
                    text: "Héllo, a story.\n\nIts second paragraph.".into(),
                    boilerplate: vec![false, true],
                },
                TaskArticle {
                    article: 17,
                    text: "Another one.".into(),
                    boilerplate: vec![false],
                },
            ],
            pairs: vec![
                ReadPair {
                    k: 9,
                    a: 3,
                    b: 17,
                    noise: Noise::FlaggedByCharsOnly,
                    may_share: true,
                    settled: Some(verdict(Kind::Partial, Measure::Sets)),
                },
                ReadPair {
                    k: 12,
                    a: 17,
                    b: 3,
                    noise: Noise::CharsOnly,
                    may_share: false,
                    settled: None,
                },
            ],
        }
    }

    #[test]
    fn a_task_and_its_verdicts_survive_their_bytes() {
        let t = task();
        assert_eq!(Task::from_bytes(&t.to_bytes()).unwrap(), t);
        let v = vec![
            verdict(Kind::Reprint, Measure::Characters),
            verdict(Kind::None, Measure::Words),
        ];
        assert_eq!(
            verdicts_from_bytes(&verdicts_to_bytes(&v), 0, 2).unwrap(),
            v
        );
    }

    #[test]
    fn damaged_tasks_and_verdicts_that_do_not_fit_are_errors() {
        let bytes = task().to_bytes();
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let mut missing = task();
        missing.articles.pop();
        let err = |r: Result<Task>| match r {
            Err(Error::Task { message, .. }) => message,
            other => panic!("expected a task error, got {other:?}"),
        };
        assert!(err(Task::from_bytes(&flipped)).contains("checksum"));
        assert!(err(Task::from_bytes(&bytes[..bytes.len() - 3])).contains("truncated"));
        assert!(err(Task::from_bytes(&missing.to_bytes())).contains("lacks"));
        assert!(err(Task::from_bytes(&verdicts_to_bytes(&[]))).contains("RPRTTASK"));
        let v = verdicts_to_bytes(&[verdict(Kind::Reprint, Measure::Words)]);
        match verdicts_from_bytes(&v, 5, 2) {
            Err(Error::Task { task: 5, message }) => assert!(message.contains("1 verdicts for")),
            other => panic!("expected a task error, got {other:?}"),
        }
    }
}
