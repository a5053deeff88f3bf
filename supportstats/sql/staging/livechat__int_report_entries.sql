-- LiveChat Reports API responses (e.g. agents/performance: {"name", "records": {<agent e-mail>:
-- {metric: value}}, "summary": {...}}) -> source_aggregate. Aggregates only: they are kept for
-- reconciliation and never feed event-level metrics. One level of nesting is flattened
-- (queued_visitors: {"queued": {"count", "avg"}} -> metric 'queued.count').
SELECT _row, _line, record ->> 'name' AS report_name, k AS dim, record -> 'records' -> k AS vals, false AS is_summary
FROM (SELECT *, unnest(json_keys(record, '$.records')) AS k FROM livechat__int_records WHERE kind = 'report')
UNION ALL
SELECT _row, _line, record ->> 'name', NULL, record -> 'summary', true
FROM livechat__int_records WHERE kind = 'report' AND json_type(record, '$.summary') = 'OBJECT'
