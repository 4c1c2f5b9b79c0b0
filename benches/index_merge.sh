#!/usr/bin/env bash
# `reprint index merge` (issue 18): an index of DAYS daily segments of a generated feed
# (`synth --days`, all days but the last added one a day), then, before and after merging it
# (`--max-days SPAN`), a one-article `index query` (QUERIES repeats) and the `index add` of
# the last day, each on a copy; and the merge's own time and peak memory. The add's report
# after the merge must be byte-identical to the one before (checked), as must the cluster
# list. Times, user CPU and peak RSS from GNU time (/usr/bin/time).
#
#   benches/index_merge.sh [ARTICLES] [DAYS] [SPAN]    (defaults: 9300, 31, 10)
#   env: BIN (a reprint binary to measure; default: build and use target/release/reprint),
#        QUERIES (one-article query repeats, default 5)
#
# Needs python3 (to split the feed per day) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-9300}
days=${2:-31}
span=${3:-10}
queries=${QUERIES:-5}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
fi
bin=$(realpath "${BIN:-target/release/reprint}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$bin synth --seed 7 --articles "$articles" --days "$days" -o "$work/feed.jsonl" \
  --truth "$work/truth.json"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
days = {}
for line in open(f"{work}/feed.jsonl"):
    days.setdefault(json.loads(line)["date"][:10], []).append(line)
order = sorted(days)
for i, d in enumerate(order):
    with open(f"{work}/day-{i:03d}.jsonl", "w") as f:
        f.writelines(sorted(days[d], key=lambda l: json.loads(l)["date"]))
# One article of the last day, for the query latency.
with open(f"{work}/one.jsonl", "w") as f:
    f.write(days[order[-1]][0])
PY
t() { /usr/bin/time -f "%e s wall, %U s user, %M KB peak" "$@" 2>&1 >/dev/null | tail -1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
files=("$work"/day-*.jsonl)
last=${files[-1]}
echo "feed: $(wc -l < "$work/feed.jsonl") articles over ${#files[@]} days; last day $(wc -l < "$last") articles"
$bin index init "$work/ix" -q
for f in "${files[@]:0:${#files[@]}-1}"; do
  $bin index add "$work/ix" "$f" -q > /dev/null
done
measure() { # label index
  for i in $(seq "$queries"); do
    echo "$1 query one:  $(t $bin index query "$2" "$work/one.jsonl" -q --format json)"
  done
  local start end
  start=$(date +%s.%N)
  for i in $(seq 20); do
    $bin index query "$2" "$work/one.jsonl" -q --format json > /dev/null
  done
  end=$(date +%s.%N)
  echo "$1 query one, 20 in a row: $(python3 -c "print(f'{($end - $start) / 20 * 1000:.1f} ms each')")"
  rm -rf "$work/add"
  cp -r "$2" "$work/add"
  echo "$1 add last day: $(t $bin index add "$work/add" "$last" -q --format json)"
}
echo "before: $($bin index stats "$work/ix" | sed -n 2p)"
measure before "$work/ix"
$bin index clusters "$work/ix" --format json > "$work/clusters-before.json"
cp -r "$work/ix" "$work/before"
$bin index add "$work/before" "$last" -q --format json > "$work/add-before.json"
echo "merge --max-days $span: $(t $bin index merge "$work/ix" --max-days "$span")"
echo "after:  $($bin index stats "$work/ix" | sed -n 2p)"
$bin index check "$work/ix"
measure after "$work/ix"
$bin index clusters "$work/ix" --format json > "$work/clusters-after.json"
cmp "$work/clusters-before.json" "$work/clusters-after.json"
cp -r "$work/ix" "$work/after"
$bin index add "$work/after" "$last" -q --format json > "$work/add-after.json"
cmp "$work/add-before.json" "$work/add-after.json"
echo "cluster list and the last day's add report byte-identical before and after the merge"
