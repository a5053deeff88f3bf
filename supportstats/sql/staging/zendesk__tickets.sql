-- Zendesk Support tickets (incremental export, with or without metric_sets) and ticket
-- metrics -> stg_zd_conversation (+ stg_zd_ticket_event, the solve time as a resolve event).
-- Minutes become seconds (metric_set *_in_minutes.calendar * 60); vendor numbers go to src_*.
-- A metric set comes from the ticket itself (metric_set), else from a side-loaded or separate
-- ticket_metrics record of the same file; a ticket without one keeps the src_* numbers already
-- in the warehouse (a metrics file imported earlier), so import order does not matter.

-- One typed metric set per ticket id (the latest one when a file holds several).
CREATE OR REPLACE TEMP TABLE stg_zd_metric AS
SELECT * EXCLUDE (rn) FROM (
    SELECT _row, _line, record, ticket_id,
           row_number() OVER (PARTITION BY ticket_id
                              ORDER BY updated_at DESC NULLS LAST, _row DESC) AS rn
    FROM (SELECT _row, _line, record, record ->> '$.ticket_id' AS ticket_id,
                 record ->> '$.updated_at' AS updated_at
          FROM zendesk__int_records WHERE kind = 'metric_set')
) WHERE rn = 1;

CREATE OR REPLACE TEMP MACRO zd_metric(ms) AS json_transform(ms, '{
    "ticket_id": "VARCHAR", "created_at": "VARCHAR", "reopens": "VARCHAR", "replies": "VARCHAR",
    "solved_at": "VARCHAR",
    "reply_time_in_minutes": {"calendar": "DOUBLE", "business": "DOUBLE"},
    "first_resolution_time_in_minutes": {"calendar": "DOUBLE", "business": "DOUBLE"},
    "full_resolution_time_in_minutes": {"calendar": "DOUBLE", "business": "DOUBLE"},
    "requester_wait_time_in_minutes": {"calendar": "DOUBLE", "business": "DOUBLE"},
    "agent_wait_time_in_minutes": {"calendar": "DOUBLE", "business": "DOUBLE"},
    "on_hold_time_in_minutes": {"calendar": "DOUBLE", "business": "DOUBLE"}}');

-- Follow-ups: ticket B lists A in followup_ids (A followed B) or A says via.source.rel = follow_up.
CREATE OR REPLACE TEMP TABLE stg_zd_followup AS
SELECT f AS ticket_id, min(id) AS parent_id
FROM (SELECT record ->> '$.id' AS id,
             unnest(json_transform(record, '{"followup_ids": ["VARCHAR"]}').followup_ids) AS f
      FROM zendesk__int_records WHERE kind = 'ticket' AND contains(record, '"followup_ids"')
        AND json_array_length(record, '$.followup_ids') > 0)
GROUP BY f;

