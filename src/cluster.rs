//! Reprint clusters that do not chain.
//!
//! Plain connected components over "is a reprint of" edges chain: a digest that quotes two
//! stories links them, and two stories that each quote a third end in one group. Here an
//! article joins a cluster only when it is itself a verified reprint of the cluster's
//! canonical copy:
//!
//! 1. Articles are ranked by the canonical rule: earliest date first (dates compared as text;
//!    ISO 8601 sorts correctly; an article without a date ranks after every dated one), then
//!    the longest (most words outside boilerplate), then input order.
//! 2. Walking that ranking, an article not yet in a cluster becomes a canonical, and each of
//!    its verified partners not yet in a cluster joins it.
//!
//! The result depends only on the ranking and the edge set, never on thread scheduling.

use rayon::prelude::*;

/// One cluster: its canonical article and all members (the canonical included), members in
/// ranking order (the canonical first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub canonical: u32,
    pub members: Vec<u32>,
}

/// The canonical ranking of step 1: article indices, best canonical first. `dates` gives
/// each article's date in input order (compared as text, empty when unknown), and
/// `story_words[a]` is the number of words of article `a` outside boilerplate.
pub fn canonical_rank<'a>(
    dates: impl IndexedParallelIterator<Item = &'a str>,
    story_words: &[usize],
) -> Vec<u32> {
    // Each article's key, compared as (no date, date, more words, index). The date is
    // compared by its first 16 bytes as one integer, then by the rest and the length, which
    // orders dates as strings do (a shorter date whose bytes the longer one starts with, or
    // zero bytes, comes first) without a string comparison for most pairs: dates compared
    // as strings were 1.6% of a run.
    let mut keys: Vec<_> = dates
        .zip(story_words)
        .enumerate()
        .map(|(x, (date, &words))| {
            let d = date.as_bytes();
            let mut head = [0u8; 16];
            let k = d.len().min(16);
            head[..k].copy_from_slice(&d[..k]);
            (
                d.is_empty(),
                u128::from_be_bytes(head),
                &d[k..],
                d.len(),
                std::cmp::Reverse(words),
                x as u32,
            )
        })
        .collect();
    // The index breaks every tie, so the order is total and an unstable parallel sort gives
    // the one result.
    keys.par_sort_unstable();
    keys.into_iter().map(|k| k.5).collect()
}

/// Groups `n` articles. `rank` lists article indices best first (a permutation of `0..n`);
/// `edges` are verified pairs `(a, b)`. Only clusters of two or more are returned, ordered by
/// their canonical's rank.
pub fn anti_chaining(n: usize, rank: &[u32], edges: &[(u32, u32)]) -> Vec<Cluster> {
    let pos = places(rank);
    // Adjacency lists in one vector (`adj[at[a]..at[a + 1]]` are `a`'s partners, in edge
    // order): a vector per article was 100,000 allocations on one thread.
    let mut at = vec![0u32; n + 1];
    for &(a, b) in edges {
        at[a as usize + 1] += 1;
        at[b as usize + 1] += 1;
    }
    for i in 0..n {
        at[i + 1] += at[i];
    }
    let mut fill = at.clone();
    let mut adj = vec![0u32; at[n] as usize];
    for &(a, b) in edges {
        adj[fill[a as usize] as usize] = b;
        fill[a as usize] += 1;
        adj[fill[b as usize] as usize] = a;
        fill[b as usize] += 1;
    }
    let partners = |a: u32| &adj[at[a as usize] as usize..at[a as usize + 1] as usize];
    let mut assigned = vec![false; n];
    let mut out = Vec::new();
    for &c in rank {
        if assigned[c as usize] {
            continue;
        }
        assigned[c as usize] = true;
        let mut members: Vec<u32> = partners(c)
            .iter()
            .copied()
            .filter(|&m| !assigned[m as usize])
            .collect();
        if members.is_empty() {
            continue;
        }
        members.sort_by_key(|&m| pos[m as usize]);
        members.dedup();
        for &m in &members {
            assigned[m as usize] = true;
        }
        members.insert(0, c);
        out.push(Cluster {
            canonical: c,
            members,
        });
    }
    out
}

/// A reprint edge for [`stories`]: the pair, its strength (edges are joined strongest first),
/// and the body units (paragraphs) of each side that appear in the other; an empty list means
/// the whole body.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryEdge {
    pub a: u32,
    pub b: u32,
    pub strength: f64,
    pub shared_a: Vec<u32>,
    pub shared_b: Vec<u32>,
}

