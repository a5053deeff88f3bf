"""One metric request: connection, options, period, filters and groups, shared by families."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from supportstats.metrics import stored
from supportstats.metrics._groups import Scope, dims, names, normalise_by, where
from supportstats.metrics._sql import cached_table, create_temp, fingerprint, relation, render
from supportstats.metrics.facts import (
    assignment_intervals,
    assignment_source,
    conversation_facts,
    stretch_facts,
)
from supportstats.metrics.options import MetricOptions
from supportstats.metrics.period import Filters, Period


@dataclass(frozen=True)
class Query:
    """What to compute over: every metric function takes one of these.

    Build it with :func:`query`, which checks the groups and resolves agent and team names in
    the filters to keys.
    """

    conn: duckdb.DuckDBPyConnection
    options: MetricOptions = field(default_factory=MetricOptions)
    period: Period = field(default_factory=Period)
    filters: Filters = field(default_factory=Filters)
    by: tuple[str, ...] = ()
    # names of the cached temp tables this query uses and the concurrency sweep, looked up or
    # computed once (not part of equality)
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def params(self) -> dict[str, Any]:
        """Every SQL parameter a family may use."""
        o = self.options
        return {
            **self.period.params(),
            **self.filters.params(),
            "tz": o.timezone,
            "interval_min": o.interval_min,
            "short_abandon_s": o.short_abandon_s,
            "csat_positive_min": o.csat_positive_min,
            "csat_negative_max": o.csat_negative_max,
        }

    def fingerprint(self) -> str:
        """Data fingerprint, taken once per query (see ``_sql.cached_table``)."""
        if "fp" not in self._memo:
            self._memo["fp"] = fingerprint(self.conn)
        return self._memo["fp"]

    def stored(self) -> bool:
        """Whether the warehouse keeps current stored facts (``metrics.stored``)."""
        if "stored" not in self._memo:
            self._memo["stored"] = stored.is_current(self.conn, self.fingerprint())
        return self._memo["stored"]

    def facts(self) -> str:
        """Table of conversation facts for these options: the stored ``fact_conversation``
        when it holds them, else a temp table built on first use (for the period's
        conversations only, when the period selects them by creation)."""
        if "facts" not in self._memo:
            if self.stored() and stored.serves(self.options):
                self._memo["facts"] = "fact_conversation"
            else:
                scope = self.scope()
                asg = self.assignments()
                if scope:  # the stretches of those conversations only
                    asg = f'(select * from "{asg}" semi join "{scope}" using (conversation_key))'
                self._memo["facts"] = conversation_facts(
                    self.conn, self.options, self.fingerprint(), asg, scope
                )
        return self._memo["facts"]

    def scope(self) -> str | None:
        """Temp table of the conversations created in the period, when facts computed on
        demand need no others (cohort=created and a bounded period); None otherwise.

        With cohort=created every conversation metric counts a conversation in the period it
        was created, so the facts of other conversations would never be read.
        """
        if self.options.cohort != "created" or (self.period.start, self.period.end) == (None, None):
            return None
        if "scope" not in self._memo:
            params = self.period.params()

            def build(name: str) -> None:
                create_temp(
                    self.conn,
                    name,
                    "select conversation_key from conversation "
                    "where created_at >= $start and created_at < $end",
                    params,
                )

            self._memo["scope"] = cached_table(
                self.conn, "scope", params, build, self.fingerprint()
            )
        return self._memo["scope"]

    def assignments(self) -> str:
        """Table of agent stretches: the stored ``fact_assignment``, else a temp table."""
        if "asg" not in self._memo:
            self._memo["asg"] = (
                "fact_assignment"
                if self.stored()
                else assignment_intervals(self.conn, self.fingerprint())
            )
        return self._memo["asg"]

    def assignment_source(self) -> str:
        """FROM-clause text of the agent stretches for a query that reads them once."""
        if self.stored():
            return "fact_assignment"
        return assignment_source(self.conn, self.fingerprint())

    def stretches(self) -> str:
        """Table of live agent stretches with handle time and conversation columns."""
        if "hs" not in self._memo:
            if self.stored() and stored.serves(self.options):
                self._memo["hs"] = "fact_stretch"
            else:
                self._memo["hs"] = stretch_facts(
                    self.conn, self.facts(), self.assignments(), self.fingerprint()
                )
        return self._memo["hs"]

    def scores(self) -> str:
        """FROM-clause text of the scored ratings (``views/rating_score``): the stored
        ``fact_rating`` when there is one."""
        return "fact_rating" if self.stored() else f"({render('views/rating_score')})"

    def ratings(self) -> str:
        """SELECT of the scored ratings with positive/negative flags for these options
        (``views/rating_flags``)."""
        return render("views/rating_flags", scores=self.scores())

    def credited(self, natural: str) -> str:
        """The agent column of a family: its natural credit, or the current assignee."""
        return natural if self.options.attribution == "credited" else "f.assignee_agent_key"

    def run(self, sql_name: str, scope: Scope, **fragments: str) -> duckdb.DuckDBPyRelation:
        """Relation of ``sql/<sql_name>.sql`` grouped by ``self.by`` within ``scope``."""
        sql = render(
            sql_name,
            facts=fragments.pop("facts", None) or self.facts(),
            dims=dims(self.by, scope, self.options),
            names=names(self.by),
            where=where(scope, self.options),
            **fragments,
        )
        return relation(self.conn, sql, self.params())


def query(
    conn: duckdb.DuckDBPyConnection,
    options: MetricOptions | None = None,
    period: Period | None = None,
    filters: Filters | None = None,
    by: Sequence[str] = (),
) -> Query:
    """A checked :class:`Query` (unknown groups raise OptionError)."""
    filters = filters or Filters()
    return Query(
        conn,
        options or MetricOptions(),
        period or Period(),
        _resolve(conn, filters),
        tuple(normalise_by(by)),
    )


def _resolve(conn: duckdb.DuckDBPyConnection, filters: Filters) -> Filters:
    """Agent and team filters may name keys, source ids or names; SQL compares keys."""
    out: dict[str, tuple[str, ...]] = {}
    for name, table in (("agent", "agent"), ("team", "team")):
        wanted = getattr(filters, name)
        if not wanted:
            continue
        rows = conn.execute(
            f"select {table}_key from {table} "
            f"where list_contains($w, {table}_key) or list_contains($w, source_id) "
            f"or list_contains($w, name)",
            {"w": list(wanted)},
        ).fetchall()
        # unknown names stay as given, so a typo matches nothing instead of everything
        out[name] = tuple({r[0] for r in rows} | set(wanted))
    return Filters(**{**filters.__dict__, **out})
