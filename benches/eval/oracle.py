#!/usr/bin/env python3
"""Mechanical reading of the issue's reprint definition, used only to PROPOSE pairs for reading.

Usage:
    python3 benches/eval/oracle.py FEED.jsonl [--subset helsinki] [--out pairs.jsonl]
                                   [--min-shared 5] [--show A B]

Not a label: the labels in benches/eval/helsinki/ were decided by reading the pages.

Definition implemented (issue text, "reprints"):
  * paragraphs = blocks of `text` split on blank lines;
  * body paragraph = >= 8 words and not boilerplate (see `is_furniture` and `outlet_boilerplate`);
  * a paragraph of X "appears near-verbatim" in Y when >= 60% of its word 5-grams occur in Y
    (Y's whole word stream, so a different paragraph split in Y does not matter);
  * share_short = share of the shorter article's body paragraphs (shorter = fewer body words)
    that appear near-verbatim in the longer one;
  * cover_long = share of the longer article's body WORDS lying in its body paragraphs that
    appear near-verbatim in the shorter one;
  * verdict: reprint  if share_short > 0.5 and cover_long >= 1/3;
             partial  if not reprint and >= 2 body paragraphs of the shorter are found and
                      (share_short > 0.5 or cover_long >= 0.2 or share_short >= 0.3);
             none     otherwise, and when the shorter side is a stub (< 2 body paragraphs or
                      < 40 body words: video page, gallery, link list).

Boilerplate heuristics (documented in helsinki/README.md):
  0. headline / label lines: <= 15 words and no sentence-final punctuation;
  1. furniture regexes: bylines ("By ...", "Associated Press"), "Related:", "Read more",
     photo credits / captions ("(AP Photo/...)", "Photo:", "Image copyright", "Getty Images"),
     captions ("FILE - In this ... photo", "pose for a photo"),
     share / comment / newsletter / cookie / copyright text, date and time stamps;
  2. outlet boilerplate: a normalised paragraph that the same outlet (`source`) prints on
     >= 3 of its pages that are not copies of each other (pages grouped when they share
     >= 30% of their normalised paragraphs), or that appears on >= 3 pages of >= 2 outlets
     and matches a chrome word list (copyright, all rights reserved, newsletter, ...).
Word normalisation: NFKC, lower case, apostrophes inside words dropped, any non-alphanumeric
character separates words.
Standard library only.
"""
import argparse
import collections
import json
import re
import sys
import unicodedata

N = 5
PARA_HIT = 0.6
MIN_BODY_WORDS = 8

FURNITURE = [
    r"^(by|from|written by|reporting by|editing by|additional reporting)\b.{0,80}$",
    r"^(the )?associated press$", r"^(ap|reuters|afp|bloomberg|cnn)$",
    r"^related( articles| stories| coverage| content)?\s*[:\-]",
    r"^(read|see|watch|click|tap|sign up|subscribe|follow|share|comment|like us|download)\b.{0,120}$",
    r"\((ap|afp|reuters)? ?photo\b", r"\bphoto(graph)?s? (by|credit|courtesy)\b", r"^photo:",
    r"\b(getty images|image copyright|image caption|afp/getty|reuters/|epa-efe|shutterstock)\b",
    r"\bcopyright\b", r"\ball rights reserved\b", r"\bterms of (use|service)\b", r"\bprivacy policy\b",
    r"\bcookies?\b.*\b(policy|use|accept)\b", r"\bnewsletter\b", r"\bcommenting\b",
    r"\bthis material may not be published\b", r"\b(updated|published|posted)\b.{0,40}\b(am|pm|edt|gmt|utc|et)\b",
    r"^(updated|published|posted|last updated)\b",
    r"^\w+ \d{1,2},? \d{4}\b.{0,30}$", r"^\d{1,2}:\d{2} ?(am|pm)\b",
    # photo captions without a credit
    r"^file\s*[-\u2014\u2013]", r"\bin this (\w+ )?(file )?(photo|image|picture)\b", r"\bfile photo\b",
    r"\b(pose|poses|posing) for (a|the) (photo|picture)", r"^credit:", r"\(photo:",
]
FURNITURE_RE = [re.compile(p, re.I) for p in FURNITURE]
CHROME_WORDS = re.compile(r"\b(copyright|rights reserved|newsletter|subscribe|sign up|cookie|advertis|"
                          r"comment|facebook|twitter|email|download|app\b|terms|privacy)", re.I)


def words(s):
    s = unicodedata.normalize("NFKC", s).lower()
    s = re.sub(r"(?<=\w)['’](?=\w)", "", s)
    return re.findall(r"[^\W_]+", s)


def shingles(ws, n=N):
    if len(ws) < n:
        return {tuple(ws)} if ws else set()
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def paragraphs(text):
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def is_furniture(p):
    one = " ".join(p.split())
    if len(one.split()) <= 15 and not re.search(r"[.!?:;\"\u201d\u2019')]\s*$", one):
        return True  # headline / label line: short and no sentence end
    return any(r.search(one) for r in FURNITURE_RE)


