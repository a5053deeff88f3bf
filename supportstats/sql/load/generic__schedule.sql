-- A write, not a staging model: the good rows of the staged table into warehouse tables
-- Writer.upsert does not key (issue 18: the writer should own it; run with ctx.run_sql).
-- Business hours: replace the intervals of every schedule in the file, keep one schedule row.
DELETE FROM schedule_interval WHERE schedule_key IN (SELECT schedule_key FROM generic__schedule WHERE _reject_reason IS NULL);
DELETE FROM schedule WHERE schedule_key IN (SELECT schedule_key FROM generic__schedule WHERE _reject_reason IS NULL);
INSERT INTO schedule (schedule_key, source_system, source_id, name, timezone, batch_id)
SELECT schedule_key, any_value(source_system), any_value(source_id), any_value(name), any_value(timezone), $batch_id
FROM generic__schedule WHERE _reject_reason IS NULL GROUP BY schedule_key;
INSERT INTO schedule_interval (schedule_key, day_of_week, open_minute, close_minute, batch_id)
SELECT schedule_key, day_of_week, open_minute, close_minute, $batch_id
FROM generic__schedule WHERE _reject_reason IS NULL;
-- A schedule imported alone applies to the whole account until queues name their own.
INSERT INTO schedule_assignment (schedule_key, scope, scope_key, batch_id)
SELECT DISTINCT schedule_key, 'account', NULL, $batch_id FROM generic__schedule
WHERE _reject_reason IS NULL AND schedule_key NOT IN (SELECT schedule_key FROM schedule_assignment);
