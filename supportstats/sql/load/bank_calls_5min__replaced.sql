-- A write, not a staging model (run with ctx.run_sql after the model is staged): importing a
-- corrected file replaces the earlier counts of the same intervals.
DELETE FROM source_aggregate
WHERE source_system = $source_system AND report = 'bank_calls_5min' AND metric = 'calls_handled'
  AND period_start IN (
      SELECT period_start FROM bank_calls_5min__intervals WHERE _reject_reason IS NULL
  );
