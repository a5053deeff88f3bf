"""Pseudonymisation at import: keyed pseudonyms for people, their words dropped or kept.

An analyst can then work on a warehouse that holds no names, e-mails, phones or visitor ids,
and gets the same metrics. The key never enters the warehouse: only its fingerprint
(``key_id``) is recorded with each batch, so that files pseudonymised with different keys (whose
pseudonyms would not match) or not at all are never mixed in one warehouse.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from supportstats.errors import OptionError, WarehouseError
from supportstats.sql import load_sql, split_statements, used_params

ENV_KEY = "SUPPORTSTATS_PSEUDONYM_KEY"
# A key shorter than this is guessable: pseudonyms would be reversible by trying keys.
MIN_KEY_CHARS = 16
KEY_HINT = (
    "make a key once and keep it apart from the warehouse, e.g. "
    "python -c 'import secrets; print(secrets.token_hex(32))' > pseudonym.key, then pass "
    f"--pseudonym-key-file pseudonym.key (or set {ENV_KEY})"
)


@dataclass(frozen=True)
class Pseudonymisation:
    """How to pseudonymise an import: the secret key and whether free text is kept."""

    key: str = field(repr=False)
    keep_text: bool = False

    def __post_init__(self) -> None:
        if len(self.key.strip()) < MIN_KEY_CHARS:
            raise OptionError(
                f"the pseudonymisation key has {len(self.key.strip())} characters; it needs "
                f"at least {MIN_KEY_CHARS} so that nobody can guess it",
                KEY_HINT,
            )

    @property
    def key_id(self) -> str:
        """A fingerprint of the key that reveals nothing of it (recorded with each batch)."""
        return _digest("supportstats-key-id", self.key)[:12]

    def fingerprint(self) -> dict[str, object]:
        """What an import records about its pseudonymisation (never the key)."""
        return {"key_id": self.key_id, "keep_text": self.keep_text}

    def params(self, batch_id: int) -> dict[str, object]:
        return {
            "b": batch_id,
            "inner": _digest("supportstats-pseudonym-inner", self.key),
            "outer": _digest("supportstats-pseudonym-outer", self.key),
            "keep_text": self.keep_text,
        }


def _digest(label: str, key: str) -> str:
    return hashlib.sha256(f"{label}\0{key.strip()}".encode()).hexdigest()


def read_key(key_file: Path | None) -> str:
    """The key from ``key_file``, else from ``SUPPORTSTATS_PSEUDONYM_KEY``."""
    if key_file is not None:
        try:
            return key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise OptionError(
                f"cannot read the pseudonymisation key file {key_file}: "
                f"{getattr(exc, 'strerror', None) or exc}",
                KEY_HINT,
            ) from None
    key = os.environ.get(ENV_KEY, "").strip()
    if not key:
        raise OptionError("--pseudonymise needs a key, and none was given", KEY_HINT)
    return key


def describe_setting(fingerprint: dict[str, object] | None) -> str:
    """How an import was pseudonymised, for a person ("none", "key 3fa2c1d0e9b7, words
    dropped")."""
    if not fingerprint:
        return "none"
    words = "words kept" if fingerprint.get("keep_text") else "words dropped"
    return f"key {fingerprint.get('key_id')}, {words}"


def recorded(conn: duckdb.DuckDBPyConnection) -> set[str | None]:
    """The pseudonymisation key ids of the warehouse's batches (None: a plain batch)."""
    sql = "SELECT DISTINCT options ->> '$.pseudonymise.key_id' FROM import_batch"
    return {key_id for (key_id,) in conn.execute(sql).fetchall()}


def check_warehouse(
    conn: duckdb.DuckDBPyConnection, setting: Pseudonymisation | None, where: str
) -> None:
    """Refuse an import that would mix plain and pseudonymised people, or two keys."""
    have = recorded(conn)
    if not have:
        return
    wanted = setting.key_id if setting else None
    if have == {wanted}:
        return
    if wanted is None:
        raise WarehouseError(
            f"{where} holds pseudonymised data; importing without --pseudonymise would add "
            "real names and e-mails beside the pseudonyms",
            "import with --pseudonymise and the same key, or use another --db",
        )
    if None in have:
        raise WarehouseError(
            f"{where} already holds data that is not pseudonymised; the people in it would "
            "keep their names",
            "pseudonymise into a new warehouse (--db another.duckdb) and import every file "
            "there with --pseudonymise",
        )
    raise WarehouseError(
        f"{where} was pseudonymised with another key (id {sorted(k for k in have if k)[0]}, "
        f"this key is {wanted}); the same person would get two pseudonyms",
        "use the key this warehouse was built with, or another --db",
    )


# Importers that tell customers from agents across files by their ids (a Zendesk comment's
# author is looked up among the users and tickets imported before): their customer ids stay,
# unless an id is an e-mail or a name.
KEEPS_CONTACT_IDS = frozenset({"zendesk"})


def apply(
    conn: duckdb.DuckDBPyConnection, batch_id: int, setting: Pseudonymisation, importer: str
) -> None:
    """Pseudonymise what batch ``batch_id`` wrote (inside the import's transaction);
    ``importer`` is the source module that read the file."""
    params = {**setting.params(batch_id), "keep_contact_ids": importer in KEEPS_CONTACT_IDS}
    for statement in split_statements(load_sql("pseudonymise/batch.sql")):
        conn.execute(statement, used_params(statement, params))
