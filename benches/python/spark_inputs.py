#!/usr/bin/env python3
"""The Spark scan's other inputs against one-machine scans (issue 19): a Parquet file and a
DataFrame read from it.

    python benches/python/spark_inputs.py FEED [--bin target/release/reprint]
        [--partitions 4 8] [--group-rows 10000]

FEED (JSONL) is written as Parquet (``inputs_common.to_parquet``: string columns id, title,
text, source, date; row groups of ``--group-rows`` rows) in a directory of this run. Times,
wall clock, on a local Spark (``local[2]``, driver memory 6g, ``maxResultSize`` unbounded,
UI off; the session started and a small scan run before the clock):

- the CLI on the Parquet file (``reprint scan --format json --quiet``, a process); the
  reference of the next line;
- ``reprint.spark.scan(spark, [PARQUET])`` at each ``--partitions``: ranges of row groups read
  by the CLI's reader in Spark tasks;
- ``reprint.scan(rows)`` in this process, ``rows`` the DataFrame's ``collect()`` as dicts (the
  reference of the next lines; the collect is not timed);
- ``reprint.spark.scan(spark, df)`` with ``df = spark.read.parquet(PARQUET)`` repartitioned
  to nothing: Spark's own file splits (``spark.sql.files.maxPartitionBytes`` set so there
  are about ``--partitions`` of them), the DataFrame pinned, counted and mapped in the clock.

Every report is checked against its reference byte for byte. Needs ``pyspark``, Java, pyarrow
and the reprint wheel in one environment.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import pyarrow.parquet as pq

import reprint
import reprint.spark

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inputs_common import cli, print_table, to_parquet  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("feed")
    ap.add_argument("--bin", default="target/release/reprint")
    ap.add_argument("--partitions", type=int, nargs="+", default=[4, 8])
    ap.add_argument("--group-rows", type=int, default=10_000)
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    # The executors run this interpreter, which has the reprint wheel.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    tmp = tempfile.mkdtemp(prefix="reprint-spark-inputs-")
    parquet = os.path.join(tmp, "feed.parquet")
    rows = to_parquet(args.feed, parquet, args.group_rows)
    size = os.path.getsize(parquet)
    print(f"feed {args.feed}: {rows} rows; parquet {size / 1e6:.1f} MB, "
          f"{pq.ParquetFile(parquet).num_row_groups} row groups", file=sys.stderr)
    results: list[tuple[str, float, str]] = []
    wall, want = cli(args.bin, parquet)
    results.append(("CLI, Parquet", wall, "reference"))

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.memory", "6g")
        .config("spark.driver.maxResultSize", "0")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        small = os.path.join(tmp, "small.parquet")
        pq.write_table(pq.read_table(parquet).slice(0, 200), small, row_group_size=50)
        reprint.spark.scan(spark, [small], partitions=2)
        reprint.spark.scan(spark, spark.read.parquet(small))
        for p in args.partitions:
            t = time.perf_counter()
            got = reprint.spark.scan(spark, [parquet], partitions=p)
            wall = time.perf_counter() - t
            results.append((f"reprint.spark.scan(parquet), {p} partitions", wall,
                            "== CLI, Parquet" if got == want else "DIFFERS"))
        for p in args.partitions:
            spark.conf.set("spark.sql.files.maxPartitionBytes", max(1 << 20, size // p + 1))
            df = spark.read.parquet(parquet)
            n = df.rdd.getNumPartitions()
            records = [r.asDict() for r in df.collect()]
            t = time.perf_counter()
            reference = reprint.scan(records).json()
            once = time.perf_counter() - t
            del records
            if p == args.partitions[0]:
                results.append(("reprint.scan(rows), this process", once, "reference"))
            t = time.perf_counter()
            got = reprint.spark.scan(spark, df)
            wall = time.perf_counter() - t
            results.append((f"reprint.spark.scan(DataFrame), {n} partitions", wall,
                            "== reprint.scan(rows)" if got == reference else "DIFFERS"))
    finally:
        spark.stop()

    return print_table(results)


if __name__ == "__main__":
    sys.exit(main())
