-- The line numbers batch $b's rejects carry as the reader numbered them (JSON Lines: the
-- non-blank line).
SELECT DISTINCT line_number FROM import_reject WHERE batch_id = $b AND line_number IS NOT NULL
