#!/usr/bin/env bash
# Times `reprint index add` of the last days of a generated feed to an index holding the days
# before, against `reprint scan` over the whole window, in the same run (issue 18). Also a
# one-article `query`, and the index's size on disk against the input's.
#
#   benches/index.sh [ARTICLES] [LAST_DAYS]     (defaults: 18000 articles, the last 5 days)
#
# The bundled base stories make about 18,000 articles at most; a larger run needs `--base`.
# Needs python3 (to split the feed by day) and GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-18000}
last=${2:-5}
bin=target/release/reprint
cargo build --release --locked -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$bin synth --seed 7 --articles "$articles" -o "$work/feed.jsonl" --truth "$work/truth.json"
python3 - "$work" "$last" <<'PY'
import json, sys
work, last = sys.argv[1], int(sys.argv[2])
rows = [(json.loads(l)["date"][:10], l) for l in open(f"{work}/feed.jsonl")]
rows.sort(key=lambda r: r[0])
days = sorted({d for d, _ in rows})
cut = days[-last]
with open(f"{work}/history.jsonl", "w") as h, open(f"{work}/batch.jsonl", "w") as b, \
     open(f"{work}/window.jsonl", "w") as w:
    for d, l in rows:
        (b if d >= cut else h).write(l)
        w.write(l)
    # One article of the batch, for the query latency.
with open(f"{work}/one.jsonl", "w") as o:
    o.write(next(l for d, l in rows if d >= cut))
PY
count() { wc -l < "$1" | tr -d ' '; }
t() { /usr/bin/time -f "%e s, peak %M KB" "$@" 2>&1 >/dev/null | tail -1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "window: $(count "$work/window.jsonl") articles, $(du -k "$work/window.jsonl" | cut -f1) KB of JSONL"
echo "history: $(count "$work/history.jsonl") articles; batch (last $last days): $(count "$work/batch.jsonl") articles"
$bin index init "$work/ix" -q
echo "index add history: $(t $bin index add "$work/ix" "$work/history.jsonl" -q)"
echo "index size: $(du -k "$work/ix" | cut -f1) KB"
echo "scan window:       $(t $bin scan "$work/window.jsonl" -q --format json)"
cp -r "$work/ix" "$work/ix2"
echo "index add batch:   $(t $bin index add "$work/ix2" "$work/batch.jsonl" -q --format json)"
for i in 1 2 3 4 5; do
  echo "index query one:   $(t $bin index query "$work/ix" "$work/one.jsonl" -q --format json)"
done
$bin index stats "$work/ix2"
