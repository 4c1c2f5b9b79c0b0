"""The Ray scan's other inputs against one-machine scans (issue 19): Parquet files and Ray
Datasets.

    python benches/python/ray_inputs.py FEED [--bin target/release/reprint] [--cpus 2]
        [--partitions 4 8] [--group-rows 10000]

FEED (JSONL) is written as Parquet with pyarrow (the columns id, title, text, source, date;
row groups of ``--group-rows`` rows; Snappy) in a directory of this run. Times, wall clock:

- the CLI on the JSONL and on the Parquet file (``reprint scan --format json --quiet``, a
  process, reading included); the Parquet report is the reference of the next line;
- ``reprint.ray.scan([PARQUET])`` on a local Ray (127.0.0.1, ``--cpus`` CPUs, no dashboard,
  usage stats off, started and warmed up before the clock) at each ``--partitions``: ranges of
  row groups read by the CLI's reader in Ray tasks;
- ``reprint.scan(rows)`` in this process, ``rows`` the Dataset's ``take_all()`` (the
  reference of the next line; the rows' conversion to Python objects is not timed);
- ``reprint.ray.scan(ds)`` at each ``--partitions``, ``ds`` the Parquet file's row groups as a
  materialized Ray Dataset (``ray.data.from_arrow``; materialized before the clock).

Every report is checked against its reference byte for byte, so a broken scan cannot look
fast. Ray is stopped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import pyarrow.parquet as pq  # noqa: E402
import ray  # noqa: E402

import reprint  # noqa: E402
import reprint.ray  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inputs_common import cli, print_table, to_parquet  # noqa: E402

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("feed")
    ap.add_argument("--bin", default="target/release/reprint")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--partitions", type=int, nargs="+", default=[4, 8])
    ap.add_argument("--group-rows", type=int, default=10_000)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="reprint-ray-inputs-")
    parquet = os.path.join(tmp, "feed.parquet")
    rows = to_parquet(args.feed, parquet, args.group_rows)
    groups = pq.ParquetFile(parquet).num_row_groups
    print(f"feed {args.feed}: {rows} rows; parquet {os.path.getsize(parquet) / 1e6:.1f} MB, "
          f"{groups} row groups", file=sys.stderr)
    results: list[tuple[str, float, str]] = []

    wall, _ = cli(args.bin, args.feed)
    results.append(("CLI, JSONL", wall, "reference of nothing"))
    wall, want = cli(args.bin, parquet)
    results.append(("CLI, Parquet", wall, "reference"))

    ray.init(address="local", num_cpus=args.cpus, include_dashboard=False, log_to_driver=False,
             _node_ip_address="127.0.0.1")
    try:
        # Warm-up: workers started, the package imported in them.
        small = os.path.join(tmp, "small.parquet")
        pq.write_table(pq.read_table(parquet).slice(0, 200), small, row_group_size=50)
        reprint.ray.scan([small], partitions=args.cpus)
        for p in args.partitions:
            t = time.perf_counter()
            got = reprint.ray.scan([parquet], partitions=p)
            wall = time.perf_counter() - t
            results.append((f"reprint.ray.scan(parquet), {p} partitions", wall,
                            "== CLI, Parquet" if got == want else "DIFFERS"))

        files = pq.ParquetFile(parquet)
        tables = [files.read_row_group(g) for g in range(files.num_row_groups)]
        ds = ray.data.from_arrow(tables).materialize()
        records = ds.take_all()
        t = time.perf_counter()
        reference = reprint.scan(records).json()
        results.append(("reprint.scan(rows), this process", time.perf_counter() - t, "reference"))
        del records
        for p in args.partitions:
            t = time.perf_counter()
            got = reprint.ray.scan(ds, partitions=p)
            wall = time.perf_counter() - t
            results.append((f"reprint.ray.scan(Dataset), {p} splits", wall,
                            "== reprint.scan(rows)" if got == reference else "DIFFERS"))
    finally:
        ray.shutdown()

    return print_table(results)


if __name__ == "__main__":
    sys.exit(main())
