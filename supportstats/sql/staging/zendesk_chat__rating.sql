-- One rating per chat that has a rating or a comment. rated_at: the last chat.rating item
-- (else the last chat.comment, else the chat's end); offered_at: the rating request, if any.
SELECT
    $source_system || ':' || sid AS rating_key, $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system, sid AS source_id,
    mo.rating_requested_at AS offered_at,
    coalesce(mo.rated_at, mo.commented_at, end_ts) AS rated_at,
    'binary' AS scale, lower(j.rating) AS raw_value,
    CASE lower(j.rating) WHEN 'good' THEN 1.0 WHEN 'bad' THEN 0.0 END::DOUBLE AS score_norm,
    CASE WHEN lower(j.rating) IN ('good', 'bad') THEN lower(j.rating) = 'good' END AS is_positive,
    CASE WHEN lower(j.rating) IN ('good', 'bad') THEN lower(j.rating) = 'bad' END AS is_negative,
    ss_text(j.comment) AS comment,
    $source_system || ':' || j.agent_ids[-1] AS agent_key_at_rating,
    $source_system || ':' || ss_text(j.department_id) AS team_key_at_rating,
    $batch_id AS batch_id, json_object('rating', j.rating, 'comment', j.comment) AS raw,
    NULL::VARCHAR AS _raw,
    CASE WHEN j.rating IS NOT NULL AND lower(j.rating) NOT IN ('good', 'bad') THEN 'rating' END AS _reject_column,
    CASE WHEN j.rating IS NOT NULL AND lower(j.rating) NOT IN ('good', 'bad')
         THEN 'rating ' || ss_quote(j.rating) || ' is not good or bad' END AS _reject_reason,
    _row, _line
FROM zendesk_chat__int_chats c LEFT JOIN zendesk_chat__int_moments mo USING (sid)
WHERE sid IS NOT NULL AND start_ts IS NOT NULL AND (j.rating IS NOT NULL OR ss_text(j.comment) IS NOT NULL)
