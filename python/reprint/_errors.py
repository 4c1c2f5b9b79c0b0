"""The exceptions the package raises; the native module raises them too."""

from __future__ import annotations


class ReprintError(Exception):
    """Base class of every error the package raises on purpose."""


class ConfigError(ReprintError, ValueError):
    """A setting is out of range or of the wrong type; ``name`` is the setting."""

    name: str = ""


class InputError(ReprintError, ValueError):
    """The input cannot be scanned: not a sequence of records, or (with ``strict=True``) a
    bad record. ``index`` is the 0-based position of the record (``line`` = ``index + 1``, as
    in warnings and fallback ids) and ``file`` the input's name, when known."""

    file: str | None = None
    line: int | None = None
    index: int | None = None
