-- Agents with their ids, names and e-mails from what conversations and messages say of them:
-- a conversation's meta.assignee (a User: id, name, e-mail in the API's conversation list), a
-- message's sender (e-mail in webhook-shaped exports). The e-mail is what lets a CSAT row
-- ("Name (email)") find the agent's id (importers/_agents.py). Run after messages are written.
CREATE OR REPLACE TEMP TABLE stg_cw_people AS
SELECT agent_key, any_value(id) AS id, max(name) AS name, max(email) AS email
FROM (
    SELECT $source_system || ':' || (record ->> '$.meta.assignee.id') AS agent_key,
           record ->> '$.meta.assignee.id' AS id,
           ss_text(record ->> '$.meta.assignee.name') AS name,
           lower(trim(ss_text(record ->> '$.meta.assignee.email'))) AS email
    FROM stg_cw
    WHERE kind = 'conversation' AND ss_text(record ->> '$.meta.assignee.id') IS NOT NULL
      AND coalesce(record ->> '$.meta.assignee_type', 'User') <> 'AgentBot'
    UNION ALL
    SELECT author_agent_key, split_part(author_agent_key, ':', -1), ss_text(raw ->> '$.sender.name'),
           lower(trim(ss_text(raw ->> '$.sender.email')))
    FROM stg_message
    WHERE _reject_reason IS NULL AND author_role = 'agent' AND author_agent_key IS NOT NULL
)
GROUP BY agent_key;

INSERT INTO agent (agent_key, source_system, source_id, name, email, is_bot, batch_id)
SELECT agent_key, $source_system, id, name, email, false, $batch_id
FROM stg_cw_people
WHERE agent_key NOT IN (SELECT agent_key FROM agent);

-- An agent known before without an e-mail (or named only by its id) learns them.
UPDATE agent SET email = coalesce(agent.email, p.email),
                 name = CASE WHEN agent.name IS NULL OR agent.name = agent.source_id THEN coalesce(p.name, agent.name) ELSE agent.name END
FROM stg_cw_people p
WHERE agent.agent_key = p.agent_key
  AND ((agent.email IS NULL AND p.email IS NOT NULL)
       OR ((agent.name IS NULL OR agent.name = agent.source_id) AND p.name IS NOT NULL));
