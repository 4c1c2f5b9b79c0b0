#!/usr/bin/env bash
# CI for the Python package (issue 19), called by .ci/run and runnable on its own from any
# directory: fmt and clippy of the extension crate, the wheel built by maturin into a virtual
# environment under the repository (.venv-ci, git-ignored), and the pytest suite, which compares
# the package's JSON with the CLI's (target/release/reprint, built here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the build tool, the test runner, and the two libraries the tests feed the package
# (pandas, pyarrow: optional for users, exercised here); Ray Data for the distributed scan's
# test (reprint.ray; ~620 MB) and pytest-timeout, which bounds each of its tests.
PIP_PINS=(maturin==1.9.6 pytest==8.4.2 numpy==2.4.6 pandas==3.1.1 pyarrow==26.0.1
  "ray[data]==2.60.0" pytest-timeout==2.4.0)
VENV=.venv-ci

echo "== python: cargo fmt --check (python/)"
cargo fmt --manifest-path python/Cargo.toml -- --check

# --locked, as fuzz/ builds: python/Cargo.lock also pins the root crate's dependencies, so a
# dependency added at the root needs python/Cargo.lock refreshed (`cargo check
# --manifest-path python/Cargo.toml` without --locked does it).
echo "== python: cargo clippy -D warnings (python/)"
cargo clippy --manifest-path python/Cargo.toml --locked --all-targets -- -D warnings

echo "== python: the CLI the tests compare with"
cargo build --locked --release --bin reprint

echo "== python: virtual environment $VENV"
if ! command -v python3 >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || {
    # Debian's python3 keeps venv's pip bootstrap in a separate package.
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv
    python3 -m venv "$VENV"
  }
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${PIP_PINS[@]}"

echo "== python: build and install the wheel"
rm -rf python/target/wheels
"$VENV/bin/maturin" build --release --locked --manifest-path python/Cargo.toml --out python/target/wheels
"$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps python/target/wheels/reprint-*.whl

echo "== python: pytest"
# The pytest script, not `python -m pytest`: the latter puts the working directory on sys.path,
# where python/reprint (without its native module) would shadow the installed package.
# test_ray.py starts a local Ray (127.0.0.1, 2 CPUs, no dashboard, usage stats off) and shuts
# it down in a fixture finalizer; Ray keeps its files under a directory of this run only, so
# that if pytest itself is killed (the timeout below), the processes still running from that
# directory are this run's Ray and are stopped one by one, and nobody else's Ray is touched.
export RAY_USAGE_STATS_ENABLED=0
RAY_TMPDIR="$(mktemp -d /tmp/reprint-ci-ray.XXXXXX)"
export RAY_TMPDIR
stop_ray() {
  local pid
  for pid in $(pgrep -f -- "$RAY_TMPDIR" || true); do
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$RAY_TMPDIR"
}
trap stop_ray EXIT
REPRINT_BIN="$PWD/target/release/reprint" timeout -k 30 1500 \
  "$VENV/bin/pytest" -q -p no:cacheprovider python/tests
echo "python: ok"
