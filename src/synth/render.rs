//! Rendering one planned article into its final text, with the byte spans of any repeat and
//! of its page furniture. Each article has its own generators (seeded by the feed seed and its
//! plan index: one for the copy desk, one for OCR noise, one for page furniture), so articles
//! can be rendered in any order and on any thread, and turning noise or furniture off leaves
//! the rest of an article as it was.

use std::borrow::Cow;

use super::furniture::{self, PageContext, MONTHS};
use super::text::{
    civil, headline_from, iso_date, retitle, sentences, word_count, word_edits, START_DAY,
};
use super::{FeedArticle, FurnitureLine, Kind, Plan, TruthRepeat, OCR_SALT, PAGE_SALT};
use crate::hash::SplitMix64;

pub(super) struct Rendered {
    pub article: FeedArticle,
    pub repeats: Vec<TruthRepeat>,
    /// Edits against the article it was made from, for reprints and later versions (empty
    /// otherwise).
    pub edits: Vec<&'static str>,
    /// Its page furniture lines.
    pub furniture: Vec<FurnitureLine>,
    /// Characters of the clean story text the OCR noise was applied to (0 when clean).
    pub ocr_chars: usize,
}

/// Salt of the write-through streams (one per story and update).
const CHAIN_SALT: u64 = 0x7772_6974_655f_7468;
/// Share of a story's words a trimmed copy keeps at least: the story-cluster definition takes
/// a copy as a reprint when the shared text is about a third of the longer body
/// ([`crate::evidence::TRIMMED_LONG_SHARE`] for a copy trimmed from the bottom), and a third
/// of the paragraphs can be a sixth of the words.
const MIN_TRIM_WORD_SHARE: f64 = 0.4;

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
    let mut body = match e.kind {
        Kind::Wire(s, v) => wire_version(plan, s as usize, v),
        Kind::Reprint(s, v) => reprint(plan, s as usize, v, &mut rng),
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

    // Page furniture, made from the clean text so that noise does not change it.
    let mut kinds: Vec<Option<&'static str>> = vec![None; body.paras.len()];
    let mut page = furniture::PageLines::default();
    if let (true, Some(style)) = (e.page, &outlet.page) {
        let mut prng = rng_for(cfg.seed ^ PAGE_SALT, idx);
        let mut related: Vec<&str> = Vec::with_capacity(3);
        for _ in 0..3 {
            let s = &plan.stories[prng.below(plan.stories.len() as u64) as usize];
            let t: &str = s.unit.title.as_ref();
            if t != body.title && !related.contains(&t) {
                related.push(t);
            }
        }
        let place = match e.kind {
            Kind::Reprint(s, _) => Some(furniture::title_case(plan.stories[s as usize].city)),
            _ => None,
        };
        let cx = PageContext {
            minute: e.minute,
            outlet: &outlet.name,
            // Story paragraphs only: a byline's outlet is nobody to photograph.
            story: body
                .paras
                .iter()
                .map(|p| p.as_ref())
                .filter(|p| word_count(p) >= 12)
                .take(4)
                .collect(),
            place,
            staff: &outlet.staff,
            related,
            paragraphs: body.paras.len(),
        };
        page = furniture::page_lines(style, &cx, &mut prng);
    }
    // OCR noise on the story text, before anything is repeated, so copies stay exact.
    let mut ocr_chars = 0;
    if e.cer > 0.0 && !body.paras.is_empty() {
        let clean = body.paras.join("\n");
        ocr_chars = clean.chars().count();
        let noisy = super::ocr::noise(&clean, e.cer, &mut rng_for(cfg.seed ^ OCR_SALT, idx));
        body.paras = noisy
            .split('\n')
            .map(|p| Cow::Owned(p.to_string()))
            .collect();
    }
    // Lines inside the body go in now (a doubled body doubles them).
    if !page.inner.is_empty() {
        let inner = std::mem::take(&mut page.inner);
        let (mut paras, mut ks) = (Vec::new(), Vec::new());
        let mut lines = inner.into_iter().peekable();
        for (i, p) in std::mem::take(&mut body.paras).into_iter().enumerate() {
            paras.push(p);
            ks.push(None);
            while let Some((_, kind, line)) = lines.next_if(|l| l.0 == i) {
                paras.push(Cow::Owned(line));
                ks.push(Some(kind));
            }
        }
        body.paras = paras;
        kinds = ks;
    }

    // Assemble: [headline, headline] [top] body [body copy | run copy inside] [bottom].
    let mut parts: Vec<&str> = Vec::with_capacity(body.paras.len() * 2 + 8);
    let mut part_kinds: Vec<Option<&'static str>> = Vec::with_capacity(body.paras.len() * 2 + 8);
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
        part_kinds.extend([None, None]);
        runs.push((0, 1, 1));
    }
    if e.top {
        parts.extend(outlet.top.iter().flatten().map(String::as_str));
    }
    part_kinds.resize(parts.len(), None);
    for (kind, line) in &page.top {
        parts.push(line);
        part_kinds.push(Some(*kind));
    }
    let start = parts.len();
    let n = body.paras.len();
    // The body as one run of paragraphs, or two with the repeated part in both.
    let mut segments: Vec<(usize, usize)> = vec![(0, n)];
    if doubled_run {
        let k = 2 + rng.below((n - 1).min(4) as u64 - 1) as usize;
        let i = rng.below((n - k + 1) as u64) as usize;
        segments = vec![(0, i + k), (i, n)];
        runs.push((start + i, start + i + k, k));
    } else if doubled_body && n > 0 {
        segments.push((0, n));
        runs.push((start, start + n, n));
    }
    for (a, b) in segments {
        parts.extend(body.paras[a..b].iter().map(|p| p.as_ref()));
        part_kinds.extend(&kinds[a..b]);
    }
    for (kind, line) in &page.bottom {
        parts.push(line);
        part_kinds.push(Some(*kind));
    }
    if e.bottom {
        parts.extend(outlet.bottom.iter().flatten().map(String::as_str));
    }
    part_kinds.resize(parts.len(), None);

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
    let furniture = spans
        .iter()
        .zip(&part_kinds)
        .filter_map(|(&(s, e), k)| {
            k.map(|kind| FurnitureLine {
                kind: kind.to_string(),
                span: [s, e],
            })
        })
        .collect();
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
        furniture,
        ocr_chars,
    }
}

