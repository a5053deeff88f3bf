-- ServiceNow incident log (stg_raw, all text) -> stg_event: one event per update row.
-- Parameters: tz and ts_format (day-first 'd/m/yyyy HH:MM', no zone), source_system, batch_id.
-- The previous update of the same incident (prev_*) is found among good rows only, ordered by
-- time, then sys_mod_count, then file order. A row whose state differs from the previous
-- one is a 'status' event; otherwise an 'update' (a touch that left the state as it was).

-- '?' is the log's missing value.
CREATE OR REPLACE TEMP MACRO sn_val(x) AS (
    CASE WHEN x IS NULL OR trim(x) IN ('', '?') THEN NULL ELSE trim(x) END
);

-- ServiceNow incident states onto the canonical statuses (pending and on_hold pause SLAs).
CREATE OR REPLACE TEMP MACRO sn_state(x) AS (
    CASE lower(trim(x))
        WHEN 'new' THEN 'new'
        WHEN 'active' THEN 'open'
        WHEN 'awaiting user info' THEN 'pending'
        WHEN 'awaiting problem' THEN 'on_hold'
        WHEN 'awaiting vendor' THEN 'on_hold'
        WHEN 'awaiting evidence' THEN 'on_hold'
        WHEN 'resolved' THEN 'resolved'
        WHEN 'closed' THEN 'closed'
    END
);

CREATE OR REPLACE TEMP TABLE stg_event AS
WITH typed AS (
    SELECT
        sn_val(number) AS sid,
        sn_state(incident_state) AS state,
        ss_ts(sn_val(sys_updated_at), $tz, $ts_format) AS updated_at,
        ss_ts(sn_val(opened_at), $tz, $ts_format) AS opened_ts,
        try_cast(sn_val(sys_mod_count) AS INTEGER) AS mod_count,
        try_cast(sn_val(reopen_count) AS INTEGER) AS reopens,
        try_cast(sn_val(reassignment_count) AS INTEGER) AS reassignments,
        sn_val(assigned_to) AS assignee,
        sn_val(assignment_group) AS grp,
        sn_val(priority) AS prio,
        -- parsed once here; the checks below only look at the results
        sn_val(resolved_at) IS NOT NULL
            AND ss_ts(sn_val(resolved_at), $tz, $ts_format) IS NULL AS bad_resolved_at,
        sn_val(closed_at) IS NOT NULL
            AND ss_ts(sn_val(closed_at), $tz, $ts_format) IS NULL AS bad_closed_at,
        to_json(struct_pack(*COLUMNS(lambda c: c NOT IN ('_row', '_line')))) AS raw_row,
        r.*
    FROM stg_raw AS r
),
checked AS (
    SELECT
        *,
        CASE
            WHEN sid IS NULL THEN 'number'
            WHEN state IS NULL THEN 'incident_state'
            WHEN updated_at IS NULL THEN 'sys_updated_at'
            WHEN opened_ts IS NULL THEN 'opened_at'
            WHEN mod_count IS NULL THEN 'sys_mod_count'
            WHEN reopens IS NULL THEN 'reopen_count'
            WHEN reassignments IS NULL THEN 'reassignment_count'
            WHEN bad_resolved_at THEN 'resolved_at'
            WHEN bad_closed_at THEN 'closed_at'
        END AS _reject_column,
        CASE
            WHEN sid IS NULL THEN 'number is missing; every update needs its incident number'
            WHEN state IS NULL THEN 'incident_state ' || ss_quote(incident_state) || ' is not a known state (New, Active, Awaiting ..., Resolved, Closed)'
            WHEN updated_at IS NULL THEN 'sys_updated_at ' || ss_quote(sys_updated_at) || ' is not a d/m/yyyy HH:MM time'
            WHEN opened_ts IS NULL THEN 'opened_at ' || ss_quote(opened_at) || ' is not a d/m/yyyy HH:MM time'
            WHEN mod_count IS NULL THEN 'sys_mod_count ' || ss_quote(sys_mod_count) || ' is not a whole number'
            WHEN reopens IS NULL THEN 'reopen_count ' || ss_quote(reopen_count) || ' is not a whole number'
            WHEN reassignments IS NULL THEN 'reassignment_count ' || ss_quote(reassignment_count) || ' is not a whole number'
            WHEN bad_resolved_at
                THEN 'resolved_at ' || ss_quote(resolved_at) || ' is not a d/m/yyyy HH:MM time'
            WHEN bad_closed_at
                THEN 'closed_at ' || ss_quote(closed_at) || ' is not a d/m/yyyy HH:MM time'
        END AS _reject_reason
    FROM typed
),
-- The windows sort a narrow copy of each row and are joined back by row: sorting the rows
-- with their raw JSON took twice as long.
windowed AS (
    SELECT
        _row,
        -- sys_mod_count repeats on a few rows: the n-th row of a count keeps keys unique and
        -- stable when a longer extract of the same log is imported later
        row_number() OVER (PARTITION BY sid, mod_count ORDER BY _row) AS nth,
        row_number() OVER w AS seq,
        lag(state) OVER w AS prev_state,
        lag(assignee) OVER w AS prev_assignee,
        lag(grp) OVER w AS prev_grp,
        lag(prio) OVER w AS prev_prio,
        lag(reopens) OVER w AS prev_reopens
    FROM (
        SELECT _row, sid, mod_count, updated_at, state, assignee, grp, prio, reopens,
               _reject_reason IS NULL AS good
        FROM checked
    )
    WINDOW w AS (PARTITION BY sid, good ORDER BY updated_at, mod_count, _row)
),
ordered AS (
    SELECT * FROM checked JOIN windowed USING (_row)
)
SELECT
    $source_system || ':' || sid || ':' || mod_count || ':' || nth AS event_key,
    $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system,
    sid || ':' || mod_count || ':' || nth AS source_id,
    updated_at AS occurred_at,
    CASE WHEN prev_state IS DISTINCT FROM state THEN 'status' ELSE 'update' END AS event_type,
    prev_state AS from_value,
    state AS to_value,
    'agent' AS actor_role,
    CAST(NULL AS VARCHAR) AS actor_agent_key,
    $batch_id AS batch_id,
    raw_row AS raw,
    sid, seq, state, opened_ts, mod_count, reopens, reassignments, assignee, grp, prio,
    prev_state, prev_assignee, prev_grp, prev_prio, prev_reopens,
    _reject_column, _reject_reason, _row, _line
FROM ordered;
