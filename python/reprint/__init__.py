"""reprint: find near-duplicate text in syndicated news, from Python.

The same library as the ``reprint`` command line, over records held in Python::

    import reprint

    report = reprint.scan(records, text_field="body")
    report.clusters          # reprint clusters: canonical, members, via
    report.pairs             # verified pairs with their shared spans (byte offsets)
    report.json()            # the bytes ``reprint scan --format json`` prints

``records`` is a list of dicts (or strs: bare texts), a pandas DataFrame or a pyarrow Table.
Record ``i`` is read as the CLI reads line ``i + 1`` of a JSONL file named ``name`` (default
``"<records>"``): the same field names and renaming flags, a record
without an id gets the id ``name:i+1``, a repeated id gets ``#2``, and every record that
cannot be read is a counted warning in the report (``Report.warnings``, ``Report.malformed``),
never a crash. ``strict=True`` raises :class:`InputError` at the first one instead.

Settings are keyword arguments with the names of the library's ``Config`` fields (the CLI's
flags with ``_`` for ``-``); a setting left out keeps the library default, listed in
:data:`DEFAULTS`. The scan runs with the GIL released.
"""

from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any

from . import _reprint
from ._errors import ConfigError, InputError, ReprintError
from ._memory import release_memory as _release_memory

__all__ = [
    "scan",
    "clean",
    "Report",
    "Cleaned",
    "DEFAULTS",
    "ReprintError",
    "ConfigError",
    "InputError",
    "__version__",
]

__version__: str = _reprint.__version__

#: Every setting's default, read from the Rust library (``Config::default()``).
DEFAULTS: dict[str, Any] = dict(_reprint.defaults())

#: Settings only ``clean`` takes.
_CLEAN_ONLY = ("keep", "keep_boilerplate", "min_boilerplate_words")


def _records(articles: Any) -> Any:
    """The records of ``articles``: a sequence as it is, a pyarrow Table or RecordBatch as
    its rows (``to_pylist``), a pandas DataFrame as its rows (``to_dict("records")``). Found
    by what the object can do, so neither library is needed."""
    if isinstance(articles, (str, bytes, bytearray)):
        raise InputError(
            f"articles must be a sequence of records (dicts or strs), not one {type(articles).__name__}"
        )
    if isinstance(articles, Mapping):
        raise InputError("articles must be a sequence of records, not one dict; wrap it in a list")
    to_pylist = getattr(articles, "to_pylist", None)
    if callable(to_pylist) and hasattr(articles, "schema"):
        return to_pylist()
    to_dict = getattr(articles, "to_dict", None)
    if callable(to_dict) and hasattr(articles, "columns"):
        return to_dict("records")
    if isinstance(articles, (list, tuple)):
        return articles
    try:
        return list(articles)
    except TypeError:
        raise InputError(
            "articles must be a sequence of records (dicts or strs), a pandas DataFrame or a "
            f"pyarrow Table, not {type(articles).__name__}"
        ) from None


class Report:
    """The result of :func:`scan`: the CLI's JSON report, as text and as Python objects.

    The lists are those of the JSON report (see the README's report schema): ``repeats``,
    ``boilerplate``, ``pairs``, ``clusters`` and ``warnings`` are lists of dicts, ``summary``
    and ``params`` dicts. Offsets (``start``, ``end``, span ``a``/``b``) are byte offsets into
    the UTF-8 text of the article.
    """

    __slots__ = ("_native", "_dict")

    def __init__(self, native: Any) -> None:
        self._native = native
        self._dict: dict[str, Any] | None = None

    def json(self, pretty: bool = False) -> str:
        """The report exactly as ``reprint scan --format json`` prints it (``--pretty`` with
        ``pretty=True``), final line feed included."""
        return self._native.json(pretty)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python objects (``json.loads`` of :meth:`json`); a copy."""
        return _json.loads(self.json())

    def _parsed(self) -> dict[str, Any]:
        if self._dict is None:
            self._dict = _json.loads(self.json())
        return self._dict

    @property
    def version(self) -> int:
        """The report schema's version."""
        return self._parsed()["version"]

    @property
    def summary(self) -> dict[str, int]:
        """Counts: articles, repeats, boilerplate, pairs, reprint_pairs, partial_pairs,
        clusters, warnings."""
        return self._parsed()["summary"]

    @property
    def params(self) -> dict[str, Any]:
        """The settings the scan ran with (and the LSH bands and rows derived from them)."""
        return self._parsed()["params"]

    @property
    def repeats(self) -> list[dict[str, Any]]:
        """Runs of text repeated inside one article."""
        return self._parsed()["repeats"]

    @property
    def boilerplate(self) -> list[dict[str, Any]]:
        """Blocks of paragraphs that recur across many different stories."""
        return self._parsed()["boilerplate"]

    @property
    def pairs(self) -> list[dict[str, Any]]:
        """Verified pairs (reprints and partial reuse) with their shared spans."""
        return self._parsed()["pairs"]

    @property
    def clusters(self) -> list[dict[str, Any]]:
        """Reprint clusters: ``canonical``, ``members`` and the member each is linked ``via``."""
        return self._parsed()["clusters"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Records that were skipped or changed: ``file`` (the input's name), ``line``
        (record index + 1) and ``message``."""
        return self._parsed()["warnings"]

    @property
    def malformed(self) -> int:
        """How many warnings are about malformed input (the CLI exits with 3 when not 0);
        the others are about input with nothing to analyse, or a repeated id."""
        return self._native.malformed

    @property
    def seconds(self) -> dict[str, float]:
        """Wall-clock seconds of :func:`scan`'s steps: ``lines`` (records to JSON lines, with
        the GIL), ``read`` and ``scan`` (without it). Empty for :func:`clean`'s report."""
        return dict(self._native.seconds)

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<reprint.Report articles={s['articles']} clusters={s['clusters']} "
            f"pairs={s['pairs']} repeats={s['repeats']} boilerplate={s['boilerplate']} "
            f"warnings={s['warnings']}>"
        )


