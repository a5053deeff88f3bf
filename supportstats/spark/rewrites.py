"""DuckDB SQL to Spark SQL: sqlglot's transpiler plus our own rewrites (docs/spark.md).

sqlglot translates most of our DuckDB SQL to Spark SQL unchanged in meaning. What it cannot
translate, or translates into something that runs but gives other numbers, is rewritten here
on the parsed DuckDB tree before sqlglot writes Spark SQL. Every rewrite is one entry of
:data:`REWRITES` (name, what it does, why) and has a test in tests/spark/test_rewrites.py
that runs both sides. Constructs with no faithful rewrite raise :class:`NotOnSpark`, never
a silent difference.

``to_spark(sql)`` is the whole translation; ``macros`` expands DuckDB ``CREATE MACRO``
functions (the migrations define a few that the canonical views call).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from supportstats.errors import SupportStatsError


class NotOnSpark(SupportStatsError):
    """A DuckDB construct (or an option needing one) the Spark engine cannot run faithfully."""

    exit_code = 2


@dataclass(frozen=True)
class Rewrite:
    """One rewrite of the parsed DuckDB tree: ``apply(node)`` returns the node to use."""

    name: str
    what: str
    why: str
    apply: Callable[[Any], Any]


def _exp():
    from sqlglot import exp

    return exp


def _fn(name: str, *args: Any) -> Any:
    """A Spark function call sqlglot writes as is."""
    return _exp().Anonymous(this=name, expressions=list(args))


def _sql(text: str) -> Any:
    """A Spark SQL expression, parsed (only for fixed text written here)."""
    import sqlglot

    return sqlglot.parse_one(text, read="spark")


def _micros(node: Any) -> Any:
    return _fn("UNIX_MICROS", node)


def _interval_micros(node: Any) -> Any:
    """Microseconds of a DuckDB interval expression we write ourselves: ``to_minutes(n)`` or
    ``interval N unit``; anything else is not ours to guess."""
    exp = _exp()
    if isinstance(node, exp.Anonymous) and node.name.lower() == "to_minutes":
        # BIGINT: an INT product would wrap past 35 minutes (2^31 microseconds)
        minutes = exp.Cast(this=node.expressions[0], to=exp.DataType.build("bigint"))
        return exp.Mul(this=minutes, expression=_int(60_000_000))
    if isinstance(node, exp.Interval):
        unit = (node.unit.name if node.unit else "").lower().rstrip("s")
        per = {"microsecond": 1, "second": 10**6, "minute": 60 * 10**6, "hour": 3600 * 10**6,
               "day": 86400 * 10**6}  # fmt: skip
        if unit in per and node.this.is_int or (node.this.is_string and node.this.name.isdigit()):
            return _int(int(node.this.name) * per[unit])
    raise NotOnSpark(
        f"time_bucket width {node.sql(dialect='duckdb')!r} has no Spark rewrite",
        "use to_minutes(n) or interval N minute/hour/day as the width",
    )


def _int(value: int) -> Any:
    return _exp().Literal.number(value)


# --- the rewrites -------------------------------------------------------------------------


def _quantile(node: Any) -> Any:
    """quantile_cont(x, p | [p, ...]) -> percentile(x, p | array(...)); quantile_disc likewise
    -> percentile_disc ... within group."""
    exp = _exp()
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("quantile_cont", "quantile_disc"):
        x, p = node.expressions[0], node.expressions[1]
    elif isinstance(node, exp.PercentileCont | exp.PercentileDisc | exp.Quantile) and not (
        isinstance(node.parent, exp.WithinGroup)
    ):
        x, p = node.this, node.args.get("expression") or node.args.get("quantile")
    else:
        return node
    disc = isinstance(node, exp.PercentileDisc) or (
        isinstance(node, exp.Anonymous) and node.name.lower() == "quantile_disc"
    )
    if isinstance(p, exp.Array):
        p = _fn("ARRAY", *p.expressions)
    if disc:
        return _disc(x, p)
    return _fn("PERCENTILE", x, p)


def _disc(x: Any, p: Any) -> Any:
    """DuckDB quantile_disc(x, p) is the value at index ceil(n * p) - 1 (0 for p = 0) of the
    sorted non-NULL values (0-based), taken here on the sorted list of the group."""
    exp = _exp()
    if isinstance(p, exp.Anonymous) and p.name.upper() == "ARRAY":
        raise NotOnSpark("quantile_disc with a list of quantiles has no Spark rewrite yet")
    values = _fn("ARRAY_SORT", _fn("COLLECT_LIST", x))
    index = _sql("GREATEST(CAST(CEIL(SIZE(__v) * __p) AS INT) - 1, 0)")
    index = index.transform(
        lambda n: values.copy() if isinstance(n, exp.Column) and n.name == "__v" else
        (p.copy() if isinstance(n, exp.Column) and n.name == "__p" else n)
    )  # fmt: skip
    return _fn("GET", values, index)


def _time_bucket(node: Any) -> Any:
    """time_bucket(width, ts) -> the timestamp floored to whole widths since the epoch."""
    exp = _exp()
    if not (
        isinstance(node, exp.DateBin)
        or (isinstance(node, exp.Anonymous) and node.name.lower() == "time_bucket")
    ):
        return node
    args = _args(node)
    if len(args) != 2:
        raise NotOnSpark("time_bucket with an origin or offset has no Spark rewrite")
    width, ts = args
    # DuckDB's default origin (2000-01-03, a Monday) is a whole number of days from the epoch,
    # so buckets of minutes, hours and days line up with epoch-based flooring
    us = _micros(ts)
    w = exp.Paren(this=_interval_micros(width))
    floored = exp.Sub(this=us, expression=_fn("PMOD", us.copy(), w))
    return _fn("TIMESTAMP_MICROS", floored)


def _args(node: Any) -> list[Any]:
    exp = _exp()
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    if isinstance(node, exp.DateBin):
        return [node.this, node.expression] if not node.args.get("origin") else [1, 2, 3]
    return []


def _to_minutes(node: Any) -> Any:
    """to_minutes(n) (an interval) -> make_dt_interval(0, 0, n, 0)."""
    exp = _exp()
    if isinstance(node, exp.Anonymous) and node.name.lower() == "to_minutes":
        return _fn("MAKE_DT_INTERVAL", _int(0), _int(0), node.expressions[0], _int(0))
    return node


def _series(node: Any) -> Any:
    """range(a, b[, step]) (end excluded) and generate_series(a, b[, step]) (end included) ->
    sequence(a, last[, step]), guarded to give an empty list when the series is empty, as
    DuckDB's does: Spark's sequence counts down when a > b. The end excluded is b - 1 for
    numbers and b - 1 us for timestamps. A step computed at run time is refused (its sign
    decides the guard)."""
    exp = _exp()
    if isinstance(node, exp.Anonymous) and node.name.lower() == "range":
        args = node.expressions
        if len(args) not in (1, 2, 3):
            return node
        if len(args) == 1:
            args = [exp.Literal.number(0), args[0]]
        start, stop, step, exclusive = args[0], args[1], (args[2:] or [None])[0], True
    elif isinstance(node, exp.GenerateSeries):
        start, stop, step = node.args["start"], node.args["end"], node.args.get("step")
        exclusive = bool(node.args.get("is_end_exclusive"))
    else:
        return node
    sign = _step_sign(step)
    if sign is None:
        raise NotOnSpark(
            f"{node.sql(dialect='duckdb')}: a series with a step computed at run time has no "
            "Spark rewrite (Spark's sequence counts down where DuckDB's series is empty)"
        )
    last = stop.copy()
    if exclusive:
        one = _sql("INTERVAL '0.000001' SECOND") if _is_time_span(step) else exp.Literal.number(1)
        last = (
            exp.Sub(this=last, expression=one) if sign > 0 else exp.Add(this=last, expression=one)
        )
    seq = _fn("SEQUENCE", start.copy(), last, *([step.copy()] if step is not None else []))
    before = exp.LT if exclusive else exp.LTE
    if sign < 0:
        before = exp.GT if exclusive else exp.GTE
    return exp.Case(
        ifs=[exp.If(this=before(this=start.copy(), expression=stop.copy()), true=seq)],
        default=_fn("ARRAY"),
    )


_TIME_SPANS = {
    "make_dt_interval",
    "make_interval",
    "to_minutes",
    "to_seconds",
    "to_hours",
    "to_days",
}


def _is_time_span(step: Any) -> bool:
    """Whether a series step is a span of time (an interval literal or made by a function)."""
    exp = _exp()
    if isinstance(step, exp.Interval):
        return True
    if isinstance(step, exp.Func):
        name = step.name if isinstance(step, exp.Anonymous) else step.sql_name()
        return name.lower() in _TIME_SPANS
    return False


def _step_sign(step: Any) -> int | None:
    """+1 for no step, a positive number or a span of time (an interval literal or one made
    from a number of minutes: our SQL only steps forward in time); -1 for a negative number;
    None for a number only known at run time."""
    exp = _exp()
    if step is None or _is_time_span(step):
        return 1
    if isinstance(step, exp.Neg) and isinstance(step.this, exp.Literal):
        return -1
    if isinstance(step, exp.Literal) and step.is_number:
        return -1 if float(step.this) < 0 else 1
    return None


def _asof(node: Any) -> Any:
    exp = _exp()
    if isinstance(node, exp.Join) and (node.args.get("kind") or "").upper() == "ASOF":
        raise NotOnSpark(
            "ASOF JOIN has no Spark rewrite",
            "rewrite the query with a window (last value at or before the time) first",
        )
    if isinstance(node, exp.Join) and "ASOF" in (node.text("method") or "").upper():
        raise NotOnSpark("ASOF JOIN has no Spark rewrite")
    return node


def _dayofweek(node: Any) -> Any:
    """dayofweek: DuckDB counts Sunday as 0, Spark as 1 -> dayofweek(x) - 1; isodow (Monday 1
    .. Sunday 7) -> (dayofweek(x) + 5) % 7 + 1 (sqlglot's own isodow is off by one day)."""
    exp = _exp()
    if isinstance(node, exp.DayOfWeekIso) or (
        isinstance(node, exp.Anonymous) and node.name.lower() == "isodow"
    ):
        x = node.this if not isinstance(node, exp.Anonymous) else node.expressions[0]
        return _sql("(DAYOFWEEK(__x) + 5) % 7 + 1").transform(lambda n: _put(n, x))
    if isinstance(node, exp.DayOfWeek):
        return exp.Paren(this=exp.Sub(this=_fn("DAYOFWEEK", node.this), expression=_int(1)))
    return node


def _put(n: Any, x: Any) -> Any:
    exp = _exp()
    return x.copy() if isinstance(n, exp.Column) and n.name == "__x" else n


def _ordered_aggregate(node: Any) -> Any:
    """list(x ORDER BY k...) and any_value(x ORDER BY k...) -> the values sorted by the keys
    (array_sort with a comparator that follows each key's direction and NULL order), so the
    order survives; any_value takes the first non-NULL one."""
    exp = _exp()
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        node = node.this  # any_value skips NULLs in DuckDB; the rewrite below does too
    if not isinstance(node, exp.ArrayAgg | exp.AnyValue | exp.First):
        return node
    inner = node.this
    if not isinstance(inner, exp.Order):
        return node
    value, keys = inner.this, inner.expressions
    fields = [exp.PropertyEQ(this=exp.to_identifier(f"k{i}"), expression=k.this.copy())
              for i, k in enumerate(keys)]  # fmt: skip
    fields.append(exp.PropertyEQ(this=exp.to_identifier("v"), expression=value.copy()))
    rows = _fn("COLLECT_LIST", exp.Struct(expressions=fields))
    compare = _comparator(keys)
    ordered = _fn("ARRAY_SORT", rows, compare)
    if isinstance(node, exp.ArrayAgg):
        return _fn("TRANSFORM", ordered, _lambda(["__s"], "__s.v"))
    kept = _fn("FILTER", ordered, _lambda(["__s"], "__s.v IS NOT NULL"))
    return exp.Dot(this=_fn("GET", kept, _int(0)), expression=exp.to_identifier("v"))


def _comparator(keys: Sequence[Any]) -> Any:
    """Spark lambda (l, r) -> -1/0/1 over struct fields k0, k1, ... in DuckDB's order:
    ascending unless DESC, NULLs last unless NULLS FIRST."""
    parts = []
    for i, k in enumerate(keys):
        desc = bool(k.args.get("desc"))
        nulls_first = bool(k.args.get("nulls_first")) and k.args.get("nulls_first") is True
        lo, hi = ("1", "-1") if desc else ("-1", "1")
        nl, nr = ("-1", "1") if nulls_first else ("1", "-1")
        parts.append(
            f"WHEN __l.k{i} IS NULL AND __r.k{i} IS NULL THEN NULL "
            f"WHEN __l.k{i} IS NULL THEN {nl} WHEN __r.k{i} IS NULL THEN {nr} "
            f"WHEN __l.k{i} < __r.k{i} THEN {lo} WHEN __l.k{i} > __r.k{i} THEN {hi}"
        )
    # each key decides unless equal (NULL), then the next one
    body = "0"
    for part in reversed(parts):
        body = f"COALESCE(CASE {part} ELSE NULL END, {body})"
    return _lambda(["__l", "__r"], body)


def _without_nulls(items: Any) -> Any:
    """filter(items, x -> x IS NOT NULL): DuckDB's list functions skip NULL elements where
    Spark's would answer NULL."""
    return _fn("FILTER", items, _lambda(["__x"], "__x IS NOT NULL"))


def _lambda(names: Sequence[str], body: str) -> Any:
    """A Spark lambda ``(names) -> body`` (the arrow would parse as JSON extraction)."""
    exp = _exp()
    return exp.Lambda(this=_sql(body), expressions=[exp.to_identifier(n) for n in names])


def _epoch(node: Any) -> Any:
    """epoch(ts) (seconds as a double, to the microsecond) -> unix_micros(ts) / 1e6 (sqlglot's
    unix_timestamp drops the fraction); epoch_us -> unix_micros."""
    exp = _exp()
    if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us":
        return _micros(node.expressions[0])
    if isinstance(node, exp.TimeToUnix) or (
        isinstance(node, exp.Anonymous) and node.name.lower() == "epoch"
    ):
        x = node.this if not isinstance(node, exp.Anonymous) else node.expressions[0]
        return exp.Paren(
            this=exp.Div(
                this=exp.Cast(this=_micros(x), to=exp.DataType.build("double")),
                expression=_sql("1000000D"),
            )
        )
    return node


def _timezone(node: Any) -> Any:
    """timezone(tz, x::timestamptz) (an instant to wall-clock time in tz) ->
    from_utc_timestamp(x, tz); timezone(tz, x::timestamp) (wall-clock time in tz to the
    instant) -> to_utc_timestamp(x, tz). DuckDB picks the direction by the argument's type,
    which the SQL text does not carry: our SQL states it with the cast (a no-op in DuckDB),
    and a call without one is refused rather than guessed."""
    exp = _exp()
    if isinstance(node, exp.AtTimeZone | exp.ConvertTimezone):
        raise NotOnSpark("AT TIME ZONE has no Spark rewrite; use timezone(tz, x::timestamptz)")
    if not (isinstance(node, exp.Anonymous) and node.name.lower() == "timezone"):
        return node
    zone, ts = node.expressions
    kind = ts.to.this if isinstance(ts, exp.Cast) else None
    if kind == exp.DataType.Type.TIMESTAMPTZ:
        return _fn("FROM_UTC_TIMESTAMP", ts.this, zone)
    if kind in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ):
        return _fn("TO_UTC_TIMESTAMP", ts.this, zone)
    raise NotOnSpark(
        f"{node.sql(dialect='duckdb')!r}: timezone() without a cast of its argument to "
        "timestamptz or timestamp has no Spark rewrite (its direction depends on the type)"
    )


