-- Holidays: replace the same (schedule, start date) rows.
DELETE FROM schedule_holiday WHERE (schedule_key, start_date) IN (SELECT (schedule_key, start_date) FROM stg_holiday WHERE _reject_reason IS NULL);
INSERT INTO schedule_holiday (schedule_key, start_date, end_date, name, batch_id)
SELECT schedule_key, start_date, end_date, name, $batch_id FROM stg_holiday WHERE _reject_reason IS NULL;
