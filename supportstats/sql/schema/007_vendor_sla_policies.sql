-- Schema version 7 (issue 15, item 4): SLA policies and schedules as the vendor keeps them.
--
-- * sla_policy.position and sla_policy.filter: a vendor's policies are tried in position
--   order and the first whose conditions match a conversation applies (Zendesk's
--   filter {"all": [...], "any": [...]}); a policy without a filter (the generic format)
--   applies to every conversation as before.
-- * sla_target.business_hours: Zendesk sets business or calendar hours per policy metric,
--   so the flag moves to the target; existing targets take their policy's flag (NULL: the
--   metrics option clock decides, as before). sla_target.src_metric keeps the vendor's own
--   metric name (first_reply_time, next_reply_time, ...); metric stays the canonical name
--   (first_response, next_reply, resolution, requester_wait, agent_work, or the vendor's
--   name for a metric supportstats does not measure).
-- * organization: the customer organizations a contact (contact.organization holds the
--   organization's source id) and a conversation belong to.
-- * schedule_assignment.scope_key of scope 'account' may name the source system whose
--   conversations the schedule is the default of (Zendesk's default schedule); NULL: all.

ALTER TABLE sla_policy ADD COLUMN position INTEGER;
ALTER TABLE sla_policy ADD COLUMN filter JSON;
ALTER TABLE sla_target ADD COLUMN business_hours BOOLEAN;
ALTER TABLE sla_target ADD COLUMN src_metric VARCHAR;

UPDATE sla_target SET business_hours = p.business_hours
FROM sla_policy p
WHERE p.policy_key = sla_target.policy_key;

CREATE TABLE organization (
    organization_key VARCHAR NOT NULL,
    source_system    VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    name             VARCHAR,
    domain_names     VARCHAR[],
    tags             VARCHAR[],
    group_key        VARCHAR,
    batch_id         INTEGER,
    raw              JSON
);
