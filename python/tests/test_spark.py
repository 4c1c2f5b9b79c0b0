"""The scan on Spark (``reprint.spark``, issue 19): a recipe CI does not run (``python/ci.sh``
installs no Spark). Where ``pyspark`` and Java are installed, a local Spark with 2 cores must
give the CLI's JSON byte for byte at 1, 3 and 8 partitions, and again after a Python worker
is killed in the middle of the map stage, of stage 4, of stage 6 or of stage 8 (Spark runs the
task again); on
Parquet files too;
and a DataFrame's scan must give ``reprint.scan``'s JSON for its rows."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark", reason="Spark is not installed (not part of CI)")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

import reprint.spark  # noqa: E402
from conftest import cli_json, feed_records, same_report, tree_of  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # Executors run this interpreter, which has reprint installed; a task may fail twice.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2,2]")
        .appName("reprint tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_the_spark_scan_is_the_cli_report(spark, feed: list[str], want: str, partitions: int) -> None:
    got = reprint.spark.scan(spark, feed, partitions=partitions)
    assert len(want) > 100_000
    same_report(got, want)


@pytest.mark.timeout(600)
def test_a_worker_killed_mid_stage_changes_nothing(
    spark, feed: list[str], want: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "killed"
    monkeypatch.setenv("REPRINT_SPARK_KILL_ONCE", str(marker))
    got = reprint.spark.scan(spark, feed, partitions=5)
    assert marker.exists(), "the fault was injected"
    assert "killed pid" in marker.read_text()
    same_report(got, want)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("stage", [4, 6, 8])
def test_a_worker_killed_in_a_handed_out_stage_changes_nothing(
    spark, feed: list[str], want: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    stage: int
) -> None:
    # The first task of stage 4 (band collisions), of stage 6 (pairs judged from their
    # texts) or of stage 8 (listed pairs aligned), on Spark, kills its own Python worker; Spark runs the task again, and its
    # result is the same.
    marker = tmp_path / f"killed-stage{stage}"
    monkeypatch.setenv(f"REPRINT_SPARK_KILL_ONCE_STAGE{stage}", str(marker))
    got = reprint.spark.scan(spark, feed, partitions=3)
    assert f"stage-{stage}" in marker.read_text()
    same_report(got, want)


def test_bad_settings_fail_before_any_task(spark, feed: list[str]) -> None:
    from reprint import ConfigError

    with pytest.raises(ConfigError):
        reprint.spark.scan(spark, feed, threshold=2.0)
    with pytest.raises(TypeError, match="a setting of clean"):
        reprint.spark.scan(spark, feed, keep="first")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("partitions", [1, 4])
def test_parquet_files_on_spark_are_cut_at_row_groups(spark, cli: Path, mixed: list[str], partitions: int) -> None:
    want = cli_json(cli, *mixed)
    assert any(w["file"] == mixed[1] and "null" in w["message"] for w in json.loads(want)["warnings"])
    same_report(reprint.spark.scan(spark, mixed, partitions=partitions), want)


FIELDS = ("id", "title", "text", "source", "date")


@pytest.fixture(scope="module")
def frame_rows(feed: list[str]) -> list[dict]:
    """The split feed's records (its malformed lines left out, its repeated ids kept), one
    text null and one missing its title."""
    rows = feed_records(feed)
    rows[10]["text"] = None
    rows[11]["title"] = None
    return [{k: r.get(k) for k in FIELDS} for r in rows]


def frame(spark, rows: list[dict], slices: int):
    """A DataFrame of ``rows`` in ``slices`` partitions, in order."""
    from pyspark.sql import Row

    rdd = spark.sparkContext.parallelize([Row(**r) for r in rows], slices)
    return spark.createDataFrame(rdd, ", ".join(f"{k} string" for k in FIELDS))


@pytest.mark.timeout(600)
@pytest.mark.parametrize("slices", [1, 3, 8])
def test_a_dataframe_scan_is_the_report_of_its_rows(spark, frame_rows: list[dict], slices: int) -> None:
    want = reprint.scan(frame_rows).json()
    summary = json.loads(want)["summary"]
    assert summary["articles"] > 2900 and summary["reprint_pairs"] > 1000
    assert summary["warnings"] >= 3  # the null text and two repeated ids
    df = frame(spark, frame_rows, slices)
    assert df.rdd.getNumPartitions() == slices
    same_report(reprint.spark.scan(spark, df), want)


@pytest.mark.timeout(600)
def test_a_dataframe_scan_survives_a_killed_worker_and_empty_partitions(
    spark, frame_rows: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    want = reprint.scan(frame_rows, name="feed").json()
    marker = tmp_path / "killed"
    monkeypatch.setenv("REPRINT_SPARK_KILL_ONCE", str(marker))
    same_report(reprint.spark.scan(spark, frame(spark, frame_rows, 5), name="feed"), want)
    assert "killed pid" in marker.read_text()
    monkeypatch.delenv("REPRINT_SPARK_KILL_ONCE")

    # Three rows in eight partitions (five of them empty), and no rows at all.
    few = frame_rows[:3]
    assert frame(spark, few, 8).rdd.glom().map(len).collect().count(0) == 5
    same_report(reprint.spark.scan(spark, frame(spark, few, 8)), reprint.scan(few).json())
    empty = spark.createDataFrame([], ", ".join(f"{k} string" for k in FIELDS))
    same_report(reprint.spark.scan(spark, empty), reprint.scan([]).json())


@pytest.mark.timeout(600)
def test_a_dataframe_read_from_parquet_is_the_report_of_its_collected_rows(
    spark, frame_rows: list[dict], tmp_path: Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    # Three files in row groups of 250, a body field under another name; Spark splits the
    # files into partitions of at most 256 KiB.
    for k in range(3):
        chunk = frame_rows[k * 1000 : (k + 1) * 1000 + (100 if k == 2 else 0)]
        table = pa.Table.from_pylist([{"key": r["id"], "body": r["text"], "source": r["source"]} for r in chunk])
        pq.write_table(table, tmp_path / f"f{k}.parquet", row_group_size=250)
    spark.conf.set("spark.sql.files.maxPartitionBytes", 256 * 1024)
    try:
        df = spark.read.parquet(str(tmp_path))
        assert df.rdd.getNumPartitions() > 3
        rows = [r.asDict() for r in df.collect()]
        settings = {"text_field": "body", "id_field": "key", "strict": False}
        want = reprint.scan(rows, **settings).json()
        assert json.loads(want)["summary"]["articles"] > 2900
        same_report(reprint.spark.scan(spark, df, **settings), want)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")


@pytest.mark.timeout(600)
def test_a_directory_on_spark_is_read_as_the_cli_reads_it(spark, cli: Path, mixed: list[str], tmp_path: Path) -> None:
    tree = tree_of(mixed, tmp_path / "tree")
    want = cli_json(cli, str(tree))
    assert json.loads(want)["summary"]["articles"] > 2900
    same_report(reprint.spark.scan(spark, tree, partitions=3), want)