-- The tickets, typed from one parse of each record; the record itself is the row's raw (the
-- only copy kept: the tickets leave zendesk__int_items once this table is built). _sat and _sat_*
-- carry the embedded satisfaction rating to zendesk__ratings.sql.
CREATE OR REPLACE TEMP TABLE stg_zd_conversation AS
WITH t AS (
    SELECT _row, _line, record,
        json_transform(record, '{
            "id": "VARCHAR", "created_at": "VARCHAR", "updated_at": "VARCHAR", "status": "VARCHAR",
            "priority": "VARCHAR", "type": "VARCHAR", "subject": "VARCHAR",
            "requester_id": "VARCHAR", "submitter_id": "VARCHAR", "assignee_id": "VARCHAR",
            "group_id": "VARCHAR", "organization_id": "VARCHAR", "brand_id": "VARCHAR",
            "ticket_form_id": "VARCHAR",
            "via": {"channel": "VARCHAR", "source": {"rel": "VARCHAR", "from": {"ticket_id": "VARCHAR"}}},
            "tags": ["VARCHAR"], "custom_fields": [{"id": "VARCHAR", "value": "JSON"}],
            "satisfaction_rating": "JSON", "metric_set": "JSON"}') AS j
    FROM zendesk__int_records WHERE kind = 'ticket'
),
own AS (
    SELECT t.*, CASE WHEN json_type(j.metric_set) = 'OBJECT' THEN j.metric_set END AS own_ms,
           ss_text(j.id) AS sid, ss_ts(j.created_at, 'UTC', NULL) AS created_ts
    FROM t
),
tk AS (
    SELECT own.*, coalesce(own.own_ms, m.record) AS ms,
           own.own_ms IS NULL AND m.record IS NOT NULL AS ms_separate,
           zd_metric(coalesce(own.own_ms, m.record)) AS m,
           $source_system || ':' || own.sid AS conversation_key
    FROM own LEFT JOIN stg_zd_metric m ON m.ticket_id = own.j.id
)
SELECT
    tk.conversation_key,
    $source_system AS source_system,
    tk.sid AS source_id,
    tk.sid AS display_number,
    'ticket' AS kind,
    NULL::VARCHAR AS parent_key,
    $source_system || ':' || coalesce(
        CASE WHEN tk.j.via.source.rel = 'follow_up' THEN ss_text(tk.j.via.source."from".ticket_id) END,
        f.parent_id) AS followup_of_key,
    ss_channel(tk.j.via.channel) AS channel,
    $source_system || ':' || ss_text(tk.j.group_id) AS queue_key,
    $source_system || ':' || ss_text(tk.j.group_id) AS team_key,
    $source_system || ':' || ss_text(tk.j.requester_id) AS contact_key,
    $source_system || ':' || ss_text(tk.j.assignee_id) AS assignee_agent_key,
    tk.created_ts AS created_at,
    zd_status(tk.j.status) AS status_current,
    lower(ss_text(tk.j.priority)) AS priority,
    tk.j.subject AS subject,
    tk.j.tags AS tags,
    json_object(
        'type', tk.j.type, 'brand_id', tk.j.brand_id, 'organization_id', tk.j.organization_id,
        'ticket_form_id', tk.j.ticket_form_id, 'submitter_id', tk.j.submitter_id,
        'custom_fields', CASE WHEN len(tk.j.custom_fields) > 0 THEN map_from_entries(
            list_transform(tk.j.custom_fields, lambda x: struct_pack(k := x.id, v := x.value))) END
    ) AS custom_attributes,
    -- with a metric set the vendor's numbers are taken as they are (NULL = not happened yet),
    -- without one, numbers already in the warehouse are kept
    CASE WHEN tk.ms IS NULL THEN old.src_first_response_s ELSE tk.m.reply_time_in_minutes.calendar * 60 END AS src_first_response_s,
    CASE WHEN tk.ms IS NULL THEN old.src_first_response_bh_s ELSE tk.m.reply_time_in_minutes.business * 60 END AS src_first_response_bh_s,
    CASE WHEN tk.ms IS NULL THEN old.src_full_resolution_s ELSE tk.m.full_resolution_time_in_minutes.calendar * 60 END AS src_full_resolution_s,
    CASE WHEN tk.ms IS NULL THEN old.src_full_resolution_bh_s ELSE tk.m.full_resolution_time_in_minutes.business * 60 END AS src_full_resolution_bh_s,
    CASE WHEN tk.ms IS NULL THEN old.src_first_resolution_s ELSE tk.m.first_resolution_time_in_minutes.calendar * 60 END AS src_first_resolution_s,
    CASE WHEN tk.ms IS NULL THEN old.src_requester_wait_s ELSE tk.m.requester_wait_time_in_minutes.calendar * 60 END AS src_requester_wait_s,
    CASE WHEN tk.ms IS NULL THEN old.src_agent_wait_s ELSE tk.m.agent_wait_time_in_minutes.calendar * 60 END AS src_agent_wait_s,
    CASE WHEN tk.ms IS NULL THEN old.src_on_hold_s ELSE tk.m.on_hold_time_in_minutes.calendar * 60 END AS src_on_hold_s,
    CASE WHEN tk.ms IS NULL THEN old.src_reopens ELSE try_cast(tk.m.reopens AS INTEGER) END AS src_reopens,
    CASE WHEN tk.ms IS NULL THEN old.src_replies ELSE try_cast(tk.m.replies AS INTEGER) END AS src_replies,
    $batch_id AS batch_id,
    -- a metric set from a separate record is folded into the raw ticket, so raw stays lossless
    CASE WHEN tk.ms_separate THEN json_merge_patch(tk.record, json_object('metric_set', tk.ms))
         WHEN tk.ms IS NULL AND old.raw IS NOT NULL AND json_type(old.raw, '$.metric_set') = 'OBJECT'
         THEN json_merge_patch(tk.record, json_object('metric_set', old.raw -> '$.metric_set'))
         ELSE tk.record END AS raw,
    -- the record's text for the rejects only (good rows need no second copy)
    CASE WHEN tk.sid IS NULL OR tk.created_ts IS NULL THEN tk.record::VARCHAR END AS _raw,
    ss_ts(coalesce(tk.m.solved_at, CASE WHEN tk.ms IS NULL THEN old.raw ->> '$.metric_set.solved_at' END), 'UTC', NULL) AS solved_ts,
    tk.j.satisfaction_rating AS _sat, tk.j.id AS _sat_ticket_id,
    CASE WHEN tk.sid IS NULL THEN 'id' WHEN tk.created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN tk.sid IS NULL THEN 'ticket has no id'
         WHEN tk.created_ts IS NULL THEN 'created_at ' || ss_quote(tk.j.created_at) || ' is not a date/time'
    END AS _reject_reason,
    tk._row, tk._line
