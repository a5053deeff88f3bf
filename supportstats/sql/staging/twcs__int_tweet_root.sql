-- The root of each tweet's thread: the ancestor reached by following
-- in_response_to_tweet_id until the parent is not in the file (the file is a subset, so
-- some parents are missing).
WITH RECURSIVE good AS (
    -- one row per tweet id (a repeated id is rejected later as a duplicate)
    SELECT DISTINCT ON (tid) tid, parent_tid FROM twcs__int_tweet
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
SELECT tid, arg_max(cur, depth) AS root_tid FROM walk GROUP BY tid
