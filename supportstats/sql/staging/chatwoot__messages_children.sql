-- Run after stg_message was upserted. Chatwoot writes status and assignment changes as activity
-- messages ("Conversation was marked resolved by John"); they become conversation events.
-- An assignment names the agent, not its id: the id is the one of the agent of that name who
-- wrote in this file or is known from an earlier one (when the name is unique), else the name.
CREATE OR REPLACE TEMP TABLE stg_event AS
WITH named AS (
    SELECT name, any_value(agent_key) AS agent_key
    FROM (
        SELECT raw ->> '$.sender.name' AS name, author_agent_key AS agent_key
        FROM stg_message
        WHERE _reject_reason IS NULL AND author_agent_key IS NOT NULL
        UNION
        SELECT name, agent_key FROM agent WHERE source_system = $source_system
    )
    WHERE name IS NOT NULL
    GROUP BY name
    HAVING count(DISTINCT agent_key) = 1
), a AS (
    SELECT message_key, conversation_key, source_system, source_id, created_at, body, batch_id, raw, _row, _line
    FROM stg_message WHERE _reject_reason IS NULL AND kind = 'activity' AND body IS NOT NULL
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
FROM t WHERE event_type IS NOT NULL;

-- Conversations known only from their messages get a row (new keys only: a conversations file
-- holds the real one and replaces it): start = first message, inbox, last assignee, and the
-- status the last resolve/reopen activity left.
INSERT INTO conversation (source_system, source_id, kind, channel,
                          queue_key, assignee_agent_key, created_at,
                          initiated_by, status_current, batch_id, raw)
SELECT $source_system, substr(m.conversation_key, length($source_system) + 2),
       'chat', NULL,
       $source_system || ':inbox:' || any_value((m.raw ->> 'inbox_id')),
       CASE WHEN arg_max((m.raw ->> '$.conversation.assignee_id'), m.created_at) IS NOT NULL
            THEN $source_system || ':' || arg_max((m.raw ->> '$.conversation.assignee_id'), m.created_at) END,
       min(m.created_at),
       CASE arg_min(m.author_role, m.created_at) WHEN 'customer' THEN 'customer' WHEN 'agent' THEN 'agent' ELSE 'bot' END,
       coalesce((SELECT arg_max(e.to_value, e.occurred_at) FROM stg_event e
                 WHERE e.conversation_key = m.conversation_key AND e.event_type IN ('resolve', 'reopen')), 'open'),
       $batch_id,
       json_object('derived_from', 'messages')
FROM stg_message m
WHERE m._reject_reason IS NULL AND m.conversation_key NOT IN (SELECT conversation_key FROM conversation)
GROUP BY m.conversation_key;

-- Their display number is the id Chatwoot shows (the conversation's number in the account).
INSERT INTO conversation_source (conversation_key, display_number, first_customer_message_at, batch_id)
SELECT m.conversation_key, split_part(m.conversation_key, ':', -1),
       min(m.created_at) FILTER (WHERE m.author_role = 'customer'), $batch_id
FROM stg_message m
WHERE m._reject_reason IS NULL
  AND m.conversation_key IN (SELECT conversation_key FROM conversation
                             WHERE batch_id = $batch_id AND raw ->> 'derived_from' = 'messages')
  AND m.conversation_key NOT IN (SELECT conversation_key FROM conversation_source)
GROUP BY m.conversation_key;

INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, bot_kind, batch_id)
SELECT author_agent_key, $source_system, split_part(author_agent_key, ':', -1),
       max(raw ->> '$.sender.name'), bool_or(author_role = 'bot'),
       CASE WHEN bool_or(author_role = 'bot') THEN 'external' END, $batch_id
FROM stg_message
WHERE _reject_reason IS NULL AND author_agent_key IS NOT NULL
  AND author_agent_key NOT IN (SELECT agent_key FROM agent)
GROUP BY author_agent_key;