def outlet_boilerplate(recs):
    """Set of (source, normalised paragraph) that count as boilerplate; plus global chrome keys."""
    keys = {}
    for r in recs:
        keys[r["id"]] = {" ".join(words(p)) for p in paragraphs(r["text"])} - {""}
    by_src = collections.defaultdict(list)
    for r in recs:
        by_src[r["source"]].append(r["id"])
    bp = set()
    glob = collections.defaultdict(set)
    for src, ids in by_src.items():
        where = collections.defaultdict(list)
        for i in ids:
            for k in keys[i]:
                where[k].append(i)
                glob[k].add(src)
        for k, pages in where.items():
            if len(pages) < 3:
                continue
            groups = []  # pages grouped when they are copies of each other
            for pg in pages:
                for g in groups:
                    a, b = keys[pg], keys[g[0]]
                    if len(a & b) / max(1, len(a | b)) >= 0.3:
                        g.append(pg)
                        break
                else:
                    groups.append([pg])
            if len(groups) >= 3:
                bp.add((src, k))
    gl = set()
    cnt = collections.Counter()
    for r in recs:
        for k in keys[r["id"]]:
            cnt[k] += 1
    for k, srcs in glob.items():
        if cnt[k] >= 3 and len(srcs) >= 2 and CHROME_WORDS.search(k) and len(k.split()) < 60:
            gl.add(k)
    return bp, gl


class Doc:
    __slots__ = ("id", "source", "paras", "body", "all_sh", "body_words")

    def __init__(self, r, bp, gl):
        self.id = r["id"]
        self.source = r["source"]
        self.paras = paragraphs(r["text"])
        self.body = []  # (index, words, shingles)
        allw = []
        for i, p in enumerate(self.paras):
            w = words(p)
            allw.append(w)
            k = " ".join(w)
            if len(w) < MIN_BODY_WORDS or is_furniture(p) or (self.source, k) in bp or k in gl:
                continue
            self.body.append((i, w, shingles(w)))
        flat = [x for w in allw for x in w]  # whole word stream: shingles also span paragraph joins
        self.all_sh = shingles(flat)
        self.body_words = sum(len(w) for _, w, _ in self.body)


def compare(x, y):
    """Return dict with the oracle's measures for docs x, y."""
    if x.body_words > y.body_words or (x.body_words == y.body_words and x.id > y.id):
        x, y = y, x
    short, long_ = x, y
    hit_s = [i for i, w, sh in short.body if sh and len(sh & long_.all_sh) / len(sh) >= PARA_HIT]
    hit_l = [(i, len(w)) for i, w, sh in long_.body if sh and len(sh & short.all_sh) / len(sh) >= PARA_HIT]
    ns = len(short.body)
    share_short = len(hit_s) / ns if ns else 0.0
    cover_long = sum(n for _, n in hit_l) / long_.body_words if long_.body_words else 0.0
    sb = set().union(*[sh for _, _, sh in short.body]) if short.body else set()
    cont = len(sb & long_.all_sh) / len(sb) if sb else 0.0
    if ns < 2 or short.body_words < 40 or not long_.body:
        verdict = "none"  # stub: no article body to speak of
    elif share_short > 0.5 and cover_long >= 1 / 3:
        verdict = "reprint"
    elif len(hit_s) >= 2 and (share_short > 0.5 or cover_long >= 0.2 or share_short >= 0.3):
        verdict = "partial"
    else:
        verdict = "none"
    return {"short": short.id, "long": long_.id, "short_body_paras": ns, "short_hits": len(hit_s),
            "long_body_paras": len(long_.body), "long_hits": len(hit_l),
            "share_short": round(share_short, 3), "cover_long": round(cover_long, 3),
            "containment5": round(cont, 3), "verdict": verdict,
            "hit_short": hit_s, "hit_long": [i for i, _ in hit_l]}


def borderline(m):
    return (abs(m["share_short"] - 0.5) <= 0.15 or abs(m["cover_long"] - 1 / 3) <= 0.15
            or m["containment5"] >= 0.3)


def load(path, subset=None):
    recs = [json.loads(l) for l in open(path, encoding="utf-8")]
    if subset:
        recs = [r for r in recs if r.get("subset") == subset]
    bp, gl = outlet_boilerplate(recs)
    return recs, [Doc(r, bp, gl) for r in recs]


def candidates(docs, min_shared):
    index = collections.defaultdict(list)
    for d_i, d in enumerate(docs):
        for sh in set().union(*[s for _, _, s in d.body]) if d.body else ():
            index[sh].append(d_i)
    cnt = collections.Counter()
    for posting in index.values():
        if len(posting) > 60:  # a paragraph on > 60 pages: shared quote, not evidence alone
            continue
        for a in range(len(posting)):
            for b in range(a + 1, len(posting)):
                cnt[(posting[a], posting[b])] += 1
    return [p for p, c in cnt.items() if c >= min_shared]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("feed")
    ap.add_argument("--subset")
    ap.add_argument("--out")
    ap.add_argument("--min-shared", type=int, default=5)
    ap.add_argument("--show", nargs=2, metavar=("A", "B"), help="print one pair's measures and body split")
    a = ap.parse_args()
    recs, docs = load(a.feed, a.subset)
    byid = {d.id: d for d in docs}
    if a.show:
        m = compare(byid[a.show[0]], byid[a.show[1]])
        print(json.dumps(m))
        return
    out = open(a.out, "w") if a.out else sys.stdout
    res = []
    for i, j in candidates(docs, a.min_shared):
        m = compare(docs[i], docs[j])
        m["borderline"] = borderline(m)
        res.append(m)
    res.sort(key=lambda m: (-m["share_short"], -m["cover_long"], m["short"], m["long"]))
    for m in res:
        out.write(json.dumps(m) + "\n")
    c = collections.Counter(m["verdict"] for m in res)
    print(f"{len(docs)} docs, {len(res)} candidate pairs, verdicts {dict(c)}, "
          f"borderline {sum(m['borderline'] for m in res)}, "
          f"no body {sum(1 for d in docs if not d.body)}", file=sys.stderr)


if __name__ == "__main__":
    main()
