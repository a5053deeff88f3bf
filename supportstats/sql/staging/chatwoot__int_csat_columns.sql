-- Chatwoot CSAT CSV -> its columns by position (the header is localised): agent, rating,
-- comment, contact name/email/phone, link, recorded date, review notes; a shorter file leaves
-- the last ones NULL.
SELECT
    _row, _line,
    cells[1] AS agent, cells[2] AS rating, cells[3] AS comment, cells[4] AS contact_name,
    cells[5] AS contact_email, cells[6] AS contact_phone, cells[7] AS link,
    cells[8] AS recorded, cells[9] AS review_notes,
    _rawjson
FROM _int_csv_cells
