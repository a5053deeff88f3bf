-- SLA policies: one row per policy (filter kept as JSON, evaluated by the metrics), one
-- target per policy metric. Targets are minutes in the API (target), or seconds
-- (target_in_seconds) where the account has them; business_hours is per target.
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "title": "VARCHAR", "position": "VARCHAR",
            "filter": "JSON", "policy_metrics": "JSON"}') AS j
    FROM zendesk__int_records WHERE kind = 'sla_policy'
),
typed AS (
    SELECT r.*, ss_text(j.id) AS sid,
        CASE WHEN json_type(j.policy_metrics) = 'ARRAY' THEN json_transform(j.policy_metrics,
            '[{"priority": "VARCHAR", "metric": "VARCHAR", "target": "VARCHAR",
               "target_in_seconds": "VARCHAR", "business_hours": "VARCHAR"}]') END AS pm
    FROM r
),
checked AS (
    SELECT t.*,
        list_filter(list_transform(t.pm, lambda x, i: CASE
            WHEN x.metric IS NULL OR coalesce(try_cast(x.target_in_seconds AS DOUBLE),
                                              try_cast(x.target AS DOUBLE)) IS NULL
            THEN i END), lambda v: v IS NOT NULL)[1] AS bad_pm
    FROM typed t
)
SELECT
    $source_system || ':' || sid AS policy_key,
    $source_system AS source_system,
    sid AS source_id,
    ss_text(j.title) AS name,
    -- the policy's clock when all its targets agree (the targets carry their own)
    CASE WHEN len(list_distinct(list_transform(pm, lambda x: ss_bool(x.business_hours)))) = 1
         THEN ss_bool(pm[1].business_hours) END AS business_hours,
    try_cast(j.position AS INTEGER) AS position,
    -- a policy without conditions applies to every ticket
    CASE WHEN json_type(j.filter) = 'OBJECT' THEN j.filter ELSE '{"all": [], "any": []}'::JSON END AS filter,
    pm AS _metrics,
    $batch_id AS batch_id,
    record AS raw,
    record::VARCHAR AS _raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN pm IS NULL OR bad_pm IS NOT NULL THEN 'policy_metrics' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'SLA policy has no id'
         WHEN pm IS NULL THEN 'policy_metrics is not a list of {priority, metric, target, business_hours}'
         WHEN bad_pm IS NOT NULL THEN 'policy metric ' || bad_pm || ' has no metric or no numeric target'
    END AS _reject_reason,
    _row, _line
FROM checked
