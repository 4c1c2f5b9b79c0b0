"""Bad input through Python: a counted warning naming the record, or a clear exception;
never a crash of the interpreter."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import reprint
from conftest import EXAMPLE, ROOT, cli_json, read_jsonl, same_report

GOOD = read_jsonl(ROOT / EXAMPLE)[:40]


def with_bad(bad: list) -> list:
    """GOOD with the bad records put after its first 3 records."""
    return GOOD[:3] + bad + GOOD[3:]


def test_json_representable_bad_records_warn_as_the_cli_warns(cli: Path, tmp_path: Path) -> None:
    bad = [
        {"id": "none-text", "text": None},
        {"id": "int-text", "text": 42},
        {"id": "no-text", "body": "the text is under another name"},
        {"id": ["a", "list"], "text": "An id that is a list gets a positional id."},
        {"id": "blank", "text": "   \n "},
        {"id": GOOD[0]["id"], "text": "A repeated id is renamed with #2."},
        {"text": "No id at all."},
    ]
    records = with_bad(bad)
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = reprint.scan(records, name=str(path))
    same_report(report.json(), cli_json(cli, str(path)))
    lines = [w["line"] for w in report.warnings]
    # Record i is line i + 1: the bad records are records 3..10.
    assert lines == [4, 5, 6, 7, 8, 9], report.warnings
    messages = " | ".join(w["message"] for w in report.warnings)
    for part in ("not a string", "no \"text\" field", "is empty", "duplicate id"):
        assert part in messages, part
    # None text, int text, missing text, list id: malformed; blank text and a repeated id
    # are not.
    assert report.malformed == 4
    assert report.summary["articles"] == 40 + 3


def test_values_json_cannot_hold_are_counted_warnings() -> None:
    bad = [
        {"id": "bytes-bad", "text": b"caf\xe9 not utf-8"},
        {"id": "lone-surrogate", "text": b"caf\xe9".decode("utf-8", "surrogateescape")},
        {"id": "inf", "text": "Some text.", "date": math.inf},
        {"id": object(), "text": "An id of an unknown type."},
        42,
        None,
        [1, 2, 3],
    ]
    report = reprint.scan(with_bad(bad))
    by_line = {w["line"]: w["message"] for w in report.warnings}
    assert sorted(by_line) == [4, 5, 6, 7, 8, 9, 10], report.warnings
    assert "not UTF-8 (invalid at byte 3)" in by_line[4]
    assert "lone surrogate" in by_line[5]
    assert "inf" in by_line[6] and "\"date\"" in by_line[6]
    assert "of type object" in by_line[7]
    assert "of type int, not a dict or a str" in by_line[8]
    assert "NoneType" in by_line[9] and "list" in by_line[10]
    assert all(w["file"] == "<records>" for w in report.warnings)
    assert report.malformed == 7
    assert report.summary["articles"] == 40


def test_valid_bytes_and_nan_are_read() -> None:
    records = [dict(r) for r in GOOD]
    records[0]["text"] = records[0]["text"].encode()
    records[1]["title"] = float("nan")  # pandas' missing value: no title
    assert reprint.scan(records).json() == reprint.scan(
        [dict(GOOD[0])] + [{k: v for k, v in GOOD[1].items() if k != "title"}] + GOOD[2:]
    ).json()


def test_strict_raises_at_the_first_bad_record() -> None:
    with pytest.raises(reprint.InputError) as e:
        reprint.scan(with_bad([{"id": "x", "text": None}]), strict=True)
    assert (e.value.index, e.value.line, e.value.file) == (3, 4, "<records>")
    assert "not a string" in str(e.value)
    # A record the package itself rejects, after one the reader rejects: the first wins.
    with pytest.raises(reprint.InputError) as e:
        reprint.scan(with_bad([{"id": "x"}, {"id": "y", "text": b"\xff"}]), strict=True)
    assert e.value.index == 3 and "no \"text\" field" in str(e.value)
    with pytest.raises(reprint.InputError) as e:
        reprint.scan(with_bad([{"id": "y", "text": b"\xff"}]), strict=True)
    assert e.value.index == 3 and "UTF-8" in str(e.value)
    assert isinstance(e.value, ValueError)
    # The first record itself, after rejected ones only: its own message, not "empty file".
    with pytest.raises(reprint.InputError, match="record is of type int") as e:
        reprint.scan([7, *GOOD], strict=True)
    assert e.value.index == 0
    # A blank text before a rejected record: the reader's warning comes first.
    with pytest.raises(reprint.InputError, match="is empty") as e:
        reprint.scan([{"id": "a", "text": "  "}, 7, *GOOD], strict=True)
    assert e.value.index == 0


@pytest.mark.parametrize(
    "articles, words",
    [
        ("one long string", "not one str"),
        (b"bytes", "not one bytes"),
        ({"id": "a", "text": "b"}, "not one dict"),
        (42, "not int"),
        (None, "not NoneType"),
    ],
)
def test_articles_that_are_not_a_sequence_of_records_raise(articles, words: str) -> None:
    with pytest.raises(reprint.InputError, match=words):
        reprint.scan(articles)


def test_bad_settings_raise_naming_the_setting() -> None:
    with pytest.raises(reprint.ConfigError, match=r"invalid threshold: 1.5 is not in \(0, 1\]") as e:
        reprint.scan(GOOD, threshold=1.5)
    assert e.value.name == "threshold" and isinstance(e.value, ValueError)
    with pytest.raises(reprint.ConfigError, match="expected a number, got str"):
        reprint.scan(GOOD, threshold="0.5")
    with pytest.raises(reprint.ConfigError, match="ngram_words: -1 is not a non-negative"):
        reprint.scan(GOOD, ngram_words=-1)
    with pytest.raises(reprint.ConfigError, match="ngram_words: expected an int, got bool"):
        reprint.scan(GOOD, ngram_words=True)
    with pytest.raises(reprint.ConfigError, match="text_field: expected a str"):
        reprint.scan(GOOD, text_field=3)
    with pytest.raises(TypeError, match="threshhold"):
        reprint.scan(GOOD, threshhold=0.4)
    with pytest.raises(TypeError, match="clean"):
        reprint.scan(GOOD, keep="all")
    with pytest.raises(reprint.ConfigError, match="keep"):
        reprint.clean(GOOD, keep="newest")


def test_nothing_to_read_is_an_empty_report_with_a_note() -> None:
    report = reprint.scan([])
    assert report.summary["articles"] == 0 and report.clusters == []
    assert [w["message"] for w in report.warnings] == ["empty file: no article read"]
    assert report.malformed == 0


def test_numpy_scalars_are_their_values() -> None:
    np = pytest.importorskip("numpy")
    records = [dict(r) for r in GOOD]
    plain = [dict(r) for r in GOOD]
    for i, r in enumerate(records):
        r["id"], plain[i]["id"] = np.int64(i), i
        r["text"] = np.str_(r["text"])
    records[0]["title"], plain[0]["title"] = np.float32(1.5), 1.5
    records[1]["title"], plain[1]["title"] = np.bool_(True), True
    report = reprint.scan(records)
    assert report.json() == reprint.scan(plain).json()
    assert report.malformed == 0 and report.summary["articles"] == 40
