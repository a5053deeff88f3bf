-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Point every row naming a queue alias of _int_queue_aliases (_queue_aliases.sql) at the queue it
-- is, in every batch: the conversations they belong to are recomputed (fact_pending); the
-- queue with the id learns a channel it lacked; the alias row goes.
INSERT INTO fact_pending
SELECT DISTINCT $batch_id, conversation_key FROM (
    SELECT conversation_key FROM conversation WHERE queue_key IN (SELECT alias_key FROM _int_queue_aliases)
    UNION ALL SELECT conversation_key FROM conversation_event
    WHERE event_type IN ('queue_enter', 'queue_exit')
      AND (from_value IN (SELECT alias_key FROM _int_queue_aliases) OR to_value IN (SELECT alias_key FROM _int_queue_aliases))
);

UPDATE conversation SET queue_key = a.queue_key FROM _int_queue_aliases a WHERE conversation.queue_key = a.alias_key;

UPDATE conversation_event SET from_value = a.queue_key FROM _int_queue_aliases a
WHERE conversation_event.event_type IN ('queue_enter', 'queue_exit') AND conversation_event.from_value = a.alias_key;

UPDATE conversation_event SET to_value = a.queue_key FROM _int_queue_aliases a
WHERE conversation_event.event_type IN ('queue_enter', 'queue_exit') AND conversation_event.to_value = a.alias_key;

UPDATE queue SET channel = coalesce(queue.channel, x.channel)
FROM (SELECT s.queue_key, any_value(q.channel) AS channel
      FROM _int_queue_aliases s JOIN queue q ON q.queue_key = s.alias_key GROUP BY s.queue_key) x
WHERE queue.queue_key = x.queue_key;

DELETE FROM queue WHERE queue_key IN (SELECT alias_key FROM _int_queue_aliases);