def _list_zip(node: Any) -> Any:
    """list_zip(a, b) -> zip_with(a, b, (l, r) -> array(l, r)): pairs as two-element lists
    (of one type) so x[1], x[2] index them as in DuckDB; Spark's arrays_zip gives structs,
    which have no positional index. Shorter lists are padded with NULL on both sides."""
    exp = _exp()
    if not (isinstance(node, exp.Anonymous) and node.name.lower() == "list_zip"):
        return node
    args = node.expressions
    if len(args) != 2:
        raise NotOnSpark("list_zip of other than two lists has no Spark rewrite")
    pair = _lambda(["__l", "__r"], "ARRAY(__l, __r)")
    return _fn("ZIP_WITH", args[0], args[1], pair)


def _list_sum(node: Any) -> Any:
    """list_sum(a) -> aggregate(filter(a, x -> x IS NOT NULL), NULL, (s, x) -> coalesce(s, 0)
    + x), summed as DOUBLE: NULLs skipped and NULL for an empty list, as DuckDB (a plain
    aggregate from 0 would give 0, and NULL for any NULL element)."""
    exp = _exp()
    if not (isinstance(node, exp.Anonymous) and node.name.lower() in ("list_sum", "array_sum")):
        return node
    return _fn(
        "AGGREGATE", _without_nulls(node.expressions[0]), _sql("CAST(NULL AS DOUBLE)"),
        _lambda(["__s", "__x"], "COALESCE(__s, 0D) + __x"),
    )  # fmt: skip


