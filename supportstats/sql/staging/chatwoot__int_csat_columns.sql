-- Chatwoot CSAT CSV (stg_raw, the file's own header) -> its columns by position (the header is
-- localised): agent, rating, comment, contact name/email/phone, link, recorded date, review
-- notes; a shorter file leaves the last ones NULL. _rawjson is the row under its own header.
WITH v AS (
    SELECT _row, _line,
           list_value(*COLUMNS(* EXCLUDE (_row, _line))) AS cells,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (_row, _line)))) AS _rawjson
    FROM stg_raw
)
SELECT
    _row, _line,
    cells[1] AS agent, cells[2] AS rating, cells[3] AS comment, cells[4] AS contact_name,
    cells[5] AS contact_email, cells[6] AS contact_phone, cells[7] AS link,
    cells[8] AS recorded, cells[9] AS review_notes,
    _rawjson
FROM v
