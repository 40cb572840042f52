"""Benchmark tooling (scripts) and the floor endpoint app (`bench.floor`)."""
