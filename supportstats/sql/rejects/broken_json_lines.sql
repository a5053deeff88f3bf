-- The lines of a JSON Lines file that do not parse, or (when $record_cap is set) are longer
-- than $record_cap bytes, numbered as the lenient reading numbers every line it reads
-- (ImportContext._json_read: blank lines are not counted).
SELECT _doc
FROM (
    SELECT row_number() OVER () AS _doc,
           json IS NULL OR strlen(json::VARCHAR) > coalesce($record_cap, strlen(json::VARCHAR)) AS broken
    FROM read_json_objects(
        $path, format = 'newline_delimited', compression = $compression,
        maximum_object_size = $max_object, ignore_errors = true)
)
WHERE broken
ORDER BY _doc
