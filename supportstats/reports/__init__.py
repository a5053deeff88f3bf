"""Tables users see: the agent report and the team scorecard (same code for CLI, dashboard,
notebooks)."""

from __future__ import annotations

from supportstats.reports.agents import agent_report
from supportstats.reports.scorecard import Targets, gini, scorecard

__all__ = ["Targets", "agent_report", "gini", "scorecard"]
