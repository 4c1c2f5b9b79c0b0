//! Exact copies: articles whose text bytes and analysis are the same.
//!
//! A corpus at scale repeats whole articles many times over (one release on thousands of
//! pages, a crawl that fetched a page again). Every band of two such articles collides, so
//! without this stage each of `k` copies is paired with up to [`crate::lsh::MAX_BUCKET`]
//! others, and the gate, the evidence and the clustering handle about 256 pairs per copy
//! (`benches/results/scale-2026-12-07-exact-copies.md`). Stage 4 instead leaves every copy out of
//! the bands and lists it with its class's head (the copy of lowest canonical rank) and in
//! the head's place in each of the head's pairs ([`expand`]), so the gate and the evidence
//! judge its pairs with other articles as before; only the pairs of two copies of one class
//! other than the head's are not listed.
//!
//! An article's *print* ([`Print`], built by `pipeline::Copies`) hashes the xxh3 of its
//! text's bytes and what stages 4 to 6 read of it: its paragraphs (byte and token ranges,
//! normalised-word hashes, prose and cut flags), shingle counts, boilerplate mask, whether it
//! reads as noisy, its word-signature keys and its character samples. Two articles with one
//! print are one class; the 128-bit hash makes a false class as likely as a collision of
//! xxh3-128.

use crate::lsh::MAX_BUCKET;
use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

/// Builds one article's print from its parts, in a fixed order.
#[derive(Default)]
pub struct Print {
    hasher: Xxh3,
}

impl Print {
    /// An empty print.
    pub fn new() -> Print {
        Print::default()
    }

    /// Adds a list of numbers, with its length (so that two lists cannot run into each other).
    pub fn numbers<T: Copy + Into<u64>>(&mut self, values: &[T]) -> &mut Print {
        self.hasher.update(&(values.len() as u64).to_le_bytes());
        for &v in values {
            self.hasher.update(&v.into().to_le_bytes());
        }
        self
    }

    /// Adds a list of flags, with its length.
    pub fn flags(&mut self, values: &[bool]) -> &mut Print {
        self.hasher.update(&(values.len() as u64).to_le_bytes());
        let bytes: Vec<u8> = values.iter().map(|&b| u8::from(b)).collect();
        self.hasher.update(&bytes);
        self
    }

    /// The print.
    pub fn finish(&self) -> u128 {
        self.hasher.digest128()
    }
}

/// Each article's class: the article of lowest `rank` with the same print (itself for an
/// article no other shares; `rank[i]` is article `i`'s place in an order, all distinct).
/// Only articles `may_join` allows are put in classes; the others are left alone, each its
/// own class.
pub fn classes(prints: &[u128], rank: &[u32], may_join: impl Fn(usize) -> bool + Sync) -> Vec<u32> {
    let mut order: Vec<u32> = (0..prints.len() as u32)
        .filter(|&i| may_join(i as usize))
        .collect();
    order.par_sort_unstable_by_key(|&i| (prints[i as usize], rank[i as usize]));
    let mut first: Vec<u32> = (0..prints.len() as u32).collect();
    for run in order.chunk_by(|&x, &y| prints[x as usize] == prints[y as usize]) {
        for &c in &run[1..] {
            first[c as usize] = run[0];
        }
    }
    first
}

/// Whether each article is the first in input order of its text (a class of [`classes`]
/// whose print is `text_hashes[i]`, the xxh3 of its bytes, and its paragraphs' hashes, so
/// that two texts whose 64-bit hashes collide are both counted): the articles the feed's
/// statistics count, its noise vocabulary ([`crate::noise::noisy_articles`]), boilerplate
/// ([`crate::boilerplate::detect`]) and the character grams' frequencies. A page fetched
/// again, or printed by other outlets byte for byte, is one page's evidence of which words
/// are one-offs and which lines are furniture, however often the feed holds it.
pub fn first_of_text(
    text_hashes: &[u64],
    paragraph_hashes: impl Fn(usize) -> Vec<u64> + Sync,
) -> Vec<bool> {
    let prints: Vec<u128> = (0..text_hashes.len())
        .into_par_iter()
        .map(|i| {
            Print::new()
                .numbers(&[text_hashes[i]])
                .numbers(&paragraph_hashes(i))
                .finish()
        })
        .collect();
    let input_order: Vec<u32> = (0..prints.len() as u32).collect();
    classes(&prints, &input_order, |_| true)
        .iter()
        .enumerate()
        .map(|(i, &f)| f as usize == i)
        .collect()
}

