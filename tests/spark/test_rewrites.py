"""Each rewrite of supportstats.spark.rewrites: the DuckDB query and its Spark translation give
the same rows on the same table (and the silently wrong translations without the rewrite are
shown to differ, so the test would catch them coming back)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from supportstats.spark.rewrites import CONTEXT_REWRITES, REWRITES, NotOnSpark, macros, to_spark

pytestmark = [pytest.mark.spark]

UTC = dt.UTC
ROWS = [
    # k, g, v, ts (a Sunday, a Monday, ...), w
    (1, "a", 1.0, dt.datetime(2024, 3, 3, 10, 7, 30, 250000, tzinfo=UTC), 3),
    (2, "a", 4.0, dt.datetime(2024, 3, 4, 23, 59, 59, 999999, tzinfo=UTC), None),
    (3, "a", 2.0, dt.datetime(2024, 3, 5, 0, 0, tzinfo=UTC), 1),
    (4, "b", None, dt.datetime(2024, 3, 9, 12, 44, 1, tzinfo=UTC), 2),
    (5, "b", 10.0, dt.datetime(2024, 3, 10, 1, 0, tzinfo=UTC), 2),
    (6, "b", 7.5, dt.datetime(2024, 3, 6, 8, 15, tzinfo=UTC), None),
]
TABLE_SQL = "k INTEGER, g VARCHAR, v DOUBLE, ts TIMESTAMPTZ, w INTEGER"
SPARK_SCHEMA = "k int, g string, v double, ts timestamp, w int"


@pytest.fixture(scope="module")
def both(spark):
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute(f"create table t ({TABLE_SQL})")
    conn.executemany("insert into t values (?, ?, ?, ?, ?)", ROWS)
    spark.createDataFrame(ROWS, SPARK_SCHEMA).createOrReplaceTempView("t")
    yield conn, spark
    conn.close()


def _norm(value):
    if isinstance(value, dt.datetime):
        return (
            value.replace(tzinfo=None)
            if value.tzinfo is None
            else value.astimezone(UTC).replace(tzinfo=None)
        )
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value


def run_both(both, sql: str, params=None) -> tuple[list, list]:
    conn, spark = both
    duck = [tuple(_norm(v) for v in r) for r in conn.execute(sql, params or {}).fetchall()]
    translated = to_spark(sql)
    rows = spark.sql(translated, args=params or {}).collect()
    return duck, [tuple(_norm(v) for v in r) for r in rows]


def test_every_rewrite_is_listed_with_what_and_why():
    names = [r.name for r in REWRITES] + [r[0] for r in CONTEXT_REWRITES]
    assert len(names) == len(set(names))
    for rewrite in REWRITES:
        assert rewrite.what and rewrite.why and callable(rewrite.apply)
    # one test below per rewrite name
    tested = {n.removeprefix("test_") for n in globals() if n.startswith("test_")}
    assert set(names) <= tested, set(names) - tested


def test_quantile(both):
    sql = (
        "select g, quantile_cont(v, 0.5), quantile_cont(v, [0.5, 0.9])[2], "
        "quantile_disc(v, 0.9), quantile_cont(v, 0.25) over (partition by g) "
        "from t group by g, v order by g, v nulls last"
    )
    duck, spark = run_both(
        both,
        sql.replace(", v order by g, v nulls last", " order by g").replace(
            ", quantile_cont(v, 0.25) over (partition by g)", ""
        ),
    )
    assert duck == spark and duck[0][1] == 2.0 and duck[0][2] == pytest.approx(3.6)
    win = "select k, quantile_cont(v, 0.25) over (partition by g) from t order by k"
    duck, spark = run_both(both, win)
    assert duck == spark


def test_time_bucket(both):
    sql = (
        "select k, time_bucket(to_minutes(15), ts), time_bucket(to_minutes($m), ts), "
        "time_bucket(interval 1 day, ts) from t order by k"
    )
    duck, spark = run_both(both, sql, {"m": 60})
    assert duck == spark
    assert duck[0][1] == dt.datetime(2024, 3, 3, 10, 0)


def test_to_minutes(both):
    duck, spark = run_both(both, "select k, ts + to_minutes(90) from t order by k")
    assert duck == spark


def test_range(both):
    sql = (
        "select k, array_length(range(ts, ts + interval 1 hour, interval 15 minute)), "
        "array_length(range(ts, ts, interval 15 minute)) from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][1:] == (4, 0)


@pytest.mark.parametrize(
    "series",
    ["range(k)", "range(2, k)", "range(k, 3)", "range(k, 5, 3)", "range(k, 3, -2)",
     "generate_series(k)", "generate_series(2, k)", "generate_series(k, 3)",
     "generate_series(k, 4, 2)", "generate_series(k, 2, -1)"],
)  # fmt: skip
def test_series_of_numbers_empty_where_duckdb_has_none(both, series):
    """Spark's sequence counts down (or fails) where DuckDB's series is empty (k runs 1..6)."""
    duck, spark = run_both(both, f"select k, {series} from t order by k")
    assert duck == spark
    assert any(row[1] == [] for row in duck) or series in ("range(k)", "generate_series(k)")


def test_a_series_with_a_step_known_at_run_time_is_refused():
    with pytest.raises(NotOnSpark, match="step computed at run time"):
        to_spark("select range(1, 10, w) from t")


def test_a_series_of_times_with_a_step_of_minutes_given_at_run_time(both):
    """Interval buckets step by to_minutes($width): a span of time counts as forward."""
    sql = (
        "select k, array_length(range(ts, ts + interval 1 hour, to_minutes($m))), "
        "array_length(generate_series(ts, ts - interval 1 hour, to_minutes($m))) "
        "from t order by k"
    )
    duck, spark = run_both(both, sql, {"m": 20})
    assert duck == spark and duck[0][1:] == (3, 0)


def test_asof_join(both):
    with pytest.raises(NotOnSpark, match="ASOF"):
        to_spark("select * from t a asof join t b on a.g = b.g and a.ts >= b.ts")


def test_dayofweek(both):
    sql = "select k, dayofweek(ts), isodow(ts) from t order by k"
    duck, spark = run_both(both, sql)
    assert duck == spark
    assert duck[0][1:] == (0, 7)  # 2024-03-03 is a Sunday
    # plain sqlglot is silently off: Spark's dayofweek counts Sunday as 1
    import sqlglot

    plain = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    assert [tuple(r) for r in both[1].sql(plain).collect()][0][1] == 1


def test_ordered_list(both):
    sql = (
        "select g, list(k order by v desc nulls last, k), "
        "any_value(k order by w nulls last, k desc) from t group by g order by g"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark
    assert duck[0][1] == [2, 3, 1]


def test_epoch(both):
    sql = "select k, epoch(ts), epoch_us(ts), make_timestamp(epoch_us(ts)) from t order by k"
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][1] % 1 == pytest.approx(0.25)


def test_timezone(both):
    # 2024-03-31 00:59:59 UTC is 01:59:59 in Madrid (CET), 01:00:00 UTC is 03:00 (CEST);
    # local 02:30 that day does not exist, 2024-10-27 02:30 exists twice
    sql = (
        "select k, timezone('UTC', ts::timestamptz), timezone('Europe/Madrid', ts::timestamptz), "
        "timezone('America/New_York', ts::timestamptz)::date, "
        "timezone('Europe/Madrid', (ts::date + interval 9 hour)::timestamp) from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][2] == dt.datetime(2024, 3, 3, 11, 7, 30, 250000)
    instants = ", ".join(
        f"('{t}'::timestamptz)"
        for t in ("2024-03-31 00:59:59+00", "2024-03-31 01:00:00+00", "2024-10-27 00:30:00+00",
                  "2024-10-27 01:30:00+00")
    )  # fmt: skip
    dst = f"select timezone('Europe/Madrid', x::timestamptz) from (values {instants}) v(x) "
    dst += "order by x"
    duck, spark = run_both(both, dst)
    assert duck == spark and [r[0].hour for r in duck] == [1, 3, 2, 2]
    walls = ", ".join(
        f"('{t}'::timestamp)"
        for t in ("2024-03-30 23:00:00", "2024-03-31 03:00:00", "2024-07-01 09:00:00")
    )
    back = f"select timezone('Europe/Madrid', x::timestamp) from (values {walls}) v(x) order by x"
    duck, spark = run_both(both, back)
    assert duck == spark and [r[0].hour for r in duck] == [22, 1, 7]
    with pytest.raises(NotOnSpark, match="without a cast"):
        to_spark("select timezone('UTC', ts) from t")


def test_list_zip(both):
    sql = (
        "select k, list_transform(list_zip([k, 2 * k], [w, 5]), lambda x: x[2] - x[1]) "
        "from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][1] == [2, 3]


def test_list_sum(both):
    sql = (
        "select k, list_sum([v, w]), list_sum([v, null]), list_sum([]::double[]) from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][1:] == (4.0, 1.0, None) and duck[3][2] is None


def test_json_transform():
    sql = 'select json_transform(filter, \'{"all": ["VARCHAR"]}\') from sla_policy'
    with pytest.raises(NotOnSpark, match="json_transform has no Spark rewrite"):
        to_spark(sql)


def test_pg_timezone_names(both):
    conn, spark = both
    spark.createDataFrame([("Europe/Madrid",)], "name string").createOrReplaceTempView(
        "pg_timezone_names"
    )
    sql = "select count(*) from pg_timezone_names() where name = 'Europe/Madrid'"
    assert conn.execute(sql).fetchall() == [(1,)]
    assert spark.sql(to_spark(sql)).collect()[0][0] == 1


def test_update(both):
    """Both UPDATE forms business hours use, and the rows they leave, on copies of t."""
    from supportstats.spark.connection import SparkConnection

    conn, spark = both
    statements = [
        "update u f set v = b.v2, w = null from "
        "(select k, max(v) * 10 as v2 from t where k < 4 group by k) b where b.k = f.k",
        "update u f set g = 'z' where f.k not in (select k from t where v > 5)",
    ]
    conn.execute("create or replace temp table u as select * from t")
    spark_conn = SparkConnection(spark)
    spark_conn.create_view("u", spark.table("t"))
    for statement in statements:
        conn.execute(statement)
        spark_conn.execute(statement)
    sql = "select * from u order by k"
    duck = [tuple(_norm(v) for v in r) for r in conn.execute(sql).fetchall()]
    got = [tuple(_norm(v) for v in r) for r in spark.sql(sql).collect()]
    assert got == duck
    assert [r[1:3] for r in duck[:4]] == [("z", 10.0), ("z", 40.0), ("z", 20.0), ("z", None)]


def test_infinity(both):
    sql = (
        "select k, ts < 'infinity'::timestamptz, ts > '-infinity'::timestamptz, "
        "coalesce(null, 'infinity'::timestamptz) > ts from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][1:] == (True, True, True)


def test_arg_tuple(both):
    sql = (
        "select g, arg_min(k, (w, k)), arg_max(k, (v, k)), arg_min(k, (w is null, v)) "
        "from t group by g order by g"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark


def test_list_has_any(both):
    """NULL elements never match: false, not NULL (Spark's plain arrays_overlap gives NULL)."""
    spark = both[1]
    sql = (
        "select k, list_has_any([g], ['b', 'x']), list_has_any([g, null], ['x']), "
        "list_has_any([g], [null, g]), list_has_any(null::varchar[], [g]) from t order by k"
    )
    duck, on_spark = run_both(both, sql)
    assert duck == on_spark
    assert duck[0][1:] == (False, False, True, None) and duck[3][1] is True
    assert spark.sql("select arrays_overlap(array('a', null), array('x'))").first()[0] is None


def test_json_extract_string(both):
    """A literal path, and a path computed per row (condition i of a list), whose values'
    text is the same on both engines: a string's own text, a number's or a list's JSON text,
    NULL for JSON null and for nothing there."""
    doc = (
        '{"all": [{"value": "vip"}, {"value": 77}, {"value": null}, {"value": ["a", "b"]}, '
        '{"value": " a b "}, {}]}'
    )
    sql = (
        "select k, json_extract_string('{\"goal\": \"yes\"}', '$.goal'), "
        f"json_extract_string('{doc}', '$.all[' || cast(k - 1 as varchar) || '].value') "
        "from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][1] == "yes"
    assert [r[2] for r in duck] == ["vip", "77", None, '["a","b"]', " a b ", None]


def test_list_position(both):
    """1-based; NULL for a value not in the list (Spark's array_position: 0), and a NULL
    value is found at the first NULL element (Spark's array_position: NULL)."""
    spark = both[1]
    sql = (
        "select k, list_position([1.0, 4.0, null, 7.5], v), list_position([g], 'b') "
        "from t order by k"
    )
    duck, on_spark = run_both(both, sql)
    assert duck == on_spark
    assert [r[1] for r in duck] == [1, 2, None, 3, None, 4]
    assert [r[2] for r in duck] == [None, None, None, 1, 1, 1]
    assert spark.sql("select array_position(array(1.0D), 2.0D)").first()[0] == 0


def test_window_filter(both):
    sql = (
        "select k, count(*) filter (where v > 1) over (partition by g order by k "
        "rows between unbounded preceding and 1 preceding), "
        "sum(v) filter (where w is not null) over (partition by g) from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark


def test_macros(both):
    script = "CREATE MACRO twice(x) AS (x * 2);\nCREATE MACRO plus_twice(x, y) AS (twice(x) + y);\n"
    conn, spark = both
    conn.execute(script)
    sql = "select k, plus_twice(k, w) from t order by k"
    duck = conn.execute(sql).fetchall()
    translated = to_spark(sql, macros(script))
    assert [tuple(r) for r in spark.sql(translated).collect()] == duck


def test_union_by_name(both):
    sql = (
        "select * from (select k, g from t union all by name select 'x' as g, w as k, v from t) "
        "order by k nulls last, g, v nulls last"
    )
    conn, spark = both
    duck = conn.execute(sql).fetchall()
    translated = to_spark(sql, columns=lambda _t: None)
    assert [tuple(r) for r in spark.sql(translated).collect()] == duck


def test_union_by_name_chain_of_qualified_stars(both):
    # compare_source's shape: f.* of one table, unions of unions
    sql = (
        "select * from (select f.*, 'a' as m from t f join t x using (k) "
        "union all by name select f.*, 'b' as m from t f join t x using (k) "
        "union all by name select f.*, 'c' as m from (select * from t where k > 0) f) "
        "order by k, m"
    )
    conn, spark = both
    cols = ["k", "g", "v", "ts", "w"]
    duck = [tuple(_norm(v) for v in r) for r in conn.execute(sql).fetchall()]
    translated = to_spark(sql, columns=lambda t: cols if t == "t" else None)
    got = [tuple(_norm(v) for v in r) for r in spark.sql(translated).collect()]
    assert got == duck and len(duck) == 18


def test_star_replace(both):
    sql = "select f.* replace (f.k * 10 as v, 'x' as g), x.w as w2 from t f join t x using (k)"
    sql = f"select * from ({sql}) order by k"
    conn, spark = both
    duck = [tuple(_norm(v) for v in r) for r in conn.execute(sql).fetchall()]
    translated = to_spark(sql, columns=lambda t: ["k", "g", "v", "ts", "w"] if t == "t" else None)
    got = [tuple(_norm(v) for v in r) for r in spark.sql(translated).collect()]
    assert got == duck and duck[0][:3] == (1, "x", 10)


def test_unique_ctes(both):
    sql = (
        "select * from (with x as (select k from t) select k from x) a "
        "join (with x as (select k * 10 as k from t) select k from x) b on b.k = a.k * 10 "
        "order by 1"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and len(duck) == 6


def test_parameters(both):
    conn, spark = both
    sql = "select k from t where ($f_g::varchar[] is null or list_contains($f_g, g)) order by k"
    for value in (None, ["b"]):
        duck = conn.execute(sql, {"f_g": value}).fetchall()
        from supportstats.spark.connection import SparkConnection

        got = SparkConnection(spark).execute(sql, {"f_g": value}).fetchall()
        assert got == duck


def test_list_index(both):
    sql = (
        "select k, [k, w][2], [k][5], (list(k) over (partition by g order by k))[1] "
        "from t order by k"
    )
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[1][1:3] == (None, None)


def test_cte_hint(both):
    sql = "with x as not materialized (select k from t) select count(*) from x"
    duck, spark = run_both(both, sql)
    assert duck == spark == [(6,)]


def test_comprehension(both):
    sql = "select k, [x * 10 for x in [k, w, 7] if x > 2] from t order by k"
    duck, spark = run_both(both, sql)
    assert duck == spark and duck[0][1] == [30, 70]
