-- Zendesk Chat: split the staged documents into one row per vendor record with its kind.
-- Pages: incremental export {"chats": [...]}, bulk {"docs": [...] or {"<id>": {...}}},
-- {"agent_timeline": [...]}, {"agents": [...]}; Airbyte RECORDs by stream name; bare records
-- by their fields. _row numbers records per kind in file order.
CREATE OR REPLACE TEMP MACRO zc_ts(x) AS (
    CASE WHEN regexp_full_match(x, '\d{15,17}') THEN make_timestamptz(try_cast(x AS BIGINT))  -- microseconds
         WHEN regexp_full_match(x, '\d{9,10}(\.\d+)?') THEN to_timestamp(try_cast(x AS DOUBLE))
         ELSE try_cast(x AS TIMESTAMPTZ) END
);

CREATE OR REPLACE TEMP TABLE stg_zc_doc AS
SELECT _row AS _doc, _line, record, _stream,
       _stream IS NULL AND json_type(record, '$.id') IS NULL
       AND list_has_any(json_keys(record), ['chats', 'docs', 'agent_timeline', 'agents']) AS is_page
FROM stg_raw;

CREATE OR REPLACE TEMP TABLE stg_zc_item AS
WITH arrays(key, kind) AS (
    VALUES ('chats', 'chat'), ('docs', 'chat'), ('agent_timeline', 'timeline'), ('agents', 'agent')
),
page_items AS (
    SELECT _doc, _line, kind, i AS _idx, item AS record
    FROM (
        SELECT d._doc, d._line, a.kind,
               unnest(range(json_array_length(d.record, '$.' || a.key)::BIGINT)) AS i,
               unnest(json_extract(d.record, '$.' || a.key)::JSON[]) AS item
        FROM stg_zc_doc d, arrays a
        WHERE d.is_page AND json_type(d.record, '$.' || a.key) = 'ARRAY'
    )
    UNION ALL
    -- bulk GET /chats?ids=... returns docs keyed by chat id
    SELECT _doc, _line, 'chat', i, record -> ('$."' || k || '"')
    FROM (SELECT d._doc, d._line, d.record, unnest(json_keys(d.record, '$.docs')) AS k,
                 generate_subscripts(json_keys(d.record, '$.docs'), 1) AS i
          FROM stg_zc_doc d WHERE d.is_page AND json_type(d.record, '$.docs') = 'OBJECT')
),
single AS (
    SELECT _doc, _line, 0 AS _idx, record,
        coalesce(CASE
            WHEN _stream IS NOT NULL THEN
                CASE regexp_replace(_stream, '^.*__', '')
                    WHEN 'chats' THEN 'chat' WHEN 'agent_timeline' THEN 'timeline'
                    WHEN 'agents' THEN 'agent'
                    ELSE 'other:' || regexp_replace(_stream, '^.*__', '') END
            WHEN json_type(record, '$.history') = 'ARRAY'
              OR (record ->> '$.type' IN ('chat', 'offline_msg') AND json_type(record, '$.timestamp') IS NOT NULL) THEN 'chat'
            WHEN json_type(record, '$.agent_id') IS NOT NULL AND json_type(record, '$.start_time') IS NOT NULL THEN 'timeline'
            WHEN json_type(record, '$.display_name') IS NOT NULL AND json_type(record, '$.enabled') IS NOT NULL THEN 'agent'
        END, 'other:unknown') AS kind
    FROM stg_zc_doc WHERE NOT is_page
)
SELECT row_number() OVER (PARTITION BY kind ORDER BY _doc, _idx) AS _row, _line, kind, record
FROM (SELECT _doc, _line, _idx, kind, record FROM page_items
      UNION ALL SELECT _doc, _line, _idx, kind, record FROM single);