def _json_transform(node: Any) -> Any:
    """json_transform(j, shape) -> an error: Spark's from_json differs in what it makes of
    values that do not fit the shape (no SQL the Spark engine runs uses it now; the vendor
    SLA policies' conditions are read with json_extract_string paths)."""
    exp = _exp()
    if isinstance(node, exp.Anonymous) and node.name.lower() == "json_transform":
        raise NotOnSpark(
            "json_transform has no Spark rewrite (from_json differs on values that do not "
            "fit the shape)",
            "read the JSON with json_extract_string paths, as views/sla_policy_match does",
        )
    return node


def _table_function(node: Any) -> Any:
    """FROM pg_timezone_names() -> FROM pg_timezone_names (the Spark engine registers a view
    of that name with the zones Java knows: supportstats.spark.lake_views)."""
    exp = _exp()
    if (
        isinstance(node, exp.Table)
        and isinstance(node.this, exp.Anonymous)
        and node.this.name.lower() == "pg_timezone_names"
    ):
        node.set("this", exp.to_identifier("pg_timezone_names"))
    return node


_INFINITY = {"infinity": "9999-12-31 23:59:59.999999", "-infinity": "0001-01-01 00:00:00"}


def _infinity(node: Any) -> Any:
    """'infinity'::timestamptz -> the last instant Spark holds (and '-infinity' the first):
    Spark has no infinite timestamps (the cast fails, or gives NULL without ANSI mode)."""
    exp = _exp()
    if (
        isinstance(node, exp.Cast)
        and isinstance(node.this, exp.Literal)
        and node.this.is_string
        and node.this.name.lower() in _INFINITY
    ):
        return _sql(f"TIMESTAMP '{_INFINITY[node.this.name.lower()]}'")
    return node


