-- TWCS tweets (stg_raw, all text), typed: a helper model that twcs__int_tweet_root,
-- twcs__message and twcs__conversation read.
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
FROM stg_raw AS r
