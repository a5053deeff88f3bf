-- LiveChat threads -> conversation (one per thread): livechat__int_thread_conversations
-- without the queue columns the events read (livechat__int_kept_threads).
SELECT * EXCLUDE (queued_ts, queues_s, still_queued)
FROM livechat__int_thread_conversations
