#!/usr/bin/env python3
"""Check the clean invariant (issue 17) on every real feed in ../shared/data-src.

Usage (from the crate root, after `cargo build --release`):

    python3 benches/eval/clean_check.py [--data ../shared/data-src] [--bin target/release/reprint] [--keep longest] [-- EXTRA FLAGS]

For each JSONL feed (a file whose records carry a `text` field) it runs `reprint clean FEED -o
OUT` and `reprint scan --all-pairs --format json FEED` with the same flags, and checks from
the outputs alone (input, cleaned file, sidecar, scan report):

- cuts: every line of every cut span (and of every article removed as emptied) reads the same
  as a line that stays in the output: the same words after normalisation (NFKC, lower case,
  apostrophes dropped, anything but a letter or a digit separates), so every number and name
  equal. A line found only inside a longer output line is counted apart (`inside`);
- removals: every article removed as a reprint names in `of` an article that is kept, and
  the scan judged that pair a reprint (`kind: reprint`);
- nothing else disappears: each kept record's text, without its cut spans, has exactly the
  words of its cleaned text, and records in = kept + removed + skipped, in input order.

Prints one row per feed (articles, cuts, removals, violations) and the violations found;
exits 1 if any. Needs only the Python standard library. Not run by CI (the data is not in
the repo).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

SPLIT = re.compile(r"[^\w]+|_+")
LINES = re.compile(r"\r\n|\n|\r|\u2028|\u2029")


def words(text):
    t = unicodedata.normalize("NFKC", text).lower()
    t = t.replace("'", "").replace("\u2019", "").replace("\u2018", "").replace("\u02bc", "")
    return tuple(w for w in SPLIT.split(t) if w)


def lines_of(text):
    return [ln for ln in LINES.split(text) if words(ln)]


def feeds(data):
    for root, _dirs, files in sorted(os.walk(data)):
        for f in sorted(files):
            if not f.endswith(".jsonl"):
                continue
            path = os.path.join(root, f)
            with open(path, encoding="utf-8", errors="replace") as fh:
                first = fh.readline()
            try:
                rec = json.loads(first)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                yield path


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, check=False)
    if out.returncode not in (0, 3):
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr.decode()[-2000:]}")
    return out


def check(binary, feed, extra, keep, tmp):
    out = os.path.join(tmp, "clean.jsonl")
    side = out + ".removed.jsonl"
    run([binary, "clean", "--quiet", "--keep", keep, *extra, feed, "-o", out])
    report = json.loads(run([binary, "scan", "--quiet", "--all-pairs", "--format", "json", *extra, feed]).stdout)
    reprint_pairs = set()
    for p in report["pairs"]:
        if p["kind"] == "reprint":
            reprint_pairs.add((p["a"], p["b"]))
            reprint_pairs.add((p["b"], p["a"]))
    sidecar = [json.loads(l) for l in open(side, encoding="utf-8")]
    summary = sidecar[-1]
    assert summary["kind"] == "summary"
    removed = {v["line"]: v for v in sidecar if v["kind"] == "article"}
    removed_ids = {v["id"] for v in removed.values()}
    skipped = {v["line"] for v in sidecar if v["kind"] == "skipped"}
    spans = {}
    for v in sidecar:
        if v["kind"] == "span":
            spans.setdefault(v["line"], []).append(v)

    with open(feed, "rb") as fh:
        raw = fh.read().split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    cleaned = [json.loads(l) for l in open(out, encoding="utf-8")]
    violations = []
    # Kept input lines, in order, are the output records.
    kept_lines = [n for n in range(1, len(raw) + 1)
                  if n not in removed and n not in skipped and raw[n - 1].strip()]
    if len(kept_lines) != len(cleaned):
        violations.append(f"{len(kept_lines)} kept input lines but {len(cleaned)} output records")
    n_in = summary["records_in"]
    if n_in != summary["kept"] + summary["removed"] + summary["skipped"] or summary["kept"] != len(cleaned):
        violations.append(f"counts do not add up: {summary}")

    out_lines = set()
    out_stream = []
    for rec in cleaned:
        for ln in lines_of(rec["text"]):
            out_lines.add(words(ln))
        out_stream.append(" " + " ".join(words(rec["text"])) + " ")
    out_stream = "\n".join(out_stream)
    inside = 0

    def has_copy(line, what):
        nonlocal inside
        w = words(line)
        if w in out_lines:
            return
        if (" " + " ".join(w) + " ") in out_stream:
            inside += 1
            return
        violations.append(f"{what}: {line[:120]!r} has no copy that reads the same in the output")

    cuts = 0
    for n, rec in zip(kept_lines, cleaned):
        orig = json.loads(raw[n - 1])
        text = orig["text"].encode("utf-8")
        left, at = [], 0
        for v in sorted(spans.get(n, []), key=lambda v: v["start"]):
            cuts += 1
            cut = text[v["start"]:v["end"]].decode("utf-8")
            for ln in lines_of(cut):
                has_copy(ln, f"{v['id']} ({v['reason']} cut {v['start']}..{v['end']})")
            left.append(text[at:v["start"]])
            at = v["end"]
        left.append(text[at:])
        if words(b" ".join(left).decode("utf-8")) != words(rec["text"]):
            violations.append(f"{orig.get('id', n)}: words lost outside the cuts")
    removals = 0
    for n, v in removed.items():
        if v["reason"] == "reprint-of":
            removals += 1
            of = v["of"]
            if of in removed_ids:
                violations.append(f"{v['id']} removed as a reprint of {of}, which is removed too")
            if (v["id"], of) not in reprint_pairs:
                violations.append(f"{v['id']} removed as a reprint of {of} without a reprint verdict")
        elif v["reason"] == "emptied":
            orig = json.loads(raw[n - 1])
            for ln in lines_of(orig["text"]):
                has_copy(ln, f"{v['id']} (emptied)")
        else:
            violations.append(f"unknown removal {v}")
    return {
        "articles": n_in, "kept": summary["kept"], "cuts": cuts,
        "repeat": summary["repeat_spans"], "boilerplate": summary["boilerplate_spans"],
        "removals": removals, "emptied": summary["emptied"], "inside": inside,
        "violations": violations,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join("..", "shared", "data-src"))
    ap.add_argument("--bin", default=os.path.join("target", "release", "reprint"))
    ap.add_argument("--keep", default="canonical", help="clean's --keep (canonical, longest, all)")
    ap.add_argument("extra", nargs="*", help="flags for clean and scan (after --)")
    args = ap.parse_args()
    total = 0
    print("| feed | articles | kept | cuts (repeat / boilerplate) | reprint removals | emptied | cut lines found only inside a longer line | violations |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    details = []
    with tempfile.TemporaryDirectory() as tmp:
        for feed in feeds(args.data):
            r = check(args.bin, feed, args.extra, args.keep, tmp)
            name = os.path.relpath(feed, args.data)
            print(f"| {name} | {r['articles']} | {r['kept']} | {r['cuts']} ({r['repeat']} / {r['boilerplate']}) "
                  f"| {r['removals']} | {r['emptied']} | {r['inside']} | {len(r['violations'])} |", flush=True)
            total += len(r["violations"])
            details += [f"{name}: {v}" for v in r["violations"]]
    for d in details[:200]:
        print(d)
    if len(details) > 200:
        print(f"... and {len(details) - 200} more")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
