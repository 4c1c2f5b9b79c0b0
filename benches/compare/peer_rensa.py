#!/usr/bin/env python3
"""rensa peer: R-MinHash + RMinHashDeduplicator with LSH, as in rensa's README.

Usage: peer_rensa.py FEED.jsonl OUT_PAIRS.jsonl

- Shingles: common.shingles() (lowercase word 5-grams), passed as str tokens.
- Signatures: RMinHash.from_token_sets(sets, num_perm=128, seed=42) (batch API, full-set
  R-MinHash, not the sampling "rho" pipeline).
- Index: RMinHashDeduplicator(threshold=0.5, num_perm=128, use_lsh=True), the README's
  "Keep unique documents" recipe; rensa's default bands for threshold 0.5 are 32 x 4.
  add_pairs() adds every document; a document that is already a duplicate of a kept one
  is not indexed (that is how the deduplicator works).
- Query: get_duplicate_sets(all signatures): for each document, the kept documents whose
  LSH candidates pass the estimated (signature) Jaccard >= 0.5; these are its pairs.
- Threads: rensa's batch sketching may use Rayon workers for large batches; the
  deduplicator itself is single-threaded. Defaults kept.
"""
import sys

from rensa import RMinHash, RMinHashDeduplicator

import common


def main() -> None:
    feed, out = common.usage_check(sys.argv, "peer_rensa.py")
    ph = common.Phases("rensa")
    ids, texts = common.read_feed(feed)
    ph.mark("read")
    sets = [common.shingles(t) for t in texts]
    keep = [i for i, s in enumerate(sets) if s]
    ph.mark("shingle")
    mhs = RMinHash.from_token_sets([sets[i] for i in keep], num_perm=common.NUM_PERM, seed=42)
    ph.mark("minhash")
    dedup = RMinHashDeduplicator(threshold=common.THRESHOLD, num_perm=common.NUM_PERM, use_lsh=True)
    flags = dedup.add_pairs(zip((str(i) for i in keep), mhs))
    ph.mark("index")
    dup_sets = dedup.get_duplicate_sets(mhs)
    pairs = []
    for i, dups in zip(keep, dup_sets):
        for j in dups:
            j = int(j)
            if j != i:
                pairs.append((ids[i], ids[j]))
    ph.mark("query")
    n = common.write_pairs(out, pairs)
    ph.mark("write")
    ph.report(docs=len(ids), indexed=len(keep), kept=sum(flags), pairs=n, bands=32, rows=4, threads="rensa-default")


if __name__ == "__main__":
    main()
