-- Zendesk Chat agent timeline -> agent_status_interval; agents -> agent.
-- start_time is ISO (REST) or integer microseconds (some connectors); duration is seconds.
-- Status classes: online -> available, away -> away, invisible -> away (logged in, hidden,
-- can still serve open chats), offline -> offline; others are kept raw with no class.
WITH t AS (
    SELECT _row, _line, record,
           json_transform(record, '{"agent_id": "VARCHAR", "start_time": "VARCHAR", "status": "VARCHAR",
               "duration": "DOUBLE"}') AS j
    FROM zendesk_chat__int_records WHERE kind = 'timeline'
),
typed AS (SELECT t.*, zc_ts(j.start_time) AS start_ts FROM t)
SELECT
    $source_system || ':' || j.agent_id || '|' || j.start_time AS status_key,
    $source_system || ':' || j.agent_id AS agent_key, $source_system AS source_system,
    j.agent_id || '|' || j.start_time AS source_id,
    start_ts AS started_at,
    start_ts + to_microseconds(CAST(round(j.duration * 1e6) AS BIGINT)) AS ended_at,
    j.status AS status_raw,
    CASE lower(j.status) WHEN 'online' THEN 'available' WHEN 'away' THEN 'away'
        WHEN 'invisible' THEN 'away' WHEN 'offline' THEN 'offline' END AS status_class,
    'chat' AS channel, $batch_id AS batch_id, record AS raw, record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.agent_id) IS NULL THEN 'agent_id' WHEN start_ts IS NULL THEN 'start_time'
         WHEN j.duration IS NULL OR j.duration < 0 THEN 'duration' END AS _reject_column,
    CASE WHEN ss_text(j.agent_id) IS NULL THEN 'timeline record has no agent_id'
         WHEN start_ts IS NULL THEN 'start_time ' || ss_quote(j.start_time) || ' is not a date/time'
         WHEN j.duration IS NULL OR j.duration < 0 THEN 'duration is not a number of seconds >= 0' END AS _reject_reason,
    _row, _line
FROM typed
