-- Schema version 5: stored facts (supportstats/metrics/stored.py, docs/metrics.md#stored-facts).
-- fact_conversation, fact_assignment, fact_stretch and fact_rating are derived tables: the
-- code that opens the warehouse for writing builds them from the canonical tables right after
-- this migration (with a progress bar), and rebuilds them whenever their definition changes,
-- so their columns are not frozen here. fact_state says which definition they were built
-- with and from which data (table sizes and import log); readers use them only when both
-- match, and compute on demand otherwise.
CREATE TABLE IF NOT EXISTS fact_state (
    definition VARCHAR,
    data_stamp VARCHAR,
    built_at   TIMESTAMPTZ
);

-- Conversations whose rows an import replaced: a message, event, engagement or rating with the
-- same id may come back under another conversation, and the one it left needs its facts
-- recomputed too (the upkeep reads this by batch_id, and empties it).
CREATE TABLE IF NOT EXISTS fact_pending (
    batch_id         INTEGER,
    conversation_key VARCHAR
);
