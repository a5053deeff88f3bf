"""One metric request: connection, options, period, filters and groups, shared by families."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from supportstats.errors import OptionError
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


# Filters naming a dimension row: its table, the columns a person may type (besides the key),
# and where the key is used when the dimension table has no row for it.
_NAMED = {
    "agent": (
        "agent",
        ("source_id", "name", "email"),
        ("conversation.assignee_agent_key", "engagement.agent_key", "message.author_agent_key"),
    ),
    "team": ("team", ("source_id", "name"), ("conversation.team_key",)),
    "queue": ("queue", ("source_id", "name"), ("conversation.queue_key",)),
}
# Filters on a column of conversation whose values are words, compared case-insensitively.
_WORDS = {"channel": "channel", "source": "source_system"}


def _resolve(conn: duckdb.DuckDBPyConnection, filters: Filters) -> Filters:
    """Filters as people type them, to the keys SQL compares: an agent, team or queue by its
    key, source id or name (an agent also by e-mail; names ignore case), a channel or source in
    any case. A value that matches nothing is an OptionError naming what there is, because a
    typo would otherwise give an empty report that looks like a quiet day."""
    out: dict[str, tuple[str, ...]] = {}
    for name, (table, columns, uses) in _NAMED.items():
        wanted = getattr(filters, name)
        if wanted:
            out[name] = _keys(conn, name, table, columns, uses, wanted)
    for name, column in _WORDS.items():
        wanted = getattr(filters, name)
        if wanted:
            out[name] = _words(conn, name, column, wanted)
    return Filters(**{**filters.__dict__, **out})


def _keys(
    conn: duckdb.DuckDBPyConnection,
    name: str,
    table: str,
    columns: tuple[str, ...],
    uses: tuple[str, ...],
    wanted: tuple[str, ...],
) -> tuple[str, ...]:
    lowered = [w.lower() for w in wanted]
    match = " or ".join(
        [f"list_contains($w, {table}_key)"] + [f"list_contains($lw, lower({c}))" for c in columns]
    )
    found = conn.execute(
        f"select {table}_key, [w for w in $w if w = {table}_key"
        + "".join(f" or lower(w) = lower({c})" for c in columns)
        + f"] from {table} where {match}",
        {"w": list(wanted), "lw": lowered},
    ).fetchall()
    keys = {r[0] for r in found}
    matched = {w for r in found for w in r[1]}
    missing = [w for w in wanted if w not in matched]
    for w in list(missing):
        # a key used by the facts but without a row of its own (no agents or queues file
        # imported): the key itself, or the source's id after 'source:'
        for use in uses:
            src, col = use.split(".")
            hit = conn.execute(
                f"select {col} from {src} where {col} = $w "
                f"or substr({col}, strpos({col}, ':') + 1) = $w limit 1",
                {"w": w},
            ).fetchall()
            if hit:
                keys.add(hit[0][0])
                missing.remove(w)
                break
    if missing:
        raise OptionError(
            f"--{name} {missing[0]!r} matches no {name} in the warehouse",
            _known(conn, name, table, columns[-1] if name != "agent" else "name"),
        )
    return tuple(sorted(keys))


def _known(conn: duckdb.DuckDBPyConnection, name: str, table: str, label: str) -> str:
    rows = conn.execute(
        f"select {table}_key, {label} from {table} order by {label} nulls last, {table}_key "
        "limit 11"
    ).fetchall()
    if not rows:
        return f"the warehouse has no {name} rows; leave --{name} out"
    shown = [f"{n} ({k})" if n and n != k else k for k, n in rows[:10]]
    more = ", ..." if len(rows) > 10 else ""
    return "give a name or key, e.g. " + ", ".join(shown) + more


def _words(
    conn: duckdb.DuckDBPyConnection, name: str, column: str, wanted: tuple[str, ...]
) -> tuple[str, ...]:
    there = [
        r[0]
        for r in conn.execute(
            f"select distinct {column} from conversation where {column} is not null order by 1"
        ).fetchall()
    ]
    by_lower = {v.lower(): v for v in there}
    out = []
    for w in wanted:
        if w.lower() not in by_lower:
            raise OptionError(
                f"--{name} {w!r} matches no {name} in the warehouse",
                f"{name}s there: " + (", ".join(there) if there else "none (import data first)"),
            )
        out.append(by_lower[w.lower()])
    return tuple(out)
