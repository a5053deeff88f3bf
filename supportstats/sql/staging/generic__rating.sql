-- Canonical flat ratings file -> generic__rating (a conversation may be rated more than once).
WITH typed AS (
    SELECT
        coalesce(ss_text(r.rating_id), ss_text(r.conversation_id) || ':' || r._row) AS sid,
        ss_text(r.conversation_id) AS cid,
        ss_decimal_text(r.rating, $decimal_comma) AS v,
        coalesce(lower(ss_text(r.scale)), '1-5') AS sc,
        ss_ts(r.rated_at, $tz, $ts_format) AS rated_ts,
        ss_ts(r.offered_at, $tz, $ts_format) AS offered_ts,
        r.*
    FROM stg_raw AS r
), normed AS (
    SELECT *, ss_rating_norm(v, sc) AS norm FROM typed
)
SELECT
    $source_system || ':' || sid AS rating_key,
    $source_system || ':' || cid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    offered_ts AS offered_at,
    rated_ts AS rated_at,
    sc AS scale,
    v AS raw_value,
    norm AS score_norm,
    ss_rating_positive(v, sc) AS is_positive,
    ss_rating_negative(v, sc) AS is_negative,
    ss_text(comment) AS comment,
    CASE WHEN ss_text(agent) IS NOT NULL THEN $source_system || ':' || trim(agent) END AS agent_key_at_rating,
    $batch_id AS batch_id,
    _extra AS raw,
    CASE
        WHEN cid IS NULL THEN 'conversation_id'
        WHEN v IS NULL OR norm IS NULL THEN 'rating'
        WHEN norm < 0 OR norm > 1 THEN 'rating'
        WHEN ss_text(rated_at) IS NOT NULL AND rated_ts IS NULL THEN 'rated_at'
    END AS _reject_column,
    CASE
        WHEN cid IS NULL THEN 'conversation_id is empty'
        WHEN v IS NULL OR norm IS NULL THEN 'rating ' || ss_quote(rating) || ' is not a rating on the ' || sc || ' scale'
        WHEN norm < 0 OR norm > 1 THEN 'rating ' || ss_quote(rating) || ' is outside the ' || sc || ' scale'
        WHEN ss_text(rated_at) IS NOT NULL AND rated_ts IS NULL THEN 'rated_at ' || ss_quote(rated_at) || ss_not_ts(rated_at)
    END AS _reject_reason,
    _row, _line
FROM normed
