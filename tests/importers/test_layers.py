"""The importer layers keep to their jobs: the writer counts, importers never do; the pipeline
is handed its importer; every staged table fits the warehouse table it is written to."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import supportstats.importers._writer as writer
from supportstats.db import connect
from supportstats.errors import SupportStatsError
from supportstats.importers import chatwoot, import_file, livechat, zendesk_chat
from supportstats.importers._aggregate import upsert_aggregates
from supportstats.importers._models import is_macro_file, macro_statements, model_select
from supportstats.importers.samples import chatwoot_samples, livechat_samples
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


# One small file per generic entity, each with a bad row so it goes the staged way (a good
# conversations or messages file loads in one pass, past the staged tables).
GENERIC_FILES = {
    "conversations.csv": "conversation_id,created_at,agent\nc1,2024-03-01 10:00,ana\nc2,x,ana\n",
    "messages.csv": "message_id,conversation_id,created_at,author_role\n"
    "m1,c1,2024-03-01 10:00,customer\nm2,c1,x,agent\n",
    "engagements.csv": "engagement_id,conversation_id,agent,started_at\n"
    "e1,c1,ana,2024-03-01 10:00\ne2,c1,ana,x\n",
    "events.csv": "conversation_id,occurred_at,event_type\n"
    "c1,2024-03-01 10:00,status\nc1,x,status\n",
    "ratings.csv": "conversation_id,rating\nc1,5\nc2,x\n",
    "agent_status.csv": "agent,started_at,status\nana,2024-03-01 10:00,online\nana,x,away\n",
    "agents.csv": "agent_id,name,team\nana,Ana,north\n,Nobody,north\n",
    "business_hours.csv": "schedule_id,day_of_week,open_time,close_time\nstd,mon,09:00,17:00\n"
    "std,xx,09:00,17:00\n",
    "holidays.csv": "schedule_id,date,name\nstd,2024-12-25,Christmas\nstd,x,Bad\n",
}


@pytest.fixture(scope="module")
def staged_shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], dict]:
    """(source file, target) -> {column: type} of every staged table handed to the writer
    while the test data files are imported, with the target's stored columns."""
    shapes: dict[tuple[str, str, str], dict] = {}
    upsert = writer.Writer.upsert
    set_aside = writer.Writer.set_aside

    def record(ctx, staged: str, target: str, tables: tuple[str, ...]) -> None:  # noqa: ANN001
        """The staged table's columns and those of the warehouse tables it is written to."""
        described = ctx.conn.execute(f"DESCRIBE {staged}").fetchall()
        stored = {
            name: kind
            for table in tables
            for name, kind in ctx.conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = $t AND table_schema = 'main' "
                "AND coalesce(is_generated, 'NEVER') = 'NEVER'",
                {"t": table},
            ).fetchall()
        }
        shapes[(ctx.probe.name, target, staged)] = {
            "staged": {name: kind for name, kind, *_ in described},
            "stored": stored,
            "table": staged,
        }

    def recording(self, target: str, staged: str, **kwargs):  # noqa: ANN001, ANN202
        record(self, staged, target, (target,))
        return upsert(self, target, staged, **kwargs)

    def recording_aside(self, staged: str, entity: str, **kwargs):  # noqa: ANN001, ANN202
        if staged in LOADED_BY_SQL:  # rows written by load SQL: the tables that SQL fills
            record(self, staged, entity, LOADED_BY_SQL[staged])
        return set_aside(self, staged, entity, **kwargs)

    def recording_aggregates(ctx, staged: str, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        record(ctx, staged, "source_aggregate", ("source_aggregate",))
        return upsert_aggregates(ctx, staged, *args, **kwargs)

    folder = tmp_path_factory.mktemp("layers")
    db = folder / "warehouse.duckdb"
    generic = []
    for name, text in GENERIC_FILES.items():
        (folder / name).write_text(text)
        generic.append(folder / name)
    # a Chatwoot conversations page and a LiveChat report (not in the test data)
    generic.append(chatwoot_samples.write(folder / "chatwoot", count=3)[0])
    generic.append(livechat_samples.write(folder / "livechat", count=3)[1])
    conn = connect(db)
    patch = pytest.MonkeyPatch()
    patch.setattr(writer.Writer, "upsert", recording)
    patch.setattr(writer.Writer, "set_aside", recording_aside)
    # importers of reports hand their rows to upsert_aggregates themselves
    for module in (writer, chatwoot, livechat, zendesk_chat):
        patch.setattr(module, "upsert_aggregates", recording_aggregates)
    try:
        for path in FILES + generic:
            import_file(conn, path)
    finally:
        patch.undo()
        conn.close()
    return shapes


def test_the_test_files_stage_every_kind_of_row(staged_shapes: dict) -> None:
    targets = {target for _, target, _ in staged_shapes}
    assert {
        "conversation", "message", "conversation_event", "engagement", "rating",
        "source_aggregate", "agent_status_interval",
    } <= targets, sorted(targets)  # fmt: skip


def test_a_staged_column_named_like_a_warehouse_column_has_its_type(staged_shapes: dict) -> None:
    wrong = [
        f"{file} -> {target}.{column}: staged {kind}, stored {shape['stored'][column]}"
        for (file, target, _), shape in staged_shapes.items()
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
        for (file, target, _), shape in staged_shapes.items()
        if not {"_row", "_reject_reason"} <= set(shape["staged"])
    ]
    assert missing == []


# ------------------------------------------------------------------ staging models
STAGING = REPO / "supportstats" / "sql" / "staging"
# Models whose rows go to tables that load SQL (sql/load/) writes, not Writer.upsert.
LOADED_BY_SQL = {
    "generic__schedule": ("schedule", "schedule_interval"),
    "generic__holiday": ("schedule_holiday",),
}
# Staging files not yet split into one SELECT per model (issue 18): each must still be
# several statements or not a query, so a converted file has to leave this list.
NOT_YET_MODELS = {
    # their staged calls and updates carry helper columns the next statements read
    "bank_calls__calls", "bank_calls__events", "bank_calls__references",
    "servicenow__incidents", "servicenow__references",
    "servicenow__updates",
    # not yet split
    "zendesk__audits", "zendesk__tickets",
}  # fmt: skip


def _staging_files() -> list[str]:
    return sorted(p.stem for p in STAGING.glob("*.sql"))


def test_every_staging_file_is_one_select_or_macros() -> None:
    wrong = []
    for name in _staging_files():
        if name in NOT_YET_MODELS:
            continue
        try:
            macro_statements(name) if is_macro_file(name) else model_select(name)
        except SupportStatsError as exc:
            wrong.append(exc.message)
    assert wrong == [], "\n".join(wrong)


def test_the_not_yet_converted_list_only_shrinks() -> None:
    still = []
    for name in sorted(NOT_YET_MODELS):
        assert (STAGING / f"{name}.sql").exists(), f"{name} is gone: drop it from NOT_YET_MODELS"
        try:
            model_select(name)
        except SupportStatsError:
            still.append(name)
    assert still == sorted(NOT_YET_MODELS), "converted: drop them from NOT_YET_MODELS"


def test_a_model_that_is_not_a_select_is_refused_with_its_file() -> None:
    with pytest.raises(SupportStatsError, match=r"staging/_macros\.sql: .*one SELECT.*CREATE"):
        model_select("_macros")


def _canonical(target: str, shape: dict) -> set[str]:
    """The columns a staged table for ``target`` may have: the table's own, its side table's
    (conversation_source), its key, and the writer's."""
    side = set(SIDE_COLUMNS) if target in writer.SIDE_TABLE else set()
    key = {writer.KEY_COLUMN[target]} if target in writer.KEY_COLUMN else set()
    return set(shape["stored"]) | side | key | WRITER_COLUMNS


SIDE_COLUMNS = (
    "display_number", "parent_key", "followup_of_key", "first_customer_message_at",
    "custom_attributes", "src_first_response_s", "src_first_response_bh_s",
    "src_full_resolution_s", "src_full_resolution_bh_s", "src_first_resolution_s",
    "src_requester_wait_s", "src_agent_wait_s", "src_on_hold_s", "src_reopens", "src_replies",
    "src_missed", "src_duration_s", "src_response_avg_s", "src_response_max_s", "src_sla_json",
)  # fmt: skip


def test_every_staging_model_returns_only_canonical_columns(staged_shapes: dict) -> None:
    """A staged model's columns are its table's (and the writer's): no helper column rides
    along for the next model to read (that is an int_ model's job)."""
    models = set(_staging_files()) - NOT_YET_MODELS
    extra = [
        f"{shape['table']} -> {target}: {sorted(set(shape['staged']) - _canonical(target, shape))}"
        for (_, target, _), shape in staged_shapes.items()
        if shape["table"] in models and set(shape["staged"]) - _canonical(target, shape)
    ]
    assert extra == [], "\n".join(extra)


def test_every_staging_model_is_checked(staged_shapes: dict) -> None:
    """Every model that is not a helper (int_) nor macros fed the writer in the layer test's
    imports, so its columns were checked; and each carries its key."""
    seen = {shape["table"] for shape in staged_shapes.values()}
    unchecked = [
        name
        for name in _staging_files()
        if name not in NOT_YET_MODELS
        and "__int_" not in name
        and not is_macro_file(name)
        and not name.startswith("_")
        and name not in seen
    ]
    assert unchecked == []
    keyless = [
        f"{shape['table']} -> {target}"
        for (_, target, _), shape in staged_shapes.items()
        if target in writer.KEY_COLUMN
        and writer.KEY_COLUMN[target] not in shape["staged"]
        and not {"source_system", "source_id"} <= set(shape["staged"])
    ]
    assert keyless == []
