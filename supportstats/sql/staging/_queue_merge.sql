-- Point every row naming a queue alias of stg_queue_alias (_queue_aliases.sql) at the queue it
-- is, in every batch: the conversations they belong to are recomputed (fact_pending); the
-- queue with the id learns a channel it lacked; the alias row goes.
INSERT INTO fact_pending
SELECT DISTINCT $batch_id, conversation_key FROM (
    SELECT conversation_key FROM conversation WHERE queue_key IN (SELECT alias_key FROM stg_queue_alias)
    UNION ALL SELECT conversation_key FROM conversation_event
    WHERE event_type IN ('queue_enter', 'queue_exit')
      AND (from_value IN (SELECT alias_key FROM stg_queue_alias) OR to_value IN (SELECT alias_key FROM stg_queue_alias))
);

UPDATE conversation SET queue_key = a.queue_key FROM stg_queue_alias a WHERE conversation.queue_key = a.alias_key;
UPDATE conversation_event SET from_value = a.queue_key FROM stg_queue_alias a
WHERE conversation_event.event_type IN ('queue_enter', 'queue_exit') AND conversation_event.from_value = a.alias_key;
UPDATE conversation_event SET to_value = a.queue_key FROM stg_queue_alias a
WHERE conversation_event.event_type IN ('queue_enter', 'queue_exit') AND conversation_event.to_value = a.alias_key;

UPDATE queue SET channel = coalesce(queue.channel, x.channel)
FROM (SELECT s.queue_key, any_value(q.channel) AS channel
      FROM stg_queue_alias s JOIN queue q ON q.queue_key = s.alias_key GROUP BY s.queue_key) x
WHERE queue.queue_key = x.queue_key;

DELETE FROM queue WHERE queue_key IN (SELECT alias_key FROM stg_queue_alias);
