-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Zendesk settings, after schedule and sla_policy rows were upserted (rejects marked in the
-- staged tables): their intervals, the default schedule, holidays and SLA targets.

-- A schedule's intervals are replaced as a whole; minutes from Sunday 00:00 become one
-- interval per local day (day_of_week 0 = Sunday; past Saturday midnight wraps to Sunday).
DELETE FROM schedule_interval WHERE schedule_key IN
    (SELECT schedule_key FROM zendesk__int_kept_schedules WHERE _reject_reason IS NULL);

INSERT INTO schedule_interval (schedule_key, day_of_week, open_minute, close_minute, batch_id)
SELECT schedule_key, (d % 7)::INTEGER, (greatest(s, d * 1440) - d * 1440)::INTEGER,
       (least(e, (d + 1) * 1440) - d * 1440)::INTEGER, $batch_id
FROM (
    SELECT schedule_key, iv.s AS s, iv.e AS e,
           unnest(generate_series(iv.s // 1440, (iv.e - 1) // 1440)) AS d
    FROM (SELECT schedule_key, unnest(ivs) AS iv FROM zendesk__int_kept_schedules WHERE _reject_reason IS NULL)
);

-- Zendesk applies the account's default schedule to every ticket unless a trigger sets
-- another (exports do not show that): the default is the first schedule, the lowest id.
-- Kept as the account assignment of this source system, whichever file brought it.
-- Stamped with the batch of that schedule's row, so dropping the batch drops both.
DELETE FROM schedule_assignment WHERE scope = 'account' AND scope_key = $source_system
    AND EXISTS (SELECT 1 FROM zendesk__int_kept_schedules WHERE _reject_reason IS NULL);

INSERT INTO schedule_assignment (schedule_key, scope, scope_key, batch_id)
SELECT schedule_key, 'account', $source_system, batch_id
FROM schedule
WHERE source_system = $source_system
  AND EXISTS (SELECT 1 FROM zendesk__int_kept_schedules WHERE _reject_reason IS NULL)
ORDER BY try_cast(source_id AS BIGINT) NULLS LAST, source_id
LIMIT 1;

-- A holidays body is the schedule's whole list: it replaces that schedule's holidays.
DELETE FROM schedule_holiday WHERE schedule_key IN
    (SELECT schedule_key FROM zendesk__int_holidays WHERE _reject_reason IS NULL);

INSERT INTO schedule_holiday (schedule_key, start_date, end_date, name, batch_id)
SELECT schedule_key, start_date, end_date, name, $batch_id
FROM zendesk__int_holidays WHERE _reject_reason IS NULL;

-- A policy's targets are replaced as a whole. Zendesk metric names map onto the canonical
-- ones; those supportstats does not measure keep their own name (see docs/metrics.md).
-- Zendesk's total resolution time does not pause: its pause list is empty, not the option.
DELETE FROM sla_target WHERE policy_key IN
    (SELECT policy_key FROM zendesk__int_kept_sla_policies WHERE _reject_reason IS NULL);

INSERT INTO sla_target (policy_key, metric, priority, target_s, pause_statuses, batch_id,
    business_hours, src_metric)
SELECT policy_key,
    CASE lower(m.metric)
        WHEN 'first_reply_time' THEN 'first_response'
        WHEN 'next_reply_time' THEN 'next_reply'
        WHEN 'total_resolution_time' THEN 'resolution'
        WHEN 'requester_wait_time' THEN 'requester_wait'
        WHEN 'agent_work_time' THEN 'agent_work'
        ELSE lower(m.metric)
    END,
    lower(ss_text(m.priority)),
    coalesce(try_cast(m.target_in_seconds AS DOUBLE), try_cast(m.target AS DOUBLE) * 60),
    CASE WHEN lower(m.metric) = 'total_resolution_time' THEN []::VARCHAR[] END,
    $batch_id,
    ss_bool(m.business_hours),
    m.metric
FROM (SELECT policy_key, unnest(_metrics) AS m FROM zendesk__int_kept_sla_policies WHERE _reject_reason IS NULL);
