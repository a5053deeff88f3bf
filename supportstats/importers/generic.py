"""The canonical flat format: one CSV/TSV/JSON/JSONL/Parquet file per kind of record.

A file's kind (its *entity*) is recognised from its columns, or forced with ``--entity`` or
the mapping file. Columns and their meaning are documented in ``docs/import_format.md``.
A mapping file (TOML) renames a house export's columns to ours::

    entity = "conversation"          # optional: otherwise recognised from the columns
    source_system = "helpdesk"       # optional: the source label (default "generic")
    timezone = "Europe/Madrid"       # naive times are local time there (default UTC)
    timestamp_format = "%d/%m/%Y %H:%M"   # strptime format for day-first dates

    [columns]                        # our column = their column
    conversation_id = "Ticket ID"
    created_at = "Created"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe
from supportstats.sql import quote_identifier

SOURCE = "generic"
DESCRIPTION = "supportstats' canonical flat format (CSV, TSV, JSON, JSON Lines, Parquet)"


@dataclass(frozen=True)
class Entity:
    """One kind of flat file: its columns, which are required, and where rows go."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    sql: str
    id_label: str
    signature: tuple[str, ...]  # columns whose presence identifies the entity

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            "message",
            ("message_id", "conversation_id", "created_at", "author_role"),
            ("author", "visibility", "automation", "kind", "body"),
            "generic__message.sql",
            "message_id",
            ("message_id",),
        ),
        Entity(
            "engagement",
            ("engagement_id", "conversation_id", "agent", "started_at"),
            ("accepted_at", "first_message_at", "ended_at", "end_reason"),
            "generic__engagement.sql",
            "engagement_id",
            ("engagement_id",),
        ),
        Entity(
            "event",
            ("conversation_id", "occurred_at", "event_type"),
            ("event_id", "from_value", "to_value", "actor", "actor_role"),
            "generic__event.sql",
            "event_id",
            ("event_type",),
        ),
        Entity(
            "rating",
            ("conversation_id", "rating"),
            ("rating_id", "scale", "rated_at", "offered_at", "comment", "agent"),
            "generic__rating.sql",
            "rating_id",
            ("rating",),
        ),
        Entity(
            "agent_status",
            ("agent", "started_at", "status"),
            ("ended_at", "channel"),
            "generic__agent_status.sql",
            "agent",
            ("status", "started_at"),
        ),
        Entity(
            "agent",
            ("agent_id",),
            ("name", "email", "role", "team", "is_bot", "active"),
            "generic__agent.sql",
            "agent_id",
            ("agent_id",),
        ),
        Entity(
            "schedule",
            ("schedule_id", "day_of_week", "open_time", "close_time"),
            ("timezone", "name"),
            "generic__schedule.sql",
            "schedule_id",
            ("schedule_id", "day_of_week"),
        ),
        Entity(
            "holiday",
            ("schedule_id",),
            ("date", "start_date", "end_date", "name"),
            "generic__holiday.sql",
            "schedule_id",
            ("schedule_id",),
        ),
        Entity(
            "conversation",
            ("conversation_id", "created_at"),
            (
                "kind",
                "channel",
                "queue",
                "team",
                "agent",
                "contact",
                "initiated_by",
                "status",
                "priority",
                "subject",
                "tags",
                "first_response_at",
                "resolved_at",
                "csat",
                "csat_scale",
            ),
            "generic__conversation.sql",
            "conversation_id",
            ("conversation_id", "created_at"),
        ),
    )
}


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file."""

    columns: dict[str, str]
    entity: str | None = None
    source_system: str | None = None
    timezone: str | None = None
    timestamp_format: str | None = None


def read_mapping(path: Path | None) -> Mapping:
    """Parse a TOML mapping file (see the module docstring); a missing path is no mapping."""
    if path is None:
        return Mapping({})
    if not path.is_file():
        raise InputFileError(f"mapping file {path} not found", "check the --mapping path")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(
            f"mapping file {path} is not valid TOML: {exc}",
            'write it as: [columns] then lines like conversation_id = "Ticket ID"',
        ) from None
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise InputFileError(
            f"mapping file {path}: [columns] must map our column names to their column names",
            'e.g. [columns] then conversation_id = "Ticket ID"',
        )
    feeds: dict[str, str] = {}
    for ours, theirs in columns.items():
        if theirs in feeds:
            raise InputFileError(
                f"mapping file {path}: columns {feeds[theirs]} and {ours} both map to their "
                f"column {theirs!r}; each of their columns can feed one of ours",
                f"map {ours} to another column of the file, or leave it out of [columns]",
            )
        feeds[theirs] = ours
    entity = data.get("entity")
    if entity is not None and entity not in ENTITIES:
        raise InputFileError(
            f"mapping file {path}: unknown entity {entity!r}",
            "use one of: " + ", ".join(ENTITIES),
        )
    return Mapping(
        columns=dict(columns),
        entity=entity,
        source_system=data.get("source_system"),
        timezone=data.get("timezone"),
        timestamp_format=data.get("timestamp_format"),
    )


def recognise(header: list[str], forced: str | None = None) -> Entity:
    """The entity a header describes (``forced`` wins); raise when none fits."""
    if forced:
        if forced not in ENTITIES:
            raise InputFileError(f"unknown entity {forced!r}", "use one of: " + ", ".join(ENTITIES))
        return ENTITIES[forced]
    present = set(header)
    for entity in ENTITIES.values():
        if set(entity.signature) <= present and entity.name != "holiday":
            return entity
    if {"schedule_id"} <= present and ({"date"} & present or {"start_date"} & present):
        return ENTITIES["holiday"]
    # No full match: take the entity sharing most columns (conversation by default), so the
    # error names the columns that are missing rather than a vague "unknown format".
    best = max(
        ENTITIES.values(), key=lambda e: (len(set(e.columns) & present), e.name == "conversation")
    )
    return best if set(best.columns) & present else ENTITIES["conversation"]


def sniff(probe: FileProbe) -> float:
    """Confidence that the file is in the canonical flat format."""
    # The generic format is the fallback for any CSV or JSON: its errors say what is missing.
    if probe.file_kind != "csv":
        return 0.1
    try:
        recognise(probe.header)
    except InputFileError:
        return 0.1
    return 0.6


def _json_header(ctx: ImportContext) -> list[str]:
    rows = ctx.conn.execute(
        "SELECT DISTINCT unnest(json_keys(record)) FROM stg_raw_json"
    ).fetchall()
    return [r[0] for r in rows]


def load(ctx: ImportContext) -> None:
    """Load one flat file: recognise its entity, stage, type, reject, upsert."""
    mapping = read_mapping(ctx.options.mapping)
    if mapping.source_system and not ctx.options.source_system:
        ctx.source_system = mapping.source_system
    timezone = ctx.options.timezone or mapping.timezone or ctx.timezone
    ctx.timezone = timezone
    renames = {theirs: ours for ours, theirs in mapping.columns.items()}
    probe = ctx.probe

    if probe.file_kind == "csv":
        header = [renames.get(h, h) for h in probe.header]
    elif probe.file_kind == "parquet":
        types = _parquet_columns(ctx)
        header = [renames.get(name, name) for name in types]
    else:
        ctx.stage_json("stg_raw_json")
        header = [renames.get(h, h) for h in _json_header(ctx)]

    entity = recognise(header, ctx.options.entity or mapping.entity)
    ctx.entity = entity.name
    _check_columns(probe, header, entity, mapping, ctx.options.keep_extra)
    if probe.file_kind == "parquet":
        _check_flat(probe, entity, {renames.get(n, n): t for n, t in types.items()})

    extra = [h for h in header if h not in entity.columns]
    if probe.file_kind == "csv":
        absent_sql, extra_sql, params = _added_columns(entity, header, extra)
        ctx.stream_csv(
            "stg_raw",
            names=header,
            extra_select=absent_sql + extra_sql,
            extra_params=params,
            row_numbers=entity.name not in NUMBERED_ON_DEMAND,
        )
    elif probe.file_kind == "parquet":
        ctx.execute(
            "CREATE OR REPLACE TEMP TABLE stg_raw_pq AS SELECT row_number() OVER () AS _row, "
            "NULL::BIGINT AS _line, COLUMNS(*)::VARCHAR FROM read_parquet($p)",
            {"p": str(probe.path)},
            label=f"reading {probe.name}",
        )
        ctx.records_read(ctx.count("SELECT count(*) FROM stg_raw_pq"))
        _build_stg_raw(ctx, "stg_raw_pq", entity, header, renames, extra)
    else:
        ctx.records_read(ctx.count("SELECT count(*) FROM stg_raw_json"))
        _build_stg_raw(ctx, "stg_raw_json", entity, header, renames, extra)

    sql_params = {
        "ts_format": mapping.timestamp_format,
        "tz": timezone,
        # In a file delimited by ';', tab or '|' a comma in a number is a decimal comma.
        "decimal_comma": probe.file_kind == "csv" and probe.delimiter != ",",
    }
    label = f"reading and checking {entity.name} rows"
    model = entity.sql.removesuffix(".sql")
    if _one_pass_fits(probe, entity) and ctx.load_in_one_pass(
        model, SINGLE_PASS[entity.name], label=label, **sql_params
    ):
        return
    staged = ctx.stage(model, label=label, **sql_params)
    if probe.file_kind == "csv":
        if entity.name in NUMBERED_ON_DEMAND:
            ctx.rows_by_rowid(staged)
        ctx.records_read(ctx.count(f"SELECT count(*) FROM {staged}") + ctx.finish_csv())
    _upsert_entity(ctx, entity, staged)


def _check_columns(
    probe: FileProbe, header: list[str], entity: Entity, mapping: Mapping, keep_extra: bool
) -> None:
    missing = [c for c in entity.required if c not in header]
    if missing:
        sep = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(probe.delimiter, "")
        hint = f"the {entity.name} file needs the columns " + ", ".join(entity.required)
        if probe.file_kind == "csv" and len(header) == 1:
            hint += f"; only one column was found with a {sep} delimiter: is it delimited?"
        elif mapping.columns:
            hint += "; check the [columns] names in the mapping file"
        else:
            hint += "; map other names with --mapping FILE"
        raise InputFileError(
            f"{probe.path}: missing required column{'s' if len(missing) > 1 else ''} "
            + ", ".join(missing),
            hint,
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputFileError(
            f"{probe.path}: column {dupes[0]} appears more than once in the header",
            "rename or drop the repeated column",
        )
    extra = [h for h in header if h not in entity.columns]
    if extra and not keep_extra:
        raise InputFileError(
            f"{probe.path}: unknown column{'s' if len(extra) > 1 else ''} "
            + ", ".join(extra[:6])
            + (" ..." if len(extra) > 6 else "")
            + f" for a {entity.name} file",
            "pass --keep-extra to keep them in the raw column, or map them with --mapping FILE",
        )


def _parquet_columns(ctx: ImportContext) -> dict[str, str]:
    """The top-level columns of a Parquet file and their DuckDB types."""
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_pq_shape AS SELECT * FROM read_parquet($p) LIMIT 0",
        {"p": str(ctx.probe.path)},
    )
    rows = ctx.conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'stg_pq_shape' ORDER BY ordinal_position"
    ).fetchall()
    ctx.execute("DROP TABLE stg_pq_shape")
    return {name: kind for name, kind in rows}


def _nested(kind: str) -> bool:
    return kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION"))


def _check_flat(probe: FileProbe, entity: Entity, types: dict[str, str]) -> None:
    """Refuse a Parquet column of the entity that holds lists, structs or maps (an unknown
    nested column is kept as text with --keep-extra, or refused by _check_columns)."""
    nested = [(n, t) for n, t in types.items() if n in entity.columns and _nested(t)]
    if not nested:
        return
    name, kind = nested[0]
    quoted = quote_identifier(name)
    if kind.endswith("]"):
        how = f"array_to_string({quoted}, '|') AS {quoted}"
    else:
        how = f"to_json({quoted})::VARCHAR AS {quoted}"
    raise InputFileError(
        f"{probe.path}: column {name} holds nested values ({kind}); a {entity.name} file "
        "takes flat columns only (nested types are not supported)",
        f"flatten it before importing, e.g. in DuckDB: COPY (SELECT * REPLACE ({how}) FROM "
        f"'{probe.name}') TO 'flat.parquet'",
    )


def _build_stg_raw(
    ctx: ImportContext,
    source: str,
    entity: Entity,
    header: list[str],
    renames: dict[str, str],
    extra: list[str],
) -> None:
    """Give ``stg_raw`` every column of the entity (absent ones NULL) plus ``_extra``."""
    known = list(entity.columns) + ["_row", "_line"]
    if ctx.probe.file_kind == "json" or ctx.probe.file_kind == "jsonl":
        # JSON keys are read by our own column names; values stay text like in a CSV.
        theirs = {ours: theirs for theirs, ours in renames.items()}
        keys = [theirs.get(c, c) for c in entity.columns]
        # Each record is parsed once for all its values (json_extract with a list of paths):
        # a parse per column of a 70 MB record held a parse's buffers 34 times over.
        select = ", ".join(
            f"CASE WHEN json_type(v[{i}]) IN ('OBJECT', 'ARRAY') THEN v[{i}]::VARCHAR "
            f"ELSE v[{i}] ->> '$' END AS {col}"
            for i, col in enumerate(entity.columns, 1)
        )
        params: dict[str, Any] = {"paths": ["$." + _json_key(k) for k in keys]}
        if extra:
            params["known"] = [theirs.get(c, c) for c in entity.columns]
        extra_sql = (
            "CASE WHEN len(list_filter(json_keys(record), lambda k: NOT list_contains($known, k))) "
            "> 0 THEN record END"
            if extra
            else "NULL::JSON"
        )
        ctx.execute(
            f"CREATE OR REPLACE TEMP TABLE stg_raw AS SELECT _row, _line, {select}, "
            f"{extra_sql} AS _extra FROM (SELECT _row, _line, record, "
            f"json_extract(record, $paths) AS v FROM {source})",
            params,
        )
        return
    if ctx.probe.file_kind == "parquet":
        present = set(ctx.probe_columns(source))
        for theirs, ours in renames.items():
            if theirs in present and ours in ENTITY_COLUMNS:
                # Their name is quoted as an identifier; ours comes from our own column list.
                ctx.execute(
                    f"ALTER TABLE {source} RENAME COLUMN {quote_identifier(theirs)} TO {ours}"
                )
    absent_sql, extra_sql, params = _added_columns(entity, header, extra, known)
    ctx.execute(
        f"CREATE OR REPLACE TEMP TABLE stg_raw AS SELECT *{absent_sql}{extra_sql} FROM {source}",
        params,
        label="preparing rows",
    )
    ctx.execute(f"DROP TABLE {source}")


def _added_columns(
    entity: Entity, header: list[str], extra: list[str], known: list[str] | None = None
) -> tuple[str, str, dict[str, list[str]] | None]:
    """SQL select-list parts that add absent entity columns (NULL) and ``_extra`` (JSON)."""
    absent = [c for c in entity.columns if c not in header]
    absent_sql = "".join(f", NULL::VARCHAR AS {c}" for c in absent)
    if not extra:
        return absent_sql, ", NULL::JSON AS _extra", None
    known = known or list(entity.columns)
    return (
        absent_sql,
        ", to_json(struct_pack(*COLUMNS(lambda c: NOT list_contains($known, c)))) AS _extra",
        {"known": known},
    )


# The large entities, whose staging keeps one row per input row in file order and uses row
# numbers only to report rejected rows: their CSV read skips numbering every row, the numbers
# come from the staged table's rowids on demand (ImportContext.stream_csv). Events and ratings
# without an id are keyed by their row number, so their reads number every row.
NUMBERED_ON_DEMAND = frozenset({"conversation", "message", "engagement"})
# Entities whose CSV files may load in one pass, and their table (see _one_pass_fits).
SINGLE_PASS = {"conversation": "conversation", "message": "message"}
ENTITY_COLUMNS = frozenset(c for e in ENTITIES.values() for c in e.columns)


def _json_key(key: str) -> str:
    return '"' + key.replace('"', '\\"') + '"'


def _one_pass_fits(probe: FileProbe, entity: Entity) -> bool:
    """Whether the file can go straight into its table (ImportContext.load_in_one_pass): a
    CSV of an entity whose rows all go to one table."""
    return probe.file_kind == "csv" and entity.name in SINGLE_PASS


# The warehouse table each entity's rows are upserted into, and the id its duplicates name.
UPSERTED = {
    "conversation": ("conversation", "conversation_id"),
    "message": ("message", "message_id"),
    "event": ("conversation_event", "event_id"),
    "engagement": ("engagement", "engagement_id"),
    "rating": ("rating", "rating_id"),
    "agent_status": ("agent_status_interval", "agent"),
    "agent": ("agent", "agent_id"),
}


def _upsert_entity(ctx: ImportContext, entity: Entity, staged: str) -> None:
    name = entity.name
    if name in UPSERTED:
        target, id_label = UPSERTED[name]
        ctx.upsert(target, staged, main=True, id_label=id_label)
        if name == "agent":
            ctx.stage("generic__int_agent_team", label="reading teams")
            ctx.run_sql("load/generic__agent_team.sql")
        return
    # schedules and holidays: tables upsert does not key, written by their load SQL
    ctx.run_sql(f"load/{entity.sql}")
    ctx.set_aside(staged, f"schedule_{'interval' if name == 'schedule' else name}")
    ctx.count_loaded(staged)
