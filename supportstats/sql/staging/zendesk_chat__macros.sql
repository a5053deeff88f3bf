-- Zendesk Chat: split the file (stg_raw, read where it says FROM stg_raw AS r) into one row
-- per vendor record with its kind, in one read and one copy (zendesk_chat__int_items).
-- Pages: incremental export {"chats": [...]}, bulk {"docs": [...] or {"<id>": {...}}},
-- {"agent_timeline": [...]}, {"agents": [...]}; Airbyte RECORDs by stream name; bare records
-- by their fields. _row numbers records per kind in file order (view zendesk_chat__int_records: the offset
-- of the record's document plus its place in it, so no sort of the whole file is needed).
-- Times: ISO (REST), epoch seconds, or integer microseconds (some connectors).
CREATE OR REPLACE TEMP MACRO zc_ts(x) AS coalesce(ss_ts(x, 'UTC', NULL),
    CASE WHEN regexp_full_match(x, '\d{15,17}') THEN make_timestamptz(try_cast(x AS BIGINT)) END);
