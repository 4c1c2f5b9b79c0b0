#!/usr/bin/env python3
"""Score one tool's near-duplicate output against a truth file of reprint clusters.

Usage:
  score.py --feed FEED.jsonl --truth TRUTH.json --pairs PAIRS.jsonl
  score.py --feed FEED.jsonl --truth TRUTH.json --reprint-report REPORT.json
  (without --truth only the pair count is printed)

Prints one JSON object: {"pairs", "pred_pairs", "truth_pairs", "tp", "precision",
"recall", "ari"}.

Definitions
- Universe: every id in the feed (all records, also those with an empty text), plus any
  id named by the truth or the tool. Every id not in a cluster is its own singleton.
- Truth pairs: all unordered pairs of ids inside one truth cluster ("members", which
  include the canonical). An id listed in two truth clusters stays in the first.
- Predicted clustering: for a peer (PAIRS.jsonl with id_a, id_b), the connected
  components of its reported pairs; for reprint (--reprint-report), the report's
  "clusters" (an id in two clusters stays in the first; counted in the output).
- Predicted pairs: the tool's reported pairs closed under its clustering, i.e. all pairs
  inside one predicted cluster plus (reprint only) reported pairs that join two
  different clusters.
- precision = |pred & truth| / |pred|, recall = |pred & truth| / |truth| (pairs);
  empty (null) when the denominator is 0.
- ari: Adjusted Rand Index of the predicted and the truth partitions of the universe
  (Hubert & Arabie), computed from the contingency table; 1.0 when both are all
  singletons.

Counts are computed from cluster sizes, never by listing pairs, so a giant component
(one tool chaining everything) costs O(n), not O(n^2).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter


def c2(n: int) -> int:
    return n * (n - 1) // 2


def feed_ids(path: str) -> list[str]:
    ids = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict):
                ids.append(str(rec.get("id", f"line:{n}")))
    return ids


def labels_from_clusters(clusters: list[list[str]]) -> tuple[dict[str, int], int]:
    """Map id -> cluster number; ids in two clusters keep the first. Returns (labels, overlaps)."""
    label: dict[str, int] = {}
    overlaps = 0
    for k, members in enumerate(clusters):
        for m in members:
            m = str(m)
            if m in label:
                if label[m] != k:
                    overlaps += 1
                continue
            label[m] = k
    return label, overlaps


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        p = self.parent.setdefault(x, x)
        root = x
        while p != root:
            root = p
            p = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def read_pairs(path: str) -> list[tuple[str, str]]:
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                d = json.loads(line)
                pairs.append((str(d["id_a"]), str(d["id_b"])))
    return pairs


def canonical_pairs(pairs) -> set[tuple[str, str]]:
    return {(a, b) if a < b else (b, a) for a, b in pairs if a != b}


def ari(pred: dict[str, int], truth: dict[str, int], universe: set[str]) -> float:
    """Adjusted Rand Index; ids missing from a label map are singletons."""
    n = len(universe)
    if n < 2:
        return 1.0
    a = Counter(pred[i] for i in universe if i in pred)
    b = Counter(truth[i] for i in universe if i in truth)
    cont = Counter((pred[i], truth[i]) for i in universe if i in pred and i in truth)
    sum_ij = sum(c2(v) for v in cont.values())
    sum_a = sum(c2(v) for v in a.values())
    sum_b = sum(c2(v) for v in b.values())
    expected = sum_a * sum_b / c2(n)
    max_index = (sum_a + sum_b) / 2
    if max_index == expected:
        return 1.0
    return (sum_ij - expected) / (max_index - expected)


def score(universe_ids, truth_clusters, reported_pairs, pred_clusters=None) -> dict:
    """Core scoring; pred_clusters None means: components of reported_pairs."""
    reported = canonical_pairs(reported_pairs)
    universe = set(universe_ids)
    extra: set[tuple[str, str]] = set()
    overlaps = 0
    if pred_clusters is None:
        uf = UnionFind()
        for a, b in reported:
            uf.union(a, b)
        roots: dict[str, int] = {}
        pred = {}
        for x in list(uf.parent):
            pred[x] = roots.setdefault(uf.find(x), len(roots))
    else:
        pred, overlaps = labels_from_clusters(pred_clusters)
        extra = {(a, b) for a, b in reported if not (a in pred and b in pred and pred[a] == pred[b])}
    universe |= set(pred)
    for a, b in extra:
        universe.add(a)
        universe.add(b)
    out = {"pairs": len(reported)}
    if overlaps:
        out["pred_overlapping_ids"] = overlaps
    if truth_clusters is None:
        return out
    truth, t_overlaps = labels_from_clusters(truth_clusters)
    if t_overlaps:
        out["truth_overlapping_ids"] = t_overlaps
    missing = [t for t in truth if t not in universe]
    if missing:
        out["truth_ids_not_in_feed"] = len(missing)
    universe |= set(truth)
    size_pred = Counter(pred.values())
    size_truth = Counter(truth.values())
    cont = Counter((pred[i], truth[i]) for i in pred if i in truth)
    pred_pairs = sum(c2(v) for v in size_pred.values()) + len(extra)
    truth_pairs = sum(c2(v) for v in size_truth.values())
    tp = sum(c2(v) for v in cont.values())
    tp += sum(1 for a, b in extra if a in truth and b in truth and truth[a] == truth[b])
    out.update(
        pred_pairs=pred_pairs,
        truth_pairs=truth_pairs,
        tp=tp,
        precision=(tp / pred_pairs) if pred_pairs else None,
        recall=(tp / truth_pairs) if truth_pairs else None,
        ari=ari(pred, truth, universe),
    )
    return out


def self_test() -> None:
    u = [str(i) for i in range(10)]
    truth = [["0", "1", "2"], ["3", "4"]]
    # perfect
    r = score(u, truth, [("0", "1"), ("1", "2"), ("3", "4")])
    assert r["precision"] == 1.0 and r["recall"] == 1.0 and abs(r["ari"] - 1.0) < 1e-12, r
    # chained through 2-3: one component {0..4}: pred 10 pairs, tp 4
    r = score(u, truth, [("0", "1"), ("1", "2"), ("2", "3"), ("3", "4")])
    assert r["pred_pairs"] == 10 and r["tp"] == 4 and r["recall"] == 1.0, r
    # nothing found
    r = score(u, truth, [])
    assert r["precision"] is None and r["recall"] == 0.0 and r["ari"] == 0.0, r
    # reprint-style: clusters plus one cross-cluster pair
    r = score(u, truth, [("0", "1"), ("0", "2"), ("2", "3")], pred_clusters=[["0", "1", "2"]])
    assert r["pred_pairs"] == 4 and r["tp"] == 3 and r["truth_pairs"] == 4, r
    # ARI against a known value: pred {0,1},{2,3} vs truth {0,1,2},{3,4} over 10 ids.
    # contingency: (a,T1)=2, (b,T1)=1, (b,T2)=1 -> sum_ij=1, sum_a=2, sum_b=4, C(10,2)=45
    # expected=8/45, max=3 -> ari=(1-8/45)/(3-8/45)=37/127
    r = score(u, truth, [("0", "1"), ("2", "3")])
    assert abs(r["ari"] - 37 / 127) < 1e-12, r
    print("score.py self-test: ok")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feed")
    ap.add_argument("--truth")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--pairs", help="peer output: JSONL with id_a, id_b")
    g.add_argument("--reprint-report", help="reprint scan --format json output")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        self_test()
        return
    if not args.feed or not (args.pairs or args.reprint_report):
        ap.error("--feed and one of --pairs / --reprint-report are required")
    universe = feed_ids(args.feed)
    truth = None
    if args.truth:
        with open(args.truth, encoding="utf-8") as f:
            truth = [c["members"] for c in json.load(f)["clusters"]]
    if args.pairs:
        result = score(universe, truth, read_pairs(args.pairs))
    else:
        with open(args.reprint_report, encoding="utf-8") as f:
            rep = json.load(f)
        pairs = [(p["a"], p["b"]) for p in rep.get("pairs", [])]
        clusters = [c["members"] for c in rep.get("clusters", [])]
        result = score(universe, truth, pairs, pred_clusters=clusters)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
