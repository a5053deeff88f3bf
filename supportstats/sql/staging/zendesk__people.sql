-- Zendesk Support users -> agent (role agent/admin) or contact (end-user); groups -> team
-- and queue (a Zendesk group is both the routing queue and the team of agents).
CREATE OR REPLACE TEMP TABLE stg_zd_user AS
SELECT _row, _line, record,
       json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "email": "VARCHAR",
           "phone": "VARCHAR", "role": "VARCHAR", "active": "VARCHAR", "suspended": "VARCHAR",
           "organization_id": "VARCHAR"}') AS j
FROM stg_zd_item WHERE kind = 'user';

CREATE OR REPLACE TEMP TABLE stg_zd_agent AS
SELECT
    $source_system || ':' || ss_text(j.id) AS agent_key, $source_system AS source_system,
    ss_text(j.id) AS source_id, j.name AS name, ss_text(j.email) AS email, lower(j.role) AS role,
    false AS is_bot, ss_bool(j.active) AND NOT coalesce(ss_bool(j.suspended), false) AS active,
    $batch_id AS batch_id, record AS raw, record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.id) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(j.id) IS NULL THEN 'user has no id' END AS _reject_reason,
    _row, _line
FROM stg_zd_user WHERE lower(j.role) IN ('agent', 'admin');

CREATE OR REPLACE TEMP TABLE stg_zd_contact AS
SELECT
    $source_system || ':' || ss_text(j.id) AS contact_key, $source_system AS source_system,
    ss_text(j.id) AS source_id, j.name AS name, ss_text(j.email) AS email,
    ss_text(j.phone) AS phone, ss_text(j.organization_id) AS organization,
    $batch_id AS batch_id, record AS raw, record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.id) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(j.id) IS NULL THEN 'user has no id' END AS _reject_reason,
    _row, _line
FROM stg_zd_user WHERE lower(j.role) NOT IN ('agent', 'admin') OR j.role IS NULL;

CREATE OR REPLACE TEMP TABLE stg_zd_team AS
SELECT
    $source_system || ':' || ss_text(record ->> '$.id') AS team_key, $source_system AS source_system,
    ss_text(record ->> '$.id') AS source_id, record ->> '$.name' AS name,
    $batch_id AS batch_id, record AS raw, record::VARCHAR AS _raw,
    CASE WHEN ss_text(record ->> '$.id') IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(record ->> '$.id') IS NULL THEN 'group has no id' END AS _reject_reason,
    _row, _line
FROM stg_zd_item WHERE kind = 'group';

CREATE OR REPLACE TEMP TABLE stg_zd_queue AS
SELECT team_key AS queue_key, source_system, source_id, name, NULL::VARCHAR AS channel,
       batch_id, raw, _raw, _reject_column, _reject_reason, _row, _line
FROM stg_zd_team;

-- The tags list (name, count of tickets) is a vendor aggregate: kept in source_aggregate.
CREATE OR REPLACE TEMP TABLE stg_zd_tag AS
SELECT $batch_id AS batch_id, $source_system AS source_system, 'zendesk_tags' AS report,
       'label' AS grain, record ->> '$.name' AS dim_source_id, record ->> '$.name' AS dim_name,
       NULL::TIMESTAMPTZ AS period_start, NULL::TIMESTAMPTZ AS period_end, 'tickets' AS metric,
       try_cast(record ->> '$.count' AS DOUBLE) AS value, 'count' AS unit,
       NULL::BOOLEAN AS business_hours, record AS raw, record::VARCHAR AS _raw,
       CASE WHEN record ->> '$.name' IS NULL THEN 'name' END AS _reject_column,
       CASE WHEN record ->> '$.name' IS NULL THEN 'tag record has no name' END AS _reject_reason,
       _row, _line
FROM stg_zd_item WHERE kind = 'tag';