def _arg_tuple(node: Any) -> Any:
    """arg_min(x, (a, b)) -> min_by(x, struct(a, b)): DuckDB orders tuples field by field;
    Spark orders structs the same way, but has no tuple syntax."""
    exp = _exp()
    if isinstance(node, exp.ArgMin | exp.ArgMax) and isinstance(node.expression, exp.Tuple):
        fields = []
        for field in node.expression.expressions:
            # DuckDB orders a NULL field after every value; Spark's structs before
            # parenthesised: a field that is itself `x IS NULL` would read `x IS NULL IS NULL`
            fields += [exp.Is(this=exp.Paren(this=field.copy()), expression=exp.Null()), field]
        node.set("expression", exp.Struct(expressions=fields))
    return node


def _arrays_overlap(node: Any) -> Any:
    """list_has_any(a, b) -> arrays_overlap of a and b without their NULL elements (sqlglot
    writes the && operator, which Spark lacks; and DuckDB's NULL elements never match, where
    Spark's make the answer NULL instead of false)."""
    exp = _exp()
    if isinstance(node, exp.ArrayOverlaps):
        return _fn("ARRAYS_OVERLAP", _without_nulls(node.this), _without_nulls(node.expression))
    return node


def _json_string(node: Any) -> Any:
    """json_extract_string(j, '$.path') -> get_json_object(j, '$.path'); a path computed in
    the query (``'$.all[' || i || '].field'``) is passed on as the expression it is."""
    exp = _exp()
    if isinstance(node, exp.JSONExtractScalar):
        path = node.expression
        if isinstance(path, exp.JSONPath):
            path = exp.Literal.string(path.sql(dialect="duckdb").strip("'"))
        elif isinstance(path, exp.Literal):
            path = exp.Literal.string(path.name)
        return _fn("GET_JSON_OBJECT", node.this, path)
    return node


