-- Run after chatwoot__message was upserted. Chatwoot writes status and assignment changes as activity
-- messages ("Conversation was marked resolved by John"); they become conversation events.
-- An assignment names the agent, not its id: the id is the one of the agent of that name who
-- wrote in this file or is known from an earlier one (when the name is unique), else the name.
WITH named AS (
    SELECT name, any_value(agent_key) AS agent_key
    FROM (
        SELECT raw ->> '$.sender.name' AS name, author_agent_key AS agent_key
        FROM chatwoot__message
        WHERE _reject_reason IS NULL AND author_agent_key IS NOT NULL
        UNION
        SELECT name, agent_key FROM agent WHERE source_system = $source_system
    )
    WHERE name IS NOT NULL
    GROUP BY name
    HAVING count(DISTINCT agent_key) = 1
), a AS (
    SELECT message_key, conversation_key, source_system, source_id, created_at, body, batch_id, raw, _row, _line
    FROM chatwoot__message WHERE _reject_reason IS NULL AND kind = 'activity' AND body IS NOT NULL
), t AS (
    SELECT *,
        CASE WHEN regexp_matches(body, '(?i)marked (as )?resolved|resolved the conversation') THEN 'resolve'
             WHEN regexp_matches(body, '(?i)reopened') THEN 'reopen'
             WHEN regexp_matches(body, '(?i)self-assigned|^assigned to|unassigned') THEN 'assignee'
             WHEN regexp_matches(body, '(?i)snoozed') THEN 'status'
             WHEN regexp_matches(body, '(?i)marked (as )?pending') THEN 'status'
             WHEN regexp_matches(body, '(?i)assigned to .* team|^team') THEN 'team'
        END AS event_type,
        CASE WHEN regexp_matches(body, '(?i)unassigned') THEN NULL
             WHEN regexp_matches(body, '(?i)self-assigned') THEN regexp_extract(body, '^(.*?) self-assigned', 1)
             ELSE regexp_extract(body, '(?i)assigned to (.*?)( by .*)?$', 1) END AS assignee
    FROM a
)
SELECT message_key || ':event' AS event_key, conversation_key, source_system, source_id || ':event' AS source_id,
       created_at AS occurred_at, event_type,
       CASE event_type WHEN 'resolve' THEN 'resolved' WHEN 'reopen' THEN 'open'
            WHEN 'status' THEN CASE WHEN regexp_matches(body, '(?i)snoozed') THEN 'snoozed' ELSE 'pending' END
            WHEN 'assignee' THEN coalesce((SELECT n.agent_key FROM named n WHERE n.name = t.assignee), t.assignee)
       END AS to_value,
       'agent' AS actor_role, batch_id, raw,
       NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM t WHERE event_type IS NOT NULL
