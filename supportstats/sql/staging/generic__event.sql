-- Canonical flat events file -> generic__event (status changes, queue enter/exit, transfers...).
WITH typed AS (
    SELECT
        coalesce(ss_text(r.event_id), ss_text(r.conversation_id) || ':' || r._row) AS sid,
        ss_text(r.conversation_id) AS cid,
        ss_ts(r.occurred_at, $tz, $ts_format) AS occurred_ts,
        lower(ss_text(r.event_type)) AS etype,
        r.*
    FROM stg_raw AS r
)
SELECT
    $source_system || ':' || sid AS event_key,
    $source_system || ':' || cid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    occurred_ts AS occurred_at,
    etype AS event_type,
    ss_text(from_value) AS from_value,
    ss_text(to_value) AS to_value,
    lower(ss_text(actor_role)) AS actor_role,
    CASE WHEN ss_text(actor) IS NOT NULL THEN $source_system || ':' || trim(actor) END AS actor_agent_key,
    $batch_id AS batch_id,
    _extra AS raw,
    CASE
        WHEN cid IS NULL THEN 'conversation_id'
        WHEN occurred_ts IS NULL THEN 'occurred_at'
        WHEN etype IS NULL THEN 'event_type'
    END AS _reject_column,
    CASE
        WHEN cid IS NULL THEN 'conversation_id is empty; every event belongs to a conversation'
        WHEN occurred_ts IS NULL THEN 'occurred_at ' || ss_quote(occurred_at) || ss_not_ts(occurred_at)
        WHEN etype IS NULL THEN 'event_type is empty'
    END AS _reject_reason,
    _row, _line
FROM typed
