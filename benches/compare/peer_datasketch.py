#!/usr/bin/env python3
"""datasketch peer: MinHash + MinHashLSH, as in datasketch's docs.

Usage: peer_datasketch.py FEED.jsonl OUT_PAIRS.jsonl

- Shingles: common.shingles() (lowercase word 5-grams), UTF-8 encoded.
- Signatures: MinHash.bulk(..., num_perm=128) (the docs' bulk API; SHA-1 based 32-bit
  hash, 128 universal-hash permutations, seed 1 = default).
- Index: MinHashLSH(threshold=0.5, num_perm=128); datasketch picks bands x rows by
  minimizing the weighted false-positive + false-negative area (25 x 5 here). Inserted
  through an insertion_session() (the docs' bulk insert).
- Query: lsh.query(m) for every document. datasketch returns LSH candidates (documents
  sharing at least one band) without checking the estimated Jaccard; these are the pairs
  it reports.
- Threads: single-threaded pure Python/numpy (no parallel API).
"""
import sys

from datasketch import MinHash, MinHashLSH

import common


def main() -> None:
    feed, out = common.usage_check(sys.argv, "peer_datasketch.py")
    ph = common.Phases("datasketch")
    ids, texts = common.read_feed(feed)
    ph.mark("read")
    sets = [common.shingles(t) for t in texts]
    keep = [i for i, s in enumerate(sets) if s]
    ph.mark("shingle")
    mhs = MinHash.bulk(([s.encode("utf-8") for s in sets[i]] for i in keep), num_perm=common.NUM_PERM)
    ph.mark("minhash")
    lsh = MinHashLSH(threshold=common.THRESHOLD, num_perm=common.NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in zip(keep, mhs):
            session.insert(i, m)
    ph.mark("index")
    pairs = []
    for i, m in zip(keep, mhs):
        for j in lsh.query(m):
            if j != i:
                pairs.append((ids[i], ids[j]))
    ph.mark("query")
    n = common.write_pairs(out, pairs)
    ph.mark("write")
    ph.report(docs=len(ids), indexed=len(keep), pairs=n, bands=lsh.b, rows=lsh.r, threads=1)


if __name__ == "__main__":
    main()
