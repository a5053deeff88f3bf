"""Execute each notebook with nbclient against a fixture warehouse (path in SUPPORTSTATS_DB)
and check the values its last cell prints, so a notebook that rots fails here; check that every
figure is also a static image, and that the outputs committed with each notebook (made by
``make notebooks`` against the demo warehouse) come from its current code."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
sys.path.insert(0, str(REPO / "tests" / "dashboard"))
sys.path.insert(0, str(NOTEBOOKS))

from _dashboard_warehouse import build_warehouse, write_csvs  # noqa: E402
from execute import clear, code_digest, run  # noqa: E402

from supportstats.db import open_warehouse  # noqa: E402
from supportstats.metrics import Filters, MetricOptions, metrics_table, query  # noqa: E402
from supportstats.metrics.handle_concurrency import handle_time_by_concurrency  # noqa: E402
from supportstats.planning import staff  # noqa: E402
from supportstats.planning.chat import aht_by_level, chat_agents  # noqa: E402
from supportstats.planning.history import contact_history  # noqa: E402
from supportstats.planning.plan import (  # noqa: E402
    DAY_HORIZON,
    StaffingTargets,
    forecast_from_contacts,
)

pytestmark = pytest.mark.slow
BOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"
# kaleido draws the PNG in a local Chrome or Chromium (``make browser`` installs Debian's)
BROWSER = os.environ.get("BROWSER_PATH") or any(
    shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome", "chrome")
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("notebooks"))


def execute(name: str, cwd: Path, **env: str) -> dict:
    """Run the notebook (its committed outputs cleared) in a kernel with ``env`` set; check its
    figures; return the JSON its last cell printed."""
    book = clear(nbformat.read(NOTEBOOKS / name, as_version=4))
    run(book, cwd, env, timeout=180)
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            data = out.get("data", {})
            if PLOTLY in data and BROWSER:
                assert "image/png" in data, f"{name}: a figure with no PNG: {data['text/plain']}"
            elif PLOTLY in data:
                assert "no static image" in data["text/plain"]
    last = book.cells[-1]
    text = "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")
    return json.loads(text)


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.stem)
def test_committed_outputs_come_from_the_current_code(path: Path) -> None:
    """Committed with the outputs of one top-to-bottom run (readable on a code host), every
    figure with its PNG, and no code cell changed since: else run ``make notebooks``."""
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    hint = f"{path.name}: run `make notebooks` (python notebooks/execute.py {path.stem})"
    assert book.metadata.get("supportstats", {}).get("code_sha256") == code_digest(book), hint
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), hint
    assert code[-1].outputs, hint  # ran to the end
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", hint
            if PLOTLY in out.get("data", {}):
                assert "image/png" in out["data"], f"{path.name}: a figure committed without PNG"
    assert path.stat().st_size < 600_000, f"{path.name}: outputs too large to commit"


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


def test_chat_concurrency(warehouse: Path, tmp_path: Path) -> None:
    check = execute("04_chat_concurrency.ipynb", tmp_path, SUPPORTSTATS_DB=str(warehouse))
    assert check["levels"] == [1, 3, 6]
    # the handle time per level is the warehouse's, measured by the library
    with open_warehouse(warehouse, read_only=True) as conn:
        cost = handle_time_by_concurrency(query(conn, filters=Filters(queue=(check["queue"],))))
    aht = aht_by_level(cost["concurrency"], cost["handle_time_mean_s"], cost["stretches"], 6)
    assert check["aht_by_level"] == pytest.approx(aht)
    assert aht == sorted(aht) and aht[-1] > aht[0]  # the sample's chats slow with concurrency
    # the plan's targets are the chat preset's, not a copy of its numbers
    chat = StaffingTargets.chat()
    assert check["targets"] == {
        "sl_target": chat.sl_target,
        "sl_threshold_s": chat.sl_threshold_s,
        "patience_s": chat.patience_s,
        "sl_definition": chat.sl_definition,
        "interval_s": 1800.0,
    }
    volume = check["volume"]
    assert len(volume) == 48 and sum(volume) > 0
    # the next day's forecast is the planner's (as the CLI, the demo and the dashboard)
    with open_warehouse(warehouse, read_only=True) as conn:
        contacts = contact_history(conn, check["queue"])
    predicted = forecast_from_contacts(contacts, horizon=DAY_HORIZON, queue=check["queue"])
    assert volume == pytest.approx(predicted.forecast["volume"].tolist())
    given = (chat.sl_target, chat.sl_threshold_s)
    for k in (1, 3, 6):
        direct = chat_agents(volume, 1800, aht[:k], *given, patience_s=chat.patience_s)
        assert check["agents"][str(k)] == direct.tolist()
        free = chat_agents(volume, 1800, [aht[0]] * k, *given, patience_s=chat.patience_s)
        assert check["agents_free"][str(k)] == free.tolist()
        direct, free = direct.tolist(), free.tolist()
        # the measured cost never makes a plan need fewer agents than free concurrency
        assert all(m >= f for m, f in zip(direct, free, strict=True))
    # more chats per agent, fewer agents: in every half hour, and strictly over the day
    one, three, six = (check["agents"][k] for k in ("1", "3", "6"))
    assert all(a >= b >= c for a, b, c in zip(one, three, six, strict=True))
    hours = check["agent_hours"]
    assert hours[0] > hours[1] > hours[2] > 0
    assert hours[0] == pytest.approx(sum(one) / 2)
