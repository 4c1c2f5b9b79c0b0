"""Shared fixtures: the repository, the CLI binary the package is compared with, and a
generated feed (``reprint synth``) made once per test session."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "data/example/feed.jsonl"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The release binary built from this checkout (``REPRINT_BIN`` overrides the path)."""
    path = Path(os.environ.get("REPRINT_BIN", ROOT / "target" / "release" / "reprint"))
    if not path.is_file():
        pytest.fail(f"{path}: build the CLI first (cargo build --release)")
    return path


def run_cli(cli: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Runs the CLI from the repository root (so relative input names match)."""
    return subprocess.run([str(cli), *args], cwd=ROOT, capture_output=True, check=False)


def cli_json(cli: Path, *args: str) -> str:
    """``reprint scan --format json ARGS`` stdout; exit 0 or 3 (malformed input) only."""
    p = run_cli(cli, "scan", "--format", "json", "--quiet", *args)
    assert p.returncode in (0, 3), p.stderr.decode()
    return p.stdout.decode()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def generated(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated feed of 1,500 articles (bundled base stories, seed 3)."""
    d = tmp_path_factory.mktemp("synth")
    feed, truth = d / "feed.jsonl", d / "truth.json"
    p = run_cli(
        cli, "synth", "--seed", "3", "--articles", "1500", "--out", str(feed), "--truth", str(truth)
    )
    assert p.returncode == 0, p.stderr.decode()
    return feed
