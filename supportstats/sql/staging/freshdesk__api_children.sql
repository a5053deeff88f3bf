-- Run after the API tickets were upserted. The ticket's description is the customer's opening
-- message (Freshdesk lists only later replies as conversations); stats timestamps are the only
-- record of resolve / close / reopen, so they become events keyed by the ticket id.
CREATE OR REPLACE TEMP TABLE stg_ticket_message AS
SELECT conversation_key || ':description' AS message_key, conversation_key, source_system,
       source_id || ':description' AS source_id, created_at,
       CASE WHEN initiated_by = 'agent' THEN 'agent' ELSE 'customer' END AS author_role,
       CASE WHEN initiated_by = 'agent' THEN assignee_agent_key END AS author_agent_key,
       CASE WHEN initiated_by <> 'agent' THEN contact_key END AS author_contact_key,
       'public' AS visibility, 'none' AS automation, 'text' AS kind,
       description_text AS body, batch_id,
       NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE stg_event AS
SELECT conversation_key || ':resolved' AS event_key, conversation_key, source_system,
       source_id || ':resolved' AS source_id, resolved_ts AS occurred_at, 'resolve' AS event_type,
       'resolved' AS to_value, batch_id, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND resolved_ts IS NOT NULL
UNION ALL
SELECT conversation_key || ':closed', conversation_key, source_system, source_id || ':closed',
       closed_ts, 'close', 'closed', batch_id, NULL, NULL, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND closed_ts IS NOT NULL
UNION ALL
SELECT conversation_key || ':reopened', conversation_key, source_system, source_id || ':reopened',
       reopened_ts, 'reopen', 'open', batch_id, NULL, NULL, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND reopened_ts IS NOT NULL;

INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, batch_id)
SELECT DISTINCT k, $source_system, split_part(k, ':', -1), NULL, false, $batch_id
FROM (SELECT assignee_agent_key AS k FROM stg_conversation WHERE _reject_reason IS NULL
      UNION SELECT author_agent_key FROM stg_message WHERE _reject_reason IS NULL
      UNION SELECT agent_key_at_rating FROM stg_rating WHERE _reject_reason IS NULL)
WHERE k IS NOT NULL AND k NOT IN (SELECT agent_key FROM agent);
