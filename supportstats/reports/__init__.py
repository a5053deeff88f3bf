"""Tables users see: the agent report and the team scorecard (same code for CLI, dashboard,
notebooks)."""

from __future__ import annotations

from supportstats.reports.agents import agent_report
from supportstats.reports.completeness import incomplete_periods, mark_incomplete
from supportstats.reports.scorecard import (
    Targets,
    channel_kind,
    first_response_by_channel,
    first_response_targets,
    gini,
    scorecard,
)

__all__ = [
    "Targets",
    "agent_report",
    "channel_kind",
    "first_response_by_channel",
    "first_response_targets",
    "gini",
    "incomplete_periods",
    "mark_incomplete",
    "scorecard",
]
