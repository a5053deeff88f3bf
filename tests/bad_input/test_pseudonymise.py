"""`import --pseudonymise`: no names, e-mails, phones, visitor ids or words of people in the
warehouse, the same numbers, stable pseudonyms across files with one key (issue 14, item 15).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

from tests.bad_input._corpus import assert_clean_error, assert_no_traceback, counts, run
from tests.conftest import Cli

DATA = Path(__file__).resolve().parents[1] / "data"
# Vendor-shaped fixtures with customers (names, e-mails, a phone), agents and message bodies.
FILES = [
    DATA / "zendesk" / "users.json",
    DATA / "zendesk" / "tickets_page.json",
    DATA / "zendesk" / "audits.json",
    DATA / "zendesk" / "satisfaction_ratings.json",
    DATA / "intercom" / "conversations.jsonl",
    DATA / "chatwoot" / "messages.json",
    DATA / "chatwoot" / "agents_report.csv",
]
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "generic"
KEY = "a3f1c9e07b5d42e8a3f1c9e07b5d42e8"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "pseudonym.key"
    path.write_text(KEY + "\n")
    return path


def text_values(db: Path) -> set[str]:
    """Every text (and JSON) value stored in the warehouse's tables."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        columns = conn.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' "
            "AND (c.data_type IN ('VARCHAR', 'JSON') OR c.data_type LIKE 'VARCHAR[]')"
        ).fetchall()
        found: set[str] = set()
        for table, column in columns:
            rows = conn.execute(f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{table}"')
            found.update(value for (value,) in rows.fetchall() if value is not None)
        return found
    finally:
        conn.close()


def personal_details(db: Path) -> set[str]:
    """Names, e-mails, phones, visitor ids and message bodies as a plain import stores them."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        found = set()
        for sql in (
            "SELECT name FROM contact UNION SELECT email FROM contact "
            "UNION SELECT phone FROM contact UNION SELECT source_id FROM contact",
            "SELECT name FROM agent UNION SELECT email FROM agent",
            "SELECT body FROM message UNION SELECT subject FROM conversation",
            "SELECT comment FROM rating",
        ):
            found.update(v for (v,) in conn.execute(sql).fetchall() if v and len(v) > 3)
        return found
    finally:
        conn.close()


def import_all(db: Path, *extra: str | Path, files: list[Path] = FILES) -> None:
    outcome = run("import", *files, "--db", db, *extra)
    assert outcome.code in (0, 1), outcome  # the fixtures hold a few rejected rows
    assert_no_traceback(outcome)


@pytest.fixture(scope="module")
def vendor(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The vendor fixtures imported plainly and pseudonymised (key in the environment)."""
    folder = tmp_path_factory.mktemp("pseudonymise")
    plain, pseudo = folder / "plain.duckdb", folder / "pseudo.duckdb"
    import_all(plain)
    import_all(pseudo, "--pseudonymise", "--pseudonym-key-file", write_key(folder))
    return plain, pseudo


def write_key(folder: Path) -> Path:
    path = folder / "pseudonym.key"
    path.write_text(KEY + "\n")
    return path


def test_no_personal_detail_reaches_the_warehouse(vendor: tuple[Path, Path]) -> None:
    plain, pseudo = vendor
    secrets = personal_details(plain)
    assert any("@" in s for s in secrets) and any(" " in s for s in secrets)  # the test bites
    stored = text_values(pseudo)
    leaked = {s for s in secrets if any(s in value for value in stored)}
    assert not leaked
    # the same rows, under other names
    assert counts(pseudo) == counts(plain)


def assert_same_rows(a: list | dict, b: list | dict, what: object) -> None:
    """The same rows and values; floats to 1e-9 (DuckDB sums in parallel, in any order)."""
    a_rows, b_rows = (a, b) if isinstance(a, list) else ([a], [b])
    assert len(a_rows) == len(b_rows), what
    for x, y in zip(a_rows, b_rows, strict=True):
        assert x.keys() == y.keys(), what
        for key, value in x.items():
            other = y[key]
            if isinstance(value, float) and isinstance(other, float):
                assert math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-12), (what, key)
            else:
                assert value == other, (what, key)


