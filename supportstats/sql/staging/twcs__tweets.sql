-- TWCS tweets (stg_raw, all text) -> stg_message, one message per tweet, each in the thread
-- of its root: the ancestor reached by following in_response_to_tweet_id until the parent
-- is not in the file (the file is a subset, so some parents are missing).
CREATE OR REPLACE TEMP TABLE stg_tweet AS
SELECT
    CASE WHEN regexp_full_match(trim(tweet_id), '\d+') THEN trim(tweet_id) END AS tid,
    ss_text(author_id) AS author,
    CASE lower(trim(inbound)) WHEN 'true' THEN true WHEN 'false' THEN false END AS is_inbound,
    try_strptime(trim(created_at), '%a %b %d %H:%M:%S %z %Y') AS sent_at,
    -- written as a float by pandas ('3.0'); empty when the tweet starts a conversation
    CAST(try_cast(try_cast(ss_text(in_response_to_tweet_id) AS DOUBLE) AS BIGINT) AS VARCHAR) AS parent_tid,
    to_json(struct_pack(tweet_id, author_id, inbound, created_at, text, response_tweet_id,
                        in_response_to_tweet_id)) AS raw_row,
    r.*
FROM stg_raw AS r;

CREATE OR REPLACE TEMP TABLE stg_tweet_root AS
WITH RECURSIVE good AS (
    -- one row per tweet id (a repeated id is rejected later as a duplicate)
    SELECT DISTINCT ON (tid) tid, parent_tid FROM stg_tweet
    WHERE tid IS NOT NULL AND sent_at IS NOT NULL AND is_inbound IS NOT NULL AND author IS NOT NULL
    ORDER BY tid, _row
),
linked AS (
    SELECT g.tid, CASE WHEN p.tid IS NOT NULL THEN g.parent_tid END AS parent
    FROM good g LEFT JOIN good p ON p.tid = g.parent_tid
),
walk(tid, cur, depth) AS (
    SELECT tid, tid, 0 FROM linked
    UNION ALL
    SELECT w.tid, l.parent, w.depth + 1
    FROM walk w JOIN linked l ON l.tid = w.cur
    WHERE l.parent IS NOT NULL AND w.depth < 10000
)
SELECT tid, arg_max(cur, depth) AS root_tid FROM walk GROUP BY tid;

CREATE OR REPLACE TEMP TABLE stg_message AS
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
    t.author, t.is_inbound, t.parent_tid, r.root_tid,
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
FROM stg_tweet t
LEFT JOIN stg_tweet_root r USING (tid);
