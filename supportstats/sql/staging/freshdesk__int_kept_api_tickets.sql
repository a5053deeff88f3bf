-- The tickets the writer kept (freshdesk__api_conversation after its upsert: rejects and
-- repeated ids marked), with their helper columns. Both tables hold the tickets in the same
-- order, so a positional join pairs each ticket with its written row.
SELECT t.*
FROM freshdesk__int_api_tickets AS t
POSITIONAL JOIN (SELECT _reject_reason AS _kept_reason FROM freshdesk__api_conversation) AS k
WHERE k._kept_reason IS NULL
