-- Run after stg_event was upserted (rejected and duplicate updates marked): incidents and the
-- events derived from consecutive updates.

-- One conversation per incident; final values come from its last update (ServiceNow keeps
-- the current assignee, group, priority and SLA flag on every update row).
CREATE OR REPLACE TEMP TABLE stg_conversation AS
WITH good AS (
    SELECT * FROM stg_event WHERE _reject_reason IS NULL
),
counts AS (
    SELECT sid, count(*) AS updates, min(opened_ts) AS opened_min, max(seq) AS last_seq
    FROM good
    GROUP BY sid
),
-- the update with the incident's highest seq (unique among its good updates), found by a
-- hash join: sorting every update with its raw JSON to number them took longer
last AS (
    SELECT * FROM good WHERE (sid, seq) IN (SELECT (sid, last_seq) FROM counts)
)
SELECT
    $source_system || ':' || l.sid AS conversation_key,
    $source_system AS source_system,
    l.sid AS source_id,
    l.sid AS display_number,
    'ticket' AS kind,
    ss_channel(sn_val(l.raw ->> 'contact_type')) AS channel,
    CASE WHEN l.grp IS NOT NULL THEN $source_system || ':' || l.grp END AS team_key,
    CASE WHEN sn_val(l.raw ->> 'caller_id') IS NOT NULL
         THEN $source_system || ':' || sn_val(l.raw ->> 'caller_id') END AS contact_key,
    CASE WHEN l.assignee IS NOT NULL THEN $source_system || ':' || l.assignee END AS assignee_agent_key,
    c.opened_min AS created_at,
    'customer' AS initiated_by,
    l.state AS status_current,
    CASE split_part(l.prio, ' ', 1)
        WHEN '1' THEN 'urgent' WHEN '2' THEN 'high' WHEN '3' THEN 'normal' WHEN '4' THEN 'low'
        ELSE lower(l.prio)
    END AS priority,
    json_object(
        'priority_label', l.prio,
        'impact', sn_val(l.raw ->> 'impact'),
        'urgency', sn_val(l.raw ->> 'urgency'),
        'category', sn_val(l.raw ->> 'category'),
        'subcategory', sn_val(l.raw ->> 'subcategory'),
        'symptom', sn_val(l.raw ->> 'u_symptom'),
        'location', sn_val(l.raw ->> 'location'),
        'closed_code', sn_val(l.raw ->> 'closed_code'),
        'knowledge', ss_bool(sn_val(l.raw ->> 'knowledge')),
        'reassignment_count', l.reassignments,
        'updates', c.updates
    ) AS custom_attributes,
    $tz AS source_timezone,
    -- ServiceNow's own resolution stamp (it often differs from the update that set Resolved)
    epoch(ss_ts(sn_val(l.raw ->> 'resolved_at'), $tz, $ts_format)) - epoch(c.opened_min) AS src_full_resolution_s,
    l.reopens AS src_reopens,
    json_object(
        'made_sla', ss_bool(sn_val(l.raw ->> 'made_sla')),
        'resolved_at', ss_ts(sn_val(l.raw ->> 'resolved_at'), $tz, $ts_format),
        'closed_at', ss_ts(sn_val(l.raw ->> 'closed_at'), $tz, $ts_format)
    ) AS src_sla_json,
    $batch_id AS batch_id,
    l.raw AS raw,
    NULL::VARCHAR AS _reject_column,
    NULL::VARCHAR AS _reject_reason,
    l._row, l._line
FROM last l
JOIN counts c USING (sid);

-- Derived events, keyed by their update's key plus the kind, at the update's time:
--   created   opened_at, once per incident
--   assignee  assigned_to changed (to_value/from_value are agent keys, NULL = unassigned)
--   team      assignment_group changed (team keys)
--   priority  priority changed
--   reopen    reopen_count went up
--   resolve / close   the state became Resolved / Closed
CREATE OR REPLACE TEMP TABLE stg_derived_event AS
WITH good AS (
    SELECT * FROM stg_event WHERE _reject_reason IS NULL
),
ev AS (
    SELECT event_key, conversation_key, source_id, opened_ts AS occurred_at, 'created' AS kind,
           NULL AS from_value, 'new' AS to_value, _row, _line
    FROM good WHERE seq = 1
    UNION ALL
    SELECT event_key, conversation_key, source_id, occurred_at, 'assignee',
           $source_system || ':' || prev_assignee, $source_system || ':' || assignee, _row, _line
    FROM good WHERE assignee IS DISTINCT FROM prev_assignee AND NOT (seq = 1 AND assignee IS NULL)
    UNION ALL
    SELECT event_key, conversation_key, source_id, occurred_at, 'team',
           $source_system || ':' || prev_grp, $source_system || ':' || grp, _row, _line
    FROM good WHERE grp IS DISTINCT FROM prev_grp AND NOT (seq = 1 AND grp IS NULL)
    UNION ALL
    SELECT event_key, conversation_key, source_id, occurred_at, 'priority', prev_prio, prio, _row, _line
    FROM good WHERE seq > 1 AND prio IS DISTINCT FROM prev_prio
    UNION ALL
    SELECT event_key, conversation_key, source_id, occurred_at, 'reopen', prev_state, state, _row, _line
    FROM good WHERE seq > 1 AND reopens > prev_reopens
    UNION ALL
    SELECT event_key, conversation_key, source_id, occurred_at, 'resolve', prev_state, state, _row, _line
    FROM good WHERE state = 'resolved' AND prev_state IS DISTINCT FROM 'resolved'
    UNION ALL
    SELECT event_key, conversation_key, source_id, occurred_at, 'close', prev_state, state, _row, _line
    FROM good WHERE state = 'closed' AND prev_state IS DISTINCT FROM 'closed'
)
SELECT
    event_key || ':' || kind AS event_key,
    conversation_key,
    $source_system AS source_system,
    source_id || ':' || kind AS source_id,
    occurred_at,
    kind AS event_type,
    from_value,
    to_value,
    CASE WHEN kind = 'created' THEN 'customer' ELSE 'agent' END AS actor_role,
    $batch_id AS batch_id,
    NULL::VARCHAR AS _reject_column,
    NULL::VARCHAR AS _reject_reason,
    _row, _line
FROM ev;
