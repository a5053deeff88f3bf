-- The schedules the writer kept (zendesk__schedule after its upsert: rejects and repeated ids
-- marked), with what load/zendesk__settings.sql writes of them. Both tables hold them in the
-- same order, so a positional join pairs each with its written row.
SELECT t.*
FROM zendesk__int_schedules AS t
POSITIONAL JOIN (SELECT _reject_reason AS _kept_reason FROM zendesk__schedule) AS k
WHERE k._kept_reason IS NULL