FROM tk
LEFT JOIN stg_zd_followup f ON f.ticket_id = tk.sid
LEFT JOIN conversation_with_source old ON old.conversation_key = tk.conversation_key;

-- The tickets' records are in stg_zd_conversation now: the other kinds stay.
CREATE OR REPLACE TEMP TABLE zendesk__int_items AS SELECT * FROM zendesk__int_items WHERE kind <> 'ticket';

-- Metric sets whose ticket is not in this file: update the warehouse's conversation row, or
-- (ticket not imported yet) keep a stub the tickets file fills in later.
CREATE OR REPLACE TEMP TABLE stg_zd_metric_conversation AS
WITH m AS (
    SELECT s._row, s._line, s.record, zd_metric(s.record) AS m, ss_text(s.ticket_id) AS sid
    FROM stg_zd_metric s
    WHERE s.ticket_id NOT IN (SELECT source_id FROM stg_zd_conversation WHERE source_id IS NOT NULL)
)
SELECT
    $source_system || ':' || m.sid AS conversation_key,
    $source_system AS source_system, m.sid AS source_id, m.sid AS display_number,
    coalesce(old.kind, 'ticket') AS kind, old.parent_key, old.followup_of_key, old.channel,
    old.queue_key, old.team_key, old.contact_key, old.assignee_agent_key,
    coalesce(old.created_at, ss_ts(m.m.created_at, 'UTC', NULL)) AS created_at,
    old.first_customer_message_at, old.initiated_by, old.status_current, old.priority,
    old.subject, old.tags, old.custom_attributes, old.source_timezone,
    m.m.reply_time_in_minutes.calendar * 60 AS src_first_response_s,
    m.m.reply_time_in_minutes.business * 60 AS src_first_response_bh_s,
    m.m.full_resolution_time_in_minutes.calendar * 60 AS src_full_resolution_s,
    m.m.full_resolution_time_in_minutes.business * 60 AS src_full_resolution_bh_s,
    m.m.first_resolution_time_in_minutes.calendar * 60 AS src_first_resolution_s,
    m.m.requester_wait_time_in_minutes.calendar * 60 AS src_requester_wait_s,
    m.m.agent_wait_time_in_minutes.calendar * 60 AS src_agent_wait_s,
    m.m.on_hold_time_in_minutes.calendar * 60 AS src_on_hold_s,
    try_cast(m.m.reopens AS INTEGER) AS src_reopens,
    try_cast(m.m.replies AS INTEGER) AS src_replies,
    old.src_missed, old.src_duration_s, old.src_response_avg_s, old.src_response_max_s, old.src_sla_json,
    $batch_id AS batch_id,
    json_merge_patch(coalesce(old.raw, '{}'::JSON), json_object('metric_set', m.record)) AS raw,
    m.record::VARCHAR AS _raw,
    ss_ts(m.m.solved_at, 'UTC', NULL) AS solved_ts,
    CASE WHEN m.sid IS NULL THEN 'ticket_id'
         WHEN coalesce(old.created_at, ss_ts(m.m.created_at, 'UTC', NULL)) IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN m.sid IS NULL THEN 'ticket metric set has no ticket_id'
         WHEN coalesce(old.created_at, ss_ts(m.m.created_at, 'UTC', NULL)) IS NULL
         THEN 'ticket ' || m.sid || ' is not imported and its metric set has no created_at' END AS _reject_reason,
    m._row, m._line
FROM m LEFT JOIN conversation_with_source old ON old.conversation_key = $source_system || ':' || m.sid;

-- metric_set.solved_at is the last time the ticket was solved: a resolve event, so resolution
-- time can be computed from tickets alone (audits, when imported, add every status change).
CREATE OR REPLACE TEMP TABLE stg_zd_ticket_event AS
SELECT
    conversation_key || ':solved_at' AS event_key, conversation_key, source_system,
    source_id || ':solved_at' AS source_id, solved_ts AS occurred_at, 'resolve' AS event_type,
    NULL::VARCHAR AS from_value, 'resolved' AS to_value, NULL::VARCHAR AS actor_role,
    NULL::VARCHAR AS actor_agent_key, batch_id,
    json_object('metric_set.solved_at', strftime(solved_ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')) AS raw,
    NULL::VARCHAR AS _raw,
    NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM (SELECT * FROM stg_zd_conversation UNION ALL BY NAME SELECT * FROM stg_zd_metric_conversation)
WHERE _reject_reason IS NULL AND solved_ts IS NOT NULL;
