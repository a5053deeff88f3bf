"""Seeded generators of synthetic vendor-shaped exports (sample_data/, tests, benchmarks).

Not importers: the importer registry only scans the direct modules of
``supportstats.importers``, so nothing here is mistaken for a source.
"""
