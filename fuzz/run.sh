#!/usr/bin/env bash
# Runs reprint's AFL++ targets (issue 17) for a bounded time each, from the committed seeds, and
# fails when any target found a crash (a panic or a broken invariant in src/check.rs).
#
#   fuzz/run.sh SECONDS [TARGET...]     default targets: all six
#
# Installs cargo-afl from crates.io when it is missing (it builds AFL++ on stable Rust). Output
# goes to fuzz/out/TARGET (crashes in fuzz/out/TARGET/default/crashes); a crash is copied to
# fuzz/out/crashes/TARGET-N for replaying (`cargo afl run`, or put it under fuzz/regressions/).
set -euo pipefail
cd "$(dirname "$0")"

secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(jsonl text feed compressed stdin scan)

if ! cargo afl --version >/dev/null 2>&1; then
  # Building AFL++ needs make and a C compiler; a clean Debian CI machine (root) may lack make.
  if ! command -v make >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make
  fi
  cargo install cargo-afl --locked
fi
# AFL++ itself is built once per toolchain (cargo-afl's install does it; this is the fallback,
# which fails with "already built" when there is nothing to do).
if ! out=$(cargo afl config --build 2>&1) && ! grep -q "already built" <<<"$out"; then
  echo "$out"; exit 1
fi
cargo afl build --release --locked

# A CI machine or a shared box: no CPU governor or core-pattern settings to insist on, no
# screen, no binding to a core another job holds.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export AFL_FAST_CAL=1
# The checks write each input to a scratch file; keep those (and any left behind by a child
# AFL restarts) in one place that is removed at the end.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/reprint-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

mkdir -p out/crashes
found=0
for t in "${targets[@]}"; do
  rm -rf "out/$t"
  echo "== fuzz $t for ${secs}s"
  TMPDIR="$scratch" cargo afl fuzz -V "$secs" -t 2000 -i "corpus/$t" -o "out/$t" \
    "target/release/$t" > "out/$t.log" 2>&1 || {
    echo "afl-fuzz failed on $t:"; tail -30 "out/$t.log"; exit 1;
  }
  stats="out/$t/default/fuzzer_stats"
  grep -E '^(execs_done|execs_per_sec|corpus_count|edges_found|total_edges|bitmap_cvg|stability|saved_crashes|saved_hangs) ' "$stats" |
    tr -s ' ' | tr '\n' ' '
  echo
  n=0
  for c in "out/$t/default/crashes/"id:*; do
    [ -e "$c" ] || continue
    n=$((n + 1))
    cp "$c" "out/crashes/$t-$n"
    echo "CRASH in $t: out/crashes/$t-$n"
  done
  found=$((found + n))
done
if [ "$found" -gt 0 ]; then
  echo "fuzz: $found crash(es); replay one with: fuzz/target/release/TARGET < fuzz/out/crashes/TARGET-N"
  exit 1
fi
echo "fuzz: no crashes"
