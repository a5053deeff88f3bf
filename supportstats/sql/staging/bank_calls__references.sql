-- Agents (servers), queues (service types) and identified callers named by the loaded calls
-- get their reference rows; rows already present (e.g. from an earlier month) are kept.
INSERT INTO agent (agent_key, source_system, source_id, name, role, is_bot, active, batch_id)
SELECT DISTINCT agent_key, $source_system, substr(agent_key, length($source_system) + 2),
       substr(agent_key, length($source_system) + 2),
       -- the file's placeholder for a served call with no agent recorded
       CASE WHEN agent_key = $source_system || ':NO_SERVER' THEN 'unrecorded' ELSE 'agent' END,
       false, true, $batch_id
FROM stg_engagement
WHERE agent_key NOT IN (SELECT agent_key FROM agent);

INSERT INTO queue (queue_key, source_system, source_id, name, channel, channel_raw, timezone, batch_id)
SELECT q.queue_key, $source_system, q.code,
       CASE q.code
           WHEN 'PS' THEN 'PS: regular'
           WHEN 'PE' THEN 'PE: regular, in English'
           WHEN 'IN' THEN 'IN: internet support'
           WHEN 'NE' THEN 'NE: stock exchange'
           WHEN 'NW' THEN 'NW: prospective customer'
           WHEN 'TT' THEN 'TT: call-back put on hold'
           ELSE q.code
       END,
       'voice', 'phone', $tz, $batch_id
FROM (
    SELECT DISTINCT queue_key, type_v AS code FROM stg_conversation WHERE _reject_reason IS NULL
) q
WHERE q.queue_key NOT IN (SELECT queue_key FROM queue);

INSERT INTO contact (contact_key, source_system, source_id, batch_id)
SELECT DISTINCT contact_key, $source_system, substr(contact_key, length($source_system) + 2), $batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND contact_key IS NOT NULL
  AND contact_key NOT IN (SELECT contact_key FROM contact);
