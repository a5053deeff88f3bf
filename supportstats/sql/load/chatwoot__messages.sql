-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
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
       coalesce((SELECT arg_max(e.to_value, e.occurred_at) FROM chatwoot__event e
                 WHERE e.conversation_key = m.conversation_key AND e.event_type IN ('resolve', 'reopen')), 'open'),
       $batch_id,
       json_object('derived_from', 'messages')
FROM chatwoot__message m
WHERE m._reject_reason IS NULL AND m.conversation_key NOT IN (SELECT conversation_key FROM conversation)
GROUP BY m.conversation_key;

-- Their display number is the id Chatwoot shows (the conversation's number in the account).
INSERT INTO conversation_source (conversation_key, display_number, first_customer_message_at, batch_id)
SELECT m.conversation_key, split_part(m.conversation_key, ':', -1),
       min(m.created_at) FILTER (WHERE m.author_role = 'customer'), $batch_id
FROM chatwoot__message m
WHERE m._reject_reason IS NULL
  AND m.conversation_key IN (SELECT conversation_key FROM conversation
                             WHERE batch_id = $batch_id AND raw ->> 'derived_from' = 'messages')
  AND m.conversation_key NOT IN (SELECT conversation_key FROM conversation_source)
GROUP BY m.conversation_key;

INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, bot_kind, batch_id)
SELECT author_agent_key, $source_system, split_part(author_agent_key, ':', -1),
       max(raw ->> '$.sender.name'), bool_or(author_role = 'bot'),
       CASE WHEN bool_or(author_role = 'bot') THEN 'external' END, $batch_id
FROM chatwoot__message
WHERE _reject_reason IS NULL AND author_agent_key IS NOT NULL
  AND author_agent_key NOT IN (SELECT agent_key FROM agent)
GROUP BY author_agent_key;