class Cleaned:
    """The result of :func:`clean`.

    ``records``: the kept records in input order, each as given (a dict is copied, never
    changed in place) with its text replaced by the cleaned text; a str record is the cleaned
    str. ``removed``: what ``reprint clean`` writes to its sidecar, as dicts: every removed
    article, every span cut from a kept one, every skipped record. ``counts``: the sidecar's
    summary (``records_in = kept + removed + skipped``). ``report``: the scan behind it.
    """

    __slots__ = ("records", "removed", "counts", "report")

    def __init__(
        self,
        records: list[Any],
        removed: list[dict[str, Any]],
        counts: dict[str, int],
        report: Report,
    ) -> None:
        self.records = records
        self.removed = removed
        self.counts = counts
        self.report = report

    def __repr__(self) -> str:
        c = self.counts
        return (
            f"<reprint.Cleaned records_in={c.get('records_in')} kept={c.get('kept')} "
            f"removed={c.get('removed')} skipped={c.get('skipped')}>"
        )


def scan(articles: Any, *, name: str = "<records>", **settings: Any) -> Report:
    """Scans ``articles`` for in-article repeats, boilerplate and reprint clusters.

    ``articles``: a list of dicts or strs (bare texts), a pandas DataFrame or a pyarrow
    Table. ``name``: what warnings and fallback ids call the input (the CLI uses the path).
    ``settings``: any of :data:`DEFAULTS` except ``keep``, ``keep_boilerplate`` and
    ``min_boilerplate_words`` (clean's); e.g. ``text_field="body"``, ``threshold=0.4``,
    ``threads=2`` (0: one per core).

    Raises :class:`ConfigError` for a bad setting, :class:`InputError` when ``articles`` is
    not a sequence of records (or, with ``strict=True``, at the first bad record), and
    ``TypeError`` for an unknown setting.
    """
    for k in _CLEAN_ONLY:
        if k in settings:
            raise TypeError(f"scan() got an unexpected keyword argument {k!r} (a clean() setting)")
    native = _reprint.scan(_records(articles), settings, name)
    # What the scan's threads freed goes back to the system, not kept as this process's heap.
    _release_memory()
    return Report(native)


def clean(articles: Any, *, name: str = "<records>", **settings: Any) -> Cleaned:
    """``reprint clean`` over ``articles``: removes reprints of kept articles (``keep``:
    ``"canonical"``, ``"all"`` or ``"longest"``), and cuts in-article repeats and boilerplate
    (``keep_boilerplate=True`` leaves boilerplate; ``min_boilerplate_words``: shortest run cut).
    Takes every setting :func:`scan` takes. Returns a :class:`Cleaned`.
    """
    records = _records(articles)
    native, kept, sidecar = _reprint.clean(records, settings, name)
    _release_memory()
    text_field = settings.get("text_field") or DEFAULTS["text_field"]
    out: list[Any] = []
    for index, text in kept:
        r = records[index]
        if isinstance(r, Mapping):
            r = dict(r)
            if text is not None:
                r[text_field] = text
        elif text is not None:
            r = text
        out.append(r)
    lines = [_json.loads(line) for line in sidecar.splitlines() if line]
    counts: dict[str, int] = {}
    if lines and lines[-1].get("kind") == "summary":
        counts = {k: v for k, v in lines.pop().items() if k != "kind"}
    return Cleaned(out, lines, counts, Report(native))