def _list_position(node: Any) -> Any:
    """list_position(l, x) -> nullif(array_position(transform(l, e -> e <=> x), true), 0):
    DuckDB gives NULL when x is not in l (Spark's array_position 0, which compares as a
    position) and finds a NULL x at the first NULL element (Spark's gives NULL)."""
    exp = _exp()
    if isinstance(node, exp.ArrayPosition):
        items, x = node.this, node.expression
    elif isinstance(node, exp.Anonymous) and node.name.lower() in ("list_position", "list_indexof"):
        items, x = node.expressions
    else:
        return node  # (our own ARRAY_POSITION below is an Anonymous of that name: left alone)
    same = _lambda(["__e"], "__e <=> __x").transform(lambda n: _put(n, exp.Paren(this=x)))
    found = _fn("ARRAY_POSITION", _fn("TRANSFORM", items, same), exp.true())
    return exp.Nullif(this=found, expression=_int(0))


def _window_filter(node: Any) -> Any:
    """agg(x) FILTER (WHERE c) OVER (...) -> agg(CASE WHEN c THEN x END) OVER (...):
    the same rows, in the form every Spark version accepts in a window."""
    exp = _exp()
    if not (isinstance(node, exp.Window) and isinstance(node.this, exp.Filter)):
        return node
    agg, cond = node.this.this, node.this.expression.this
    target = agg.this if isinstance(agg, exp.Func) else None
    if isinstance(agg, exp.Count) and (target is None or isinstance(target, exp.Star)):
        agg = exp.Count(this=exp.Case(ifs=[exp.If(this=cond, true=_int(1))]))
    elif target is not None:
        agg.set("this", exp.Case(ifs=[exp.If(this=cond, true=target)]))
    else:
        return node
    node.set("this", agg)
    return node


def _list_index(node: Any) -> Any:
    """list[i] (1-based, NULL out of range) -> get(list, i - 1) (0-based, NULL out of range).

    sqlglot's parser shifts the index to 0-based only where it types the value as a list or
    unknown (a column), not a function's result (quantile_cont(x, [..])[2] stays 2, and Spark
    would read the wrong element); the parser's own test is repeated here to know which."""
    exp = _exp()
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    index = node.expressions[0]
    if isinstance(index, exp.Literal) and index.is_string:
        return node  # a struct field or map key
    kind = node.this.type.this if node.this.type else exp.DataType.Type.UNKNOWN
    if not index.type:
        from sqlglot.optimizer.annotate_types import annotate_types

        annotate_types(index, dialect="duckdb")
    index_kind = index.type.this if index.type else None
    shifted = kind in (exp.DataType.Type.UNKNOWN, exp.DataType.Type.ARRAY) and (
        index_kind in exp.DataType.INTEGER_TYPES
    )
    if shifted:
        zero = index
    elif isinstance(index, exp.Literal) and index.is_int:
        zero = _int(int(index.name) - 1)
    else:
        zero = exp.Sub(this=exp.Paren(this=index), expression=_int(1))
    return _fn("GET", node.this, zero)


def _cte_hint(node: Any) -> Any:
    """WITH x AS [NOT] MATERIALIZED (...) -> WITH x AS (...): a planner hint, same rows."""
    exp = _exp()
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    return node


def _comprehension(node: Any) -> Any:
    """[e for x in list if c] -> transform(filter(list, x -> c), x -> e)."""
    exp = _exp()
    if not (
        isinstance(node, exp.Array)
        and len(node.expressions) == 1
        and isinstance(node.expressions[0], exp.Comprehension)
    ):
        return node
    c = node.expressions[0]
    var = c.expression
    items = c.args["iterator"]
    if c.args.get("condition") is not None:
        items = _fn("FILTER", items, exp.Lambda(this=c.args["condition"], expressions=[var]))
    return _fn("TRANSFORM", items, exp.Lambda(this=c.this, expressions=[var.copy()]))


