"""Customer satisfaction: score, responses, response rate, Wilson interval (definitions: csat)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from supportstats.metrics._groups import Scope
from supportstats.metrics._sql import cached_table, create_temp, render

if TYPE_CHECKING:  # stored.py imports this module, and _query imports stored
    from supportstats.metrics._query import Query

# csat_formula -> (score, x, n): the score, and the proportion x/n its interval is built on
FORMULAS = {
    "positive_share": (
        "csat_positive / nullif(csat_responses, 0)",
        "csat_positive",
        "csat_responses",
    ),
    "positive_of_rated": (
        "csat_positive / nullif(csat_positive + csat_negative, 0)",
        "csat_positive",
        "csat_positive + csat_negative",
    ),
    # a mean of 0..1 scores behaves like a proportion for the interval (conservative)
    "mean": ("csat_mean", "s_sum", "csat_responses"),
    "net": (
        "(csat_positive - csat_negative) / nullif(csat_responses, 0)",
        "null::double",
        "null::double",
    ),
}
LATEST = {
    "latest": "qualify row_number() over (partition by conversation_key "
    "order by coalesce(rated_at, offered_at) desc nulls last, rating_key desc) = 1",
    "all": "",
}


def csat_rows_sql(facts: str, scores: str, csat_ratings: str, facts_filter: str = "true") -> str:
    """SELECT of offered conversations with their chosen rating (``views/csat_rows``), with
    the score and the importer's flags (no thresholds applied)."""
    return render(
        "views/csat_rows",
        facts=facts,
        ratings=scores,
        latest=LATEST[csat_ratings],
        facts_filter=facts_filter,
    )


def csat_rows(q: Query) -> str:
    """FROM-clause text of the CSAT rows with positive/negative flags for these options: the
    stored ``fact_csat`` (latest rating, stored facts), else a temp table cached per option
    set (for cohort=created, of the period's conversations only)."""
    o = q.options
    if q.facts() == "fact_conversation" and o.csat_ratings == "latest":
        rows = "fact_csat"
    else:
        created = o.cohort == "created"
        key = {
            "facts": q.facts(),
            "period": q.period.params() if created else None,
            "ratings": o.csat_ratings,
        }
        sql = csat_rows_sql(
            q.facts(),
            q.scores(),
            o.csat_ratings,
            "created_at >= $start and created_at < $end" if created else "true",
        )

        def build(name: str) -> None:
            create_temp(q.conn, name, sql, q.params())

        rows = '"' + cached_table(q.conn, "csat", key, build, q.fingerprint()) + '"'
    return f"({render('views/rating_flags', scores=rows)})"


def csat(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``csat_score`` (option ``csat_formula``), ``csat_responses``,
    ``csat_positive``, ``csat_negative``, ``csat_mean``, ``csat_offered``,
    ``csat_response_rate``, ``csat_ci_low``, ``csat_ci_high`` (Wilson 95 %).

    Ratings on any scale are normalised to 0..1 (``sql/views/rating_score.sql``); positive
    means at least ``csat_positive_min`` (4 of 5). Latest rating per conversation by default.
    Credited to the agent at rating time.
    """
    score, x, n = FORMULAS[q.options.csat_formula]
    scope = Scope(
        event_time="f.rated_at",
        agent=q.credited("coalesce(f.agent_key_at_rating, f.assignee_agent_key)"),
        team="coalesce(f.team_key_at_rating, f.team_key)",
    )
    # latest rating: one row per conversation, so counting conversations is counting rows
    latest = q.options.csat_ratings == "latest"
    return q.run(
        "metrics/csat",
        scope,
        rows=csat_rows(q),
        offered="count(*)" if latest else "count(distinct f.conversation_key)",
        responded="count(f.s)"
        if latest
        else "count(distinct f.conversation_key) filter (where f.s is not null)",
        score=score,
        x=x,
        n=n,
    )
