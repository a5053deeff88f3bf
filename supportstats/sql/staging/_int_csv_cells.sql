-- A staged CSV file (stg_raw, the file's own header) as a list of its cells per row, for
-- files whose columns are known by position (a localised header) or looked up by the
-- importer: cells[i] is the i-th column (NULL past the last). _rawjson is the row under its
-- own header, the raw text of a reject.
SELECT _row, _line,
       list_value(*COLUMNS(* EXCLUDE (_row, _line))) AS cells,
       to_json(struct_pack(*COLUMNS(* EXCLUDE (_row, _line)))) AS _rawjson
FROM stg_raw
