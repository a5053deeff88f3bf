-- Satisfaction ratings: answers are 103 (extremely happy) ... 100 (neutral) ... -103; the
-- rank sign(v) * (|v| - 100) in -3..3 maps to 0..1, which fits 3-, 5- and 7-point surveys.
-- The survey (when in the same file) gives the scale's size.
WITH s AS (
    SELECT json_extract_string(record, '$.id') AS survey_id,
           json_array_length(record, '$.questions[0].accepted_ratings') AS points
    FROM freshdesk__int_records WHERE kind = 'survey'
), x AS (
    SELECT _row, _line, record AS r,
           ss_text(json_extract_string(record, '$.id')) AS sid,
           ss_text(json_extract_string(record, '$.ticket_id')) AS tid,
           json_extract_string(record, '$.survey_id') AS survey_id,
           json_extract_string(record, '$.ratings.default_question') AS v,
           try_cast(json_extract_string(record, '$.ratings.default_question') AS INTEGER) AS iv
    FROM freshdesk__int_records WHERE kind = 'rating'
), y AS (
    SELECT x.*, s.points, CASE WHEN abs(iv) BETWEEN 100 AND 103 THEN sign(iv) * (abs(iv) - 100) END AS rank
    FROM x LEFT JOIN (SELECT DISTINCT * FROM s) s USING (survey_id)
)
SELECT
    $source_system || ':' || sid AS rating_key,
    $source_system || ':' || tid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    ss_ts(json_extract_string(r, '$.created_at'), 'UTC', NULL) AS rated_at,
    coalesce(points || '-level', 'freshdesk') AS scale,
    v AS raw_value,
    (rank + 3) / 6.0 AS score_norm,
    rank > 0 AS is_positive,
    rank < 0 AS is_negative,
    ss_text(json_extract_string(r, '$.feedback')) AS comment,
    CASE WHEN ss_text(json_extract_string(r, '$.agent_id')) IS NOT NULL
         THEN $source_system || ':' || json_extract_string(r, '$.agent_id') END AS agent_key_at_rating,
    CASE WHEN ss_text(json_extract_string(r, '$.group_id')) IS NOT NULL
         THEN $source_system || ':group:' || json_extract_string(r, '$.group_id') END AS team_key_at_rating,
    $batch_id AS batch_id,
    r AS raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN tid IS NULL THEN 'ticket_id' WHEN rank IS NULL THEN 'ratings.default_question' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'satisfaction rating has no id'
         WHEN tid IS NULL THEN 'satisfaction rating has no ticket_id'
         WHEN rank IS NULL THEN 'rating ' || ss_quote(v) || ' is not a Freshdesk answer (103 ... -103)'
    END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM y
