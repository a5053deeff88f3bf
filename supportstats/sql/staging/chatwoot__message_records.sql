-- Messages to type: top-level message records (counted: _counted) and the messages
-- embedded in conversation records (not counted; their conversation is).
CREATE OR REPLACE TEMP TABLE stg_cw_msg AS
SELECT _row, _line, record AS m, true AS _counted FROM stg_cw WHERE kind = 'message'
UNION ALL
SELECT _row, _line, unnest(json_extract(record, '$.messages[*]')), false
FROM stg_cw WHERE kind = 'conversation';