REWRITES: tuple[Rewrite, ...] = (
    Rewrite("comprehension", "[e for x in list if c] -> transform(filter(list, x -> c), x -> e)",
            "Spark has no list comprehensions", _comprehension),
    Rewrite("cte_hint", "WITH x AS [NOT] MATERIALIZED (...) -> WITH x AS (...)",
            "Spark's SQL has no such hint; it changes how DuckDB plans, not the rows", _cte_hint),
    Rewrite("list_index", "list[i] -> get(list, i - 1) (applied first, by to_spark)",
            "silently wrong or failing: sqlglot shifts DuckDB's 1-based index only for columns "
            "it knows are lists", lambda node: node),
    Rewrite("quantile", "quantile_cont(x, p) -> percentile(x, p); quantile_disc(x, p) -> the "
            "value at index ceil(n p) - 1 of the sorted values",
            "sqlglot writes percentile_cont(x, p) / percentile_disc(x, p), which Spark rejects; "
            "Spark's percentile is the same linear interpolation", _quantile),
    Rewrite("time_bucket", "time_bucket(width, ts) -> timestamp_micros(us - pmod(us, width))",
            "Spark has no time_bucket (sqlglot writes date_bin)", _time_bucket),
    Rewrite("to_minutes", "to_minutes(n) -> make_dt_interval(0, 0, n, 0)",
            "no such function in Spark", _to_minutes),
    Rewrite("range", "range(a, b[, step]) -> sequence(a, b - 1 (1 us for timestamps)[, step]), "
            "generate_series(a, b[, step]) -> sequence(a, b[, step]); empty when the series is",
            "Spark has no range over timestamps, sequence includes its end, and it counts "
            "down where DuckDB's series is empty", _series),
    Rewrite("asof_join", "ASOF JOIN -> an error naming it",
            "Spark has no ASOF JOIN; no rewrite yet, so never run as another join", _asof),
    Rewrite("dayofweek", "dayofweek(x) -> dayofweek(x) - 1; isodow(x) -> (dayofweek(x)+5)%7+1",
            "silently wrong: DuckDB counts Sunday as 0, Spark as 1; sqlglot's isodow is off "
            "by a day", _dayofweek),
    Rewrite("ordered_list", "list(x ORDER BY k) / any_value(x ORDER BY k) -> collect_list "
            "of structs sorted by a comparator", "silently wrong: sqlglot writes collect_list, "
            "which drops the order", _ordered_aggregate),
    Rewrite("epoch", "epoch(ts) -> unix_micros(ts) / 1e6; epoch_us -> unix_micros",
            "silently wrong: sqlglot writes unix_timestamp, whole seconds", _epoch),
    Rewrite("timezone", "timezone(tz, x::timestamptz) -> from_utc_timestamp(x, tz); "
            "timezone(tz, x::timestamp) -> to_utc_timestamp(x, tz); without a cast: an error",
            "no timezone() in Spark, and DuckDB's direction depends on the argument type, "
            "unknown in the text (our SQL casts)", _timezone),
    Rewrite("list_zip", "list_zip(a, b) -> zip_with(a, b, (l, r) -> array(l, r))",
            "sqlglot writes list_zip unchanged; arrays_zip gives structs, not indexable by "
            "position", _list_zip),
    Rewrite("list_sum", "list_sum(a) -> aggregate over the non-NULL elements, NULL if none",
            "no list_sum in Spark; a plain aggregate would give 0 for an empty list and NULL "
            "for a NULL element", _list_sum),
    Rewrite("json_transform", "json_transform(j, shape) -> an error naming it",
            "no faithful rewrite: from_json differs on values that do not fit the shape",
            _json_transform),
    Rewrite("pg_timezone_names", "FROM pg_timezone_names() -> FROM pg_timezone_names (a "
            "view of the zones Java knows)", "Spark has no such table function",
            _table_function),
    Rewrite("infinity", "'infinity'::timestamptz -> 9999-12-31 23:59:59.999999 (and -infinity)",
            "Spark has no infinite timestamps: the cast fails or gives NULL", _infinity),
    Rewrite("arg_tuple", "arg_min(x, (a, b)) -> min_by(x, struct(a IS NULL, a, b IS NULL, b))",
            "Spark has no tuples; its structs compare field by field but put NULL first, "
            "DuckDB's tuples put it last", _arg_tuple),
    Rewrite("list_has_any", "list_has_any(a, b) -> arrays_overlap(a, b) without NULL elements",
            "sqlglot writes the && operator, which Spark lacks; a NULL element makes Spark's "
            "answer NULL where DuckDB's is false", _arrays_overlap),
    Rewrite("json_extract_string", "json_extract_string(j, path) -> get_json_object(j, path) "
            "(a computed path as is)", "sqlglot writes the ->> operator", _json_string),
    Rewrite("list_position", "list_position(l, x) -> nullif(array_position(transform(l, e -> "
            "e <=> x), true), 0)", "silently wrong: sqlglot leaves list_position (no such "
            "function) or writes array_position, which gives 0, not NULL, for a value not in "
            "the list (and NULL for a NULL x)", _list_position),
    Rewrite("window_filter", "agg(x) FILTER (WHERE c) OVER w -> agg(CASE WHEN c THEN x END) OVER w",
            "the FILTER clause on window aggregates is not accepted everywhere", _window_filter),
)  # fmt: skip
# Rewrites needing context besides one node (applied by to_spark): macro expansion
# ("CREATE MACRO"; Spark has no SQL macros) and UNION ALL BY NAME (Spark matches union
# columns by position: the columns are listed by name, NULL where a side has none).
CONTEXT_REWRITES = (
    ("macros", "a call of a DuckDB macro -> its body with the arguments in place",
     "Spark has no CREATE MACRO"),
    ("union_by_name", "UNION ALL BY NAME -> a positional UNION ALL of the named columns, "
     "NULL for a column a side lacks", "Spark's SQL has no BY NAME union"),
    ("unique_ctes", "a CTE name defined again in a nested WITH gets a suffix",
     "Spark refuses two CTEs of one name in a statement; DuckDB scopes them per WITH"),
    ("parameters", "$name -> :name, lists as ARRAY<STRING>",
     "Spark's named parameter markers; a NULL list needs its type"),
    ("star_replace", "t.* REPLACE (e AS c) -> t's columns, e AS c in place of c",
     "Spark's star has EXCEPT but no REPLACE"),
    ("update", "UPDATE t SET c = v [FROM s] WHERE w -> t replaced by a SELECT with "
     "CASE WHEN <updated> THEN v ELSE c END (update_as_select)",
     "Spark's views cannot be updated; business hours rewrite facts columns in place"),
)  # fmt: skip

Columns = Callable[[str], Sequence[str] | None]


@dataclass(frozen=True)
class Macro:
    """A DuckDB scalar macro: parameter names and the body expression (parsed)."""

    params: tuple[str, ...]
    body: Any


_MACRO = re.compile(r"create\s+(?:or\s+replace\s+)?macro\s+(\w+)\s*\(([^)]*)\)\s+as\s+", re.I)


