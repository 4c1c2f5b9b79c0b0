"""What the input benchmarks (``ray_inputs.py``, ``spark_inputs.py``) share: the CLI run,
the feed written as Parquet, the table of results. Needs pyarrow only."""

from __future__ import annotations

import json
import subprocess
import time

import pyarrow as pa
import pyarrow.parquet as pq


COLUMNS = ("id", "title", "text", "source", "date")


def cli(binary: str, path: str) -> tuple[float, str]:
    t = time.perf_counter()
    p = subprocess.run([binary, "scan", "--format", "json", "--quiet", path], capture_output=True, check=False)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 3):
        raise SystemExit(f"reprint scan {path}: exit {p.returncode}: {p.stderr.decode()[-2000:]}")
    return wall, p.stdout.decode()


def to_parquet(feed: str, out: str, group_rows: int) -> int:
    """FEED's records as a Parquet file of string columns; returns the rows written."""
    rows = []
    with open(feed, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows.append({k: (None if r.get(k) is None else str(r[k])) for k in COLUMNS})
    schema = pa.schema([(k, pa.string()) for k in COLUMNS])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out, row_group_size=group_rows)
    return len(rows)


def print_table(results: list[tuple[str, float, str]]) -> int:
    """The results as a Markdown table on stdout; 1 when a report differed from its
    reference, else 0."""
    print("| run | wall s | report |")
    print("|---|---|---|")
    for name, wall, check in results:
        print(f"| {name} | {wall:.2f} | {check} |")
    return 0 if all(c != "DIFFERS" for _, _, c in results) else 1


