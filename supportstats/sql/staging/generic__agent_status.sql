-- Canonical flat agent status file -> generic__agent_status (online/away/offline intervals).
WITH typed AS (
    SELECT
        ss_text(r.agent) AS aid,
        ss_ts(r.started_at, $tz, $ts_format) AS started_ts,
        ss_ts(r.ended_at, $tz, $ts_format) AS ended_ts,
        lower(ss_text(r.status)) AS st,
        r.*
    FROM stg_raw AS r
)
SELECT
    $source_system || ':' || aid || ':' || strftime(started_ts, '%Y%m%dT%H%M%S.%f') AS status_key,
    $source_system || ':' || aid AS agent_key,
    $source_system AS source_system,
    aid || ':' || strftime(started_ts, '%Y%m%dT%H%M%S.%f') AS source_id,
    started_ts AS started_at,
    ended_ts AS ended_at,
    st AS status_raw,
    -- The status names each class takes (docs/import_format.md); any other is rejected,
    -- never relabelled.
    CASE
        WHEN st IN ('available', 'online', 'ready', 'idle') THEN 'available'
        WHEN st IN ('occupied', 'busy', 'on_call', 'in_chat', 'talking', 'handling') THEN 'occupied'
        WHEN st IN ('away', 'invisible', 'not_ready', 'aux') THEN 'away'
        WHEN st IN ('break', 'lunch', 'pause', 'training', 'meeting') THEN 'break'
        WHEN st IN ('offline', 'logged_out') THEN 'offline'
    END AS status_class,
    ss_channel(channel) AS channel,
    $batch_id AS batch_id,
    _extra AS raw,
    CASE
        WHEN aid IS NULL THEN 'agent'
        WHEN started_ts IS NULL THEN 'started_at'
        WHEN ss_text(ended_at) IS NOT NULL AND ended_ts IS NULL THEN 'ended_at'
        WHEN st IS NULL OR status_class IS NULL THEN 'status'
    END AS _reject_column,
    CASE
        WHEN aid IS NULL THEN 'agent is empty'
        WHEN started_ts IS NULL THEN 'started_at ' || ss_quote(started_at) || ss_not_ts(started_at)
        WHEN ss_text(ended_at) IS NOT NULL AND ended_ts IS NULL THEN 'ended_at ' || ss_quote(ended_at) || ss_not_ts(ended_at)
        WHEN st IS NULL THEN 'status is empty'
        WHEN status_class IS NULL THEN 'status ' || ss_quote(status) || ' is not a known agent status: '
            || 'available (or online, ready, idle), occupied (busy, on_call, in_chat, talking, handling), '
            || 'away (invisible, not_ready, aux), break (lunch, pause, training, meeting), offline (logged_out)'
    END AS _reject_reason,
    _row, _line
FROM typed
