-- Organizations (a contact's and a ticket's organization_id name them).
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "domain_names": ["VARCHAR"],
            "tags": ["VARCHAR"], "group_id": "VARCHAR"}') AS j
    FROM zendesk__int_records WHERE kind = 'organization'
)
SELECT
    $source_system || ':' || ss_text(j.id) AS organization_key,
    $source_system AS source_system,
    ss_text(j.id) AS source_id,
    ss_text(j.name) AS name,
    j.domain_names AS domain_names,
    j.tags AS tags,
    $source_system || ':' || ss_text(j.group_id) AS group_key,
    $batch_id AS batch_id,
    record AS raw,
    record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.id) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(j.id) IS NULL THEN 'organization has no id' END AS _reject_reason,
    _row, _line
FROM r