/// The copies (articles that do not head their class) with their class's head, as
/// `(head, copy)`, sorted.
pub fn edges(first: &[u32]) -> Vec<(u32, u32)> {
    let mut edges: Vec<(u32, u32)> = first
        .iter()
        .enumerate()
        .filter(|&(i, &f)| f as usize != i)
        .map(|(i, &f)| (f, i as u32))
        .collect();
    edges.sort_unstable();
    edges
}

/// The copies of `head` in `edges` ([`edges`]).
pub fn copies_of(edges: &[(u32, u32)], head: u32) -> impl Iterator<Item = u32> + '_ {
    let lo = edges.partition_point(|&(f, _)| f < head);
    let hi = lo + edges[lo..].partition_point(|&(f, _)| f == head);
    edges[lo..hi].iter().map(|&(_, c)| c)
}

/// `pairs` (sorted, distinct, `a < b`) with each pair of two heads (or articles in no class)
/// given to their classes' members, sorted and distinct: `(x, y)` for `x` of the one class and
/// `y` of the other, where `x` or `y` is among the first [`MAX_BUCKET`] of its class (the
/// head, then its copies in input order), so each member meets every member of a small class
/// and the head and first copies of a large one, as a bucket of LSH pairs them. A pair with a
/// copy in it is a copy's pair with its head, and is not given on.
pub fn expand(pairs: Vec<(u32, u32)>, first: &[u32], edges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    if edges.is_empty() {
        return pairs;
    }
    let is_copy = |x: u32| first[x as usize] != x;
    let class = |x: u32| std::iter::once(x).chain(copies_of(edges, x));
    let mut out = pairs.clone();
    for &(a, b) in &pairs {
        if is_copy(a) || is_copy(b) {
            continue;
        }
        for (i, x) in class(a).enumerate() {
            let others = if i < MAX_BUCKET {
                usize::MAX
            } else {
                MAX_BUCKET
            };
            out.extend(
                class(b)
                    .take(others)
                    .filter(|&y| (x, y) != (a, b))
                    .map(|y| (x.min(y), x.max(y))),
            );
        }
    }
    out.par_sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_text_counts_once_and_a_hash_collision_counts_both() {
        let hashes = [5, 7, 5, 5, 7, 9];
        // Article 3 has article 0's hash but other paragraphs: two texts whose hashes collide.
        let paragraphs = |i: usize| match i {
            3 => vec![1, 2],
            _ => vec![1],
        };
        assert_eq!(
            first_of_text(&hashes, paragraphs),
            [true, true, false, true, false, true]
        );
        assert!(first_of_text(&[], |_| vec![]).is_empty());
    }

    fn print(words: &[u64], mask: &[bool]) -> u128 {
        Print::new().numbers(words).flags(mask).finish()
    }

    #[test]
    fn lists_of_other_lengths_give_other_prints() {
        // [1, 2] + [3] and [1] + [2, 3] hold the same numbers in the same order.
        let a = Print::new().numbers(&[1u64, 2]).numbers(&[3u64]).finish();
        let b = Print::new().numbers(&[1u64]).numbers(&[2u64, 3]).finish();
        assert_ne!(a, b);
        assert_ne!(print(&[7], &[false]), print(&[7], &[true]));
        assert_eq!(print(&[7, 8], &[true]), print(&[7, 8], &[true]));
    }

    #[test]
    fn each_copy_joins_the_head_of_its_class() {
        let p = [
            print(&[1], &[]),
            print(&[2], &[]),
            print(&[1], &[]),
            print(&[1], &[]),
        ];
        let first = classes(&p, &[0, 1, 2, 3], |_| true);
        assert_eq!(first, vec![0, 1, 0, 0]);
        assert_eq!(edges(&first), vec![(0, 2), (0, 3)]);
        // The head is the copy of lowest rank (the earliest date), wherever it is.
        let first = classes(&p, &[3, 0, 1, 2], |_| true);
        assert_eq!(first, vec![2, 1, 2, 2]);
        assert_eq!(edges(&first), vec![(2, 0), (2, 3)]);
        // An article that may not join keeps its own class.
        let first = classes(&p, &[0, 1, 2, 3], |i| i != 0);
        assert_eq!(first, vec![0, 1, 2, 2]);
    }

    #[test]
    fn a_heads_pairs_go_to_its_copies_one_side_at_a_time() {
        // 0 heads 3 and 4, 1 heads 5; 2 is alone.
        let first = vec![0, 1, 2, 0, 0, 1];
        let e = edges(&first);
        assert_eq!(copies_of(&e, 0).collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(copies_of(&e, 2).count(), 0);
        let pairs = vec![(0, 1), (0, 3), (0, 4), (1, 2), (1, 5)];
        let got = expand(pairs, &first, &e);
        let want = vec![
            (0, 1),
            (0, 3),
            (0, 4),
            (0, 5),
            (1, 2),
            (1, 3),
            (1, 4),
            (1, 5),
            (2, 5),
            (3, 5),
            (4, 5),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn members_of_two_large_classes_meet_the_others_first_members() {
        // 0 heads 1..=600, 601 heads 602..=700, and 0 meets 601.
        let mut first: Vec<u32> = vec![0; 601];
        first.extend(std::iter::repeat_n(601, 100));
        let e = edges(&first);
        let got = expand(vec![(0, 601)], &first, &e);
        let class_a: Vec<u32> = (0..=600).collect();
        let class_b: Vec<u32> = (601..=700).collect();
        let mut want = Vec::new();
        for (i, &x) in class_a.iter().enumerate() {
            for (j, &y) in class_b.iter().enumerate() {
                if i < MAX_BUCKET || j < MAX_BUCKET {
                    want.push((x, y));
                }
            }
        }
        // The small class meets every member of the large one.
        assert_eq!(want.len(), 601 * 100);
        assert_eq!(got, want);
        // Past the first MAX_BUCKET members of each (classes of 301 and 300), a member meets
        // the first MAX_BUCKET of the other.
        let mut first: Vec<u32> = vec![0; 301];
        first.extend(std::iter::repeat_n(301, 300));
        let e = edges(&first);
        let got = expand(vec![(0, 301)], &first, &e);
        assert_eq!(got.len(), 301 * 300 - 45 * 44);
        assert!(got.contains(&(300, 301 + 255)) && !got.contains(&(300, 301 + 256)));
    }

    proptest! {
        /// Against the definition: an article's class is the article of lowest rank with its
        /// print.
        #[test]
        fn classes_are_the_first_article_with_the_print(
            values in proptest::collection::vec(0u8..6, 0..200),
            barred in proptest::collection::vec(any::<bool>(), 200),
        ) {
            let prints: Vec<u128> = values.iter().map(|&v| print(&[u64::from(v)], &[])).collect();
            let may = |i: usize| !barred[i];
            // Ranks: the input order backwards.
            let rank: Vec<u32> = (0..prints.len() as u32).rev().collect();
            let first = classes(&prints, &rank, may);
            for (i, &f) in first.iter().enumerate() {
                let want = if may(i) {
                    (i..prints.len()).rev().find(|&j| may(j) && prints[j] == prints[i]).unwrap()
                } else {
                    i
                };
                prop_assert_eq!(f as usize, want);
            }
        }
    }
}
