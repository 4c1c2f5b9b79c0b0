"""The scan on Spark (``reprint.spark``, issue 19): a recipe CI does not run (``python/ci.sh``
installs no Spark). Where ``pyspark`` and Java are installed, a local Spark with 2 cores must
give the CLI's JSON byte for byte at 1, 3 and 8 partitions, and again after a Python worker
is killed in the middle of the map stage (Spark runs the task again)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark", reason="Spark is not installed (not part of CI)")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

import reprint.spark  # noqa: E402
from conftest import same_report  # noqa: E402


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


def test_bad_settings_fail_before_any_task(spark, feed: list[str]) -> None:
    from reprint import ConfigError

    with pytest.raises(ConfigError):
        reprint.spark.scan(spark, feed, threshold=2.0)
    with pytest.raises(TypeError, match="a setting of clean"):
        reprint.spark.scan(spark, feed, keep="first")