fn wire_name<'p>(plan: &'p Plan, s: usize) -> &'p str {
    plan.stories[s]
        .wire
        .map_or("", |w| plan.outlets[w].name.as_str())
}

/// The paragraphs of version `v` of story `s` (all of them, the inserted ones included, when
/// it is no chain). Update `k` rewrites one paragraph it carries over from version `k - 1`
/// (drops one of its 3+ sentences, or changes a word or two), and the rewrite stays in later
/// versions.
fn version_paragraphs<'p>(plan: &'p Plan, s: usize, v: u8) -> Vec<Cow<'p, str>> {
    let st = &plan.stories[s];
    let mut all = plan.pool.paragraphs(&st.unit);
    let Some(c) = st.chain else {
        return all;
    };
    let len = usize::from(c.len);
    for k in 1..=v {
        let mut rng = rng_for(plan.cfg.seed ^ CHAIN_SALT, s * 8 + usize::from(k));
        // Carried over: the paragraphs of version k - 1 that version k keeps.
        let (lo, hi) = (c.start(k - 1), c.start(k) + len);
        let i = lo + rng.below((hi - lo) as u64) as usize;
        let ss = sentences(&all[i]);
        let new = if ss.len() >= 3 && rng.unit() < 0.4 {
            let drop = rng.below(ss.len() as u64) as usize;
            let kept: Vec<&str> = (0..ss.len())
                .filter(|&j| j != drop)
                .map(|j| ss[j])
                .collect();
            Some(kept.join(" "))
        } else {
            word_edits(&all[i], 2, &mut rng)
        };
        if let Some(p) = new {
            all[i] = Cow::Owned(p);
        }
    }
    let start = c.start(v);
    all.drain(..start);
    all.truncate(len);
    all
}

/// Headline of version `v`: the story's own for the first, else one written from the new
/// lead, sometimes marked as an update.
fn version_title(plan: &Plan, s: usize, v: u8, lead: &str) -> String {
    let st = &plan.stories[s];
    if v == 0 {
        return st.unit.title.to_string();
    }
    let h = headline_from(sentences(lead).first().copied().unwrap_or(lead));
    if rng_for(plan.cfg.seed ^ CHAIN_SALT, s * 8).below(2) == 0 {
        format!("UPDATE {v}-{h}")
    } else {
        h
    }
}

/// Version `v` of wire story `s` as the wire sends it: byline, dateline on the lead.
fn wire_version<'p>(plan: &'p Plan, s: usize, v: u8) -> Body<'p> {
    let st = &plan.stories[s];
    let wire = wire_name(plan, s);
    let story = version_paragraphs(plan, s, v);
    let title = version_title(plan, s, v, story.first().map_or("", |p| p.as_ref()));
    let mut story = story.into_iter();
    let mut paras: Vec<Cow<str>> = Vec::with_capacity(story.len() + 1);
    if let Some(r) = &st.reporter {
        paras.push(Cow::Owned(format!("By {r}, {wire}")));
    }
    let lead = story.next().unwrap_or_default();
    paras.push(Cow::Owned(format!("{} ({wire}) — {lead}", st.city)));
    paras.extend(story);
    Body {
        title,
        paras,
        edits: if v > 0 {
            vec!["write_through"]
        } else {
            Vec::new()
        },
    }
}

/// A reprint of version `v` of wire story `s`: the wire copy with copy-desk edits.
fn reprint<'p>(plan: &'p Plan, s: usize, v: u8, rng: &mut SplitMix64) -> Body<'p> {
    let st = &plan.stories[s];
    let r = &plan.cfg.edits;
    let wire = wire_name(plan, s);
    let mut paras: Vec<Cow<str>> = version_paragraphs(plan, s, v);
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
        let mut keep = if rng.unit() < r.deep_trim {
            min_keep
        } else {
            min_keep + rng.below((len - min_keep) as u64) as usize
        };
        // A copy keeping less of the story's words is a teaser (partial reuse) by the
        // definition, not a reprint; the truth calls every trim a reprint, so trims keep
        // enough words to be one.
        let words: Vec<usize> = paras.iter().map(|p| p.split_whitespace().count()).collect();
        let total: usize = words.iter().sum();
        let mut kept: usize = words[..keep].iter().sum();
        while keep < len && (kept as f64) < MIN_TRIM_WORD_SHARE * total as f64 {
            kept += words[keep];
            keep += 1;
        }
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
    let mut title = version_title(plan, s, v, &lead);
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
