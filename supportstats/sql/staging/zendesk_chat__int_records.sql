-- Zendesk Chat records, numbered per kind in file order: the offset of the record's document
-- in its kind plus its place in the document (no sort of the whole file is needed).
SELECT o.off + t._idx AS _row, t._line, t.kind, t.record
FROM zendesk_chat__int_items t JOIN zendesk_chat__int_item_offsets o USING (kind, _doc)
