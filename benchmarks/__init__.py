"""Benchmarks of colloque: ``uv run python -m benchmarks`` writes ``benchmarks/RESULTS.md``."""
