-- A write, not a staging model: the good rows of the staged table into warehouse tables
-- Writer.upsert does not key (issue 18: the writer should own it; run with ctx.run_sql).
-- Holidays: replace the same (schedule, start date) rows.
DELETE FROM schedule_holiday WHERE (schedule_key, start_date) IN (SELECT (schedule_key, start_date) FROM generic__holiday WHERE _reject_reason IS NULL);
INSERT INTO schedule_holiday (schedule_key, start_date, end_date, name, batch_id)
SELECT schedule_key, start_date, end_date, name, $batch_id FROM generic__holiday WHERE _reject_reason IS NULL;
