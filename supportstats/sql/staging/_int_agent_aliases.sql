WITH agents AS (
    SELECT * FROM _int_agent_kinds
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
SELECT * FROM by_name_key
