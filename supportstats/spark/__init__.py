"""The Spark engine: the metric SQL files, translated to Spark SQL, over a Parquet lake.

Nothing here imports pyspark or sqlglot at module level: the core imports without them.
``spark_query`` (``supportstats.spark.engine``) is the entry point; docs/spark.md says what
is rewritten and what is not supported yet.
"""
