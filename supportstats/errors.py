"""Errors a user can act on.

Every error carries a one-line ``message`` (what went wrong and where) and a ``hint`` (how to
fix it). The CLI prints them as ``Error: ...`` and ``Hint: ...`` on stderr and exits non-zero;
library callers catch :class:`SupportStatsError`.
"""

from __future__ import annotations


class SupportStatsError(Exception):
    """Base class of every error supportstats raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class InputFileError(SupportStatsError):
    """A file to import is missing, unreadable or not in the expected shape."""

    exit_code = 2


class WarehouseError(SupportStatsError):
    """The DuckDB warehouse cannot be opened (not one, damaged, busy past the wait), a write
    to it failed (a full disk), or it has an unknown schema version."""

    exit_code = 3


class OptionError(SupportStatsError):
    """A command-line or API option has a value that cannot be used."""

    exit_code = 2


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse (an import writing it, or a reader while an import
    wants to write) and did not let go within the wait; ``holder`` says who."""

    def __init__(self, message: str, hint: str = "", *, holder: object = None) -> None:
        super().__init__(message, hint)
        self.holder = holder  # a supportstats.warehouse_lock.Holder


class Interrupted(SupportStatsError):
    """The user pressed Ctrl-C (SIGINT); the shell's convention is exit 128 + 2."""

    exit_code = 130


def is_duckdb_error(exc: BaseException) -> bool:
    """Whether DuckDB raised ``exc`` (told by its module, so that duckdb need not be
    imported to ask)."""
    return type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb")
