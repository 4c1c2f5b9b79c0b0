#!/usr/bin/env python3
"""List the false reprint pairs of a scan of a generated feed, and say what each shares.

Usage: python3 benches/eval/false_pairs.py FEED.jsonl TRUTH.json REPORT.json

REPORT.json is `reprint eval --report` output (it lists every verified pair). A pair is false
when its two articles are not in one truth cluster. For each false pair the shared spans are
classified: text that is part of a truth boilerplate block, or story text. The issue's
target "zero pairs between briefs that share only boilerplate" holds when no false pair
shares boilerplate text only. Standard library only.
"""
import json
import re
import sys


def norm(s):
    return " ".join(re.findall(r"\w+", s.lower()))


def main():
    feed, truth_path, report_path = sys.argv[1:4]
    texts = {}
    for line in open(feed, encoding="utf-8"):
        a = json.loads(line)
        texts[a["id"]] = a["text"]
    truth = json.load(open(truth_path, encoding="utf-8"))
    story = {}
    for c in truth["clusters"]:
        for m in c["members"]:
            story[m] = c["story"]
    blocks = [norm(b["text"]) for b in truth["boilerplate"]]
    report = json.load(open(report_path, encoding="utf-8"))
    false_pairs = [p for p in report["pairs"]
                   if not (p["a"] in story and story.get(p["a"]) == story.get(p["b"]))]
    only_boilerplate = 0
    kinds = {}
    for p in false_pairs:
        shared = [norm(texts[p["a"]][s["a"][0]:s["a"][1]]) for s in p["spans"]]
        in_bp = [any(x and x in b for b in blocks) for x in shared]
        if shared and all(in_bp):
            only_boilerplate += 1
        key = "story text" if not all(in_bp) else "boilerplate only"
        kinds[key] = kinds.get(key, 0) + 1
    print(f"verified pairs {len(report['pairs'])}, false {len(false_pairs)}")
    print(f"false pairs sharing boilerplate only: {only_boilerplate}")
    for k, v in sorted(kinds.items()):
        print(f"  {k}: {v}")
    for p in false_pairs[:10]:
        a = texts[p["a"]]
        s = p["spans"][0] if p["spans"] else None
        snippet = a[s["a"][0]:s["a"][1]][:120].replace("\n", " ") if s else ""
        print(f"  {p['a']} {p['b']} J={p['jaccard']} C={p['containment']} "
              f"shared={p['shared_shingles']}: {snippet!r}")


if __name__ == "__main__":
    main()
