"""Errors a user can act on: the CLI prints them as one clear line, without a traceback."""

from __future__ import annotations


class NbarayError(Exception):
    """Base class of every error caused by input, configuration or the environment, not by a bug."""


class InputError(NbarayError):
    """Input data that breaks the registry's rules; nothing was written."""

    def __init__(self, table: str, problems: list[str]) -> None:
        self.table = table
        self.problems = problems
        super().__init__(f"{table}: " + "; ".join(problems))


class ConfigError(NbarayError):
    """A bad option or environment setting."""
