-- Queue time: entered at queue.queued_at (or the thread start); left queues_duration later
-- once the thread is no longer queued.
SELECT conversation_key || ':queue_enter' AS event_key, conversation_key, source_system,
       source_id || ':queue_enter' AS source_id, coalesce(queued_ts, created_at) AS occurred_at,
       'queue_enter' AS event_type, queue_key AS to_value, batch_id,
       NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM livechat__int_kept_threads WHERE (still_queued OR queues_s > 0)
UNION ALL
SELECT conversation_key || ':queue_exit', conversation_key, source_system, source_id || ':queue_exit',
       created_at + to_microseconds(CAST(queues_s * 1e6 AS BIGINT)), 'queue_exit', queue_key, batch_id,
       NULL, NULL, _row, _line
FROM livechat__int_kept_threads WHERE NOT still_queued AND queues_s > 0
