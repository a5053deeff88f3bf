-- Anonymous Bank call log (stg_raw, all text) -> stg_conversation, one call per row.
-- Parameters: tz (zone of the wall-clock times), source_system, batch_id.
-- Times are 'H:MM:SS' on the VRU-entry date ('yymmdd'); '0:00:00' in q_start, q_exit,
-- ser_start and ser_exit means "did not happen". The typed times stay on the staged rows
-- (*_at columns) so bank_calls__events.sql builds the timeline from surviving calls only.

-- Seconds after midnight of a trimmed 'H:MM:SS' text; NULL when it is not one. Once the
-- pattern holds, the text is a valid TIME: its cast is a quarter of the cost of three
-- split_part and casts (six times a row).
CREATE OR REPLACE TEMP MACRO bank_calls_secs(x) AS (
    CASE WHEN regexp_full_match(x, '([01]?\d|2[0-3]):[0-5]\d:[0-5]\d')
         THEN epoch(x::TIME)::INTEGER
    END
);

-- A wall-clock second on the call's date, in UTC. Only the VRU-entry date is recorded: a
-- time more than 12 hours before the VRU entry is on the next day (service past midnight),
-- while a few seconds before it is a clock artifact (vru_time can be negative).
-- off: the zone's UTC offset in seconds when it is the same all through the day and the
-- next (no clock change), so the time is plain arithmetic; NULL near a clock change, where
-- the zone's rules place the time. Six times a row through the zone rules cost about half
-- of the staging.
CREATE OR REPLACE TEMP MACRO bank_calls_at(day, secs, entry_secs, tz, off) AS (
    CASE WHEN off IS NOT NULL
         THEN to_timestamp(epoch(day::TIMESTAMP) + secs - off
                           + CASE WHEN secs - entry_secs < -43200 THEN 86400 ELSE 0 END)
         ELSE timezone(tz, day::TIMESTAMP + to_seconds(
              (secs + CASE WHEN secs - entry_secs < -43200 THEN 86400 ELSE 0 END)::BIGINT))
    END
);

