"""Benchmarks for the archiver: `python -m benchmarks.eval` scores extraction."""
