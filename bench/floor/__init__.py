"""The benchmark floor: an app installed only with BENCH_FLOOR_ENABLED (and in tests).

Its table is not part of the product schema: a production database never has it.
"""
