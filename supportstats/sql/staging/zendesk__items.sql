-- Zendesk Support: split the staged documents (stg_raw: one row per top-level JSON value,
-- Airbyte/Faros wrappers already removed) into one row per vendor record with its kind.
-- A document is either an API page ({"tickets": [...], "metric_sets": [...], "users": ...}),
-- an Airbyte RECORD (kind from the stream name, e.g. "mytestsource__zendesk__tickets"), or a
-- bare record (kind from its fields). _row numbers records per kind in file order, so a reject
-- says "record 12" of that kind; _line is the physical line for JSON Lines files.
-- Zendesk statuses onto the canonical ones (hold -> on_hold, solved -> resolved); custom
-- or unknown statuses (e.g. deleted) are kept lower-cased.
CREATE OR REPLACE TEMP MACRO zd_status(s) AS (
    CASE lower(trim(s)) WHEN 'hold' THEN 'on_hold' WHEN 'solved' THEN 'resolved'
        WHEN '' THEN NULL ELSE lower(trim(s)) END
);

-- Zendesk times are ISO-8601 UTC strings. (ss_ts is not used on struct fields: DuckDB 2.0
-- evaluates its epoch branch on them and fails.)
CREATE OR REPLACE TEMP MACRO zd_ts(x) AS try_cast(x AS TIMESTAMPTZ);

CREATE OR REPLACE TEMP TABLE stg_zd_doc AS
SELECT _row AS _doc, _line, record, _stream,
       -- an API page has a known array (or single object) key and no id of its own
       _stream IS NULL AND json_type(record, '$.id') IS NULL AND (
           list_has_any(json_keys(record), ['tickets', 'metric_sets', 'ticket_metrics',
               'satisfaction_ratings', 'audits', 'comments', 'users', 'groups', 'tags'])
           OR json_type(record, '$.ticket') = 'OBJECT'
           OR json_type(record, '$.satisfaction_rating') = 'OBJECT') AS is_page
FROM stg_raw;

CREATE OR REPLACE TEMP TABLE stg_zd_page_item AS
WITH pages AS (
    SELECT _doc, _line, record FROM stg_zd_doc WHERE is_page
),
arrays(key, kind) AS (
    VALUES ('tickets', 'ticket'), ('metric_sets', 'metric_set'), ('ticket_metrics', 'metric_set'),
           ('satisfaction_ratings', 'rating'), ('audits', 'audit'), ('comments', 'comment'),
           ('users', 'user'), ('groups', 'group'), ('tags', 'tag')
)
SELECT _doc, _line, kind, i AS _idx, item AS record
FROM (
    SELECT p._doc, p._line, a.kind,
           unnest(range(json_array_length(p.record, '$.' || a.key)::BIGINT)) AS i,
           unnest(json_extract(p.record, '$.' || a.key)::JSON[]) AS item
    FROM pages p, arrays a
    WHERE json_type(p.record, '$.' || a.key) = 'ARRAY'
)
UNION ALL
-- single-object responses: GET /tickets/{id}.json, /satisfaction_ratings/{id}.json
SELECT _doc, _line, 'ticket', 0, record -> '$.ticket' FROM pages WHERE json_type(record, '$.ticket') = 'OBJECT'
UNION ALL
SELECT _doc, _line, 'rating', 0, record -> '$.satisfaction_rating' FROM pages
WHERE json_type(record, '$.satisfaction_rating') = 'OBJECT' AND json_type(record, '$.satisfaction_rating.ticket_id') IS NOT NULL;

CREATE OR REPLACE TEMP TABLE stg_zd_item AS
WITH single AS (
    SELECT _doc, _line, 0 AS _idx, record,
        coalesce(CASE
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
                    ELSE 'other:' || regexp_replace(_stream, '^.*__', '')
                END
            WHEN json_type(record, '$.events') = 'ARRAY' AND json_type(record, '$.ticket_id') IS NOT NULL THEN 'audit'
            WHEN json_type(record, '$.reply_time_in_minutes') IS NOT NULL THEN 'metric_set'
            WHEN json_type(record, '$.score') IS NOT NULL AND json_type(record, '$.ticket_id') IS NOT NULL THEN 'rating'
            WHEN json_type(record, '$.requester_id') IS NOT NULL AND json_type(record, '$.status') IS NOT NULL THEN 'ticket'
            WHEN json_type(record, '$.public') IS NOT NULL AND json_type(record, '$.author_id') IS NOT NULL THEN 'comment'
            WHEN json_type(record, '$.role') IS NOT NULL AND json_type(record, '$.name') IS NOT NULL THEN 'user'
            WHEN (record ->> '$.url') LIKE '%/groups/%' THEN 'group'
        END, 'other:unknown') AS kind
    FROM stg_zd_doc
    WHERE NOT is_page
)
SELECT row_number() OVER (PARTITION BY kind ORDER BY _doc, _idx) AS _row, _line, kind, record
FROM (
    SELECT _doc, _line, _idx, kind, record FROM stg_zd_page_item
    UNION ALL
    SELECT _doc, _line, _idx, kind, record FROM single
);
