-- Run after the API tickets were upserted. The ticket's description is the customer's opening
-- message (Freshdesk lists only later replies as conversations); stats timestamps are the only
-- record of resolve / close / reopen, so they become events keyed by the ticket id.
SELECT conversation_key || ':description' AS message_key, conversation_key, source_system,
       source_id || ':description' AS source_id, created_at,
       CASE WHEN initiated_by = 'agent' THEN 'agent' ELSE 'customer' END AS author_role,
       CASE WHEN initiated_by = 'agent' THEN assignee_agent_key END AS author_agent_key,
       CASE WHEN initiated_by <> 'agent' THEN contact_key END AS author_contact_key,
       'public' AS visibility, 'none' AS automation, 'text' AS kind,
       description_text AS body, batch_id,
       NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM freshdesk__int_kept_api_tickets WHERE _reject_reason IS NULL
