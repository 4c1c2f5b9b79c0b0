//! Rendering one planned article into its final text, with the byte spans of any repeat.
//! Each article has its own generator (seeded by the feed seed and its plan index), so
//! articles can be rendered in any order and on any thread.

use std::borrow::Cow;

use super::furniture::MONTHS;
use super::text::{civil, iso_date, retitle, sentences, word_count, word_edits, START_DAY};
use super::{FeedArticle, Kind, Plan, TruthRepeat};
use crate::hash::SplitMix64;

pub(super) struct Rendered {
    pub article: FeedArticle,
    pub repeats: Vec<TruthRepeat>,
    /// Edits against the canonical, for reprints (empty otherwise).
    pub edits: Vec<&'static str>,
}

/// The generator of plan entry `idx`.
fn rng_for(seed: u64, idx: usize) -> SplitMix64 {
    let mut m = SplitMix64(seed ^ 0xA076_1D64_78BD_642F);
    m.0 =
        m.0.wrapping_add((idx as u64).wrapping_mul(0xE703_7ED1_A0B4_28DB));
    SplitMix64(m.next_u64())
}

/// A body paragraph list plus the title, before furniture and repeats.
struct Body<'p> {
    title: String,
    paras: Vec<Cow<'p, str>>,
    edits: Vec<&'static str>,
}

pub(super) fn render(plan: &Plan, idx: usize) -> Rendered {
    let e = &plan.entries[idx];
    let outlet = &plan.outlets[e.outlet as usize];
    let mut rng = rng_for(plan.cfg.seed, idx);
    let body = match e.kind {
        Kind::Wire(s) => wire_original(plan, s as usize),
        Kind::Reprint(s) => reprint(plan, s as usize, &mut rng),
        Kind::Local(s) => {
            let st = &plan.stories[s as usize];
            let story = plan.pool.paragraphs(&st.unit);
            let mut paras: Vec<Cow<str>> = Vec::with_capacity(story.len() + 1);
            if let Some(r) = &st.reporter {
                paras.push(Cow::Owned(format!("By {r}, {}", outlet.name)));
            }
            paras.extend(story);
            Body {
                title: st.unit.title.to_string(),
                paras,
                edits: Vec::new(),
            }
        }
        Kind::Brief(b) => {
            let br = &plan.briefs[b as usize];
            Body {
                title: br.title.clone(),
                paras: br.paras.iter().map(|p| Cow::Borrowed(p.as_str())).collect(),
                edits: Vec::new(),
            }
        }
    };
    let id = plan.ids[idx].clone();
    let cfg = &plan.cfg;

    // Assemble: [headline, headline] [top] body [body copy | run copy inside] [bottom].
    let mut parts: Vec<&str> = Vec::with_capacity(body.paras.len() * 2 + 8);
    let mut runs: Vec<(usize, usize, usize)> = Vec::new(); // (first start, repeat start, length)
    let roll = rng.unit();
    let headline = roll < cfg.headline_repeat_rate && !body.title.is_empty();
    let doubled_body = !headline && roll < cfg.headline_repeat_rate + cfg.doubled_body_rate;
    let doubled_run = !headline
        && !doubled_body
        && roll < cfg.headline_repeat_rate + cfg.doubled_body_rate + cfg.doubled_run_rate
        && body.paras.len() >= 3;
    if headline {
        parts.push(&body.title);
        parts.push(&body.title);
        runs.push((0, 1, 1));
    }
    if e.top {
        parts.extend(outlet.top.iter().flatten().map(String::as_str));
    }
    let start = parts.len();
    let n = body.paras.len();
    if doubled_run {
        let k = 2 + rng.below((n - 1).min(4) as u64 - 1) as usize;
        let i = rng.below((n - k + 1) as u64) as usize;
        parts.extend(body.paras[..i + k].iter().map(|p| p.as_ref()));
        parts.extend(body.paras[i..].iter().map(|p| p.as_ref()));
        runs.push((start + i, start + i + k, k));
    } else {
        parts.extend(body.paras.iter().map(|p| p.as_ref()));
        if doubled_body && n > 0 {
            parts.extend(body.paras.iter().map(|p| p.as_ref()));
            runs.push((start, start + n, n));
        }
    }
    if e.bottom {
        parts.extend(outlet.bottom.iter().flatten().map(String::as_str));
    }

    let total: usize = parts.iter().map(|p| p.len() + outlet.sep.len()).sum();
    let mut text = String::with_capacity(total);
    let mut spans = Vec::with_capacity(parts.len());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            text.push_str(outlet.sep);
        }
        let s = text.len();
        text.push_str(p);
        spans.push((s, text.len()));
    }
    let repeats = runs
        .into_iter()
        .map(|(a, b, k)| TruthRepeat {
            article: id.clone(),
            first: [spans[a].0, spans[a + k - 1].1],
            repeat: [spans[b].0, spans[b + k - 1].1],
        })
        .collect();
    Rendered {
        article: FeedArticle {
            id,
            title: body.title,
            text,
            source: outlet.name.clone(),
            date: iso_date(e.minute),
        },
        repeats,
        edits: body.edits,
    }
}

fn wire_name<'p>(plan: &'p Plan, s: usize) -> &'p str {
    plan.stories[s]
        .wire
        .map_or("", |w| plan.outlets[w].name.as_str())
}

