"""The agent report's missed_offers: chats offered to an agent that the agent never took."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "metrics"))

from _build import Warehouse  # noqa: E402

from supportstats.metrics import Period  # noqa: E402
from supportstats.reports import agent_report  # noqa: E402

DAY = Period.from_dates("2024-03-04", "2024-03-04")


def test_missed_offers_count_untaken_ended_engagements() -> None:
    wh = Warehouse()
    # A: offered to a2 at 09:00, not taken by 09:01, then taken by a1 (accepted 09:01)
    wh.conv("A", "2024-03-04 09:00", assignee="a1")
    wh.eng("A", "a2", "2024-03-04 09:00", "2024-03-04 09:01")
    wh.eng("A", "a1", "2024-03-04 09:01", "2024-03-04 09:20", accepted="2024-03-04 09:01")
    # B: offered to a2, still ringing (no end): not missed yet; C: offered to a2 the day after
    wh.conv("B", "2024-03-04 10:00", assignee="a1")
    wh.eng("B", "a2", "2024-03-04 10:00")
    wh.conv("C", "2024-03-05 10:00", assignee="a1")
    wh.eng("C", "a2", "2024-03-05 10:00", "2024-03-05 10:02")
    # D: a2 answered by message, no acceptance: taken
    wh.conv("D", "2024-03-04 11:00", assignee="a2")
    wh.eng("D", "a2", "2024-03-04 11:00", "2024-03-04 11:30", first_msg="2024-03-04 11:02")
    report = agent_report(wh.conn, period=DAY).set_index("agent_key")
    assert report.loc["t:a2", "missed_offers"] == 1
    assert report.loc["t:a1", "missed_offers"] == 0
    week = agent_report(wh.conn, period=Period.from_dates("2024-03-04", "2024-03-05"))
    assert week.set_index("agent_key").loc["t:a2", "missed_offers"] == 2