def same_figures(plain: Path, pseudo: Path) -> None:
    """Every report and metric family gives the same numbers; only names differ. (The reports
    run in this process, through the real CLI: the imports above ran in fresh ones.)"""
    cli = Cli()
    for command in (
        ("report", "scorecard", "--format", "json"),
        ("metrics", "--by", "team", "--format", "json"),
        ("metrics", "--by", "channel", "--format", "json"),
        ("metrics", "--by", "day", "--format", "json"),
    ):
        a = cli(*command, "--db", plain)
        b = cli(*command, "--db", pseudo)
        assert a.exit_code == b.exit_code == 0, (a.output, b.output)
        assert_same_rows(json.loads(a.stdout), json.loads(b.stdout), command)
    by_agent = [json.loads(cli("report", "agents", "--format", "json", "--db", db).stdout)
                for db in (plain, pseudo)]  # fmt: skip
    assert by_agent[0], "no agents to compare"
    names = [[agent.pop("agent") for agent in rows] for rows in by_agent]
    assert_same_rows(by_agent[0], by_agent[1], "report agents")
    assert all(n is None or n.startswith("Agent ") for n in names[1]), names
    assert set(names[0]) & set(names[1]) <= {None}


def test_the_numbers_are_the_same(tmp_path: Path, key_file: Path) -> None:
    plain, pseudo = tmp_path / "plain.duckdb", tmp_path / "pseudo.duckdb"
    files = sorted(SAMPLE.glob("*.csv"))
    assert files
    import_all(plain, files=files)
    import_all(pseudo, "--pseudonymise", "--pseudonym-key-file", key_file, files=files)
    same_figures(plain, pseudo)


def test_the_numbers_are_the_same_on_vendor_files(vendor: tuple[Path, Path]) -> None:
    same_figures(*vendor)


def test_pseudonyms_are_stable_across_files_with_one_key(
    vendor: tuple[Path, Path], tmp_path: Path, key_file: Path
) -> None:
    one, two = vendor[1], tmp_path / "two.duckdb"
    # the same people, one file per command (one key, one process each), into another warehouse
    for path in FILES:
        import_all(two, "--pseudonymise", "--pseudonym-key-file", key_file, files=[path])
    sql = "SELECT contact_key, name, email FROM contact ORDER BY 1"
    with (
        duckdb.connect(str(one), read_only=True) as a,
        duckdb.connect(str(two), read_only=True) as b,
    ):
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall()
        agents = "SELECT agent_key, name, email FROM agent ORDER BY 1"
        assert a.execute(agents).fetchall() == b.execute(agents).fetchall()
        keys = {k for (k,) in a.execute("SELECT DISTINCT contact_key FROM conversation").fetchall()}
        known = {k for (k,) in a.execute("SELECT contact_key FROM contact").fetchall()}
        assert keys & known  # conversations still point at their (pseudonymised) customers


def test_keep_text_keeps_the_words_but_not_the_people(tmp_path: Path, key_file: Path) -> None:
    db = tmp_path / "w.duckdb"
    import_all(db, "--pseudonymise", "--keep-text", "--pseudonym-key-file", key_file,
               files=FILES[:3])  # fmt: skip
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("SELECT count(body) FROM message").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] > 0
        assert not conn.execute("SELECT count(*) FROM contact WHERE name NOT LIKE 'Customer %'")\
            .fetchone()[0]  # fmt: skip


def test_reimporting_is_a_no_op(tmp_path: Path, key_file: Path) -> None:
    db = tmp_path / "w.duckdb"
    import_all(db, "--pseudonymise", "--pseudonym-key-file", key_file, files=FILES[:3])
    before = counts(db)
    again = run(
        "import", *FILES[:3], "--db", db, "--pseudonymise", "--pseudonym-key-file", key_file
    )
    assert again.code in (0, 1) and again.stderr.lower().count("already imported") == 3, again
    assert counts(db) == before


