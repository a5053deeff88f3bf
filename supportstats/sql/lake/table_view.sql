-- A lake table as a view with the warehouse's columns and types: {{casts}} casts each column
-- back to its manifest type and leaves the partition folders' month out. A view takes no
-- parameters, so {{files}} is the glob as a quoted literal.
CREATE VIEW {{view}} AS
SELECT {{casts}}
FROM read_parquet({{files}}, hive_partitioning = true{{hive_types}}, union_by_name = true)
