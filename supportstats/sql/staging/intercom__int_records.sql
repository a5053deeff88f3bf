-- Intercom export records (stg_raw: REST pages or Airbyte streams) -> their kind:
-- 'conversation', 'part' (conversation_parts) or 'other' (rejected by the importer).
SELECT
    _row, _line, record, _stream,
    CASE WHEN _stream = 'conversations'
              OR (_stream IS NULL AND (record ->> 'type') = 'conversation') THEN 'conversation'
         WHEN _stream = 'conversation_parts'
              OR (_stream IS NULL AND (record ->> 'type') = 'conversation_part') THEN 'part'
         ELSE 'other' END AS kind
FROM stg_raw
