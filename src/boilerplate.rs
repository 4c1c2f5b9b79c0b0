//! Boilerplate: paragraphs and blocks that recur across many *different* stories.
//!
//! Frequency alone cannot tell boilerplate from a reprinted wire paragraph: a wire story
//! carried by 25 outlets puts each of its paragraphs in 25 articles, just like an outlet's
//! disclaimer. What differs is what travels with the paragraph. A wire paragraph travels with
//! the rest of its story: the paragraphs that co-occur with it in most of its articles make
//! up most of each article. A disclaimer travels only with the rest of its block; the story
//! around it changes from article to article.
//!
//! So, for each paragraph `P` found in at least `min_boilerplate_articles` articles (the set
//! `S(P)`):
//! 1. its *block* is `P` plus every frequent paragraph `Q` found in at least half of `S(P)`,
//!    unless `Q` is more than [`MAX_SET_RATIO`] times as widespread as `P` (an outlet footer
//!    that happens to sit under every copy of a story of that outlet is not part of the story);
//! 2. its *coverage* is the median, over the articles of `S(P)`, of the share of the
//!    article's words that lie in the block;
//! 3. `P` is boilerplate when its coverage is below `boilerplate_coverage` *and* outlets
//!    repeat it: its articles come from at most [`MAX_OUTLET_SHARE`] as many outlets as there
//!    are articles. Footers, bylines and widgets recur within each outlet; a reprinted wire
//!    paragraph, or a quote that many outlets' different versions of a story carry, stands
//!    about once per outlet (on the Helsinki feed, a 47-word Trump quote in 22 articles of 18
//!    outlets was called boilerplate by coverage alone). Articles without a `source` all count
//!    as one outlet, so for plain-text input the coverage test decides alone.
//!
//! Boilerplate paragraphs are left out of reprint signatures and verification, so an outlet's
//! footer cannot make two of its unrelated briefs look like reprints. For the report, the
//! boilerplate paragraphs that occur in exactly the same articles form one block: each
//! boilerplate paragraph is in one block, listed once, with at least `min_boilerplate_articles`
//! carriers; in an article, its consecutive paragraphs of one block are one run.

use rayon::prelude::*;

use crate::hash::IntMap;

use crate::shingle::ArticleShingles;

/// See step 1 of the module docs.
pub const MAX_SET_RATIO: usize = 10;
/// See step 3 of the module docs.
pub const MAX_OUTLET_SHARE: f64 = 0.5;

/// The frequent id of a paragraph that is not frequent.
const NOT_FREQUENT: u32 = u32::MAX;

/// A boilerplate block for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Articles carrying the block, in input order.
    pub articles: Vec<u32>,
    /// The article and byte range the block's text is taken from (its first carrier).
    pub example: (u32, usize, usize),
    /// Paragraphs in the block.
    pub paragraphs: usize,
    /// Words in the block.
    pub words: usize,
}

/// An article's frequent paragraphs: (frequent id, words), by id.
type FrequentWords = Vec<(u32, u32)>;

/// A run of boilerplate paragraphs `p..=q` of one article, all of one class (the same
/// article set).
struct BlockRun {
    p: u32,
    q: u32,
    class: u32,
}

/// The boilerplate verdict of a corpus.
#[derive(Clone, Debug, Default)]
pub struct Boilerplate {
    /// `mask[a][p]`: paragraph `p` of article `a` is boilerplate.
    pub mask: Vec<Vec<bool>>,
    /// Blocks, most widespread first.
    pub blocks: Vec<Block>,
    /// `runs[a]`: the boilerplate runs of article `a` as `(first, last, block)`: paragraphs
    /// `first..=last` belong to `blocks[block]`; in text order, disjoint, covering the mask.
    pub runs: Vec<Vec<(u32, u32, u32)>>,
    /// Paragraph hashes that were frequent but judged to be shared story text.
    pub frequent_story_paragraphs: usize,
}

impl Boilerplate {
    /// Words of each article outside boilerplate paragraphs.
    pub fn story_words(&self, articles: &[ArticleShingles]) -> Vec<usize> {
        articles
            .iter()
            .zip(&self.mask)
            .map(|(a, m)| {
                a.paragraphs
                    .iter()
                    .zip(m)
                    .filter(|(_, &b)| !b)
                    .map(|(p, _)| p.words())
                    .sum()
            })
            .collect()
    }
}

