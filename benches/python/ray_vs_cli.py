"""The Ray scan against the CLI on one feed, on one machine (issue 19): what Ray costs.

    python benches/python/ray_vs_cli.py FEED [--bin target/release/reprint] [--cpus 2]
        [--partitions 1 4] [--files 4]

The feed is split into ``--files`` JSONL files (whole lines, in order). Times, wall clock:
the CLI (``reprint scan --format json --quiet FILES``, a process, reading included); the
map kernel alone, in this process on one thread (``_reprint.map_jsonl`` over each file
cut into 4 slices: what the Ray tasks compute, without Ray); the reducer alone on those parts
(``_reprint.scan_parts``); the bytes of the parts; and ``reprint.ray.scan`` on a local Ray
(127.0.0.1, ``--cpus`` CPUs, started before the clock) at each ``--partitions``. Every report
is checked against the CLI's byte for byte, so a broken scan cannot look fast.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ray  # noqa: E402

import reprint  # noqa: E402
import reprint.ray  # noqa: E402
from reprint import _reprint  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("feed")
    ap.add_argument("--bin", default="target/release/reprint")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--partitions", type=int, nargs="+", default=[1, 4])
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, ray {ray.__version__}, cpus {os.cpu_count()}")

    lines = open(args.feed, "rb").read().splitlines(keepends=True)
    d = tempfile.mkdtemp(prefix="ray-bench-")
    files = []
    for k in range(args.files):
        path = os.path.join(d, f"part-{k}.jsonl")
        with open(path, "wb") as f:
            f.writelines(lines[k * len(lines) // args.files : (k + 1) * len(lines) // args.files])
        files.append(path)
    print(f"{len(lines)} articles in {args.files} files, {sum(map(len, lines)) / 1e6:.1f} MB")

    t = time.perf_counter()
    p = subprocess.run([args.bin, "scan", "--format", "json", "--quiet", *files], capture_output=True)
    cli_s = time.perf_counter() - t
    assert p.returncode in (0, 3), p.stderr.decode()
    want = p.stdout.decode()
    print(f"cli: {cli_s:.2f} s")

    # The map kernel alone: each file in 4 slices of whole lines, one thread.
    t = time.perf_counter()
    parts = []
    for k, path in enumerate(files):
        ls = open(path, "rb").read().splitlines(keepends=True)
        first = 1
        for i in range(4):
            chunk = ls[i * len(ls) // 4 : (i + 1) * len(ls) // 4]
            parts.append(_reprint.map_jsonl(path, k, first, b"".join(chunk), {"threads": 1}))
            first += len(chunk)
    map_s = time.perf_counter() - t
    t = time.perf_counter()
    got = _reprint.scan_parts(parts, {})
    reduce_s = time.perf_counter() - t
    assert got == want, "reducer report differs from the CLI's"
    part_mb = sum(map(len, parts)) / 1e6
    print(f"map kernel alone (1 thread, {len(parts)} slices): {map_s:.2f} s; parts {part_mb:.1f} MB")
    print(f"reducer alone (all threads): {reduce_s:.2f} s")

    t = time.perf_counter()
    ray.init(address="local", num_cpus=args.cpus, include_dashboard=False, log_to_driver=False,
             _node_ip_address="127.0.0.1")
    print(f"ray start: {time.perf_counter() - t:.2f} s")
    try:
        for n in args.partitions:
            t = time.perf_counter()
            got = reprint.ray.scan(files, partitions=n)
            s = time.perf_counter() - t
            assert got == want, f"ray report differs from the CLI's at {n} partitions"
            print(f"ray scan, {n} partitions: {s:.2f} s (identical to the CLI)")
    finally:
        ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
