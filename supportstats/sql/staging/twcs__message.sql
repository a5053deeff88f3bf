-- TWCS tweets -> message rows, one per tweet, each in the thread of its root
-- (twcs__int_tweet_root).
SELECT
    $source_system || ':' || t.tid AS message_key,
    $source_system || ':' || r.root_tid AS conversation_key,
    $source_system AS source_system,
    t.tid AS source_id,
    t.sent_at AS created_at,
    -- inbound marks the data set's tracked company accounts only (see docs/importers.md)
    CASE WHEN t.is_inbound THEN 'customer' ELSE 'agent' END AS author_role,
    CASE WHEN NOT t.is_inbound THEN $source_system || ':' || t.author END AS author_agent_key,
    CASE WHEN t.is_inbound THEN $source_system || ':' || t.author END AS author_contact_key,
    'public' AS visibility,
    'none' AS automation,
    'text' AS kind,
    t.text AS body,
    $batch_id AS batch_id,
    t.raw_row AS raw,
    CASE
        WHEN t.tid IS NULL THEN 'tweet_id'
        WHEN t.author IS NULL THEN 'author_id'
        WHEN t.is_inbound IS NULL THEN 'inbound'
        WHEN t.sent_at IS NULL THEN 'created_at'
    END AS _reject_column,
    CASE
        WHEN t.tid IS NULL THEN 'tweet_id ' || ss_quote(t.tweet_id) || ' is not a tweet id (digits)'
        WHEN t.author IS NULL THEN 'author_id is empty'
        WHEN t.is_inbound IS NULL THEN 'inbound ' || ss_quote(t.inbound) || ' is not True or False'
        WHEN t.sent_at IS NULL THEN 'created_at ' || ss_quote(t.created_at) || ' is not a time like Tue Oct 31 22:10:47 +0000 2017'
    END AS _reject_reason,
    t._row, t._line
FROM twcs__int_tweet t
LEFT JOIN twcs__int_tweet_root r USING (tid)
