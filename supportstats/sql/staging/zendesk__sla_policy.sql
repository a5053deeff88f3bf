-- Zendesk SLA policies -> sla_policy: zendesk__int_sla_policies without the targets, which
-- load/zendesk__settings.sql writes for the policies kept (zendesk__int_kept_sla_policies).
SELECT * EXCLUDE (_metrics) FROM zendesk__int_sla_policies