/// A story cluster: its canonical, its members in ranking order (the canonical first), and
/// for each member the member it is linked through (`via[k]` for `members[k]`; the canonical
/// itself, or a member linked to it directly, has `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Story {
    pub canonical: u32,
    pub members: Vec<u32>,
    pub via: Vec<Option<u32>>,
}

/// Each article's place in `rank` (a ranking of all articles, as [`canonical_rank`] gives).
pub fn places(rank: &[u32]) -> Vec<u32> {
    let mut place = vec![0u32; rank.len()];
    for (p, &a) in rank.iter().enumerate() {
        place[a as usize] = p as u32;
    }
    place
}

/// Groups `n` articles into story clusters over reprint edges, so that versions of one story
/// updated through the day (write-throughs) end in one cluster even when the first and the
/// last no longer pass the rule with each other, while a page carrying two stories does not
/// merge them.
///
/// Edges are taken strongest first (then by pair), joining the groups of their two ends, as
/// in single-linkage clustering, with one guard: an article joins a second group only through
/// the same text. When an edge `(u, v)` would join two groups, the paragraphs of `u` shared
/// with `v` must overlap the paragraphs of `u` shared with its own group by at least half of
/// the smaller of the two (and likewise for `v`). A write-through shares its kept paragraphs
/// with the version before and after it; a page carrying stories X and Y shares one region
/// with X's copies and another with Y's.
///
/// `rank` lists article indices best canonical first. Only clusters of two or more are
/// returned, ordered by their canonical's rank; the result depends only on the inputs.
pub fn stories(n: usize, rank: &[u32], edges: &[StoryEdge]) -> Vec<Story> {
    let pos = places(rank);
    // Edge ids by article, for the guard and for the paths.
    let mut at = vec![0u32; n + 1];
    for e in edges {
        at[e.a as usize + 1] += 1;
        at[e.b as usize + 1] += 1;
    }
    for i in 0..n {
        at[i + 1] += at[i];
    }
    let mut fill = at.clone();
    let mut adj = vec![0u32; at[n] as usize];
    for (k, e) in edges.iter().enumerate() {
        for x in [e.a, e.b] {
            adj[fill[x as usize] as usize] = k as u32;
            fill[x as usize] += 1;
        }
    }
    let incident = |x: u32| &adj[at[x as usize] as usize..at[x as usize + 1] as usize];
    let mut order: Vec<u32> = (0..edges.len() as u32).collect();
    order.sort_by(|&x, &y| {
        let (ex, ey) = (&edges[x as usize], &edges[y as usize]);
        ey.strength
            .total_cmp(&ex.strength)
            .then((ex.a, ex.b).cmp(&(ey.a, ey.b)))
    });
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut size = vec![1u32; n];
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    // The paragraphs of `x` shared with `partner` over edge `k`.
    let shared_of = |k: u32, x: u32| {
        let e = &edges[k as usize];
        if e.a == x {
            &e.shared_a
        } else {
            &e.shared_b
        }
    };
    let mut own = Vec::new();
    for &k in &order {
        let e = &edges[k as usize];
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra == rb {
            continue;
        }
        let mut same_text = true;
        for (x, root) in [(e.a, ra), (e.b, rb)] {
            // An empty list is an edge whose whole text is shared, which overlaps anything
            // (so an article with many copies is not read through all its edges per copy).
            let this = shared_of(k, x);
            if size[root as usize] == 1 || this.is_empty() {
                continue;
            }
            // The paragraphs of `x` shared with members of its own group.
            own.clear();
            let mut own_all = false;
            for &j in incident(x) {
                let f = &edges[j as usize];
                let other = if f.a == x { f.b } else { f.a };
                if j != k && find(&mut parent, other) == root {
                    if shared_of(j, x).is_empty() {
                        own_all = true;
                        break;
                    }
                    own.extend_from_slice(shared_of(j, x));
                }
            }
            if own_all {
                continue;
            }
            own.sort_unstable();
            own.dedup();
            let common = this.iter().filter(|p| own.binary_search(p).is_ok()).count();
            if 2 * common < this.len().min(own.len()) {
                same_text = false;
                break;
            }
        }
        if !same_text {
            continue;
        }
        let (big, small) = if size[ra as usize] >= size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        parent[small as usize] = big;
        size[big as usize] += size[small as usize];
    }
    // Members by group, in ranking order, so the first is the canonical.
    let mut groups: Vec<(u32, u32)> = Vec::new();
    for x in 0..n as u32 {
        let root = find(&mut parent, x);
        if size[root as usize] > 1 {
            groups.push((root, x));
        }
    }
    groups.sort_unstable_by_key(|&(root, x)| (root, pos[x as usize]));
    let mut out: Vec<Story> = groups
        .chunk_by(|x, y| x.0 == y.0)
        .map(|g| {
            let members: Vec<u32> = g.iter().map(|x| x.1).collect();
            // Paths from the canonical: breadth first over the group's edges, partners in
            // ranking order, so each member hangs from the best-ranked member that reaches it
            // first.
            let root = g[0].0;
            let mut via: Vec<Option<u32>> = vec![None; members.len()];
            let index =
                |x: u32| members.binary_search_by_key(&pos[x as usize], |&m| pos[m as usize]);
            let mut seen = vec![false; members.len()];
            seen[0] = true;
            let mut queue = std::collections::VecDeque::from([members[0]]);
            let mut next = Vec::new();
            while let Some(x) = queue.pop_front() {
                next.clear();
                for &j in incident(x) {
                    let f = &edges[j as usize];
                    let other = if f.a == x { f.b } else { f.a };
                    if let Ok(i) = index(other) {
                        if !seen[i] {
                            next.push(other);
                        }
                    }
                }
                next.sort_unstable_by_key(|&m| pos[m as usize]);
                next.dedup();
                for &m in &next {
                    let i = index(m).expect("a member");
                    if !seen[i] {
                        seen[i] = true;
                        if x != members[0] {
                            via[i] = Some(x);
                        }
                        queue.push_back(m);
                    }
                }
            }
            debug_assert!(seen.iter().all(|&s| s), "group {root} is connected");
            Story {
                canonical: members[0],
                members,
                via,
            }
        })
        .collect();
    out.sort_unstable_by_key(|c| pos[c.canonical as usize]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_digest_does_not_chain_two_stories() {
        // 0 = digest quoting story 1 and story 2; ranked after the stories it quotes.
        let clusters = anti_chaining(3, &[1, 2, 0], &[(0, 1), (0, 2)]);
        assert_eq!(
            clusters,
            vec![Cluster {
                canonical: 1,
                members: vec![1, 0]
            }]
        );
    }

    proptest! {
        /// The ranking by precomputed keys is the ranking by its definition, for dates that
        /// tie in their first 16 bytes, are shorter or longer than 16, empty, or hold zero
        /// bytes.
        #[test]
        fn ranking_keys_order_as_the_definition(
            dates in proptest::collection::vec("(2024-03-01T13:5|)[\\x00-1]{0,6}", 0..40),
            words in proptest::collection::vec(0usize..4, 40),
        ) {
            use crate::corpus::{Article, Body, Corpus, Origin};
            let articles: Vec<Article> = dates
                .iter()
                .map(|d| Article {
                    id: String::new(),
                    title: String::new(),
                    body: Body::Text(String::new()),
                    source: String::new(),
                    date: d.clone(),
                    origin: Origin { file: "f".into(), line: 1 },
                })
                .collect();
            let corpus = Corpus::in_memory(articles);
            let words = &words[..dates.len()];
            let mut want: Vec<u32> = (0..dates.len() as u32).collect();
            want.sort_by_key(|&x| {
                let d = &dates[x as usize];
                (d.is_empty(), d.clone(), std::cmp::Reverse(words[x as usize]), x)
            });
            prop_assert_eq!(canonical_rank(corpus.articles.par_iter().map(|a| a.date.as_str()), words), want);
        }

        /// Oracle: when every edge set is a union of cliques (true reprint groups), the
        /// clusters equal the brute-force connected components of size >= 2.
        #[test]
        fn cliques_give_their_connected_components(labels in proptest::collection::vec(0u8..6, 1..40)) {
            let n = labels.len();
            let mut edges = Vec::new();
            for a in 0..n {
                for b in a + 1..n {
                    if labels[a] == labels[b] {
                        edges.push((a as u32, b as u32));
                    }
                }
            }
            let rank: Vec<u32> = (0..n as u32).rev().collect();
            let mut got: Vec<Vec<u32>> = anti_chaining(n, &rank, &edges)
                .into_iter()
                .map(|c| { let mut m = c.members; m.sort(); m })
                .collect();
            got.sort();
            let mut want: Vec<Vec<u32>> = (0..6u8)
                .map(|l| (0..n as u32).filter(|&i| labels[i as usize] == l).collect::<Vec<_>>())
                .filter(|g| g.len() >= 2)
                .collect();
            want.sort();
            prop_assert_eq!(got, want);
        }

        /// Whatever the edges, every member is a direct partner of its canonical and no
        /// article is in two clusters.
        #[test]
        fn members_are_partners_of_the_canonical(
            n in 2usize..30,
            raw in proptest::collection::vec((0u32..30, 0u32..30), 0..80)
        ) {
            let edges: Vec<(u32, u32)> = raw.into_iter()
                .filter(|&(a, b)| (a as usize) < n && (b as usize) < n && a != b)
                .map(|(a, b)| (a.min(b), a.max(b)))
                .collect();
            let rank: Vec<u32> = (0..n as u32).collect();
            let mut seen = vec![false; n];
            for c in anti_chaining(n, &rank, &edges) {
                prop_assert_eq!(c.members[0], c.canonical);
                for &m in &c.members {
                    prop_assert!(!seen[m as usize]);
                    seen[m as usize] = true;
                    if m != c.canonical {
                        let e = (m.min(c.canonical), m.max(c.canonical));
                        prop_assert!(edges.contains(&e));
                    }
                }
            }
        }
    }

    fn edge(a: u32, b: u32, shared_a: &[u32], shared_b: &[u32]) -> StoryEdge {
        StoryEdge {
            a,
            b,
            strength: 0.8,
            shared_a: shared_a.to_vec(),
            shared_b: shared_b.to_vec(),
        }
    }

    #[test]
    fn write_through_versions_are_one_story_linked_through_each_other() {
        // v0 -> v1 -> v2: each version keeps most of the one before, v0 and v2 share too
        // little to be linked, and a reprint of v2 (3) hangs from it.
        let edges = [
            edge(0, 1, &[0, 1, 2, 3], &[1, 2, 3, 4]),
            edge(1, 2, &[1, 2, 3, 4], &[2, 3, 4, 5]),
            edge(2, 3, &[2, 3, 4, 5], &[0, 1, 2, 3]),
        ];
        let got = stories(5, &[0, 1, 2, 3, 4], &edges);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].members, [0, 1, 2, 3]);
        assert_eq!(got[0].via, [None, None, Some(1), Some(2)]);
    }

    #[test]
    fn a_page_carrying_two_stories_does_not_merge_them() {
        // Stories X = {0, 1} and Y = {2, 3}; page 4 carries X in its units 0-2 and Y in 5-7.
        let edges = [
            edge(0, 1, &[0, 1, 2], &[0, 1, 2]),
            edge(2, 3, &[0, 1, 2], &[0, 1, 2]),
            edge(0, 4, &[0, 1, 2], &[0, 1, 2]),
            edge(1, 4, &[0, 1, 2], &[0, 1, 2]),
            edge(2, 4, &[0, 1, 2], &[5, 6, 7]),
            edge(3, 4, &[0, 1, 2], &[5, 6, 7]),
        ];
        let got = stories(5, &[0, 1, 2, 3, 4], &edges);
        assert_eq!(got.len(), 2, "{got:?}");
        let sets: Vec<Vec<u32>> = got.iter().map(|c| c.members.clone()).collect();
        assert!(sets.contains(&vec![2, 3]), "{sets:?}");
        assert!(
            sets.iter().any(|m| m.contains(&0) && m.contains(&4)),
            "{sets:?}"
        );
    }

    proptest! {
        #[test]
        fn story_members_are_connected_and_paths_lead_to_the_canonical(
            pairs in proptest::collection::vec((0u32..30, 0u32..30), 0..60),
        ) {
            let mut edges: Vec<StoryEdge> = pairs
                .iter()
                .filter(|(a, b)| a != b)
                .map(|&(a, b)| edge(a.min(b), a.max(b), &[a % 3], &[b % 3]))
                .collect();
            edges.sort_by_key(|e| (e.a, e.b));
            edges.dedup_by_key(|e| (e.a, e.b));
            let rank: Vec<u32> = (0..30).rev().collect();
            let got = stories(30, &rank, &edges);
            let linked = |x: u32, y: u32| edges.iter().any(|e| (e.a, e.b) == (x.min(y), x.max(y)));
            let mut seen = std::collections::HashSet::new();
            for c in &got {
                prop_assert_eq!(c.members[0], c.canonical);
                prop_assert!(c.members.len() >= 2);
                for (k, &m) in c.members.iter().enumerate() {
                    prop_assert!(seen.insert(m), "one cluster per article");
                    if k == 0 {
                        continue;
                    }
                    // Follow `via` back: each step is an edge, and it ends at the canonical.
                    let mut at = m;
                    for _ in 0..c.members.len() {
                        let i = c.members.iter().position(|&x| x == at).unwrap();
                        let next = c.via[i].unwrap_or(c.canonical);
                        prop_assert!(linked(at, next), "{} -> {}", at, next);
                        at = next;
                        if at == c.canonical {
                            break;
                        }
                    }
                    prop_assert_eq!(at, c.canonical);
                }
            }
        }
    }
}
