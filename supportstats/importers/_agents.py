"""One agent, one key: an agent a file names only by e-mail or by name is the agent another
file of the same source names by id (issue 15, item 6).

Chatwoot's CSAT CSV names the agent "Name (email)" and has no id, while messages and
conversations name agents by id: ratings keyed by e-mail never met the agent's messages.
Freshdesk's ticket export CSV names the agent by name (``freshdesk:Maya Ortiz``), its API by
id: an account with both had each agent twice. After every import (after ``--pseudonymise``,
so pseudonymised rows match alike) the agent rows keyed by their own e-mail or name are
resolved (``sql/staging/_int_agent_*.sql``): an e-mail to the one agent with an id and that
e-mail, else to the one agent with an id, no e-mail and that name; a name to the one agent
with an id and that name (trimmed, in any case). Every row naming the alias, in any batch,
then names that agent (``sql/load/_agent_merge.sql``). Unresolved ones stay their own
agents, and the import says so (``ImportContext.notes``). Files may come in any order:
whichever comes second resolves.

The module name starts with ``_``, so the importer registry does not take it for a source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportstats.importers._pipeline import ImportContext

__all__ = ["resolve_agents", "resolve_queues"]

_RATINGS = (
    "SELECT count(*) FROM rating WHERE agent_key_at_rating IN "
    "(SELECT alias_key FROM {aliases} WHERE {how})"
)
_E_MAIL = "how IN ('e-mail', 'name')"
_NAME_KEY = "how = 'name key'"


def resolve_agents(ctx: ImportContext) -> None:
    """Resolve the source's agents keyed by e-mail or name to their ids; note what was and
    was not (the macros ss_agent_by_email and ss_agent_by_name: ``sql/staging/_macros.sql``)."""
    if not ctx.count(
        "SELECT count(*) FROM (SELECT 1 FROM agent WHERE source_system = $ss AND "
        "(ss_agent_by_email(email, source_id) OR ss_agent_by_name(name, source_id)) LIMIT 1)",
        {"ss": ctx.source_system},
    ):
        return
    label = "resolving agents named by e-mail or name"
    ctx.stage("_int_agent_kinds", label=label)
    aliases = ctx.stage("_int_agent_aliases", label=label)
    unresolved = ctx.stage("_int_agent_unresolved", label=label)
    found = dict(ctx.conn.execute(f"SELECT how, count(*) FROM {aliases} GROUP BY 1").fetchall())
    by_email = {way: n for way, n in found.items() if way != "name key"}
    ratings = ctx.count(_RATINGS.format(aliases=aliases, how=_E_MAIL)) if by_email else 0
    named = found.get("name key", 0)
    name_ratings = assigned = 0
    if named:
        name_ratings = ctx.count(_RATINGS.format(aliases=aliases, how=_NAME_KEY))
        assigned = ctx.count(
            "SELECT count(*) FROM conversation WHERE assignee_agent_key IN "
            f"(SELECT alias_key FROM {aliases} WHERE {_NAME_KEY})"
        )
    if found:
        # re-points every table's rows and drops the aliases: writes upsert does not do
        ctx.run_sql("load/_agent_merge.sql", label=label)
    if by_email:
        how = " and ".join(f"{n} by {way}" for way, n in sorted(by_email.items()))
        ctx.notes.append(
            f"{sum(by_email.values())} agent(s) named only by e-mail are the agents with these "
            f"ids ({how}); {ratings} rating(s) and every other row naming them now use the id"
        )
    if named:
        ctx.notes.append(
            f"{named} agent(s) named only by name are the agents with these ids and names; "
            f"{assigned} conversation(s), {name_ratings} rating(s) and every other row naming "
            "them now use the id"
        )
    _note_unresolved_emails(ctx)
    _note_unresolved_names(ctx, unresolved)


def _wrote(ctx: ImportContext, *tables: str) -> bool:
    """Whether this import wrote a row in any of ``tables``."""
    rows = " UNION ALL ".join(f"SELECT 1 FROM {t} WHERE batch_id = $b" for t in tables)
    return bool(ctx.count(f"SELECT count(*) FROM ({rows} LIMIT 1)", {"b": ctx.batch_id}))


def _note_unresolved_emails(ctx: ImportContext) -> None:
    """E-mail-keyed agents that ratings name, in a source whose other agents have ids."""
    left = ctx.count(
        "SELECT count(DISTINCT a.agent_key) FROM agent a JOIN rating r "
        "ON r.agent_key_at_rating = a.agent_key WHERE a.source_system = $ss "
        "AND ss_agent_by_email(a.email, a.source_id) "
        "AND EXISTS (SELECT 1 FROM agent i WHERE i.source_system = $ss "
        "AND NOT coalesce(i.is_bot, false) AND NOT ss_agent_by_email(i.email, i.source_id))",
        {"ss": ctx.source_system},
    )
    if left and _wrote(ctx, "rating", "agent"):
        ctx.notes.append(
            f"{left} agent(s) named only by e-mail in ratings match no agent with an id of "
            f"{ctx.source_system} (by e-mail, or by a name only one agent has): they stay "
            "agents of their own, keyed by e-mail, until a file gives their id with their "
            "e-mail (Chatwoot: a conversations export, whose assignees carry it)"
        )


def _note_unresolved_names(ctx: ImportContext, unresolved: str) -> None:
    """Name-keyed agents that no agent, or several, with an id and that name are, in a
    source some of whose agents have ids and names (``unresolved``: _int_agent_unresolved)."""
    none, several = ctx.conn.execute(
        "SELECT count(*) FILTER (WHERE matches = 0), count(*) FILTER (WHERE matches > 1) "
        f"FROM {unresolved}"
    ).fetchone() or (0, 0)
    if (none or several) and _wrote(ctx, "conversation", "rating", "agent"):
        ctx.notes.append(
            f"{none + several} agent(s) named only by name match no one agent with an id of "
            f"{ctx.source_system} ({none} no agent of that name, {several} several): they "
            "stay agents of their own, keyed by name, until a file gives one id with that "
            "name (Freshdesk: the API's or Airbyte's agents)"
        )


def resolve_queues(ctx: ImportContext) -> None:
    """Resolve the source's queues keyed by name (Freshdesk's CSV groups) to the one queue
    with an id and that name, as agents keyed by name are; note what was."""
    aliases = ctx.stage("_int_queue_aliases", label="resolving groups named by name")
    found = ctx.count(f"SELECT count(*) FROM {aliases}")
    if not found:
        return
    moved = ctx.count(
        f"SELECT count(*) FROM conversation WHERE queue_key IN (SELECT alias_key FROM {aliases})"
    )
    # re-points every table's rows and drops the aliases: writes upsert does not do
    ctx.run_sql("load/_queue_merge.sql", label="resolving groups named by name")
    ctx.notes.append(
        f"{found} queue(s) or group(s) named only by name are the ones with these ids and "
        f"names; {moved} conversation(s) and every other row naming them now use the id"
    )
