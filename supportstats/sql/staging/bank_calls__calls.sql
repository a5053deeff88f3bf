-- Anonymous Bank call log (stg_raw, all text) -> stg_conversation, one call per row.
-- Parameters: tz (zone of the wall-clock times), source_system, batch_id.
-- Times are 'H:MM:SS' on the VRU-entry date ('yymmdd'); '0:00:00' in q_start, q_exit,
-- ser_start and ser_exit means "did not happen". The typed times stay on the staged rows
-- (*_at columns) so bank_calls__events.sql builds the timeline from surviving calls only.

-- Seconds after midnight of an 'H:MM:SS' text; NULL when it is not one.
CREATE OR REPLACE TEMP MACRO bank_calls_secs(x) AS (
    CASE WHEN regexp_full_match(trim(x), '([01]?\d|2[0-3]):[0-5]\d:[0-5]\d')
         THEN try_cast(split_part(trim(x), ':', 1) AS INTEGER) * 3600
              + try_cast(split_part(trim(x), ':', 2) AS INTEGER) * 60
              + try_cast(split_part(trim(x), ':', 3) AS INTEGER)
    END
);

-- A wall-clock second on the call's date, in UTC. Only the VRU-entry date is recorded: a
-- time more than 12 hours before the VRU entry is on the next day (service past midnight),
-- while a few seconds before it is a clock artifact (vru_time can be negative).
CREATE OR REPLACE TEMP MACRO bank_calls_at(day, secs, entry_secs, tz) AS (
    timezone(tz, day::TIMESTAMP + to_seconds(
        (secs + CASE WHEN secs - entry_secs < -43200 THEN 86400 ELSE 0 END)::BIGINT))
);

-- A sentinel-aware time column: '0:00:00' is missing, unless the other end of the same
-- stretch (q_start/q_exit, ser_start/ser_exit) is set: then it is a real midnight (one call
-- queued at exactly 0:00:00). NULL for unreadable text.
CREATE OR REPLACE TEMP MACRO bank_calls_opt(x, other) AS (
    CASE WHEN trim(x) = '0:00:00' AND coalesce(trim(other), '0:00:00') = '0:00:00' THEN NULL
         ELSE bank_calls_secs(x) END
);

-- True when an optional time column holds text that is neither a time nor the sentinel.
CREATE OR REPLACE TEMP MACRO bank_calls_bad(x) AS (
    ss_text(x) IS NOT NULL AND trim(x) <> '0:00:00' AND bank_calls_secs(x) IS NULL
);

