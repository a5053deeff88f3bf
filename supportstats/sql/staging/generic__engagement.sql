-- Canonical flat engagements file -> generic__engagement (one agent stretch of a conversation).
WITH typed AS (
    SELECT
        ss_text(r.engagement_id) AS sid,
        ss_text(r.conversation_id) AS cid,
        ss_text(r.agent) AS aid,
        ss_ts(r.started_at, $tz, $ts_format) AS started_ts,
        ss_ts(r.accepted_at, $tz, $ts_format) AS accepted_ts,
        ss_ts(r.first_message_at, $tz, $ts_format) AS first_message_ts,
        ss_ts(r.ended_at, $tz, $ts_format) AS ended_ts,
        r.*
    FROM stg_raw AS r
)
SELECT
    $source_system || ':' || sid AS engagement_key,
    $source_system || ':' || cid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    $source_system || ':' || aid AS agent_key,
    started_ts AS started_at,
    accepted_ts AS accepted_at,
    first_message_ts AS first_agent_message_at,
    ended_ts AS ended_at,
    lower(ss_text(end_reason)) AS end_reason,
    true AS was_assigned,
    accepted_ts IS NOT NULL AS was_accepted,
    $batch_id AS batch_id,
    _extra AS raw,
    CASE
        WHEN sid IS NULL THEN 'engagement_id'
        WHEN cid IS NULL THEN 'conversation_id'
        WHEN aid IS NULL THEN 'agent'
        WHEN started_ts IS NULL THEN 'started_at'
        WHEN ss_text(accepted_at) IS NOT NULL AND accepted_ts IS NULL THEN 'accepted_at'
        WHEN ss_text(first_message_at) IS NOT NULL AND first_message_ts IS NULL THEN 'first_message_at'
        WHEN ss_text(ended_at) IS NOT NULL AND ended_ts IS NULL THEN 'ended_at'
    END AS _reject_column,
    CASE
        WHEN sid IS NULL THEN 'engagement_id is empty; every row needs an id'
        WHEN cid IS NULL THEN 'conversation_id is empty'
        WHEN aid IS NULL THEN 'agent is empty; an engagement belongs to one agent'
        WHEN started_ts IS NULL THEN 'started_at ' || ss_quote(started_at) || ss_not_ts(started_at)
        WHEN ss_text(accepted_at) IS NOT NULL AND accepted_ts IS NULL THEN 'accepted_at ' || ss_quote(accepted_at) || ss_not_ts(accepted_at)
        WHEN ss_text(first_message_at) IS NOT NULL AND first_message_ts IS NULL THEN 'first_message_at ' || ss_quote(first_message_at) || ss_not_ts(first_message_at)
        WHEN ss_text(ended_at) IS NOT NULL AND ended_ts IS NULL THEN 'ended_at ' || ss_quote(ended_at) || ss_not_ts(ended_at)
    END AS _reject_reason,
    _row, _line
FROM typed
