#!/usr/bin/env python3
"""text-dedup peer: the package's own MinHash pipeline (text_dedup.minhash), run in-process.

Usage: peer_text_dedup.py FEED.jsonl OUT_PAIRS.jsonl

This is the README's command `python -m text_dedup.minhash --path ... --column text ...`
called as its click entry point with:
  --path json --data_files FEED --split train   (Hugging Face `datasets` JSON loader)
  --column text --idx_column id --ngram 5 --num_perm 128 --threshold 0.5
  --cache_dir/--output in a fresh temporary folder under work/ (removed afterwards)
  --debug   (dumps the union-find of the clusters as uf.pkl, keyed by our ids)
Everything else is the package default: SHA-1 shingle hash, 64-bit mode, min_length 5
(documents with fewer than 5 tokens are dropped before hashing), bands x rows from its
optimal_param(0.5, 128) = 25 x 5, num_proc = os.cpu_count() worker processes for the
`datasets` map/filter steps (2 here), LSH bucketing and union-find in the main process.
Tokenization is text-dedup's own: lowercase, split on the regex \\W (so punctuation
followed by a space yields empty tokens), 5-grams joined by spaces.

text-dedup reports clusters, not pairs: every document that shares an LSH band with
another is unioned, without any similarity check. The pairs written are the union-find
edges (member, cluster root), one per non-root member, so `pairs` = documents removed.
"""
import os
import pickle
import shutil
import sys
import tempfile

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    feed, out = common.usage_check(sys.argv, "peer_text_dedup.py")
    ph = common.Phases("text-dedup")
    from text_dedup import minhash as td_minhash  # noqa: E402  (import is part of the cost)

    ph.mark("import")
    workdir = os.path.join(HERE, "work")
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="text-dedup-", dir=workdir)
    try:
        output = os.path.join(tmp, "output")
        args = [
            "--path", "json",
            "--data_files", os.path.abspath(feed),
            "--split", "train",
            "--cache_dir", os.path.join(tmp, "cache"),
            "--output", output,
            "--column", "text",
            "--idx_column", "id",
            "--ngram", str(common.NGRAM),
            "--num_perm", str(common.NUM_PERM),
            "--threshold", str(common.THRESHOLD),
            "--debug",
        ]
        td_minhash.main.main(args=args, standalone_mode=False)
        ph.mark("pipeline")
        with open(os.path.join(output, "uf.pkl"), "rb") as f:
            uf = pickle.load(f)  # nosec: our own file, just written
        pairs = []
        for x in list(uf.parent):
            root = uf.find(x)
            if root != x:
                pairs.append((str(x), str(root)))
        n = common.write_pairs(out, pairs)
        ph.mark("write")
        ph.report(pairs=n, bands=25, rows=5, threads=f"num_proc={os.cpu_count()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
