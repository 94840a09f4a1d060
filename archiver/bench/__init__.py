"""Benchmarks for the archiver: `python -m archiver.bench.eval` scores extraction."""
