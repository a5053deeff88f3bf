SELECT conversation_key || ':resolved' AS event_key, conversation_key, source_system,
       source_id || ':resolved' AS source_id, resolved_ts AS occurred_at, 'resolve' AS event_type,
       'resolved' AS to_value, batch_id, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM freshdesk__int_kept_csv_tickets WHERE _reject_reason IS NULL AND resolved_ts IS NOT NULL
UNION ALL
SELECT conversation_key || ':closed', conversation_key, source_system, source_id || ':closed',
       closed_ts, 'close', 'closed', batch_id, NULL, NULL, _row, _line
FROM freshdesk__int_kept_csv_tickets WHERE _reject_reason IS NULL AND closed_ts IS NOT NULL
