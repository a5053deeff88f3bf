SELECT o.off + t._idx AS _row, t._line, t.kind, t.record
FROM zendesk__int_items t JOIN zendesk__int_item_offsets o USING (kind, _doc)
