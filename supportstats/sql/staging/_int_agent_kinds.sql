-- * keyed by its name (Freshdesk's ticket CSV names the agent, the API gives ids): the one
--   agent with an id and a name of its own that is this name, trimmed, in any case
--   (how 'name key').
-- Pseudonymised rows match too: keys, names and e-mails are mapped alike (ss_agent_by_email
-- and ss_agent_by_name in _macros.sql say when a key is an e-mail or a name; pseudonymised
-- names match as spelt, a pseudonym having no case).
-- _int_agent_unresolved(agent_key, matches): the name keys left, with how many agents with an
-- id have that name (none, or several), when the source has agents with ids and names at all.
SELECT agent_key, source_id, name, email, lower(trim(name)) AS name_norm,
       coalesce(is_bot, false) AS is_bot,
       ss_agent_by_email(email, source_id) AS by_email,
       NOT ss_agent_by_email(email, source_id) AND ss_agent_by_name(name, source_id) AS by_name_key,
       -- an agent with an id and a name of its own: what a name key can be
       NOT ss_agent_by_email(email, source_id) AND NOT ss_agent_by_name(name, source_id)
           AND NOT coalesce(is_bot, false) AND coalesce(trim(name), '') <> ''
           AND name <> source_id AND name <> 'Agent ' || source_id AS named
FROM agent
WHERE source_system = $source_system
