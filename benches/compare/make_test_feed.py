#!/usr/bin/env python3
"""Small feed + truth for smoke-testing run.sh/score.py until the project's generator exists.

Usage: make_test_feed.py SOURCE.jsonl N OUT_FEED.jsonl OUT_TRUTH.json [--seed S]

Takes the first N source records with at least 150 words; every third one gets 1-3
copies: (a) a local intro sentence added, (b) the last quarter of the words cut,
(c) about one word in twenty-five replaced. Output order is shuffled; the truth lists
each original with its copies as one cluster, in the project's truth format
{"clusters": [{"canonical": ID, "members": [IDs]}]}.
"""
import json
import random
import sys


def main() -> None:
    args = sys.argv[1:]
    seed = 7
    if "--seed" in args:
        k = args.index("--seed")
        seed = int(args[k + 1])
        del args[k : k + 2]
    src, n, out_feed, out_truth = args[0], int(args[1]), args[2], args[3]
    rng = random.Random(seed)
    base = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if isinstance(rec.get("text"), str) and len(rec["text"].split()) >= 150:
                base.append(rec)
                if len(base) == n:
                    break
    feed, clusters = [], []
    for k, rec in enumerate(base):
        feed.append({"id": rec["id"], "text": rec["text"], "source": "orig", "date": "2020-01-01"})
        if k % 3:
            continue
        members = [rec["id"]]
        words = rec["text"].split(" ")
        variants = [
            "Local officials said on Monday that they were watching the story closely. " + rec["text"],
            " ".join(words[: int(len(words) * 0.75)]),
            " ".join(w if rng.random() > 0.04 else "changed" for w in words),
        ]
        for j in range(rng.randint(1, 3)):
            cid = f"{rec['id']}-copy{j + 1}"
            feed.append({"id": cid, "text": variants[j], "source": f"outlet{j + 1}", "date": "2020-01-02"})
            members.append(cid)
        clusters.append({"canonical": rec["id"], "members": members})
    rng.shuffle(feed)
    with open(out_feed, "w", encoding="utf-8") as f:
        for rec in feed:
            f.write(json.dumps(rec) + "\n")
    with open(out_truth, "w", encoding="utf-8") as f:
        json.dump({"clusters": clusters}, f)
    print(f"{len(feed)} articles, {len(clusters)} truth clusters", file=sys.stderr)


if __name__ == "__main__":
    main()
