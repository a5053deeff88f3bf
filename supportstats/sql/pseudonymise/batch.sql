-- Pseudonymise what one import batch wrote (issue 14, item 15; docs/import.md "Personal data").
--
-- Runs inside the import's transaction, after its rows are written and before the stored
-- facts are updated. Parameters: $b (the batch), $inner and $outer (hex strings derived from
-- the user's key; never stored), $keep_text (keep message bodies, subjects, rating comments),
-- $keep_contact_ids (see contact_key_of).
-- pseudonym() is a keyed SHA-256 in the HMAC shape, H(outer || H(inner || value)), cut to 16
-- hex digits: the same value gives the same pseudonym with the same key, in any file, and
-- without the key nobody can test a guess. Metrics read none of the columns changed here
-- except keys, which stay one per person, so every number is the same.

CREATE OR REPLACE TEMP MACRO pseudonym(v, inner_key, outer_key) AS
    CASE WHEN v IS NULL OR v = '' THEN NULL
         ELSE substr(sha256(outer_key || sha256(inner_key || v)), 1, 16) END;

-- '<source_system>:<id>' keeps its source system; the id becomes a pseudonym.
CREATE OR REPLACE TEMP MACRO pseudonym_key(k, inner_key, outer_key) AS
    CASE WHEN k IS NULL THEN NULL
         WHEN strpos(k, ':') = 0 THEN pseudonym(k, inner_key, outer_key)
         ELSE substr(k, 1, strpos(k, ':')) ||
              pseudonym(substr(k, strpos(k, ':') + 1), inner_key, outer_key) END;

-- An id that is an e-mail address or a name (it has an @ or a space) is personal data itself.
CREATE OR REPLACE TEMP MACRO personal_id(k) AS regexp_matches(k, '[@\s]');

-- Agent ids are the source's own numbers or codes, which importers match across files (a
-- comment's author against the agents file): they stay, unless they are personal.
CREATE OR REPLACE TEMP MACRO agent_key_of(k, inner_key, outer_key) AS
    CASE WHEN personal_id(k) THEN pseudonym_key(k, inner_key, outer_key) ELSE k END;

-- Customer ids (visitor ids, contact ids) become pseudonyms, except for a source whose
-- importer tells customers from agents across files by their ids ($keep_contact_ids: Zendesk
-- Support's user ids), where only personal ones do.
CREATE OR REPLACE TEMP MACRO contact_key_of(k, inner_key, outer_key, keep_ids) AS
    CASE WHEN keep_ids AND NOT personal_id(k) THEN k
         ELSE pseudonym_key(k, inner_key, outer_key) END;

-- Contacts (customers, visitors): their ids, names, e-mails and phones. E-mails and phones are
-- normalised first so one person has one pseudonym across sources.
UPDATE contact SET
    contact_key = contact_key_of(contact_key, $inner, $outer, $keep_contact_ids),
    source_id = CASE WHEN $keep_contact_ids AND NOT personal_id(source_id) THEN source_id
                     ELSE pseudonym(source_id, $inner, $outer) END,
    name = 'Customer ' || pseudonym(name, $inner, $outer),
    email = pseudonym(lower(trim(email)), $inner, $outer) || '@pseudonym.invalid',
    phone = 'tel-' || pseudonym(regexp_replace(phone, '[^0-9+]', '', 'g'), $inner, $outer),
    raw = NULL
WHERE batch_id = $b;

-- An import replaces earlier rows of the same contact by its id; the earlier rows carry the
-- pseudonym, so they are matched here instead.
DELETE FROM contact
WHERE batch_id <> $b
  AND contact_key IN (SELECT contact_key FROM contact WHERE batch_id = $b);

-- Agents: names and e-mails, and ids that are names or e-mails (a help desk's CSV). Every
-- column holding an agent key or id is mapped the same way, so agents still match across
-- files and every per-agent figure is the same.
-- A row the import registered only because other rows name the agent (load/_references:
-- named by its id, no record) gives way to an earlier full row; a real row replaces it.
DELETE FROM agent
WHERE batch_id = $b AND raw IS NULL AND name = source_id
  AND agent_key_of(agent_key, $inner, $outer) IN (SELECT agent_key FROM agent WHERE batch_id <> $b);

UPDATE agent SET
    agent_key = agent_key_of(agent_key, $inner, $outer),
    source_id = CASE WHEN personal_id(source_id) THEN pseudonym(source_id, $inner, $outer)
                     ELSE source_id END,
    name = 'Agent ' || pseudonym(name, $inner, $outer),
    email = pseudonym(lower(trim(email)), $inner, $outer) || '@pseudonym.invalid',
    raw = NULL
WHERE batch_id = $b;

DELETE FROM agent
WHERE batch_id <> $b
  AND agent_key IN (SELECT agent_key FROM agent WHERE batch_id = $b);

UPDATE agent_team SET agent_key = agent_key_of(agent_key, $inner, $outer) WHERE batch_id = $b;

DELETE FROM agent_team
WHERE batch_id <> $b
  AND agent_key IN (SELECT agent_key FROM agent_team WHERE batch_id = $b);

UPDATE conversation SET
    contact_key = contact_key_of(contact_key, $inner, $outer, $keep_contact_ids),
    assignee_agent_key = agent_key_of(assignee_agent_key, $inner, $outer),
    subject = CASE WHEN $keep_text THEN subject END,
    raw = NULL
WHERE batch_id = $b;

-- Custom fields are whatever a help desk was configured to ask, often names and phones: only
-- the ones a metric reads survive.
UPDATE conversation_source SET
    custom_attributes = CASE
        WHEN json_extract(custom_attributes, '$.goal') IS NULL THEN NULL
        ELSE json_object('goal', json_extract(custom_attributes, '$.goal')) END
WHERE batch_id = $b AND custom_attributes IS NOT NULL;

UPDATE message SET
    author_contact_key = contact_key_of(author_contact_key, $inner, $outer, $keep_contact_ids),
    author_agent_key = agent_key_of(author_agent_key, $inner, $outer),
    body = CASE WHEN $keep_text THEN body END,
    raw = NULL
WHERE batch_id = $b;

-- An assignee or transfer event names the agent by key or by the source's own id (or name):
-- agent_key_of maps both forms as the agent table's key and id are mapped.
UPDATE conversation_event SET
    actor_agent_key = agent_key_of(actor_agent_key, $inner, $outer),
    from_value = CASE WHEN event_type IN ('assignee', 'transfer')
                      THEN agent_key_of(from_value, $inner, $outer) ELSE from_value END,
    to_value = CASE WHEN event_type IN ('assignee', 'transfer')
                    THEN agent_key_of(to_value, $inner, $outer) ELSE to_value END,
    raw = NULL
WHERE batch_id = $b;

UPDATE engagement SET
    agent_key = agent_key_of(agent_key, $inner, $outer),
    raw = NULL
WHERE batch_id = $b;

-- A status row's id is made of its agent's id and start (generic, Zendesk Chat): when the
-- agent's id is personal, so is the row's.
UPDATE agent_status_interval SET
    agent_key = agent_key_of(agent_key, $inner, $outer),
    status_key = CASE WHEN personal_id(source_id)
                      THEN source_system || ':' || pseudonym(source_id, $inner, $outer)
                      ELSE status_key END,
    source_id = CASE WHEN personal_id(source_id) THEN pseudonym(source_id, $inner, $outer)
                     ELSE source_id END,
    raw = NULL
WHERE batch_id = $b;

DELETE FROM agent_status_interval
WHERE batch_id <> $b
  AND status_key IN (SELECT status_key FROM agent_status_interval WHERE batch_id = $b);

UPDATE rating SET
    agent_key_at_rating = agent_key_of(agent_key_at_rating, $inner, $outer),
    comment = CASE WHEN $keep_text THEN comment END,
    raw = NULL
WHERE batch_id = $b;

UPDATE source_aggregate SET
    dim_source_id = CASE WHEN grain = 'agent' THEN pseudonym(dim_source_id, $inner, $outer)
                         ELSE dim_source_id END,
    dim_name = CASE WHEN grain = 'agent' THEN 'Agent ' || pseudonym(dim_name, $inner, $outer)
                    ELSE dim_name END,
    raw = NULL
WHERE batch_id = $b;

-- An import replaces earlier numbers of the same report, dimension, period and metric
-- (importers/_aggregate.py); an agent's earlier rows carry the pseudonym, matched here.
DELETE FROM source_aggregate o
WHERE o.batch_id <> $b AND o.grain = 'agent'
  AND EXISTS (SELECT 1 FROM source_aggregate n
              WHERE n.batch_id = $b AND n.grain = 'agent'
                AND n.source_system = o.source_system AND n.report = o.report
                AND coalesce(n.dim_source_id, n.dim_name) IS NOT DISTINCT FROM coalesce(o.dim_source_id, o.dim_name)
                AND n.period_start IS NOT DISTINCT FROM o.period_start
                AND n.period_end IS NOT DISTINCT FROM o.period_end
                AND n.metric = o.metric
                AND n.business_hours IS NOT DISTINCT FROM o.business_hours);

-- A rejected row keeps its line, column and reason; its text would hold the personal data.
UPDATE import_reject SET raw = NULL WHERE batch_id = $b;

UPDATE queue SET raw = NULL WHERE batch_id = $b;
UPDATE team SET raw = NULL WHERE batch_id = $b;
UPDATE sla_policy SET raw = NULL WHERE batch_id = $b;
