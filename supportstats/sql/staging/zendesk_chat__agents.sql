-- Zendesk Chat agent timeline -> agent_status_interval; agents -> agent.
-- start_time is ISO (REST) or integer microseconds (some connectors); duration is seconds.
-- Status classes: online -> available, away -> away, invisible -> away (logged in, hidden,
-- can still serve open chats), offline -> offline; others are kept raw with no class.
CREATE OR REPLACE TEMP TABLE stg_zc_status AS
WITH t AS (
    SELECT _row, _line, record,
           json_transform(record, '{"agent_id": "VARCHAR", "start_time": "VARCHAR", "status": "VARCHAR",
               "duration": "DOUBLE"}') AS j
    FROM stg_zc_item WHERE kind = 'timeline'
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
FROM typed;

CREATE OR REPLACE TEMP TABLE stg_zc_agent AS
WITH a AS (
    SELECT _row, _line, record,
           json_transform(record, '{"id": "VARCHAR", "display_name": "VARCHAR", "first_name": "VARCHAR",
               "last_name": "VARCHAR", "email": "VARCHAR", "enabled": "VARCHAR",
               "roles": {"administrator": "VARCHAR"}}') AS j
    FROM stg_zc_item WHERE kind = 'agent'
)
SELECT
    $source_system || ':' || j.id AS agent_key, $source_system AS source_system, j.id AS source_id,
    coalesce(ss_text(j.display_name), ss_text(trim(concat_ws(' ', j.first_name, j.last_name)))) AS name,
    ss_text(j.email) AS email,
    CASE WHEN ss_bool(j.roles.administrator) THEN 'admin' ELSE 'agent' END AS role,
    false AS is_bot, ss_bool(j.enabled) AS active, $batch_id AS batch_id, record AS raw,
    record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.id) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(j.id) IS NULL THEN 'agent has no id' END AS _reject_reason,
    _row, _line
FROM a;
