-- Zendesk Support users -> agent (role agent/admin) or contact (end-user); groups -> team
-- and queue (a Zendesk group is both the routing queue and the team of agents).
SELECT _row, _line, record,
       json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "email": "VARCHAR",
           "phone": "VARCHAR", "role": "VARCHAR", "active": "VARCHAR", "suspended": "VARCHAR",
           "organization_id": "VARCHAR"}') AS j
FROM zendesk__int_records WHERE kind = 'user'
