"""One agent, one key: an agent a file names only by e-mail is the agent another file of the
same source names by id (issue 15, item 6).

Chatwoot's CSAT CSV names the agent "Name (email)" and has no id, while messages and
conversations name agents by id: ratings keyed by e-mail never met the agent's messages.
After every import (after ``--pseudonymise``, so pseudonymised rows match alike) the agent
rows keyed by their own e-mail are resolved (``sql/staging/_agent_aliases.sql``): to the one
agent with an id and that e-mail, else to the one agent with an id, no e-mail and that name;
every row naming the alias, in any batch, then names that agent
(``sql/staging/_agent_merge.sql``). Unresolved ones stay their own agents, and the import
says so (``ImportContext.notes``). Files may come in any order: whichever comes second
resolves.

The module name starts with ``_``, so the importer registry does not take it for a source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportstats.importers._pipeline import ImportContext

__all__ = ["resolve_agent_emails"]

# SQL: agent row ``a`` is keyed by its own e-mail (plainly, or as pseudonyms).
_BY_EMAIL = (
    "coalesce(lower({a}.email) IN (lower({a}.source_id), "
    "lower({a}.source_id) || '@pseudonym.invalid'), false)"
)


def resolve_agent_emails(ctx: ImportContext) -> None:
    """Resolve the source's e-mail-keyed agents to their ids; note what was and was not."""
    by_email = _BY_EMAIL.format(a="a")
    if not ctx.count(
        f"SELECT count(*) FROM (SELECT 1 FROM agent a WHERE a.source_system = $ss "
        f"AND {by_email} LIMIT 1)",
        {"ss": ctx.source_system},
    ):
        return
    ctx.run_sql("staging/_agent_aliases.sql", label="resolving agents named by e-mail")
    found = dict(
        ctx.conn.execute("SELECT how, count(*) FROM stg_agent_alias GROUP BY 1").fetchall()
    )
    if found:
        ratings = ctx.count(
            "SELECT count(*) FROM rating WHERE agent_key_at_rating IN "
            "(SELECT alias_key FROM stg_agent_alias)"
        )
        ctx.run_sql("staging/_agent_merge.sql", label="resolving agents named by e-mail")
        how = " and ".join(f"{n} by {way}" for way, n in sorted(found.items()))
        ctx.notes.append(
            f"{sum(found.values())} agent(s) named only by e-mail are the agents with these "
            f"ids ({how}); {ratings} rating(s) and every other row naming them now use the id"
        )
    # Left over: e-mail-keyed agents that ratings name, in a source whose other agents have ids.
    left = ctx.count(
        f"SELECT count(DISTINCT a.agent_key) FROM agent a JOIN rating r "
        f"ON r.agent_key_at_rating = a.agent_key WHERE a.source_system = $ss AND {by_email} "
        f"AND EXISTS (SELECT 1 FROM agent i WHERE i.source_system = $ss "
        f"AND NOT coalesce(i.is_bot, false) AND NOT {_BY_EMAIL.format(a='i')})",
        {"ss": ctx.source_system},
    )
    if left and ctx.count(
        "SELECT count(*) FROM (SELECT 1 FROM rating WHERE batch_id = $b UNION ALL "
        "SELECT 1 FROM agent WHERE batch_id = $b LIMIT 1)",
        {"b": ctx.batch_id},
    ):
        ctx.notes.append(
            f"{left} agent(s) named only by e-mail in ratings match no agent with an id of "
            f"{ctx.source_system} (by e-mail, or by a name only one agent has): they stay "
            "agents of their own, keyed by e-mail, until a file gives their id with their "
            "e-mail (Chatwoot: a conversations export, whose assignees carry it)"
        )
