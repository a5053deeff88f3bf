-- Zendesk Support: split the file (stg_raw, read where it says FROM stg_raw AS r: one row per
-- top-level JSON value, Airbyte/Faros wrappers already removed) into one row per vendor
-- record with its kind, in one read and one copy (zendesk__int_items).
-- A document is either an API page ({"tickets": [...], "metric_sets": [...], "users": ...}),
-- an Airbyte RECORD (kind from the stream name, e.g. "mytestsource__zendesk__tickets"), or a
-- bare record (kind from its fields). _row numbers records per kind in file order, so a reject
-- says "record 12" of that kind (view zendesk__int_records: the offset of the record's document plus
-- its place in it, so no sort of the whole file is needed); _line is the physical line for
-- JSON Lines files.
-- Each page is parsed once: its arrays come out as lists of records (JSON text).
WITH d AS (
    SELECT _row AS _doc, _line, record, _stream,
           json_transform(record, '{"id": "JSON", "ticket": "JSON", "satisfaction_rating": "JSON",
               "tickets": ["JSON"], "metric_sets": ["JSON"], "ticket_metrics": ["JSON"],
               "satisfaction_ratings": ["JSON"], "audits": ["JSON"], "comments": ["JSON"],
               "users": ["JSON"], "groups": ["JSON"], "tags": ["JSON"],
               "schedules": ["JSON"], "schedule": "JSON", "holidays": ["JSON"], "holiday": "JSON",
               "sla_policies": ["JSON"], "sla_policy": "JSON",
               "organizations": ["JSON"], "organization": "JSON"}') AS pg
    FROM stg_raw AS r
),
paged AS (
    SELECT *,
        -- an API page has a known array (or single object) key and no id of its own
        _stream IS NULL AND pg.id IS NULL AND json_type(record) = 'OBJECT' AND CASE
            WHEN pg.tickets IS NOT NULL OR pg.metric_sets IS NOT NULL OR pg.ticket_metrics IS NOT NULL
              OR pg.satisfaction_ratings IS NOT NULL OR pg.audits IS NOT NULL OR pg.comments IS NOT NULL
              OR pg.users IS NOT NULL OR pg.groups IS NOT NULL OR pg.tags IS NOT NULL
              OR pg.schedules IS NOT NULL OR pg.holidays IS NOT NULL OR pg.sla_policies IS NOT NULL
              OR pg.organizations IS NOT NULL THEN true
            WHEN json_type(pg.ticket) = 'OBJECT' OR json_type(pg.satisfaction_rating) = 'OBJECT'
              OR json_type(pg.schedule) = 'OBJECT' OR json_type(pg.holiday) = 'OBJECT'
              OR json_type(pg.sla_policy) = 'OBJECT' OR json_type(pg.organization) = 'OBJECT' THEN true
            ELSE list_has_any(json_keys(record), ['tickets', 'metric_sets', 'ticket_metrics',
                'satisfaction_ratings', 'audits', 'comments', 'users', 'groups', 'tags',
                'schedules', 'holidays', 'sla_policies', 'organizations'])
        END AS is_page
    FROM d
),
listed AS (
    SELECT _doc, _line,
        CASE WHEN is_page THEN list_concat(
            list_transform(coalesce(pg.tickets, []), lambda x, i: {'kind': 'ticket', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.metric_sets, []), lambda x, i: {'kind': 'metric_set', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.ticket_metrics, []),
                lambda x, i: {'kind': 'metric_set', 'i': i + len(coalesce(pg.metric_sets, [])), 'rec': x}),
            list_transform(coalesce(pg.satisfaction_ratings, []), lambda x, i: {'kind': 'rating', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.audits, []), lambda x, i: {'kind': 'audit', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.comments, []), lambda x, i: {'kind': 'comment', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.users, []), lambda x, i: {'kind': 'user', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.groups, []), lambda x, i: {'kind': 'group', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.tags, []), lambda x, i: {'kind': 'tag', 'i': i, 'rec': x}),
            -- account settings: business-hours schedules, a schedule's holidays, SLA policies,
            -- organizations (zendesk__settings.sql)
            list_transform(coalesce(pg.schedules, []), lambda x, i: {'kind': 'schedule', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.holidays, []), lambda x, i: {'kind': 'holiday', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.sla_policies, []), lambda x, i: {'kind': 'sla_policy', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.organizations, []), lambda x, i: {'kind': 'organization', 'i': i, 'rec': x}),
            CASE WHEN json_type(pg.schedule) = 'OBJECT'
                 THEN [{'kind': 'schedule', 'i': 1 + len(coalesce(pg.schedules, [])), 'rec': pg.schedule}] END,
            CASE WHEN json_type(pg.holiday) = 'OBJECT'
                 THEN [{'kind': 'holiday', 'i': 1 + len(coalesce(pg.holidays, [])), 'rec': pg.holiday}] END,
            CASE WHEN json_type(pg.sla_policy) = 'OBJECT'
                 THEN [{'kind': 'sla_policy', 'i': 1 + len(coalesce(pg.sla_policies, [])), 'rec': pg.sla_policy}] END,
            CASE WHEN json_type(pg.organization) = 'OBJECT'
                 THEN [{'kind': 'organization', 'i': 1 + len(coalesce(pg.organizations, [])), 'rec': pg.organization}] END,
            -- single-object responses: GET /tickets/{id}.json, /satisfaction_ratings/{id}.json
            CASE WHEN json_type(pg.ticket) = 'OBJECT'
                 THEN [{'kind': 'ticket', 'i': 1 + len(coalesce(pg.tickets, [])), 'rec': pg.ticket}] END,
            CASE WHEN json_type(pg.satisfaction_rating) = 'OBJECT'
                      AND json_type(pg.satisfaction_rating, '$.ticket_id') IS NOT NULL
                 THEN [{'kind': 'rating', 'i': 1 + len(coalesce(pg.satisfaction_ratings, [])),
                        'rec': pg.satisfaction_rating}] END)
        ELSE [{'kind': coalesce(CASE
            WHEN _stream IS NOT NULL THEN
                CASE regexp_replace(_stream, '^.*__', '')
                    WHEN 'tickets' THEN 'ticket'
                    WHEN 'ticket_metrics' THEN 'metric_set'
                    WHEN 'satisfaction_ratings' THEN 'rating'
                    WHEN 'ticket_audits' THEN 'audit'
                    WHEN 'ticket_comments' THEN 'comment'
                    WHEN 'users' THEN 'user'
                    WHEN 'groups' THEN 'group'
                    WHEN 'tags' THEN 'tag'
                    WHEN 'schedules' THEN 'schedule'
                    WHEN 'schedule_holidays' THEN 'holiday'
                    WHEN 'holidays' THEN 'holiday'
                    WHEN 'sla_policies' THEN 'sla_policy'
                    WHEN 'organizations' THEN 'organization'
                    ELSE 'other:' || regexp_replace(_stream, '^.*__', '')
                END
            WHEN json_type(record, '$.policy_metrics') = 'ARRAY' THEN 'sla_policy'
            WHEN json_type(record, '$.intervals') = 'ARRAY' AND json_type(record, '$.time_zone') IS NOT NULL THEN 'schedule'
            WHEN json_type(record, '$.domain_names') = 'ARRAY' THEN 'organization'
            WHEN json_type(record, '$.start_date') IS NOT NULL AND json_type(record, '$.end_date') IS NOT NULL
                 AND json_type(record, '$.ticket_id') IS NULL THEN 'holiday'
            WHEN json_type(record, '$.events') = 'ARRAY' AND json_type(record, '$.ticket_id') IS NOT NULL THEN 'audit'
            WHEN json_type(record, '$.reply_time_in_minutes') IS NOT NULL THEN 'metric_set'
            WHEN json_type(record, '$.score') IS NOT NULL AND json_type(record, '$.ticket_id') IS NOT NULL THEN 'rating'
            WHEN json_type(record, '$.requester_id') IS NOT NULL AND json_type(record, '$.status') IS NOT NULL THEN 'ticket'
            WHEN json_type(record, '$.public') IS NOT NULL AND json_type(record, '$.author_id') IS NOT NULL THEN 'comment'
            WHEN json_type(record, '$.role') IS NOT NULL AND json_type(record, '$.name') IS NOT NULL THEN 'user'
            WHEN (record ->> '$.url') LIKE '%/groups/%' THEN 'group'
        END, 'other:unknown'), 'i': 1, 'rec': record}] END AS items
    FROM paged
)
SELECT _doc, it.i AS _idx, _line, it.kind AS kind, coalesce(it.rec, 'null'::JSON) AS record
FROM (SELECT _doc, _line, unnest(items) AS it FROM listed)
