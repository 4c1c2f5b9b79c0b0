"""Shared helpers for the peer scripts: feed reading, shingling, pair output.

Every peer except text-dedup (which runs its own pipeline and tokenizer) gets the same
shingle sets from `shingles()`, so differences in their output come from the index,
not from tokenization.
"""

from __future__ import annotations

import json
import re
import sys
import time

NGRAM = 5  # word 5-gram shingles
NUM_PERM = 128  # MinHash permutations
THRESHOLD = 0.5  # Jaccard threshold

_WORD = re.compile(r"\w+", re.UNICODE)


def read_feed(path: str) -> tuple[list[str], list[str]]:
    """Return (ids, texts) for every record with a non-empty string text.

    A missing id becomes "line:N" (1-based); records with an empty or missing text are
    skipped, as reprint skips them (with a warning there).
    """
    ids: list[str] = []
    texts: list[str] = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            text = rec.get("text")
            if not isinstance(text, str) or not text.strip():
                continue
            ids.append(str(rec.get("id", f"line:{n}")))
            texts.append(text)
    return ids, texts


def words(text: str) -> list[str]:
    """Lowercase words: maximal runs of Unicode word characters."""
    return _WORD.findall(text.lower())


def shingles(text: str, n: int = NGRAM) -> list[str]:
    """Distinct lowercase word n-grams, joined by one space.

    A text with fewer than n words (but at least one) is one shingle of all its words;
    a text without words has no shingles (and is not indexed by the peers).
    """
    w = words(text)
    if not w:
        return []
    if len(w) < n:
        return [" ".join(w)]
    return list({" ".join(w[i : i + n]) for i in range(len(w) - n + 1)})


def write_pairs(path: str, pairs) -> int:
    """Write unordered pairs (id_a, id_b) as JSONL, deduplicated and sorted; return count."""
    uniq = set()
    for a, b in pairs:
        if a == b:
            continue
        uniq.add((a, b) if a < b else (b, a))
    with open(path, "w", encoding="utf-8") as f:
        for a, b in sorted(uniq):
            f.write(json.dumps({"id_a": a, "id_b": b}) + "\n")
    return len(uniq)


class Phases:
    """Wall-clock phase timer; prints one summary line on stderr at the end."""

    def __init__(self, name: str):
        self.name = name
        self.t0 = time.perf_counter()
        self.last = self.t0
        self.parts: list[tuple[str, float]] = []

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.parts.append((phase, now - self.last))
        self.last = now

    def report(self, **extra) -> None:
        total = time.perf_counter() - self.t0
        fields = " ".join(f"{k}={v}" for k, v in extra.items())
        phases = " ".join(f"{p}={s:.2f}s" for p, s in self.parts)
        print(f"[{self.name}] {fields} phases: {phases} total_in_python={total:.2f}s", file=sys.stderr)


def usage_check(argv: list[str], name: str) -> tuple[str, str]:
    if len(argv) < 3:
        print(f"usage: {name} FEED.jsonl OUT_PAIRS.jsonl", file=sys.stderr)
        sys.exit(2)
    return argv[1], argv[2]
