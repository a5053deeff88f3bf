-- conversation_rating: 1-5 stars; created_at is when the rating was requested.
WITH r AS (
    SELECT _row, _line, (record ->> 'id') AS conv_id, (record -> 'conversation_rating') AS cr,
           try_cast(record ->> '$.conversation_rating.rating' AS INTEGER) AS stars
    FROM intercom__int_records
    WHERE kind = 'conversation' AND json_type(record, '$.conversation_rating') = 'OBJECT'
      AND (record ->> '$.conversation_rating.rating') IS NOT NULL
)
SELECT
    $source_system || ':' || conv_id || ':rating' AS rating_key,
    $source_system || ':' || conv_id AS conversation_key,
    $source_system AS source_system,
    conv_id || ':rating' AS source_id,
    ss_ts(cr ->> 'created_at', 'UTC', NULL) AS offered_at,
    coalesce(ss_ts(cr ->> 'updated_at', 'UTC', NULL), ss_ts(cr ->> 'created_at', 'UTC', NULL)) AS rated_at,
    '1-5' AS scale,
    (cr ->> 'rating') AS raw_value,
    (stars - 1) / 4.0 AS score_norm,
    stars >= 4 AS is_positive,
    stars <= 2 AS is_negative,
    ss_text(cr ->> 'remark') AS comment,
    CASE WHEN ss_text(cr ->> '$.teammate.id') IS NOT NULL THEN $source_system || ':' || (cr ->> '$.teammate.id') END AS agent_key_at_rating,
    $batch_id AS batch_id,
    cr AS raw, cr AS _raw,
    CASE WHEN stars IS NULL OR stars NOT BETWEEN 1 AND 5 THEN 'conversation_rating.rating' END AS _reject_column,
    CASE WHEN stars IS NULL OR stars NOT BETWEEN 1 AND 5
         THEN 'rating ' || ss_quote(cr ->> 'rating') || ' is not 1-5' END AS _reject_reason,
    _row, _line
FROM r
