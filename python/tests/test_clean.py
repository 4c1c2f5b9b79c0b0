"""reprint.clean against `reprint clean`: the same records kept, the same text cut, the same
sidecar."""

from __future__ import annotations

from pathlib import Path

import reprint
from conftest import EXAMPLE, ROOT, read_jsonl, run_cli


def cli_clean(cli: Path, tmp_path: Path, *flags: str) -> tuple[list[dict], list[dict]]:
    out, side = tmp_path / "out.jsonl", tmp_path / "removed.jsonl"
    p = run_cli(cli, "clean", "--quiet", "-o", str(out), "--removed", str(side), *flags, EXAMPLE)
    assert p.returncode in (0, 3), p.stderr.decode()
    return read_jsonl(out), read_jsonl(side)


def test_clean_keeps_cuts_and_lists_what_the_cli_does(cli: Path, tmp_path: Path) -> None:
    records = read_jsonl(ROOT / EXAMPLE)
    for flags, settings in [
        ((), {}),
        (("--keep", "longest", "--keep-boilerplate"), {"keep": "longest", "keep_boilerplate": True}),
    ]:
        kept, sidecar = cli_clean(cli, tmp_path, *flags)
        cleaned = reprint.clean(records, name=EXAMPLE, **settings)
        assert cleaned.records == kept, flags
        summary = sidecar.pop()
        assert summary.pop("kind") == "summary"
        assert cleaned.removed == sidecar and cleaned.counts == summary
        c = cleaned.counts
        assert c["records_in"] == c["kept"] + c["removed"] + c["skipped"] == 300
        assert c["removed"] > 0 and c["kept"] == len(cleaned.records)
    # The default cuts text from kept articles; the input records are not changed.
    cleaned = reprint.clean(records, name=EXAMPLE)
    assert cleaned.counts["bytes_cut"] > 0
    assert records == read_jsonl(ROOT / EXAMPLE)
    shorter = [r for r in cleaned.records if r["text"] != next(
        x["text"] for x in records if x["id"] == r["id"])]
    assert shorter and all(len(r["text"]) > 0 for r in shorter)


def test_clean_of_bare_strings_returns_strings() -> None:
    texts = [r["text"] for r in read_jsonl(ROOT / EXAMPLE)]
    cleaned = reprint.clean(texts)
    assert all(isinstance(t, str) for t in cleaned.records)
    assert len(cleaned.records) == cleaned.counts["kept"] < len(texts)
    assert all(r["id"].startswith("<records>:") for r in cleaned.removed)
