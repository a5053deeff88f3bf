-- One table into Parquet at $path: a folder of hive partitions ({{options}} names them), or
-- one file. {{select}} lists the table's columns and, when partitioned by month, the UTC
-- month of its time column.
COPY (SELECT {{select}} FROM {{table}}) TO $path ({{options}})