def macros(sql: str) -> dict[str, Macro]:
    """The ``CREATE MACRO name(a, b) AS (expr)`` definitions of a SQL script, by name."""
    import sqlglot

    from supportstats.sql import split_statements

    out: dict[str, Macro] = {}
    for statement in split_statements(sql):
        m = _MACRO.match(statement.strip())
        if m:
            params = tuple(p.strip().lower() for p in m.group(2).split(",") if p.strip())
            body = sqlglot.parse_one(statement[m.end() :], read="duckdb")
            out[m.group(1).lower()] = Macro(params, body)
    return out


def _expand_macros(tree: Any, defined: Mapping[str, Macro]) -> Any:
    exp = _exp()

    def expand(node: Any) -> Any:
        if isinstance(node, exp.Anonymous) and node.name.lower() in defined:
            macro = defined[node.name.lower()]
            args = dict(zip(macro.params, node.expressions, strict=True))

            def put(n: Any) -> Any:
                if isinstance(n, exp.Column) and not n.table and n.name.lower() in args:
                    return exp.Paren(this=args[n.name.lower()].copy())
                return n

            body = macro.body.copy().transform(put)
            return exp.Paren(this=_expand_macros(body, defined))
        return node

    return tree.transform(expand)


def _union_by_name(tree: Any, columns: Columns) -> Any:
    exp = _exp()

    def star(select: Any, qualifier: str | None) -> list[str]:
        # the table a * (or t.*) stands for: the FROM table, or the one aliased t
        tables = [select.args["from_"].this, *[j.this for j in select.args.get("joins") or []]]
        if qualifier:
            tables = [t for t in tables if t.alias_or_name == qualifier]
        table = tables[0] if tables else None
        if isinstance(table, exp.Subquery) and isinstance(table.this, exp.Select):
            return names(table.this)  # (select * from t where ...) f
        found = columns(table.name) if isinstance(table, exp.Table) else None
        if found is None:
            raise NotOnSpark("UNION ALL BY NAME over SELECT * of a subquery has no Spark rewrite")
        return list(found)

    def names(select: Any) -> list[str]:
        out: list[str] = []
        for e in select.expressions:
            if isinstance(e, exp.Star):
                out.extend(star(select, None))
            elif isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
                out.extend(star(select, e.table))
            else:
                out.append(e.alias_or_name)
        return out

    def positional(select: Any, wanted: list[str]) -> Any:
        have = names(select)
        inner = select.copy()
        # a subquery per side keeps its own expressions, star included
        return (
            exp.select(*[
                exp.column(n, quoted=True) if n in have
                else exp.alias_(exp.Null(), n, quoted=True)
                for n in wanted
            ]).from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("_u"))))
        )  # fmt: skip

    def rewrite(node: Any) -> Any:
        if isinstance(node, exp.Union) and node.args.get("by_name"):
            left, right = node.this, node.expression
            if not isinstance(left, exp.Select) or not isinstance(right, exp.Select):
                left = left if isinstance(left, exp.Select) else left
            ln = _output_names(left, names)
            rn = _output_names(right, names)
            wanted = ln + [n for n in rn if n not in ln]
            return exp.Union(
                this=_positional_any(left, wanted, positional, ln),
                expression=_positional_any(right, wanted, positional, rn),
                distinct=node.args.get("distinct"),
            )
        return node

    # innermost first: a chain a BY NAME b BY NAME c nests, and each level reads the names
    # of the (rewritten) one below
    for union in reversed(list(tree.find_all(exp.Union, bfs=False))):
        new = rewrite(union)
        if new is not union:
            if union is tree:
                tree = new
            else:
                union.replace(new)
    return tree


def _output_names(node: Any, names: Callable[[Any], list[str]]) -> list[str]:
    exp = _exp()
    if isinstance(node, exp.Select):
        return names(node)
    if isinstance(node, exp.Union):
        return _output_names(node.this, names)
    if isinstance(node, exp.Subquery):
        return _output_names(node.this, names)
    raise NotOnSpark(f"UNION ALL BY NAME over {node.key} has no Spark rewrite")


def _positional_any(node: Any, wanted: list[str], positional: Callable, have: list[str]) -> Any:
    exp = _exp()
    if isinstance(node, exp.Select):
        return positional(node, wanted)
    sub = exp.Subquery(this=node.copy(), alias=exp.TableAlias(this=exp.to_identifier("_u")))
    return exp.select(
        *[
            exp.column(n, quoted=True) if n in have else exp.alias_(exp.Null(), n, quoted=True)
            for n in wanted
        ]
    ).from_(sub)


def _star_replace(tree: Any, columns: Columns) -> Any:
    """``t.* REPLACE (e AS c, ...)`` -> t's columns in order, ``e AS c`` in place of c (Spark
    has no REPLACE in a star; its columns come from the view t names)."""
    exp = _exp()

    def rewrite(node: Any) -> Any:
        if not isinstance(node, exp.Select):
            return node
        out, changed = [], False
        for e in node.expressions:
            star = e.this if isinstance(e, exp.Column) else e
            if not (isinstance(star, exp.Star) and star.args.get("replace")):
                out.append(e)
                continue
            if star.args.get("except_") or star.args.get("except"):
                raise NotOnSpark("* EXCLUDE (...) REPLACE (...) has no Spark rewrite")
            qualifier = e.table if isinstance(e, exp.Column) else None
            tables = [node.args["from_"].this, *[j.this for j in node.args.get("joins") or []]]
            tables = [t for t in tables if not qualifier or t.alias_or_name == qualifier]
            table = tables[0] if len(tables) == 1 or qualifier else None
            names = columns(table.name) if isinstance(table, exp.Table) else None
            if names is None:
                raise NotOnSpark("* REPLACE over a subquery or several tables has no Spark rewrite")
            new = {a.alias: a for a in star.args["replace"]}
            for name in names:
                out.append(
                    new[name].copy() if name in new
                    else exp.column(name, table=qualifier, quoted=True)
                )  # fmt: skip
            changed = True
        if changed:
            node.set("expressions", out)
        return node

    return tree.transform(rewrite)


