"""Validation reports: a terminal table, `validation.json`, and an HTML page with a per-date chart."""

from __future__ import annotations

import html
import json
from pathlib import Path

import polars as pl

from nbaray.validation.checks import Validation

_MARK = {"PASS": "ok", "WARN": "warn", "FAIL": "FAIL"}


def text(validation: Validation) -> str:
    """The checks as aligned lines, then the verdict and its reasons."""
    width = max(len(c.name) for c in validation.checks)
    lines = [f"validation {validation.start} .. {validation.end}"]
    lines += [f"  {_MARK[c.status]:<4} {c.name:<{width}}  {c.summary}" for c in validation.checks]
    lines.append(f"verdict: {validation.verdict}")
    lines += [f"  - {reason}" for reason in validation.reasons]
    return "\n".join(lines)


def write_reports(validation: Validation, out: Path) -> tuple[Path, Path]:
    """`validation.json` and `validation.html` in `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "validation.json", out / "validation.html"
    json_path.write_text(json.dumps(validation.to_json(), indent=2) + "\n")
    html_path.write_text(_html(validation))
    return json_path, html_path


def _html(validation: Validation) -> str:
    rows = "\n".join(
        f"<tr class='{c.status}'><td>{c.status}</td><td>{html.escape(c.name)}</td><td>{html.escape(c.summary)}</td></tr>"
        for c in validation.checks
    )
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in validation.reasons)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>nbaray validation {validation.start} .. {validation.end}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }}
.PASS td:first-child {{ color: #1a7f37; }} .WARN td:first-child {{ color: #9a6700; }}
.FAIL td:first-child {{ color: #cf222e; font-weight: bold; }}
.verdict {{ font-size: 1.6em; }}
</style></head><body>
<h1>Phase 4 validation, {validation.start} .. {validation.end}</h1>
<p class="verdict">Verdict: <b>{validation.verdict}</b> &middot; coverage {validation.coverage_pct}% of games</p>
<ul>{reasons}</ul>
<table><tr><th>status</th><th>check</th><th>result</th></tr>
{rows}
</table>
<h2>Coverage per date</h2>
<p>Share of each date's games with composite-factor rows. Grey: bootstrap dates (first 14 days of a season),
which must stay empty.</p>
{_coverage_chart(validation.per_date)}
</body></html>
"""


def _coverage_chart(per_date: pl.DataFrame, height: int = 160) -> str:
    """An inline SVG bar per date: covered games / games, 0-100 %."""
    if per_date.is_empty():
        return "<p>no dates</p>"
    bar = max(2, min(12, 1200 // per_date.height))
    width = bar * per_date.height
    bars = []
    for i, row in enumerate(per_date.iter_rows(named=True)):
        pct = 100.0 * row["covered_games"] / row["games"] if row["games"] else 0.0
        h = 0.0 if row["bootstrap"] else height * pct / 100
        colour = "#bbb" if row["bootstrap"] else ("#1a7f37" if pct >= 88 else "#cf222e")
        shown = height if row["bootstrap"] else h
        bars.append(
            f'<rect x="{i * bar}" y="{height - shown:.1f}" width="{bar - 1}" height="{shown:.1f}" fill="{colour}">'
            f"<title>{row['analysis_date']}: {pct:.0f}% of {row['games']} games</title></rect>"
        )
    first, last = per_date["analysis_date"].min(), per_date["analysis_date"].max()
    return (
        f'<svg width="{width}" height="{height + 20}" role="img" aria-label="coverage per date">'
        + "".join(bars)
        + f'<text x="0" y="{height + 15}" font-size="11">{first}</text>'
        + f'<text x="{width}" y="{height + 15}" font-size="11" text-anchor="end">{last}</text></svg>'
    )
