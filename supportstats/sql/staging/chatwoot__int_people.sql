-- Agents with their ids, names and e-mails from what conversations and messages say of them:
-- a conversation's meta.assignee (a User: id, name, e-mail in the API's conversation list), a
-- message's sender (e-mail in webhook-shaped exports). The e-mail is what lets a CSAT row
-- ("Name (email)") find the agent's id (importers/_agents.py). Run after messages are written.
SELECT agent_key, any_value(id) AS id, max(name) AS name, max(email) AS email
FROM (
    SELECT $source_system || ':' || (record ->> '$.meta.assignee.id') AS agent_key,
           record ->> '$.meta.assignee.id' AS id,
           ss_text(record ->> '$.meta.assignee.name') AS name,
           lower(trim(ss_text(record ->> '$.meta.assignee.email'))) AS email
    FROM chatwoot__int_records
    WHERE kind = 'conversation' AND ss_text(record ->> '$.meta.assignee.id') IS NOT NULL
      AND coalesce(record ->> '$.meta.assignee_type', 'User') <> 'AgentBot'
    UNION ALL
    SELECT author_agent_key, split_part(author_agent_key, ':', -1), ss_text(raw ->> '$.sender.name'),
           lower(trim(ss_text(raw ->> '$.sender.email')))
    FROM chatwoot__message
    WHERE _reject_reason IS NULL AND author_role = 'agent' AND author_agent_key IS NOT NULL
)
GROUP BY agent_key
