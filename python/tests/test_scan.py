"""reprint.scan against the CLI: the same records give the same JSON bytes."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

import reprint
from conftest import EXAMPLE, ROOT, cli_json, read_jsonl, run_cli, same_report


def test_example_feed_json_is_the_cli_json_byte_for_byte(cli: Path) -> None:
    records = read_jsonl(ROOT / EXAMPLE)
    report = reprint.scan(records, name=EXAMPLE)
    same_report(report.json(), cli_json(cli, EXAMPLE))
    same_report(report.json(pretty=True), cli_json(cli, "--pretty", EXAMPLE))
    # A real result, not two empty reports: the example has 30 reprint clusters.
    assert report.summary["articles"] == 300
    assert len(report.clusters) == report.summary["clusters"] == 30
    assert report.malformed == 0 and report.warnings == []
    steps = report.seconds
    assert list(steps) == ["lines", "read", "scan"] and all(v >= 0 for v in steps.values())


def test_generated_feed_json_is_the_cli_json_with_and_without_settings(
    cli: Path, generated: Path
) -> None:
    records = read_jsonl(generated)
    name = str(generated)
    same_report(reprint.scan(records, name=name).json(), cli_json(cli, name))
    tuned = reprint.scan(
        records, name=name, threshold=0.4, ngram_words=4, min_boilerplate_articles=3, threads=1
    )
    same_report(
        tuned.json(),
        cli_json(cli, "--threshold", "0.4", "--ngram-words", "4", "--min-boilerplate-articles", "3", name),
    )
    assert tuned.params["threshold"] == 0.4 and tuned.params["ngram_words"] == 4
    assert len(tuned.clusters) > 50


def test_renamed_fields_read_as_the_cli_reads_them(cli: Path, tmp_path: Path) -> None:
    renamed = [
        {"key": r["id"], "body": r["text"], "headline": r.get("title"), "outlet": r.get("source")}
        for r in read_jsonl(ROOT / EXAMPLE)
    ]
    path = tmp_path / "renamed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in renamed), encoding="utf-8")
    fields = dict(id_field="key", text_field="body", title_field="headline", source_field="outlet")
    report = reprint.scan(renamed, name=str(path), **fields)
    flags = [a for k, v in fields.items() for a in (f"--{k.replace('_', '-')}", v)]
    same_report(report.json(), cli_json(cli, *flags, str(path)))
    assert report.summary["clusters"] == 30
    # Read with the default field names, no record has a text.
    assert reprint.scan(renamed).summary["articles"] == 0


def test_a_dataframe_and_an_arrow_table_give_the_list_s_report() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    records = read_jsonl(ROOT / EXAMPLE)
    expected = reprint.scan(records).json()
    same_report(reprint.scan(pd.DataFrame(records)).json(), expected)
    same_report(reprint.scan(pa.Table.from_pylist(records)).json(), expected)
    # pandas reads an ISO date column as Timestamps: they are written back as ISO text, and a
    # missing id (NaN in the column) is a missing id.
    frame = pd.DataFrame(records)
    frame["date"] = pd.to_datetime(frame["date"])
    frame.loc[0, "id"] = None
    same = [dict(r, date=ts.isoformat()) for r, ts in zip(records, frame["date"])]
    del same[0]["id"]
    report = reprint.scan(frame)
    assert report.json() == reprint.scan(same).json()
    assert report.summary["articles"] == 300 and report.malformed == 0


def test_bare_strings_are_texts_with_positional_ids() -> None:
    records = read_jsonl(ROOT / EXAMPLE)
    texts = [r["text"] for r in records]
    report = reprint.scan(texts)
    # A str is a record with only its text, whose id is its position (record i: line i + 1).
    assert report.json() == reprint.scan([{"text": t} for t in texts]).json()
    ids = {m for c in report.clusters for m in c["members"]}
    assert len(ids) > 20 and all(re.fullmatch(r"<records>:\d+", i) for i in ids)
    # Each positional id names its record: a pair's span is the same passage in both texts.
    pair = next(p for p in report.pairs if p["kind"] == "reprint")
    a, b = (texts[int(pair[k].split(":")[1]) - 1].encode() for k in ("a", "b"))
    span = pair["spans"][0]
    assert a[span["a"][0] : span["a"][1]].split() == b[span["b"][0] : span["b"][1]].split()


def test_defaults_are_the_library_s_and_the_cli_s(cli: Path) -> None:
    params = json.loads(cli_json(cli, EXAMPLE))["params"]
    for k in (
        "ngram_words",
        "num_perms",
        "threshold",
        "containment_threshold",
        "evidence_containment",
        "min_repeat_words",
        "repeat_similarity",
        "min_boilerplate_articles",
        "boilerplate_coverage",
    ):
        assert reprint.DEFAULTS[k] == params[k], k
    # Every default appears in `reprint scan --help` under its flag.
    help_text = run_cli(cli, "scan", "--help").stdout.decode()
    for k, v in reprint.DEFAULTS.items():
        if k in ("threads", "keep", "keep_boilerplate", "min_boilerplate_words"):
            continue
        if k == "key_memory_bytes":
            assert "[default: 256]" in help_text.split("--key-memory")[1][:400]
            continue
        flag = "--" + k.replace("_", "-")
        assert flag in help_text, flag
        if not isinstance(v, bool):
            # The flag's own line ("--flag <VALUE>"), not a mention in another flag's help.
            after = help_text.split(flag + " <")[1][:600]
            assert f"[default: {v}]" in after, (flag, v)


def test_the_gil_is_released_while_the_scan_runs(generated: Path) -> None:
    records = read_jsonl(generated)
    window: list[float] = []

    def work() -> None:
        window.append(time.perf_counter())
        reprint.scan(records, threads=1)
        window.append(time.perf_counter())

    t = threading.Thread(target=work)
    ticks: list[float] = []
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    start, end = window
    inside = [x for x in ticks if start <= x <= end]
    assert end - start > 0.1, "the scan was too short to tell"
    # Held for the whole scan, the GIL would leave one gap as long as the scan; released,
    # this thread keeps running beside it.
    gaps = [b - a for a, b in zip([start, *inside], [*inside, end])]
    assert max(gaps) < 0.5 * (end - start), (max(gaps), end - start)