CREATE OR REPLACE TEMP TABLE stg_conversation AS
WITH src AS (
    SELECT r.*, to_json(struct_pack(*COLUMNS(lambda c: c NOT IN ('_row', '_line')))) AS raw_json
    FROM stg_raw AS r
),
typed AS (
    SELECT
        CASE WHEN ss_text("vru+line") IS NOT NULL AND ss_text(call_id) IS NOT NULL
             THEN trim("vru+line") || '-' || trim(call_id) END AS sid,
        try_strptime(trim(date), '%y%m%d')::DATE AS day,
        bank_calls_secs(vru_entry) AS entry_s,
        bank_calls_secs(vru_exit) AS vru_exit_s,
        bank_calls_opt(q_start, q_exit) AS q_start_s,
        bank_calls_opt(q_exit, q_start) AS q_exit_s,
        bank_calls_opt(ser_start, ser_exit) AS ser_start_s,
        bank_calls_opt(ser_exit, ser_start) AS ser_exit_s,
        upper(ss_text(outcome)) AS outcome_v,
        ss_text(server) AS server_v,
        upper(ss_text(type)) AS type_v,
        try_cast(trim(vru_time) AS DOUBLE) AS vru_time_s,
        try_cast(trim(q_time) AS DOUBLE) AS q_time_s,
        try_cast(trim(ser_time) AS DOUBLE) AS ser_time_s,
        src.*
    FROM src
),
checked AS (
    SELECT
        *,
        CASE
            WHEN sid IS NULL THEN CASE WHEN ss_text("vru+line") IS NULL THEN 'vru+line' ELSE 'call_id' END
            WHEN day IS NULL THEN 'date'
            WHEN entry_s IS NULL THEN 'vru_entry'
            WHEN outcome_v IS NULL OR outcome_v NOT IN ('AGENT', 'HANG', 'PHANTOM') THEN 'outcome'
            WHEN outcome_v = 'PHANTOM' THEN 'outcome'
            WHEN vru_exit_s IS NULL THEN 'vru_exit'
            WHEN bank_calls_bad(q_start) THEN 'q_start'
            WHEN bank_calls_bad(q_exit) THEN 'q_exit'
            WHEN bank_calls_bad(ser_start) THEN 'ser_start'
            WHEN bank_calls_bad(ser_exit) THEN 'ser_exit'
            WHEN type_v IS NULL THEN 'type'
            WHEN outcome_v = 'AGENT' AND server_v IS NULL THEN 'server'
            WHEN vru_time_s IS NULL THEN 'vru_time'
            WHEN q_time_s IS NULL THEN 'q_time'
            WHEN ser_time_s IS NULL THEN 'ser_time'
        END AS _reject_column,
        CASE
            WHEN sid IS NULL THEN 'vru+line and call_id are needed to identify the call'
            WHEN day IS NULL THEN 'date ' || ss_quote(date) || ' is not a yymmdd date'
            WHEN entry_s IS NULL THEN 'vru_entry ' || ss_quote(vru_entry) || ' is not an H:MM:SS time'
            WHEN outcome_v IS NULL OR outcome_v NOT IN ('AGENT', 'HANG', 'PHANTOM')
                THEN 'outcome ' || ss_quote(outcome) || ' is not AGENT, HANG or PHANTOM'
            WHEN outcome_v = 'PHANTOM'
                THEN 'PHANTOM call skipped: the data set''s README says PHANTOM calls are virtual calls of the bank''s system, to be ignored (no customer called)'
            WHEN vru_exit_s IS NULL THEN 'vru_exit ' || ss_quote(vru_exit) || ' is not an H:MM:SS time'
            WHEN bank_calls_bad(q_start) THEN 'q_start ' || ss_quote(q_start) || ' is not an H:MM:SS time'
            WHEN bank_calls_bad(q_exit) THEN 'q_exit ' || ss_quote(q_exit) || ' is not an H:MM:SS time'
            WHEN bank_calls_bad(ser_start) THEN 'ser_start ' || ss_quote(ser_start) || ' is not an H:MM:SS time'
            WHEN bank_calls_bad(ser_exit) THEN 'ser_exit ' || ss_quote(ser_exit) || ' is not an H:MM:SS time'
            WHEN type_v IS NULL THEN 'type is empty; it names the queue'
            WHEN outcome_v = 'AGENT' AND server_v IS NULL THEN 'server is empty for a served (AGENT) call'
            WHEN vru_time_s IS NULL THEN 'vru_time ' || ss_quote(vru_time) || ' is not a number of seconds'
            WHEN q_time_s IS NULL THEN 'q_time ' || ss_quote(q_time) || ' is not a number of seconds'
            WHEN ser_time_s IS NULL THEN 'ser_time ' || ss_quote(ser_time) || ' is not a number of seconds'
        END AS _reject_reason,
        -- a rule of the source, not a defect: skipped (rows_skipped), listed by db rejects --skipped
        sid IS NOT NULL AND day IS NOT NULL AND entry_s IS NOT NULL
            AND outcome_v = 'PHANTOM' AS _skipped
    FROM typed
),
timed AS (
    SELECT
        *,
        bank_calls_at(day, entry_s, entry_s, $tz) AS vru_entry_at,
        bank_calls_at(day, vru_exit_s, entry_s, $tz) AS vru_exit_at,
        bank_calls_at(day, q_start_s, entry_s, $tz) AS q_start_at,
        bank_calls_at(day, q_exit_s, entry_s, $tz) AS q_exit_at,
        bank_calls_at(day, ser_start_s, entry_s, $tz) AS ser_start_at,
        bank_calls_at(day, ser_exit_s, entry_s, $tz) AS ser_exit_at
    FROM checked
)
SELECT
    $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    trim(call_id) AS display_number,
    'call' AS kind,
    'voice' AS channel,
    $source_system || ':' || type_v AS queue_key,
    -- 0 is "caller not identified" (and, by a logging bug, callers who did not queue)
    CASE WHEN ss_text(customer_id) IS NOT NULL AND trim(customer_id) <> '0'
         THEN $source_system || ':' || trim(customer_id) END AS contact_key,
    CASE WHEN outcome_v = 'AGENT' THEN $source_system || ':' || server_v END AS assignee_agent_key,
    vru_entry_at AS created_at,
    'customer' AS initiated_by,
    CASE WHEN outcome_v = 'HANG' AND q_start_s IS NOT NULL THEN 'missed' ELSE 'closed' END AS status_current,
    -- 2 = priority customer; 0 and 1 are both regular
    CASE WHEN trim(priority) = '2' THEN 'high' ELSE 'normal' END AS priority,
    json_object(
        'outcome', outcome_v, 'service_type', type_v, 'vru_line', trim("vru+line"),
        'customer_priority', trim(priority), 'vru_time_s', vru_time_s,
        'ended_in', CASE WHEN outcome_v = 'AGENT' THEN 'service'
                         WHEN q_start_s IS NOT NULL THEN 'queue' ELSE 'vru' END
    ) AS custom_attributes,
    $tz AS source_timezone,
    -- the file's own durations: seconds in queue (for a hang-up, time to abandon) and talk
    -- time; VRU-only hang-ups never waited for an agent, so they have no queue wait
    CASE WHEN q_start_s IS NOT NULL OR outcome_v = 'AGENT' THEN q_time_s END AS src_requester_wait_s,
    CASE WHEN outcome_v = 'AGENT' THEN ser_time_s END AS src_duration_s,
    $batch_id AS batch_id,
    raw_json AS raw,
    outcome_v, server_v, type_v, q_start_s,
    vru_entry_at, vru_exit_at, q_start_at, q_exit_at, ser_start_at, ser_exit_at,
    _reject_column, _reject_reason, _skipped, _row, _line
FROM timed;
