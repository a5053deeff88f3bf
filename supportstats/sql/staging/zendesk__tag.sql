-- The tags list (name, count of tickets) is a vendor aggregate: kept in source_aggregate.
SELECT $batch_id AS batch_id, $source_system AS source_system, 'zendesk_tags' AS report,
       'label' AS grain, record ->> '$.name' AS dim_source_id, record ->> '$.name' AS dim_name,
       NULL::TIMESTAMPTZ AS period_start, NULL::TIMESTAMPTZ AS period_end, 'tickets' AS metric,
       try_cast(record ->> '$.count' AS DOUBLE) AS value, 'count' AS unit,
       NULL::BOOLEAN AS business_hours, record AS raw, record::VARCHAR AS _raw,
       CASE WHEN record ->> '$.name' IS NULL THEN 'name' END AS _reject_column,
       CASE WHEN record ->> '$.name' IS NULL THEN 'tag record has no name' END AS _reject_reason,
       _row, _line
FROM zendesk__int_records WHERE kind = 'tag'
