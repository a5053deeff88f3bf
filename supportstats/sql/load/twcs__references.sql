-- A write, not a staging model (run with ctx.run_sql after the models were upserted):
-- company accounts are agents (there is no per-person agent id) and queues; customers are
-- contacts. Rows already present are kept. The account name is the key without the prefix.
INSERT INTO agent (agent_key, source_system, source_id, name, role, is_bot, batch_id)
SELECT DISTINCT author_agent_key, $source_system,
       substr(author_agent_key, length($source_system) + 2),
       substr(author_agent_key, length($source_system) + 2), 'company_account', false, $batch_id
FROM twcs__message
WHERE _reject_reason IS NULL AND author_agent_key IS NOT NULL
  AND author_agent_key NOT IN (SELECT agent_key FROM agent);

INSERT INTO queue (queue_key, source_system, source_id, name, channel, channel_raw, batch_id)
SELECT DISTINCT queue_key, $source_system, substr(queue_key, length($source_system) + 2),
       substr(queue_key, length($source_system) + 2), 'social', 'twitter', $batch_id
FROM twcs__conversation
WHERE queue_key IS NOT NULL AND queue_key NOT IN (SELECT queue_key FROM queue);

INSERT INTO contact (contact_key, source_system, source_id, name, batch_id)
SELECT DISTINCT author_contact_key, $source_system,
       substr(author_contact_key, length($source_system) + 2),
       substr(author_contact_key, length($source_system) + 2), $batch_id
FROM twcs__message
WHERE _reject_reason IS NULL AND author_contact_key IS NOT NULL
  AND author_contact_key NOT IN (SELECT contact_key FROM contact);
