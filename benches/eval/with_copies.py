#!/usr/bin/env python3
"""A feed with exact copies of some of its articles appended (the same record under the id
`<id>-again`), and its truth with each copy beside its original, as a crawl that fetched
pages again holds them. For `reprint eval` on feeds with copies
(benches/results/quality-2026-12-07-counted-once.md).

    python3 benches/eval/with_copies.py FEED TRUTH OUT_FEED OUT_TRUTH [--only-ocr] [--subset S]

`TRUTH` is a `reprint synth` truth (or the ICDAR set's truth.json), or `-` for none (then
`OUT_TRUTH` is not written); `--only-ocr` copies only the articles the truth lists as OCR'd,
otherwise every article is copied once. A copy joins its original's story; an original in no
story forms one with its copy. Its repeats, furniture, OCR entry and boilerplate carriers are
its original's. `--subset S` sets each copy's `subset` field, so that `score.py`, which scores
the Helsinki feed's records of subset `helsinki`, scores the originals of a feed that holds
copies (a data directory with this feed in place of the original).
"""

import argparse
import json


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("feed")
    ap.add_argument("truth")
    ap.add_argument("out_feed")
    ap.add_argument("out_truth")
    ap.add_argument("--only-ocr", action="store_true", help="copy only the OCR'd articles")
    ap.add_argument("--subset", help="the copies' subset field")
    args = ap.parse_args()

    truth = {"clusters": []}
    if args.truth != "-":
        with open(args.truth, encoding="utf-8") as f:
            truth = json.load(f)
    with open(args.feed, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    ocr = {o["article"] for o in truth.get("ocr", [])}
    copy_of = {}
    with open(args.out_feed, "w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r) + "\n")
        for r in records:
            if args.only_ocr and r["id"] not in ocr:
                continue
            c = dict(r, id=r["id"] + "-again")
            if args.subset is not None:
                c["subset"] = args.subset
            copy_of[r["id"]] = c["id"]
            out.write(json.dumps(c) + "\n")

    truth["articles"] = len(records) + len(copy_of)
    in_story = set()
    for c in truth["clusters"]:
        c["members"] += [copy_of[m] for m in c["members"] if m in copy_of]
        in_story.update(c["members"])
    for original, copy in copy_of.items():
        if original not in in_story:
            truth["clusters"].append(
                {"story": "copy-" + original, "canonical": original, "members": [original, copy]}
            )
    for key in ("ocr", "furniture", "repeats"):
        truth[key] = truth.get(key, []) + [
            dict(x, article=copy_of[x["article"]]) for x in truth.get(key, []) if x["article"] in copy_of
        ]
    for b in truth.get("boilerplate", []):
        b["ids"] += [copy_of[i] for i in b["ids"] if i in copy_of]
    if args.truth != "-":
        with open(args.out_truth, "w", encoding="utf-8") as f:
            json.dump(truth, f)
    print(f"{len(records)} articles, {len(copy_of)} copies", flush=True)


if __name__ == "__main__":
    main()
