"""Benchmarks: `python -m bench NAME [options]` (results go in docs/benchmarks.md)."""