fn wire_original<'p>(plan: &'p Plan, s: usize) -> Body<'p> {
    let st = &plan.stories[s];
    let wire = wire_name(plan, s);
    let mut story = plan.pool.paragraphs(&st.unit).into_iter();
    let mut paras: Vec<Cow<str>> = Vec::with_capacity(story.len() + 1);
    if let Some(r) = &st.reporter {
        paras.push(Cow::Owned(format!("By {r}, {wire}")));
    }
    let lead = story.next().unwrap_or_default();
    paras.push(Cow::Owned(format!("{} ({wire}) — {lead}", st.city)));
    paras.extend(story);
    Body {
        title: st.unit.title.to_string(),
        paras,
        edits: Vec::new(),
    }
}

/// A reprint of wire story `s`: the wire copy with copy-desk edits.
fn reprint<'p>(plan: &'p Plan, s: usize, rng: &mut SplitMix64) -> Body<'p> {
    let st = &plan.stories[s];
    let r = &plan.cfg.edits;
    let wire = wire_name(plan, s);
    let mut paras: Vec<Cow<str>> = plan.pool.paragraphs(&st.unit);
    let lead = paras[0].clone();
    let mut done = [false; 8];
    const RETITLE: usize = 0;
    const BYLINE: usize = 1;
    const DATELINE: usize = 2;
    const DROP: usize = 3;
    const SWAP: usize = 4;
    const TRIM: usize = 5;
    const WORDS: usize = 6;
    const INTRO: usize = 7;
    const NAMES: [&str; 8] = [
        "retitle",
        "byline",
        "dateline",
        "drop_paragraph",
        "swap",
        "trim_tail",
        "word_edits",
        "local_intro",
    ];

    // Dateline: kept, stripped or rewritten.
    let u = rng.unit();
    let dateline = if u < r.dateline_strip {
        done[DATELINE] = true;
        String::new()
    } else if u < r.dateline_strip + r.dateline_change {
        done[DATELINE] = true;
        let orig = plan.entries[st.members[0] as usize].minute;
        let (_, m, d) = civil(START_DAY + (orig / 1440) as i64);
        match rng.below(3) {
            0 => format!("{} — ", st.city),
            1 => format!("{}, {} {d} ({wire}) — ", st.city, MONTHS[m as usize - 1]),
            _ => format!("{} ({wire}) - ", st.city),
        }
    } else {
        format!("{} ({wire}) — ", st.city)
    };
    paras[0] = Cow::Owned(format!("{dateline}{}", paras[0]));

    if paras.len() >= 5 && rng.unit() < r.drop_paragraph {
        let i = 1 + rng.below(paras.len() as u64 - 1) as usize;
        paras.remove(i);
        done[DROP] = true;
    }
    if paras.len() >= 4 && rng.unit() < r.swap {
        let i = 1 + rng.below(paras.len() as u64 - 2) as usize;
        paras.swap(i, i + 1);
        done[SWAP] = true;
    }
    if paras.len() >= 4 && rng.unit() < r.trim_tail {
        let len = paras.len();
        let min_keep = len.div_ceil(3).max(3);
        let keep = if rng.unit() < r.deep_trim {
            min_keep
        } else {
            min_keep + rng.below((len - min_keep) as u64) as usize
        };
        if keep < len {
            paras.truncate(keep);
            done[TRIM] = true;
        }
    }
    if rng.unit() < r.word_edits {
        let m = 1 + rng.below(paras.len().min(3) as u64) as usize;
        let mut chosen: Vec<usize> = Vec::with_capacity(m);
        while chosen.len() < m {
            let i = rng.below(paras.len() as u64) as usize;
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        for i in chosen {
            let n = 1 + rng.below(2) as usize;
            if let Some(p) = word_edits(&paras[i], n, rng) {
                paras[i] = Cow::Owned(p);
                done[WORDS] = true;
            }
        }
    }
    if rng.unit() < r.local_intro {
        if let Some(intro) = local_intro(plan, &plan.pool.rows(&st.unit), rng) {
            paras.insert(0, Cow::Borrowed(intro));
            done[INTRO] = true;
        }
    }
    if let Some(rep) = &st.reporter {
        let u = rng.unit();
        if u < r.byline_drop {
            done[BYLINE] = true;
        } else if u < r.byline_drop + r.byline_reformat {
            done[BYLINE] = true;
            let line = match rng.below(3) {
                0 => format!("{rep} | {wire}"),
                1 => format!("By {}, {wire}", rep.to_uppercase()),
                _ => format!("By {rep}, {wire} Writer"),
            };
            paras.insert(0, Cow::Owned(line));
        } else {
            paras.insert(0, Cow::Owned(format!("By {rep}, {wire}")));
        }
    }
    let mut title = st.unit.title.to_string();
    if rng.unit() < r.retitle {
        title = retitle(
            &title,
            sentences(&lead).first().copied().unwrap_or(&lead),
            rng,
        );
        done[RETITLE] = true;
    }
    Body {
        title,
        paras,
        edits: NAMES
            .iter()
            .zip(done)
            .filter(|(_, d)| *d)
            .map(|(n, _)| *n)
            .collect(),
    }
}

/// A sentence of 8-45 words from a main story none of whose rows `rows` uses.
fn local_intro<'p>(plan: &'p Plan, rows: &[u32], rng: &mut SplitMix64) -> Option<&'p str> {
    let n = plan.pool.main_len();
    for _ in 0..8 {
        let row = rng.below(n as u64) as usize;
        if rows.contains(&(row as u32)) {
            continue;
        }
        let t = rng.below(plan.pool.main_paragraphs(row) as u64) as usize;
        let p = plan.pool.main_paragraph(row, t)?;
        if let Some(s) = sentences(p)
            .into_iter()
            .find(|s| (8..=45).contains(&word_count(s)))
        {
            return Some(s);
        }
    }
    None
}
