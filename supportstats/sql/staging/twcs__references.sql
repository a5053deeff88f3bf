-- Company accounts are agents (there is no per-person agent id) and queues; customers are
-- contacts. Rows already present are kept.
INSERT INTO agent (agent_key, source_system, source_id, name, role, is_bot, batch_id)
SELECT DISTINCT author_agent_key, $source_system, author, author, 'company_account', false, $batch_id
FROM stg_message
WHERE _reject_reason IS NULL AND author_agent_key IS NOT NULL
  AND author_agent_key NOT IN (SELECT agent_key FROM agent);

INSERT INTO queue (queue_key, source_system, source_id, name, channel, channel_raw, batch_id)
SELECT DISTINCT queue_key, $source_system, substr(queue_key, length($source_system) + 2),
       substr(queue_key, length($source_system) + 2), 'social', 'twitter', $batch_id
FROM stg_conversation
WHERE queue_key IS NOT NULL AND queue_key NOT IN (SELECT queue_key FROM queue);

INSERT INTO contact (contact_key, source_system, source_id, name, batch_id)
SELECT DISTINCT author_contact_key, $source_system, author, author, $batch_id
FROM stg_message
WHERE _reject_reason IS NULL AND author_contact_key IS NOT NULL
  AND author_contact_key NOT IN (SELECT contact_key FROM contact);
