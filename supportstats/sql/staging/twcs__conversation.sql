-- Threads -> conversation rows, staged after the messages were upserted (rejects and
-- duplicate tweets marked): one conversation per thread. The queue is the company that
-- answers in the thread (its first reply's account), else the company account that wrote the
-- root; the contact is the first customer. What a message row does not carry (the author's
-- id, inbound, the parent and root tweet ids) comes from twcs__int_tweet by row.
WITH m AS (
    SELECT m.*, t.author, t.is_inbound, t.parent_tid, r.root_tid
    FROM twcs__message m
    JOIN twcs__int_tweet t USING (_row)
    LEFT JOIN twcs__int_tweet_root r ON r.tid = t.tid
    WHERE m._reject_reason IS NULL
)
SELECT
    conversation_key,
    $source_system AS source_system,
    any_value(root_tid) AS source_id,
    'thread' AS kind,
    'social' AS channel,
    $source_system || ':' || arg_min(author, created_at) FILTER (WHERE NOT is_inbound) AS queue_key,
    arg_min(author_contact_key, created_at) FILTER (WHERE is_inbound) AS contact_key,
    min(created_at) AS created_at,
    min(created_at) FILTER (WHERE is_inbound) AS first_customer_message_at,
    CASE WHEN arg_min(is_inbound, created_at) THEN 'customer' ELSE 'agent' END AS initiated_by,
    json_object(
        'root_tweet_id', any_value(root_tid),
        'root_in_response_to', max(parent_tid) FILTER (WHERE source_id = root_tid),
        'tweets', count(*)
    ) AS custom_attributes,
    $batch_id AS batch_id,
    NULL::VARCHAR AS _reject_column,
    NULL::VARCHAR AS _reject_reason,
    min(_row) AS _row,
    min(_line) AS _line
FROM m
GROUP BY conversation_key
