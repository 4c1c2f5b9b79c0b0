#!/usr/bin/env python3
"""gaoya peer: MinHashStringIndex, as in gaoya's README and dedup example notebook.

Usage: peer_gaoya.py [--native] FEED.jsonl OUT_PAIRS.jsonl

- Index: gaoya.minhash.MinHashStringIndex(hash_size=32, jaccard_threshold=0.5,
  num_bands=None, band_size=None, num_hashes=128): gaoya derives bands x rows from the
  S-curve for (0.5, 128) itself: 42 x 3 = 126 hashes (the README's own example uses
  42 x 3 at threshold 0.5). Inserted with par_bulk_insert_docs (the notebook's bulk API).
- Query: par_bulk_query(all documents). gaoya's query returns the indexed documents whose
  estimated (signature) Jaccard is >= the threshold; these are the pairs.
- Shingles, default: common.shingles() (lowercase word 5-grams, same sets as the other
  peers), given through gaoya's documented callable `analyzer`. gaoya then tokenizes in
  Python and inserts single-threaded (bulk_insert_tokens); queries run on rayon threads.
- Shingles, --native: gaoya's built-in Rust analyzer: analyzer='word', lowercase=True,
  ngram_range=(5, 5) (whitespace-split words, punctuation kept on the word). This is the
  fast path the README recommends; insert and query run on rayon (all cores).
"""
import sys

import gaoya

import common


def main() -> None:
    args = sys.argv[1:]
    native = "--native" in args
    args = [a for a in args if a != "--native"]
    feed, out = common.usage_check([sys.argv[0]] + args, "peer_gaoya.py [--native]")
    name = "gaoya-native" if native else "gaoya"
    ph = common.Phases(name)
    ids, texts = common.read_feed(feed)
    ph.mark("read")
    if native:
        analyzer = "word"
        keep = [i for i, t in enumerate(texts) if t.split()]
    else:
        analyzer = common.shingles
        keep = [i for i, t in enumerate(texts) if common.words(t)]
    docs = [texts[i] for i in keep]
    index = gaoya.minhash.MinHashStringIndex(
        hash_size=32,
        jaccard_threshold=common.THRESHOLD,
        num_bands=None,
        band_size=None,
        num_hashes=common.NUM_PERM,
        analyzer=analyzer,
        lowercase=True,
        ngram_range=(common.NGRAM, common.NGRAM),
    )
    ph.mark("setup")
    index.par_bulk_insert_docs(keep, docs)
    ph.mark("index")
    results = index.par_bulk_query(docs)
    ph.mark("query")
    pairs = []
    for i, found in zip(keep, results):
        for j in found:
            if j != i:
                pairs.append((ids[i], ids[j]))
    n = common.write_pairs(out, pairs)
    ph.mark("write")
    ph.report(docs=len(ids), indexed=len(keep), pairs=n, index=repr(index).replace(" ", ""), threads="rayon-all")


if __name__ == "__main__":
    main()