def _unique_ctes(tree: Any) -> Any:
    """A CTE name defined again in a nested WITH gets a suffix (with its references): DuckDB
    scopes CTE names per WITH, Spark refuses the same name twice in one statement."""
    exp = _exp()
    seen: set[str] = set()
    for with_ in list(tree.find_all(exp.With)):
        for cte in with_.expressions:
            old = cte.alias_or_name
            if old not in seen:
                seen.add(old)
                continue
            new = f"{old}_{len(seen)}"
            seen.add(new)
            cte.set("alias", exp.TableAlias(this=exp.to_identifier(new)))
            for table in with_.parent.find_all(exp.Table):
                if table.name == old and not table.db:
                    table.set("this", exp.to_identifier(new))
                    if not table.alias:
                        table.set("alias", exp.TableAlias(this=exp.to_identifier(old)))
    return tree


def _parameters(tree: Any, list_params: set[str]) -> Any:
    """$name -> :name; a list parameter (or a NULL one named f_*) is cast to ARRAY<STRING>."""
    exp = _exp()

    def rewrite(node: Any) -> Any:
        if isinstance(node, exp.Parameter | exp.Placeholder):
            name = node.name if isinstance(node, exp.Placeholder) else node.this.name
            marker = exp.Placeholder(this=name)
            if name in list_params:
                return exp.Cast(
                    this=marker, to=exp.DataType.build("ARRAY<STRING>", dialect="spark")
                )
            return marker
        return node

    return tree.transform(rewrite)


def to_spark(
    sql: str,
    defined: Mapping[str, Macro] | None = None,
    columns: Columns | None = None,
    list_params: Sequence[str] = (),
) -> str:
    """Spark SQL of one DuckDB statement: macros expanded, unions by name made positional,
    every rewrite of :data:`REWRITES` applied, parameters as ``:name``."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    # first, while the parser's types are on the nodes (see _list_index)
    tree = tree.transform(_list_index)
    if defined:
        tree = _expand_macros(tree, defined)
    tree = _union_by_name(tree, columns or (lambda _t: None))
    tree = _star_replace(tree, columns or (lambda _t: None))
    tree = _unique_ctes(tree)
    for rewrite in REWRITES:
        tree = tree.transform(rewrite.apply)
    tree = _parameters(tree, set(list_params))
    return tree.sql(dialect="spark")


def tables_of(sql: str) -> list[str]:
    """Names of the tables a DuckDB statement reads (CTE names left out)."""
    import sqlglot

    exp = _exp()
    tree = sqlglot.parse_one(sql, read="duckdb").transform(_table_function)
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    return sorted({t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes})


def update_as_select(sql: str, columns: Columns) -> tuple[str, str]:
    """(table, DuckDB SELECT of its rows after the UPDATE ``sql``): a SET column becomes
    ``CASE WHEN <row updated> THEN <value> ELSE <old value> END``, the others stay. With
    ``FROM src WHERE c`` a row is updated when a row of ``src`` meets ``c`` (a LEFT JOIN on
    ``c``; ``src`` must give each row at most one match, as our UPDATEs' grouped sources do);
    without FROM when it meets ``WHERE``. Spark's tables (views here) cannot be updated."""
    import sqlglot

    exp = _exp()
    tree = sqlglot.parse_one(sql, read="duckdb")
    if not isinstance(tree, exp.Update) or not isinstance(tree.this, exp.Table):
        raise NotOnSpark("only UPDATE of one table has a Spark rewrite")
    target = tree.this
    alias = target.alias_or_name
    have = columns(target.name)
    if have is None:
        raise NotOnSpark(f"UPDATE of {target.name}: no such view on Spark")
    sets = {eq.this.name: eq.expression for eq in tree.expressions}
    where = tree.args.get("where")
    source = tree.args.get("from_") or tree.args.get("from")
    cond = where.this if where else exp.true()
    body = exp.select().from_(
        exp.Table(this=target.this.copy(), alias=exp.TableAlias(this=exp.to_identifier(alias)))
    )
    if source is not None:
        src = source.this
        src_alias = src.alias_or_name
        inner = src.this if isinstance(src, exp.Subquery) else exp.select("*").from_(src.copy())
        inner = exp.select("*", exp.alias_(exp.true(), "__updated")).from_(
            exp.Subquery(this=inner.copy(), alias=exp.TableAlias(this=exp.to_identifier("_s")))
        )
        body = body.join(
            exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(src_alias))),
            on=cond.copy(),
            join_type="left",
        )
        cond = exp.column("__updated", table=src_alias).eq(exp.true())
    out = []
    for name in have:
        old = exp.column(name, table=alias, quoted=True)
        if name in sets:
            value = exp.Case(ifs=[exp.If(this=cond.copy(), true=sets[name].copy())], default=old)
            out.append(exp.alias_(value, name, quoted=True))
        else:
            out.append(old)
    return target.name, body.select(*out).sql(dialect="duckdb")
