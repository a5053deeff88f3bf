-- Chatwoot JSON records (stg_raw: one record per row, Airbyte stream names kept) -> chatwoot__int_records
-- with their kind: a message, a conversation, or another record (set aside by the writer).
SELECT
    _row, _line, record, _stream,
    CASE
        WHEN _stream = 'messages' OR (_stream IS NULL AND json_exists(record, '$.message_type'))
            THEN 'message'
        WHEN _stream = 'conversations'
             OR (_stream IS NULL AND json_exists(record, '$.inbox_id')
                 AND json_exists(record, '$.status'))
            THEN 'conversation'
        ELSE 'other'
    END AS kind
FROM stg_raw