def test_a_key_comes_from_a_file_or_the_environment(tmp_path: Path, key_file: Path) -> None:
    db = tmp_path / "w.duckdb"
    missing = run("import", FILES[0], "--db", db, "--pseudonymise")
    assert_clean_error(missing, 2, contains="needs a key")
    assert counts(db) == {}
    short = tmp_path / "short.key"
    short.write_text("secret")
    weak = run("import", FILES[0], "--db", db, "--pseudonymise", "--pseudonym-key-file", short)
    assert_clean_error(weak, 2, contains="at least 16")
    stray = run("import", FILES[0], "--db", db, "--keep-text")
    assert_clean_error(stray, 2, contains="only apply with --pseudonymise")
    from_env = run("import", FILES[0], "--db", db, "--pseudonymise",
                   env={"SUPPORTSTATS_PSEUDONYM_KEY": KEY})  # fmt: skip
    assert from_env.code == 0, from_env
    same_from_file = run("import", FILES[0], "--db", db, "--pseudonymise",
                         "--pseudonym-key-file", key_file)  # fmt: skip
    assert same_from_file.code == 0 and "already imported" in same_from_file.stderr.lower()
    with duckdb.connect(str(db), read_only=True) as conn:
        (options,) = conn.execute("SELECT options FROM import_batch").fetchone()
    assert KEY not in options and '"key_id"' in options  # the key itself is never stored


def test_plain_and_pseudonymised_people_never_mix(tmp_path: Path, key_file: Path) -> None:
    pseudo, plain = tmp_path / "pseudo.duckdb", tmp_path / "plain.duckdb"
    run("import", FILES[0], "--db", pseudo, "--pseudonymise", "--pseudonym-key-file", key_file)
    before = counts(pseudo)
    assert_clean_error(run("import", FILES[1], "--db", pseudo), 3, contains="pseudonymised")
    other = tmp_path / "other.key"
    other.write_text("0000111122223333444455556666")
    assert_clean_error(
        run("import", FILES[1], "--db", pseudo, "--pseudonymise", "--pseudonym-key-file", other),
        3,
        contains="another key",
    )
    assert counts(pseudo) == before
    run("import", FILES[0], "--db", plain)
    assert_clean_error(
        run("import", FILES[1], "--db", plain, "--pseudonymise", "--pseudonym-key-file", key_file),
        3,
        contains="not pseudonymised",
    )


def test_agents_known_by_name_or_e_mail_leave_no_trace(tmp_path: Path, key_file: Path) -> None:
    # A help desk's CSV that names agents by e-mail and by name, in every file that can.
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "conversations.csv").write_text(
        "conversation_id,created_at,kind,channel,agent,contact,status\n"
        "Q1,2026-01-05T10:00:00Z,chat,chat,ana.garcia@acme.com,maria@cust.example,solved\n"
        "Q2,2026-01-05T10:05:00Z,chat,chat,Luis Pérez,+34 600 111 222,solved\n",
        encoding="utf-8",
    )
    (folder / "agent_status.csv").write_text(
        "agent,started_at,ended_at,status,channel\n"
        "ana.garcia@acme.com,2026-01-05T07:00:00Z,2026-01-05T11:00:00Z,online,chat\n"
        "Luis Pérez,2026-01-05T07:00:00Z,2026-01-05T11:00:00Z,online,chat\n",
        encoding="utf-8",
    )
    files = sorted(folder.glob("*.csv"))
    db = tmp_path / "w.duckdb"
    import_all(db, "--pseudonymise", "--pseudonym-key-file", key_file, files=files)
    stored = text_values(db)
    for secret in ("ana.garcia", "acme.com", "Luis", "Pérez", "maria@", "600 111"):
        assert not [v for v in stored if secret in v], secret
    before = counts(db)
    again = run("import", *files, "--db", db, "--pseudonymise", "--pseudonym-key-file",
                key_file, "--replace")  # fmt: skip
    assert again.code == 0, again
    assert counts(db) == before  # re-imported rows replace their pseudonymised selves
