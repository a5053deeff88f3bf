-- Run after freshdesk__int_kept_csv_tickets was upserted: the export's timestamps become the event-level rows
-- the metrics read (the CSV holds no conversation threads). Keys derive from the ticket id, so
-- re-importing a newer export replaces them.
SELECT conversation_key || ':opening' AS message_key, conversation_key, source_system,
       source_id || ':opening' AS source_id, created_at, 'customer' AS author_role,
       NULL AS author_agent_key, contact_key AS author_contact_key, 'public' AS visibility,
       'none' AS automation, 'text' AS kind, description_text AS body,
       batch_id, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM freshdesk__int_kept_csv_tickets WHERE _reject_reason IS NULL AND initiated_by = 'customer'
UNION ALL
SELECT conversation_key || ':first_response', conversation_key, source_system,
       source_id || ':first_response', first_response_ts, 'agent', assignee_agent_key, NULL,
       'public', 'none', 'text', NULL, batch_id, NULL, NULL, _row, _line
FROM freshdesk__int_kept_csv_tickets WHERE _reject_reason IS NULL AND first_response_ts IS NOT NULL