/// Classifies the paragraphs of all articles. `outlets[a]` is the outlet of article `a` as a
/// small integer (equal outlets, equal numbers). Only the articles `counted` marks are
/// counted (an exact copy of an earlier article is not, [`crate::copies::first_of_text`]);
/// every article is given its mask.
pub fn detect(
    articles: &[ArticleShingles],
    outlets: &[u32],
    counted: &[bool],
    min_articles: usize,
    coverage_threshold: f64,
) -> Boilerplate {
    // Paragraph hash -> articles carrying it (each article once).
    let mut occ: Vec<(u64, u32)> = articles
        .par_iter()
        .enumerate()
        .filter(|&(a, _)| counted[a])
        .flat_map_iter(|(a, s)| {
            s.paragraphs
                .iter()
                .filter(|p| p.words() > 0)
                .map(move |p| (p.hash, a as u32))
        })
        .collect();
    occ.par_sort_unstable();
    // A paragraph twice in one article counts once.
    occ.dedup();
    // Dense ids for frequent paragraphs, with their article sets.
    let mut frequent: IntMap<u64, u32> = IntMap::default();
    let mut sets: Vec<Vec<u32>> = Vec::new();
    for group in occ.chunk_by(|x, y| x.0 == y.0) {
        if group.len() >= min_articles {
            frequent.insert(group[0].0, sets.len() as u32);
            sets.push(group.iter().map(|x| x.1).collect());
        }
    }
    drop(occ);
    let mut out = Boilerplate::default();
    if sets.is_empty() {
        out.mask = articles
            .iter()
            .map(|a| vec![false; a.paragraphs.len()])
            .collect();
        return out;
    }
    // Per paragraph: its frequent id, or `NOT_FREQUENT`; per article: (frequent id, words)
    // of its frequent paragraphs.
    let (fids, per_article): (Vec<Vec<u32>>, Vec<FrequentWords>) = articles
        .par_iter()
        .map(|s| {
            let ids: Vec<u32> = s
                .paragraphs
                .iter()
                .map(|p| frequent.get(&p.hash).copied().unwrap_or(NOT_FREQUENT))
                .collect();
            let mut v: Vec<(u32, u32)> = s
                .paragraphs
                .iter()
                .zip(&ids)
                .filter(|&(_, &f)| f != NOT_FREQUENT)
                .map(|(p, &f)| (f, p.words() as u32))
                .collect();
            v.sort_unstable();
            // Same paragraph twice in one article (a doubled body): count its words once.
            v.dedup_by_key(|x| x.0);
            (ids, v)
        })
        .unzip();
    drop(frequent);
    let total_words: Vec<u32> = articles.iter().map(|s| s.words() as u32).collect();

    // Paragraphs with identical article sets share a class, so that runs compare two
    // integers, not two sets: a footer carried by a tenth of a million-article feed has an
    // article set of 100,000 entries, and comparing it for every carrier was quadratic.
    let class: Vec<u32> = {
        let mut by_hash: Vec<(u64, u32)> = sets
            .par_iter()
            .enumerate()
            .map(|(f, s)| (crate::hash::sequence(s), f as u32))
            .collect();
        by_hash.par_sort_unstable();
        let mut class: Vec<u32> = (0..sets.len() as u32).collect();
        for group in by_hash.chunk_by(|x, y| x.0 == y.0) {
            for (i, &(_, f)) in group.iter().enumerate() {
                if let Some(&(_, g)) = group[..i]
                    .iter()
                    .find(|&&(_, g)| sets[g as usize] == sets[f as usize])
                {
                    class[f as usize] = class[g as usize];
                }
            }
        }
        class
    };

    // The verdict depends only on the paragraph's article set (its block is every frequent
    // paragraph found in half of those articles, itself included, and the shares and outlets
    // are those articles'), so it is taken once per class: a wire story's paragraphs, carried
    // by the same articles, share one.
    // `co` counts, for each frequent paragraph, the articles of the set that carry it; it
    // is all zeros between calls (`touched` lists what to reset).
    let boilerplate_verdict = |f: usize, co: &mut Vec<u32>, touched: &mut Vec<u32>| -> bool {
        let set = &sets[f];
        // Outlets first: a paragraph that outlets do not repeat (a wire story's, most
        // frequent paragraphs) is story text whatever its coverage.
        let mut distinct: Vec<u32> = set.iter().map(|&a| outlets[a as usize]).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() as f64 > MAX_OUTLET_SHARE * set.len() as f64 {
            return false;
        }
        for &a in set {
            for &(g, _) in &per_article[a as usize] {
                if co[g as usize] == 0 {
                    touched.push(g);
                }
                co[g as usize] += 1;
            }
        }
        let half = set.len().div_ceil(2) as u32;
        let in_block = |g: u32| {
            g as usize == f
                || (co[g as usize] >= half && sets[g as usize].len() <= MAX_SET_RATIO * set.len())
        };
        let mut shares: Vec<f64> = set
            .iter()
            .map(|&a| {
                let w: u32 = per_article[a as usize]
                    .iter()
                    .filter(|(g, _)| in_block(*g))
                    .map(|&(_, w)| w)
                    .sum();
                w as f64 / total_words[a as usize].max(1) as f64
            })
            .collect();
        shares.sort_by(f64::total_cmp);
        let median = shares[shares.len() / 2];
        for &g in touched.iter() {
            co[g as usize] = 0;
        }
        touched.clear();
        median < coverage_threshold
    };
    let verdict: Vec<(u32, bool)> = (0..sets.len() as u32)
        .into_par_iter()
        .filter(|&f| class[f as usize] == f)
        .map_init(
            || (vec![0u32; sets.len()], Vec::new()),
            |(co, touched), f| (f, boilerplate_verdict(f as usize, co, touched)),
        )
        .collect();
    let mut of_class = vec![false; sets.len()];
    for (f, b) in verdict {
        of_class[f as usize] = b;
    }
    drop((per_article, sets));
    let is_boiler: Vec<bool> = class.iter().map(|&c| of_class[c as usize]).collect();
    out.frequent_story_paragraphs = is_boiler.iter().filter(|&&b| !b).count();

    // Mask, and blocks. A block is a class of boilerplate paragraphs (paragraphs with the
    // same article set): each boilerplate paragraph is in exactly one block, and a block has
    // as many carriers as its paragraphs have articles, at least `min_articles`. In an
    // article, the consecutive paragraphs of one class are one run; a carrier may print the
    // class's paragraphs in another order or apart, and each stretch is a run of the same
    // block. Blocks are numbered by their first run in input order, and a block's text is
    // that run.
    let boiler = |f: u32| f != NOT_FREQUENT && is_boiler[f as usize];
    let (masks, runs): (Vec<Vec<bool>>, Vec<Vec<BlockRun>>) = fids
        .par_iter()
        .map(|ids| {
            let mut mask = vec![false; ids.len()];
            let mut runs = Vec::new();
            let mut p = 0;
            while p < ids.len() {
                if !boiler(ids[p]) {
                    p += 1;
                    continue;
                }
                let c = class[ids[p] as usize];
                let mut q = p;
                while q + 1 < ids.len() && boiler(ids[q + 1]) && class[ids[q + 1] as usize] == c {
                    q += 1;
                }
                mask[p..=q].fill(true);
                runs.push(BlockRun {
                    p: p as u32,
                    q: q as u32,
                    class: c,
                });
                p = q + 1;
            }
            (mask, runs)
        })
        .unzip();
    drop(fids);
    out.mask = masks;
    let mut block_of_class = vec![u32::MAX; class.len()];
    out.runs = runs
        .iter()
        .enumerate()
        .map(|(a, runs)| {
            let s = &articles[a];
            runs.iter()
                .map(|&BlockRun { p, q, class: c }| {
                    let (p, q) = (p as usize, q as usize);
                    if block_of_class[c as usize] == u32::MAX {
                        block_of_class[c as usize] = out.blocks.len() as u32;
                        out.blocks.push(Block {
                            articles: Vec::new(),
                            example: (
                                a as u32,
                                s.paragraphs[p].start as usize,
                                s.paragraphs[q].end as usize,
                            ),
                            paragraphs: q - p + 1,
                            words: s.paragraphs[p..=q].iter().map(|x| x.words()).sum(),
                        });
                    }
                    let b = block_of_class[c as usize];
                    let block = &mut out.blocks[b as usize];
                    if block.articles.last() != Some(&(a as u32)) {
                        block.articles.push(a as u32);
                    }
                    (p as u32, q as u32, b)
                })
                .collect()
        })
        .collect();
    // Most widespread first, then in order of first appearance.
    let mut order: Vec<u32> = (0..out.blocks.len() as u32).collect();
    order.sort_by(|&x, &y| {
        let (x, y) = (&out.blocks[x as usize], &out.blocks[y as usize]);
        y.articles
            .len()
            .cmp(&x.articles.len())
            .then(x.example.cmp(&y.example))
    });
    let mut rank = vec![0u32; order.len()];
    for (r, &b) in order.iter().enumerate() {
        rank[b as usize] = r as u32;
    }
    let mut blocks: Vec<Option<Block>> = std::mem::take(&mut out.blocks)
        .into_iter()
        .map(Some)
        .collect();
    out.blocks = order
        .iter()
        .map(|&b| blocks[b as usize].take().expect("each block once"))
        .collect();
    for runs in &mut out.runs {
        for r in runs {
            r.2 = rank[r.2 as usize];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::{analyze, Scratch};

    fn story(k: usize, paras: usize) -> Vec<String> {
        (0..paras)
            .map(|p| format!("Story {k} paragraph {p} says something specific about topic {k} number {p} today."))
            .collect()
    }

    #[test]
    fn footer_is_boilerplate_and_wire_story_is_not() {
        let footer =
            "Copyright Example Outlet. All rights reserved. Do not redistribute this material.";
        let mut texts = Vec::new();
        // 8 different stories of one outlet, each with the footer.
        for k in 0..8 {
            let mut t = story(k, 6);
            t.push(footer.to_string());
            texts.push(t.join("\n"));
        }
        // One wire story carried by 6 outlets, some trimmed, one with a local intro.
        let wire = story(100, 9);
        for o in 0..6 {
            let mut t: Vec<String> = wire[..if o % 2 == 0 { 9 } else { 4 }].to_vec();
            if o == 3 {
                t.insert(
                    0,
                    "A local intro paragraph written by this outlet for its readers.".into(),
                );
            }
            texts.push(t.join("\n"));
        }
        let mut s = Scratch::default();
        let analysed: Vec<_> = texts.iter().map(|t| analyze(t, 5, &mut s)).collect();
        // One outlet for the footer stories, one outlet each for the six wire copies.
        let outlets: Vec<u32> = (0..texts.len() as u32)
            .map(|a| a.saturating_sub(7))
            .collect();
        let b = detect(&analysed, &outlets, &vec![true; texts.len()], 5, 0.5);
        assert_eq!(b.blocks.len(), 1);
        assert_eq!(b.blocks[0].articles, (0..8).collect::<Vec<u32>>());
        assert!(b.mask[0][6] && !b.mask[0][0]);
        assert!(
            b.mask[8..].iter().all(|m| m.iter().all(|&x| !x)),
            "wire paragraphs are story text"
        );
        // Paragraphs 0-3 are in all six copies (frequent); 4-8 only in the three untrimmed ones.
        assert_eq!(b.frequent_story_paragraphs, 4);
    }

    /// Issue 17, finding 4: carriers that print a block's paragraphs in another order, or
    /// apart, carry the same block; each boilerplate paragraph is in one block, listed once,
    /// with every one of its carriers.
    #[test]
    fn a_block_printed_in_another_order_is_one_block() {
        let footer = [
            "Follow us on social media for the latest news from our newsroom every day.",
            "Copyright Example Outlet. All rights reserved. Do not redistribute this material.",
        ];
        let mut texts = Vec::new();
        for k in 0..9 {
            let mut t = story(k, 6);
            match k % 3 {
                0 => t.extend(footer.iter().map(|s| s.to_string())),
                1 => t.extend(footer.iter().rev().map(|s| s.to_string())),
                _ => {
                    t.insert(0, footer[0].to_string());
                    t.push(footer[1].to_string());
                }
            }
            texts.push(t.join("\n"));
        }
        let mut s = Scratch::default();
        let analysed: Vec<_> = texts.iter().map(|t| analyze(t, 5, &mut s)).collect();
        let b = detect(&analysed, &[0; 9], &[true; 9], 5, 0.5);
        assert_eq!(b.blocks.len(), 1, "{:?}", b.blocks);
        assert_eq!(b.blocks[0].articles, (0..9).collect::<Vec<u32>>());
        // Runs cover the mask exactly, in text order, all of the one block.
        for (a, runs) in b.runs.iter().enumerate() {
            let mut covered = vec![false; b.mask[a].len()];
            let mut last = None;
            for &(p, q, block) in runs {
                assert_eq!(block, 0);
                assert!(last.is_none_or(|l| l < p), "runs in order, disjoint");
                covered[p as usize..=q as usize].fill(true);
                last = Some(q);
            }
            assert_eq!(covered, b.mask[a], "article {a}");
            assert_eq!(runs.len(), if a % 3 == 2 { 2 } else { 1 }, "article {a}");
        }
    }
}
