-- Schema version 6 (issue 14): rows skipped by a documented rule of their source, and the
-- log of dropped import batches.
--
-- * import_batch.rows_skipped: rows a rule of their source leaves out (the bank log's PHANTOM
--   calls, a connector stream with no support data); rows_read = rows_loaded + rows_rejected
--   + rows_skipped. Skipped rows are listed in import_reject with skipped = true and the rule.
-- * import_batch_dropped: batches removed by `supportstats db drop-batch`, or replaced by a
--   re-import of the same file (--replace, or other options); their ids are never used again.

ALTER TABLE import_batch ADD COLUMN rows_skipped BIGINT DEFAULT 0;
ALTER TABLE import_reject ADD COLUMN skipped BOOLEAN DEFAULT false;

CREATE TABLE import_batch_dropped (
    batch_id      INTEGER NOT NULL,
    source_system VARCHAR,
    entity        VARCHAR,
    file_name     VARCHAR,
    sha256        VARCHAR,
    rows_loaded   BIGINT,
    imported_at   TIMESTAMPTZ,
    dropped_at    TIMESTAMPTZ NOT NULL,
    replaced_by   INTEGER,            -- the batch that re-imported the file; NULL: db drop-batch
    rows_removed  JSON                -- {"table": rows removed, ...}
);

-- Rows earlier versions rejected by a rule of their source become skipped rows. Counted ones
-- (the batch's own records) move from rows_rejected to rows_skipped: PHANTOM calls, records of
-- a connector stream the importer does not read, and Zendesk's 'unoffered' ratings in a
-- ratings file. Zendesk records of kinds with no table were never counted.
UPDATE import_reject SET skipped = true
WHERE reason LIKE 'PHANTOM call:%'
   OR reason LIKE 'record of stream ''%'
   OR reason LIKE 'score unoffered:%'
   OR (reason LIKE 'Zendesk % records have no canonical table%');

UPDATE import_batch SET
    rows_rejected = import_batch.rows_rejected - least(m.n, import_batch.rows_rejected),
    rows_skipped = least(m.n, import_batch.rows_rejected)
FROM (
    SELECT r.batch_id, count(*) AS n
    FROM import_reject r JOIN import_batch b USING (batch_id)
    WHERE r.reason LIKE 'PHANTOM call:%'
       OR r.reason LIKE 'record of stream ''%'
       OR (r.reason LIKE 'score unoffered:%' AND b.entity = 'rating')
    GROUP BY r.batch_id
) m
WHERE import_batch.batch_id = m.batch_id;
