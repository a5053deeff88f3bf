SELECT o.off + t._idx AS _row, t._line, t.kind, t.record
FROM zendesk_chat__int_items t JOIN zendesk_chat__int_item_offsets o USING (kind, _doc)
