-- Zendesk Chat Analytics CSV -> source_aggregate: one row per (agent, period, numeric column)
-- of the good rows of zendesk_chat__int_analytics_rows. Every column that is not a dimension
-- (names, e-mail, enabled, start and end time) nor ours is a number (UNPIVOT over COLUMNS, so
-- no column name of the file is written into the SQL). Aggregate-only: kept apart from
-- event-level data.
SELECT
    $batch_id AS batch_id,
    $source_system AS source_system,
    'zendesk_chat_agent_activity' AS report,
    'agent' AS grain,
    coalesce(ss_text(_email), trim(concat_ws(' ', _first_name, _last_name))) AS dim_source_id,
    ss_text(trim(concat_ws(' ', _first_name, _last_name))) AS dim_name,
    _start AS period_start,
    _end AS period_end,
    metric,
    ss_num(value, false) AS value,
    'count' AS unit,
    NULL::BOOLEAN AS business_hours,
    json_object('row', _row, 'column', metric, 'text', value) AS raw,
    _row, _line,
    NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason
FROM (
    UNPIVOT (SELECT * FROM zendesk_chat__int_analytics_rows WHERE _reject_reason IS NULL)
    ON COLUMNS(lambda c: c NOT IN (
        'First Name', 'Last Name', 'Email', 'Enabled', 'Start Time (UTC+0)', 'End Time (UTC+0)',
        '_row', '_line', '_end_text', '_first_name', '_last_name', '_email', '_start', '_end',
        '_reject_column', '_reject_reason'))
    INTO NAME metric VALUE value
)
