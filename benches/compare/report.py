#!/usr/bin/env python3
"""Turn the per-run files written by run.sh into one Markdown results file.

Usage (run.sh calls it):
  report.py --feed FEED --runs DIR --reps N --tools "t1 t2" --all-tools "..." \
            --command "..." [--truth TRUTH] [--install-status TSV] --out FILE.md

Per tool (over its successful repetitions): median wall seconds, median user+sys CPU
seconds, MB/s = feed bytes / 1e6 / median wall, peak RSS = the largest "Maximum resident
set size" of any repetition (MB = 1e6 bytes; for text-dedup, which forks worker
processes, /usr/bin/time reports the largest single process, not the sum). Pairs and
scores come from the first successful repetition's output (score.py).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import score  # noqa: E402

TIME_FIELDS = {
    "wall": re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)"),
    "user": re.compile(r"User time \(seconds\): (\S+)"),
    "sys": re.compile(r"System time \(seconds\): (\S+)"),
    "rss_kb": re.compile(r"Maximum resident set size \(kbytes\): (\d+)"),
    "cpu_pct": re.compile(r"Percent of CPU this job got: (\S+)"),
}


def parse_clock(s: str) -> float:
    parts = [float(p) for p in s.split(":")]
    sec = 0.0
    for p in parts:
        sec = sec * 60 + p
    return sec


def parse_time(path: str) -> dict:
    out: dict = {}
    if not os.path.exists(path):
        return out
    text = open(path, encoding="utf-8", errors="replace").read()
    for k, rx in TIME_FIELDS.items():
        m = rx.search(text)
        if m:
            v = m.group(1)
            out[k] = parse_clock(v) if k == "wall" else (v if k == "cpu_pct" else float(v))
    return out


def busy_seconds(base: str) -> float | None:
    """Machine-wide busy CPU seconds between the .stat0 and .stat1 snapshots of /proc/stat."""
    try:
        a = [int(x) for x in read(base + ".stat0").split()[1:]]
        b = [int(x) for x in read(base + ".stat1").split()[1:]]
    except ValueError:
        return None
    if len(a) < 8 or len(b) < 8:
        return None
    d = [y - x for x, y in zip(a, b)]
    # user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    busy = d[0] + d[1] + d[2] + d[5] + d[6] + d[7]
    return busy / os.sysconf("SC_CLK_TCK")


def read(path: str, default: str = "") -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return default


def fmt(v, nd=2) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def ok(tool: str, rc: str) -> bool:
    return rc == "0" or (tool == "reprint" and rc == "3")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feed", required=True)
    ap.add_argument("--truth")
    ap.add_argument("--runs", required=True)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--all-tools", default="")
    ap.add_argument("--command", default="")
    ap.add_argument("--install-status")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    runs = a.runs
    tools = a.tools.split()
    feed_bytes = os.path.getsize(a.feed)
    feed_ids = score.feed_ids(a.feed)
    truth = None
    if a.truth:
        with open(a.truth, encoding="utf-8") as f:
            truth = [c["members"] for c in json.load(f)["clusters"]]
    versions = dict(
        line.split("\t", 1) for line in read(os.path.join(runs, "versions.tsv")).splitlines() if "\t" in line
    )

    rows, notes, raw, others = [], [], [], []
    pair_sets: dict[str, set] = {}
    for t in tools:
        reps = []
        for r in range(1, a.reps + 1):
            base = os.path.join(runs, f"{t}.{r}")
            rc = read(base + ".rc", "?")
            tm = parse_time(base + ".time")
            load = read(base + ".load")
            reps.append((r, rc, tm, base))
            cpu = (tm.get("user", 0) + tm.get("sys", 0)) if tm else None
            busy = busy_seconds(base)
            other = max(0.0, busy - cpu) if busy is not None and cpu is not None else None
            if other is not None and tm.get("wall"):
                others.append((other, tm["wall"]))
            raw.append(
                f"| {t} | {r} | {rc} | {fmt(tm.get('wall'))} | {fmt(cpu)} | {tm.get('cpu_pct', '')} | "
                f"{fmt(tm['rss_kb'] * 1024 / 1e6, 1) if 'rss_kb' in tm else ''} | {load} | {fmt(other)} |"
            )
        good = [x for x in reps if ok(t, x[1]) and x[2].get("wall") is not None]
        failed = [x for x in reps if not ok(t, x[1])]
        if failed:
            why = ", ".join(f"rep {r}: {'timeout' if rc == '124' else 'exit ' + rc}" for r, rc, _, _ in failed)
            notes.append(f"- **{t}**: {why} (stderr in work/{os.path.basename(runs)}/{t}.N.err)")
        if not good:
            rows.append([t, versions.get(t, ""), "failed", "", "", "", "", "", "", ""])
            continue
        wall = statistics.median(x[2]["wall"] for x in good)
        cpu = statistics.median(x[2]["user"] + x[2]["sys"] for x in good)
        rss = max(x[2]["rss_kb"] for x in good) * 1024 / 1e6
        mbps = feed_bytes / 1e6 / wall if wall > 0 else None
        # pairs and scores from the first good repetition
        pair_counts = []
        result = None
        for r, rc, tm, base in good:
            if t == "reprint":
                with open(base + ".json", encoding="utf-8") as f:
                    rep = json.load(f)
                pairs = [(p["a"], p["b"]) for p in rep.get("pairs", [])]
                clusters = [c["members"] for c in rep.get("clusters", [])]
                res = score.score(feed_ids, truth if result is None else None, pairs, pred_clusters=clusters)
            else:
                pairs = score.read_pairs(base + ".pairs.jsonl")
                res = score.score(feed_ids, truth if result is None else None, pairs)
            pair_counts.append(res["pairs"])
            if result is None:
                result = res
                pair_sets[t] = score.canonical_pairs(pairs)
        if len(set(pair_counts)) > 1:
            notes.append(f"- **{t}**: pair count differs between repetitions: {pair_counts}")
        for k in ("pred_overlapping_ids", "truth_overlapping_ids", "truth_ids_not_in_feed"):
            if k in result:
                notes.append(f"- **{t}**: {k} = {result[k]}")
        rows.append(
            [
                t,
                versions.get(t, ""),
                fmt(wall),
                fmt(cpu),
                fmt(mbps),
                fmt(rss, 1),
                str(result["pairs"]),
                fmt(result.get("precision"), 4),
                fmt(result.get("recall"), 4),
                fmt(result.get("ari"), 4),
            ]
        )
        # the peer's own summary line (parameters, phases), from the first good repetition
        err = read(good[0][3] + ".err")
        summary = [ln for ln in err.splitlines() if ln.startswith("[")]
        if summary:
            notes.append(f"- **{t}** (rep {good[0][0]} stderr): `{summary[-1]}`")
        elif t == "reprint":
            notes.append(f"- **reprint**: `{read(good[0][3] + '.cmd')}`")

    for line in read(os.path.join(runs, "unusable.tsv")).splitlines():
        if "\t" in line:
            t, why = line.split("\t", 1)
            rows.append([t, versions.get(t, ""), "not run", "", "", "", "", "", "", ""])
            notes.append(f"- **{t}** not run: {why}")

    head = "| tool | version | wall s (median) | CPU s (user+sys) | MB/s | peak RSS MB | pairs | precision | recall | ARI |"
    sep = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    table = "\n".join([head, sep] + ["| " + " | ".join(r) + " |" for r in rows])

    feedname = os.path.splitext(os.path.basename(a.feed))[0]
    n_nonempty = None
    try:
        import common

        n_nonempty = len(common.read_feed(a.feed)[0])
    except Exception:  # noqa: BLE001 - informational only
        pass
    install = read(a.install_status) if a.install_status else ""

    md = []
    md.append(f"# reprint vs. Python near-duplicate peers: {feedname}\n")
    md.append(f"- command: `{a.command}`")
    md.append(
        f"- feed: `{os.path.relpath(a.feed, os.path.dirname(os.path.dirname(HERE)))}` "
        f"({feed_bytes:,} bytes, {len(feed_ids):,} records"
        + (f", {n_nonempty:,} with a non-empty text" if n_nonempty is not None else "")
        + ")"
    )
    md.append(f"- truth: `{os.path.relpath(a.truth, os.path.dirname(os.path.dirname(HERE)))}`" if a.truth else "- truth: none (score columns left empty)")
    md.append(
        f"- {a.reps} repetition(s) per tool, tools alternating (order rotated each repetition); "
        "same configuration for all: word 5-gram shingles, 128 permutations, Jaccard threshold 0.5\n"
    )
    md.append(table + "\n")
    if others:
        share = sum(o for o, _ in others) / max(1e-9, sum(w for _, w in others))
        if share > 0.25:
            md.append(
                f"**Contention:** other processes kept about {100 * share:.0f}% of one core busy during "
                "the timed runs (see Machine), so the multi-threaded tools (reprint, gaoya-native's "
                "rayon, text-dedup's worker processes) got about one core; their wall times are "
                "pessimistic, CPU seconds are the fairer comparison.\n"
            )
    md.append(
        "Columns: wall and CPU are medians over the repetitions (`/usr/bin/time -v`, whole process "
        "including interpreter start-up, imports and reading the feed); MB/s = feed bytes / 1e6 / "
        "median wall; peak RSS = largest maximum resident set size of any repetition (MB = 1e6 "
        "bytes; for text-dedup the largest single process, its worker processes are not summed); "
        "pairs = distinct unordered pairs the tool reported (text-dedup: union-find edges member→root). "
        "Precision/recall are over unordered pairs, each tool's pairs closed under its clustering "
        "(peers: connected components of their pairs; reprint: its clusters plus its pairs); ARI "
        "over all feed ids, singletons as their own clusters (see score.py).\n"
    )
    md.append("## How each tool was run\n")
    md.append(
        "- **reprint**: `target/release/reprint scan --quiet --format json FEED`, default parameters "
        "(LSH bands/rows derived from the thresholds, exact Jaccard/containment verification, "
        "boilerplate removal, non-chaining clusters); threads: all cores (rayon)."
    )
    md.append(
        "- **gaoya**: `MinHashStringIndex(hash_size=32, jaccard_threshold=0.5, num_hashes=128)`, "
        "gaoya picks 42 bands × 3 rows (126 hashes); `par_bulk_insert_docs` + `par_bulk_query`, "
        "which keep candidates whose signature Jaccard ≥ 0.5. Shingles from the shared Python "
        "tokenizer via the callable `analyzer` (insert then runs single-threaded, query on rayon)."
    )
    md.append(
        "- **gaoya-native**: the same index with gaoya's built-in Rust analyzer (`analyzer='word', "
        "lowercase=True, ngram_range=(5,5)`: whitespace words, punctuation kept), insert and query "
        "on rayon (all cores). Texts with fewer than 5 words get an empty signature and all match "
        "each other."
    )
    md.append(
        "- **rensa**: `RMinHash.from_token_sets(..., num_perm=128, seed=42)` then the README's "
        "`RMinHashDeduplicator(threshold=0.5, num_perm=128, use_lsh=True)` (default 32 bands × 4 "
        "rows); `add_pairs` for all documents, then `get_duplicate_sets` for all: pairs with kept "
        "documents whose signature Jaccard ≥ 0.5 (documents found duplicate are not indexed)."
    )
    md.append(
        "- **datasketch**: `MinHash.bulk(..., num_perm=128)` + `MinHashLSH(threshold=0.5, num_perm=128)` "
        "(it picks 25 bands × 5 rows), `insertion_session()`, `query()` for every document: raw LSH "
        "candidates, no similarity check; single-threaded."
    )
    md.append(
        "- **text-dedup**: its own pipeline `text_dedup.minhash` (the README's CLI, called in-process) "
        "with `--path json --data_files FEED --split train --column text --idx_column id --ngram 5 "
        "--num_perm 128 --threshold 0.5 --debug`; defaults otherwise (SHA-1, 25 bands × 5 rows, "
        "min_length 5, its `\\W`-split tokenizer, `num_proc` = CPU count = 2 worker processes). "
        "Every document sharing a band is unioned, no similarity check; pairs are the union-find "
        "edges from `uf.pkl`."
    )
    md.append(
        "- Shared Python tokenizer (gaoya, rensa, datasketch): `common.shingles`: lowercase, "
        "`\\w+` words, distinct word 5-grams; a text of 1–4 words is one shingle; texts without "
        "words are not indexed.\n"
    )
    if "reprint" in pair_sets and len(pair_sets) > 1:
        ref = pair_sets["reprint"]
        md.append("## Reported pairs compared with reprint's\n")
        md.append(
            "Raw reported pairs (not closed under clustering), first repetition. Without a truth "
            "this only says where the tools disagree, not who is right. rensa links a duplicate only "
            "to the kept documents it matches and text-dedup to its cluster root, so in groups of 3+ "
            "their raw pairs differ from reprint's even where the groups agree.\n"
        )
        md.append("| tool | pairs | also reported by reprint | not by reprint | reprint pairs it misses |")
        md.append("|---|---:|---:|---:|---:|")
        for t, ps in pair_sets.items():
            if t == "reprint":
                continue
            both = len(ps & ref)
            md.append(f"| {t} | {len(ps)} | {both} | {len(ps) - both} | {len(ref) - both} |")
        md.append("")
    if notes:
        md.append("## Notes from this run\n")
        md.extend(notes)
        md.append("")
    md.append("## Machine\n")
    md.append(read(os.path.join(runs, "machine.md")) + "\n")
    md.append(
        "The machine is shared with other agents (some compiling Rust), so the second core may "
        "have been busy: see the load averages below, and per run the 1/5/15-minute load before "
        "it and the CPU time other processes used during it, in the table of all runs.\n"
    )
    if others:
        o_cpu = sum(o for o, _ in others)
        o_wall = sum(w for _, w in others)
        md.append(
            f"During the timed runs, processes other than the measured tool used {o_cpu:.1f} CPU-s in "
            f"{o_wall:.1f} s of wall time, i.e. on average {100 * o_cpu / o_wall:.0f}% of one core "
            "(machine-wide busy time from /proc/stat minus the tool's user+sys; per run in the last "
            "column of the table of all runs).\n"
        )
    md.append(read(os.path.join(runs, "load-before.md")) + "\n")
    md.append(read(os.path.join(runs, "load-after.md")) + "\n")
    md.append("## All runs\n")
    md.append("| tool | rep | exit | wall s | CPU s | CPU % | peak RSS MB | loadavg before | other CPU s during run |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    md.extend(raw)
    md.append("")
    if install:
        md.append("## Install (pip, one package at a time)\n")
        md.append("| requirement | status | error |")
        md.append("|---|---|---|")
        for line in install.splitlines():
            parts = (line.split("\t") + ["", "", ""])[:3]
            md.append("| " + " | ".join(parts) + " |")
        md.append("")
    freeze = read(os.path.join(os.path.dirname(runs), "pip-freeze.txt"))
    if freeze:
        md.append("<details><summary>pip freeze of benches/compare/.venv</summary>\n")
        md.append("```\n" + freeze + "\n```\n</details>\n")

    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    print(table)


if __name__ == "__main__":
    main()
