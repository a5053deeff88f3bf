-- LiveChat export records (stg_raw: list_archives pages or Airbyte streams) -> their kind:
-- 'chat', 'thread', 'report' (a Reports API response) or 'other' (rejected by the importer).
SELECT
    _row, _line, record, _stream,
    CASE WHEN _stream IN ('chats', 'archives')
              OR (_stream IS NULL AND json_type(record, '$.threads') = 'ARRAY') THEN 'chat'
         WHEN _stream = 'threads'
              OR (_stream IS NULL AND json_type(record, '$.events') = 'ARRAY'
                  AND json_exists(record, '$.created_at')) THEN 'thread'
         WHEN json_type(record, '$.records') = 'OBJECT' THEN 'report'
         ELSE 'other' END AS kind
FROM stg_raw
