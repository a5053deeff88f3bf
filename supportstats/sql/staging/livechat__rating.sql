-- Thread rating: `rating.score` 1 = thumbs up, 0 = thumbs down.
SELECT conversation_key || ':rating' AS rating_key, conversation_key, source_system,
       source_id || ':rating' AS source_id, 'binary' AS scale,
       (raw ->> '$.properties.rating.score') AS raw_value,
       try_cast((raw ->> '$.properties.rating.score') AS DOUBLE) AS score_norm,
       (raw ->> '$.properties.rating.score') = '1' AS is_positive,
       (raw ->> '$.properties.rating.score') = '0' AS is_negative,
       ss_text(raw ->> '$.properties.rating.comment') AS comment,
       assignee_agent_key AS agent_key_at_rating, batch_id,
       raw -> '$.properties.rating' AS raw,
       CASE WHEN (raw ->> '$.properties.rating.score') NOT IN ('0', '1') THEN 'properties.rating.score' END AS _reject_column,
       CASE WHEN (raw ->> '$.properties.rating.score') NOT IN ('0', '1')
            THEN 'rating score ' || ss_quote(raw ->> '$.properties.rating.score') || ' is not 0 or 1' END AS _reject_reason,
       _row, _line
FROM livechat__int_kept_threads
WHERE (raw ->> '$.properties.rating.score') IS NOT NULL
