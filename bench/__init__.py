"""Benchmarks, apart from the tests: figures measured side by side in one run, printed with their ratio."""
