-- Chatwoot CSAT CSV (csat_survey_responses/download) -> chatwoot__int_csat. Columns by position (the
-- header is localised): agent "Name (email)", rating 1-5, comment, contact name/email/phone,
-- link ending in /conversations/<display id>, recorded date "YYYY-MM-DD HH:MM:SS UTC".
-- One response per conversation (Chatwoot updates it on re-submission), so the key is the
-- conversation's display id.
WITH x AS (
    SELECT *,
           regexp_extract(link, '/conversations/(\d+)', 1) AS cid,
           try_cast(trim(rating) AS INTEGER) AS stars,
           ss_ts(regexp_replace(trim(recorded), ' UTC$', ''), 'UTC', NULL) AS rated_ts,
           nullif(lower(trim(regexp_extract(agent, '\(([^()]*@[^()]*)\)\s*$', 1))), '') AS agent_email
    FROM chatwoot__int_csat_columns
)
SELECT
    $source_system || ':' || cid || ':csat' AS rating_key,
    $source_system || ':' || cid AS conversation_key,
    $source_system AS source_system,
    cid || ':csat' AS source_id,
    rated_ts AS rated_at,
    '1-5' AS scale,
    trim(rating) AS raw_value,
    (stars - 1) / 4.0 AS score_norm,
    stars >= 4 AS is_positive,
    stars <= 2 AS is_negative,
    ss_text(comment) AS comment,
    CASE WHEN agent_email IS NOT NULL THEN $source_system || ':' || agent_email END AS agent_key_at_rating,
    ss_text(agent) AS agent_text,
    $batch_id AS batch_id,
    _rawjson AS raw,
    CASE WHEN ss_text(cid) IS NULL THEN 'Link to the conversation'
         WHEN stars IS NULL OR stars NOT BETWEEN 1 AND 5 THEN 'Rating'
         WHEN rated_ts IS NULL THEN 'Recorded date' END AS _reject_column,
    CASE WHEN ss_text(cid) IS NULL THEN 'link ' || ss_quote(link) || ' does not end in /conversations/<id>'
         WHEN stars IS NULL OR stars NOT BETWEEN 1 AND 5 THEN 'rating ' || ss_quote(rating) || ' is not 1-5'
         WHEN rated_ts IS NULL THEN 'recorded date ' || ss_quote(recorded) || ' is not a date/time' END AS _reject_reason,
    _row, _line
FROM x
