"""Importers: one module per source, found automatically.

Every public module in this package that defines ``SOURCE``, ``DESCRIPTION``, ``sniff(probe)``
and ``load(ctx)`` is a source. ``supportstats import FILE`` probes the file and picks the
source whose ``sniff`` is most confident; ``--source NAME`` forces one.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from types import ModuleType

import duckdb

from supportstats.errors import InputFileError
from supportstats.importers import _pipeline
from supportstats.importers._pipeline import (
    ImportContext,
    ImportOptions,
    ImportResult,
    ProgressSink,
)
from supportstats.importers._read import FileProbe, probe

__all__ = [
    "FileProbe",
    "ImportContext",
    "ImportOptions",
    "ImportResult",
    "choose_importer",
    "import_file",
    "probe",
    "sources",
]


@cache
def sources() -> dict[str, ModuleType]:
    """Every importer module by its SOURCE name."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(module, a) for a in ("SOURCE", "DESCRIPTION", "sniff", "load")):
            found[module.SOURCE] = module
    return dict(sorted(found.items()))


def choose_importer(file_probe: FileProbe, forced: str | None = None) -> ModuleType:
    """The importer for a probed file: ``forced`` by name, else the most confident sniff."""
    known = sources()
    if forced:
        if forced not in known:
            raise InputFileError(
                f"unknown source {forced!r}",
                "use one of: " + ", ".join(known),
            )
        return known[forced]
    scored = sorted(
        ((module.sniff(file_probe), name) for name, module in known.items()), reverse=True
    )
    best_score, best = scored[0]
    if best_score < 0.1:
        raise InputFileError(
            f"{file_probe.path}: cannot tell which export this is",
            "force the source with --source NAME (" + ", ".join(known) + ")",
        )
    return known[best]


def import_file(
    conn: duckdb.DuckDBPyConnection,
    path: str | Path,
    options: ImportOptions | None = None,
    progress: ProgressSink | None = None,
    keep_facts: bool = True,
) -> ImportResult:
    """Import one file in one transaction; return its summary.

    The file is probed and handed with its importer (``options.source``, ``generic`` with a
    mapping file, else the most confident detection rule) to the pipeline
    (:func:`supportstats.importers._pipeline.import_file`), which says what the identity of
    an import is, what a re-import does and how a failure is rolled back.
    """
    options = options or ImportOptions()
    file_probe = probe(Path(path))
    # A mapping file describes the generic format, whatever the columns look like.
    forced = options.source or ("generic" if options.mapping else None)
    importer = choose_importer(file_probe, forced)
    return _pipeline.import_file(conn, file_probe, importer, options, progress, keep_facts)
