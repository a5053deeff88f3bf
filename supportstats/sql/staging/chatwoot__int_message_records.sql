-- Messages to type: top-level message records (counted: _counted) and the messages
-- embedded in conversation records (not counted; their conversation is).
SELECT _row, _line, record AS m, true AS _counted FROM chatwoot__int_records WHERE kind = 'message'
UNION ALL
SELECT _row, _line, unnest(json_extract(record, '$.messages[*]')), false
FROM chatwoot__int_records WHERE kind = 'conversation'