CREATE OR REPLACE TEMP TABLE stg_conversation AS
WITH src AS (
    SELECT
        r.*,
        to_json(struct_pack(*COLUMNS(lambda c: c NOT IN ('_row', '_line')))) AS raw_json,
        -- each time column trimmed and parsed once; the checks below read these
        trim(vru_entry) AS vru_entry_t, trim(vru_exit) AS vru_exit_t,
        trim(q_start) AS q_start_t, trim(q_exit) AS q_exit_t,
        trim(ser_start) AS ser_start_t, trim(ser_exit) AS ser_exit_t
    FROM stg_raw AS r
),
parsed AS (
    SELECT
        *,
        bank_calls_secs(q_start_t) AS q_start_p, bank_calls_secs(q_exit_t) AS q_exit_p,
        bank_calls_secs(ser_start_t) AS ser_start_p, bank_calls_secs(ser_exit_t) AS ser_exit_p
    FROM src
),
typed AS (
    SELECT
        CASE WHEN ss_text("vru+line") IS NOT NULL AND ss_text(call_id) IS NOT NULL
             THEN trim("vru+line") || '-' || trim(call_id) END AS sid,
        try_strptime(trim(date), '%y%m%d')::DATE AS day,
        bank_calls_secs(vru_entry_t) AS entry_s,
        bank_calls_secs(vru_exit_t) AS vru_exit_s,
        -- '0:00:00' in q_start, q_exit, ser_start and ser_exit is missing, unless the other
        -- end of the same stretch is set: then it is a real midnight (one call queued at
        -- exactly 0:00:00)
        CASE WHEN q_start_t = '0:00:00' AND coalesce(q_exit_t, '0:00:00') = '0:00:00'
             THEN NULL ELSE q_start_p END AS q_start_s,
        CASE WHEN q_exit_t = '0:00:00' AND coalesce(q_start_t, '0:00:00') = '0:00:00'
             THEN NULL ELSE q_exit_p END AS q_exit_s,
        CASE WHEN ser_start_t = '0:00:00' AND coalesce(ser_exit_t, '0:00:00') = '0:00:00'
             THEN NULL ELSE ser_start_p END AS ser_start_s,
        CASE WHEN ser_exit_t = '0:00:00' AND coalesce(ser_start_t, '0:00:00') = '0:00:00'
             THEN NULL ELSE ser_exit_p END AS ser_exit_s,
        -- text in an optional time column that is neither a time nor the sentinel
        q_start_t <> '' AND q_start_t <> '0:00:00' AND q_start_p IS NULL AS q_start_bad,
        q_exit_t <> '' AND q_exit_t <> '0:00:00' AND q_exit_p IS NULL AS q_exit_bad,
        ser_start_t <> '' AND ser_start_t <> '0:00:00' AND ser_start_p IS NULL AS ser_start_bad,
        ser_exit_t <> '' AND ser_exit_t <> '0:00:00' AND ser_exit_p IS NULL AS ser_exit_bad,
        upper(ss_text(outcome)) AS outcome_v,
        ss_text(server) AS server_v,
        upper(ss_text(type)) AS type_v,
        try_cast(trim(vru_time) AS DOUBLE) AS vru_time_s,
        try_cast(trim(q_time) AS DOUBLE) AS q_time_s,
        try_cast(trim(ser_time) AS DOUBLE) AS ser_time_s,
        parsed.* EXCLUDE (vru_entry_t, vru_exit_t, q_start_t, q_exit_t, ser_start_t, ser_exit_t,
                          q_start_p, q_exit_p, ser_start_p, ser_exit_p)
    FROM parsed
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
            WHEN q_start_bad THEN 'q_start'
            WHEN q_exit_bad THEN 'q_exit'
            WHEN ser_start_bad THEN 'ser_start'
            WHEN ser_exit_bad THEN 'ser_exit'
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
            WHEN q_start_bad THEN 'q_start ' || ss_quote(q_start) || ' is not an H:MM:SS time'
            WHEN q_exit_bad THEN 'q_exit ' || ss_quote(q_exit) || ' is not an H:MM:SS time'
            WHEN ser_start_bad THEN 'ser_start ' || ss_quote(ser_start) || ' is not an H:MM:SS time'
            WHEN ser_exit_bad THEN 'ser_exit ' || ss_quote(ser_exit) || ' is not an H:MM:SS time'
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
-- the zone's offset per call date (a month of calls has about 30): NULL when it changes
-- between the day's midnight and two days later
day_offset AS (
    SELECT
        day,
        CASE WHEN count(DISTINCT off) = 1 THEN any_value(off) END AS off
    FROM (
        SELECT day, epoch(midnight) - epoch(timezone($tz, midnight)) AS off
        FROM (
            SELECT day, day::TIMESTAMP + to_days(n) AS midnight
            FROM (SELECT DISTINCT try_strptime(trim(date), '%y%m%d')::DATE AS day FROM stg_raw)
            CROSS JOIN (VALUES (0), (1), (2)) AS d(n)
            WHERE day IS NOT NULL
        )
    )
    GROUP BY day
),
timed AS (
    SELECT
        checked.*,
        bank_calls_at(day, entry_s, entry_s, $tz, o.off) AS vru_entry_at,
        bank_calls_at(day, vru_exit_s, entry_s, $tz, o.off) AS vru_exit_at,
        bank_calls_at(day, q_start_s, entry_s, $tz, o.off) AS q_start_at,
        bank_calls_at(day, q_exit_s, entry_s, $tz, o.off) AS q_exit_at,
        bank_calls_at(day, ser_start_s, entry_s, $tz, o.off) AS ser_start_at,
        bank_calls_at(day, ser_exit_s, entry_s, $tz, o.off) AS ser_exit_at
    FROM checked LEFT JOIN day_offset AS o USING (day)
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
