-- After every import, and after --pseudonymise (importers/_agents.py; issue 15, item 6): an
-- agent one file names only by e-mail or by name, and another file of the same source by id,
-- is one agent. stg_agent_alias(alias_key, agent_key, how):
-- * keyed by its e-mail (Chatwoot's CSAT CSV says "Name (email)" and has no id): the one
--   agent with an id and that e-mail; else, when the row knows a name and exactly one agent
--   with an id (and no e-mail) has that name, that one (how 'e-mail', 'name');
-- * keyed by its name (Freshdesk's ticket CSV names the agent, the API gives ids): the one
--   agent with an id and a name of its own that is this name, trimmed, in any case
--   (how 'name key').
-- Pseudonymised rows match too: keys, names and e-mails are mapped alike (ss_agent_by_email
-- and ss_agent_by_name in _macros.sql say when a key is an e-mail or a name; pseudonymised
-- names match as spelt, a pseudonym having no case).
-- stg_agent_unresolved(agent_key, matches): the name keys left, with how many agents with an
-- id have that name (none, or several), when the source has agents with ids and names at all.
CREATE OR REPLACE TEMP TABLE stg_agent_kind AS
SELECT agent_key, source_id, name, email, lower(trim(name)) AS name_norm,
       coalesce(is_bot, false) AS is_bot,
       ss_agent_by_email(email, source_id) AS by_email,
       NOT ss_agent_by_email(email, source_id) AND ss_agent_by_name(name, source_id) AS by_name_key,
       -- an agent with an id and a name of its own: what a name key can be
       NOT ss_agent_by_email(email, source_id) AND NOT ss_agent_by_name(name, source_id)
           AND NOT coalesce(is_bot, false) AND coalesce(trim(name), '') <> ''
           AND name <> source_id AND name <> 'Agent ' || source_id AS named
FROM agent
WHERE source_system = $source_system;

CREATE OR REPLACE TEMP TABLE stg_agent_alias AS
WITH agents AS (
    SELECT * FROM stg_agent_kind
), ided AS (
    SELECT * FROM agents WHERE NOT by_email AND NOT is_bot
), by_mail AS (
    SELECT a.agent_key AS alias_key, any_value(i.agent_key) AS agent_key, 'e-mail' AS how
    FROM agents a JOIN ided i ON lower(i.email) = lower(a.email)
    WHERE a.by_email
    GROUP BY a.agent_key
    HAVING count(DISTINCT i.agent_key) = 1
), unique_name AS (
    SELECT name FROM ided WHERE name IS NOT NULL GROUP BY name HAVING count(*) = 1
), by_name AS (
    SELECT a.agent_key AS alias_key, i.agent_key, 'name' AS how
    FROM agents a JOIN ided i ON i.name = a.name AND i.email IS NULL
    WHERE a.by_email AND a.name <> a.source_id
      AND a.name IN (SELECT name FROM unique_name)
      AND a.agent_key NOT IN (SELECT alias_key FROM by_mail)
), by_name_key AS (
    SELECT a.agent_key AS alias_key, any_value(i.agent_key) AS agent_key, 'name key' AS how
    FROM agents a JOIN agents i ON i.named AND i.name_norm = a.name_norm
    WHERE a.by_name_key AND NOT a.is_bot
      AND a.agent_key NOT IN (SELECT agent_key FROM by_mail UNION ALL SELECT agent_key FROM by_name)
    GROUP BY a.agent_key
    HAVING count(DISTINCT i.agent_key) = 1
)
SELECT * FROM by_mail
UNION ALL
SELECT * FROM by_name
UNION ALL
SELECT * FROM by_name_key;

CREATE OR REPLACE TEMP TABLE stg_agent_unresolved AS
SELECT a.agent_key, (SELECT count(*) FROM stg_agent_kind n WHERE n.named AND n.name_norm = a.name_norm) AS matches
FROM stg_agent_kind a
WHERE a.by_name_key AND NOT a.is_bot
  AND EXISTS (SELECT 1 FROM stg_agent_kind n WHERE n.named)
  AND a.agent_key NOT IN (SELECT alias_key FROM stg_agent_alias);
