-- The threads the writer kept (livechat__thread_conversation after its upsert: rejects and
-- repeated ids marked), with their queue columns. Both tables hold the threads in the same
-- order, so a positional join pairs each thread with its written row.
SELECT t.*
FROM livechat__int_thread_conversations AS t
POSITIONAL JOIN (SELECT _reject_reason AS _kept_reason FROM livechat__thread_conversation) AS k
WHERE k._kept_reason IS NULL
