SELECT
    $source_system || ':' || ss_text(j.id) AS contact_key, $source_system AS source_system,
    ss_text(j.id) AS source_id, j.name AS name, ss_text(j.email) AS email,
    ss_text(j.phone) AS phone, ss_text(j.organization_id) AS organization,
    $batch_id AS batch_id, record AS raw, record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.id) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(j.id) IS NULL THEN 'user has no id' END AS _reject_reason,
    _row, _line
FROM zendesk__int_users WHERE lower(j.role) NOT IN ('agent', 'admin') OR j.role IS NULL
