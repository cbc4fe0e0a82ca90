"""Benchmark scripts; each prints its figures (run with the project's venv)."""
