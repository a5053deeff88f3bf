-- Zendesk schedules -> schedule: zendesk__int_schedules without the intervals, which
-- load/zendesk__settings.sql writes for the schedules kept (zendesk__int_kept_schedules).
SELECT * EXCLUDE (ivs) FROM zendesk__int_schedules
