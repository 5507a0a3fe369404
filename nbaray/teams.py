"""The 30 NBA.com team tricodes and the aliases that other feeds use for them."""

from __future__ import annotations

import polars as pl

TEAMS: tuple[str, ...] = (
    "ATL", "BOS", "BKN", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW",
    "HOU", "IND", "LAC", "LAL", "MEM", "MIA", "MIL", "MIN", "NOP", "NYK",
    "OKC", "ORL", "PHI", "PHX", "POR", "SAC", "SAS", "TOR", "UTA", "WAS",
)  # fmt: skip

ALIASES: dict[str, str] = {
    "BRK": "BKN", "CHO": "CHA", "PHO": "PHX", "GS": "GSW", "NY": "NYK",
    "NO": "NOP", "SA": "SAS", "UTAH": "UTA", "WSH": "WAS",
}  # fmt: skip


def canonical_team(column: str) -> pl.Expr:
    """The column with aliases folded into NBA.com tricodes; unknown codes pass through unchanged."""
    return pl.col(column).replace(ALIASES)
