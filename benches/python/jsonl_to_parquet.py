"""JSONL feed -> Parquet with pyarrow, for benches/results/parquet-2026-12-02.md (issue 19).
usage: jsonl_to_parquet.py IN.jsonl OUT.parquet [snappy|zstd|gzip|lz4] [large]
Columns id, title, text, source, date as strings (large: large_string); nulls where missing."""
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
src, dst = sys.argv[1], sys.argv[2]
codec = sys.argv[3] if len(sys.argv) > 3 else "snappy"
large = len(sys.argv) > 4 and sys.argv[4] == "large"
cols = {k: [] for k in ("id", "title", "text", "source", "date")}
with open(src, encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        r = json.loads(line)
        for k in cols:
            cols[k].append(r.get(k))
t = pa.large_string() if large else pa.string()
table = pa.table({k: pa.array(v, type=t) for k, v in cols.items()})
pq.write_table(table, dst, compression=codec)
