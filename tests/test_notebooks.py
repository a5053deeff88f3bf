"""Execute each notebook with nbclient against a fixture warehouse (path in SUPPORTSTATS_DB)
and check the values its last cell prints, so a notebook that rots fails here."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
sys.path.insert(0, str(REPO / "tests" / "dashboard"))

from _dashboard_warehouse import build_warehouse, write_csvs  # noqa: E402

from supportstats.db import open_warehouse  # noqa: E402
from supportstats.metrics import MetricOptions, metrics_table, query  # noqa: E402
from supportstats.planning import staff  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("notebooks"))


def execute(name: str, cwd: Path, **env: str) -> dict:
    """Run the notebook in a kernel with ``env`` set; return the JSON its last cell printed."""
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    # committed without outputs, so the repository never carries stale numbers
    assert all(not c.get("outputs") for c in book.cells if c.cell_type == "code")
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits the test process's environment
    try:
        NotebookClient(book, timeout=120, resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    last = book.cells[-1]
    text = "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")
    return json.loads(text)


def test_import_and_inspect(tmp_path: Path) -> None:
    csv = write_csvs(tmp_path / "csv")
    db = tmp_path / "nb01.duckdb"
    check = execute(
        "01_import_and_inspect.ipynb",
        tmp_path,
        SUPPORTSTATS_DB=str(db),
        SUPPORTSTATS_SAMPLE=str(csv),
    )
    rows = sum(1 for _ in (csv / "conversations.csv").open(encoding="utf-8")) - 1
    assert check["conversations_in_files"] == check["conversations_in_warehouse"] == rows
    assert check["rejected_rows"] == 1
    assert check["rejected_column"] == "rating"
    assert check["reimport_skipped"] is True
    assert db.exists()


def test_metric_definitions(warehouse: Path, tmp_path: Path) -> None:
    check = execute("02_metric_definitions.ipynb", tmp_path, SUPPORTSTATS_DB=str(warehouse))
    with open_warehouse(warehouse, read_only=True) as conn:
        expected = {
            f: metrics_table(query(conn, MetricOptions(csat_formula=f)), ["csat"])[
                "csat_score"
            ].iloc[0]
            for f in ("positive_share", "mean")
        }
    csat = check["csat"]
    assert csat["positive_share"] == pytest.approx(expected["positive_share"], abs=1e-6)
    assert csat["mean"] == pytest.approx(expected["mean"], abs=1e-6)
    assert csat["positive_share"] == pytest.approx(
        check["csat_positive"] / check["csat_responses"], abs=1e-6
    )
    waits = check["wait_count"]
    # abandoned chats add rows to the wait metric when they are included
    assert waits["with abandoned"] > waits["answered only (default)"] > 0


def test_staffing_what_if(warehouse: Path, tmp_path: Path) -> None:
    check = execute("03_staffing_what_if.ipynb", tmp_path, SUPPORTSTATS_DB=str(warehouse))
    # the Call Centre Helper example of staff()'s docstring: 14 agents, 20 with 30 % shrinkage
    assert check["erlang_c_agents"] == 14
    assert check["erlang_c_scheduled"] == 20
    assert check["erlang_a_agents"] <= check["erlang_c_agents"]
    by_k = check["chat_agents_by_concurrency"]
    assert by_k == sorted(by_k, reverse=True) and by_k[0] > by_k[-1]
    assert check["peak_volume"] > 0
    # shrinkage never changes the floor, only the schedule: ceil(14 / (1 - s))
    assert check["scheduled_by_shrinkage"] == [14, 16, 18, 20, 24]
    one = staff(
        __import__("pandas").DataFrame(
            [{"volume": 100, "aht_s": 180.0, "interval_s": 1800.0, "sl_target": 0.8,
              "sl_threshold_s": 20.0, "shrinkage": 0.4}]
        )
    )  # fmt: skip
    assert int(one["agents_scheduled"].iloc[0]) == check["scheduled_by_shrinkage"][-1]
