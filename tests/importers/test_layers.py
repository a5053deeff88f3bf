"""The importer layers keep to their jobs: the writer counts, importers never do; the pipeline
is handed its importer; every staged table fits the warehouse table it is written to."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import supportstats.importers._writer as writer
from supportstats.db import connect
from supportstats.importers import import_file
from tests.importers._importer_helpers import REPO

PACKAGE = REPO / "supportstats" / "importers"
COUNTERS = {"rows_read", "rows_loaded", "rows_rejected", "rows_skipped", "_counts"}
# the columns the writer reads besides the target's own (docs/importers.md, "Staging models")
WRITER_COLUMNS = {
    "_row", "_line", "_reject_column", "_reject_reason", "_skipped", "_raw", "_counted",
}  # fmt: skip


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "samples" not in p.parts)


def _counter_updates(path: Path) -> list[str]:
    """``file:line attribute`` of every assignment to a counter attribute in ``path``, and of
    every use of the writer's private counts."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in COUNTERS:
                found.append(f"{path.name}:{node.lineno} {target.attr}")
        if isinstance(node, ast.Attribute) and node.attr == "_counts":
            found.append(f"{path.name}:{node.lineno} _counts")
    return found


def test_the_scan_finds_a_counter_update(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def load(ctx):\n    ctx.rows_read = 3\n    ctx.rows_rejected += 1\n")
    assert _counter_updates(sample) == ["sample.py:2 rows_read", "sample.py:3 rows_rejected"]


def test_no_importer_module_updates_a_counter() -> None:
    modules = _modules()
    assert len(modules) > 15
    outside = [
        hit for path in modules if path.name != "_writer.py" for hit in _counter_updates(path)
    ]
    assert outside == []
    # and the writer does count
    assert _counter_updates(PACKAGE / "_writer.py")


def test_import_file_is_handed_its_importer() -> None:
    """The pipeline never imports the package above it (which chooses the importer)."""
    tree = ast.parse((PACKAGE / "_pipeline.py").read_text())
    upward = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "supportstats.importers"
    ]
    assert upward == []


# ------------------------------------------------------------------ staged tables
DATA = REPO / "tests" / "data"
FILES = sorted(
    p for p in DATA.glob("*/*") if p.parent.name != "zendesk" or "holidays" not in p.name
)


@pytest.fixture(scope="module")
def staged_shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict]:
    """(source file, target) -> {column: type} of every staged table handed to the writer
    while the test data files are imported, with the target's stored columns."""
    shapes: dict[tuple[str, str], dict] = {}
    upsert = writer.Writer.upsert

    def recording(self, target: str, staged: str, **kwargs):  # noqa: ANN001, ANN202
        described = self.conn.execute(f"DESCRIBE {staged}").fetchall()
        stored = dict(
            self.conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = $t AND table_schema = 'main' "
                "AND coalesce(is_generated, 'NEVER') = 'NEVER'",
                {"t": target},
            ).fetchall()
        )
        shapes[(self.probe.name, target)] = {
            "staged": {name: kind for name, kind, *_ in described},
            "stored": stored,
        }
        return upsert(self, target, staged, **kwargs)

    db = tmp_path_factory.mktemp("layers") / "warehouse.duckdb"
    conn = connect(db)
    patch = pytest.MonkeyPatch()
    patch.setattr(writer.Writer, "upsert", recording)
    try:
        for path in FILES:
            import_file(conn, path)
    finally:
        patch.undo()
        conn.close()
    return shapes


def test_the_test_files_stage_every_kind_of_row(staged_shapes: dict) -> None:
    targets = {target for _, target in staged_shapes}
    assert {
        "conversation", "message", "conversation_event", "engagement", "rating",
        "source_aggregate", "agent_status_interval",
    } <= targets, sorted(targets)  # fmt: skip


def test_a_staged_column_named_like_a_warehouse_column_has_its_type(staged_shapes: dict) -> None:
    wrong = [
        f"{file} -> {target}.{column}: staged {kind}, stored {shape['stored'][column]}"
        for (file, target), shape in staged_shapes.items()
        for column, kind in shape["staged"].items()
        if column in shape["stored"]
        and kind != shape["stored"][column]
        and not (kind == '"NULL"' or kind == "NULL")
        and not {kind, shape["stored"][column]} <= {"INTEGER", "BIGINT", "HUGEINT"}
    ]
    assert wrong == [], "\n".join(wrong)


def test_every_staged_table_has_the_writer_columns(staged_shapes: dict) -> None:
    missing = [
        f"{file} -> {target}: {sorted({'_row', '_reject_reason'} - set(shape['staged']))}"
        for (file, target), shape in staged_shapes.items()
        if not {"_row", "_reject_reason"} <= set(shape["staged"])
    ]
    assert missing == []
