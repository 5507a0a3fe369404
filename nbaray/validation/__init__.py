"""`nbaray validate`: is a backfilled range fit to train on? Checks, a GO / NO-GO verdict, reports."""

from nbaray.validation.checks import Check, Validation, validate

__all__ = ["Check", "Validation", "validate"]
