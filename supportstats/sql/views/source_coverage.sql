-- Date coverage per source system: its conversations, the first and last creation time, the
-- days with at least one conversation (in UTC) and the import batches of the source (all
-- entities). A source with batches but no conversations (agents only, a rejected file) shows
-- with 0 conversations, so a gap is visible.
WITH convs AS (
    SELECT source_system, count(*) AS conversations, min(created_at) AS first_created_at,
           max(created_at) AS last_created_at,
           count(DISTINCT (created_at AT TIME ZONE 'UTC')::date) AS days_with_conversations
    FROM conversation
    GROUP BY source_system
),
batches AS (
    SELECT source_system, count(*) AS batches, sum(rows_loaded)::BIGINT AS rows_loaded,
           sum(rows_rejected)::BIGINT AS rows_rejected,
           sum(coalesce(rows_skipped, 0))::BIGINT AS rows_skipped,
           max(imported_at) AS last_imported_at
    FROM import_batch
    GROUP BY source_system
)
SELECT source_system AS source, coalesce(c.conversations, 0) AS conversations,
       c.first_created_at, c.last_created_at, coalesce(c.days_with_conversations, 0)
           AS days_with_conversations,
       coalesce(b.batches, 0) AS batches, coalesce(b.rows_loaded, 0) AS rows_loaded,
       coalesce(b.rows_rejected, 0) AS rows_rejected, coalesce(b.rows_skipped, 0) AS rows_skipped,
       b.last_imported_at
FROM convs AS c
FULL JOIN batches AS b USING (source_system)
ORDER BY source
