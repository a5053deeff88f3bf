-- After every import, and after --pseudonymise (importers/_agents.py; issue 15, item 6): an
-- agent one file names only by e-mail (its key is its e-mail: Chatwoot's CSAT CSV says
-- "Name (email)" and has no id) is the agent another file of the same source names by id,
-- when exactly one agent with an id has that e-mail; else, when the row knows a name and
-- exactly one agent with an id (and no e-mail) has that name, that one. Pseudonymised rows
-- match too: keys, names and e-mails are mapped alike (an e-mail key's pseudonym plus
-- '@pseudonym.invalid' is its e-mail's). stg_agent_alias(alias_key, agent_key, how).
CREATE OR REPLACE TEMP TABLE stg_agent_alias AS
WITH agents AS (
    SELECT agent_key, source_id, name, email, coalesce(is_bot, false) AS is_bot,
           coalesce(lower(email) IN (lower(source_id), lower(source_id) || '@pseudonym.invalid'), false) AS by_email
    FROM agent
    WHERE source_system = $source_system
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
)
SELECT * FROM by_mail
UNION ALL
SELECT * FROM by_name;
