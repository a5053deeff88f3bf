-- Freshdesk surveys: they define the rating scale (freshdesk__api_rating) and hold no support
-- data, so they are skipped by rule ($rule says why).
SELECT _row, _line, 'stream' AS _reject_column, $rule AS _reject_reason, true AS _skipped,
       record AS _raw
FROM freshdesk__int_records WHERE kind = 'survey'
