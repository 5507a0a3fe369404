"""Helpers for tests that run outside the project venv (the BigQuery emulator's launcher)."""
