-- Records of connector streams with no canonical table ('other:<stream>') and of no known
-- shape ('other:unknown'), kept apart so the file's records can be let go once typed
-- (load/zendesk_chat__unknown_streams.sql writes them to import_reject).
SELECT _row, _line, kind, record FROM zendesk_chat__int_records WHERE kind LIKE 'other:%'
