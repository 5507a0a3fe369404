"""`report.html`: the training run's numbers and three inline SVG charts, no plotting library needed."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

MAX_POINTS_PLOTTED = 2500  # a denser scatter only makes the file bigger, not the picture clearer
_W, _H, _PAD = 460, 360, 48  # chart size and margin for axes, px


def write_report(path: Path, metrics: Mapping[str, Any], actual: np.ndarray, predicted: np.ndarray) -> Path:
    """Write the page for `metrics` (as in metrics.json) and the test set's actual and predicted points."""
    path.write_text(_page(metrics, actual, predicted))
    return path


def _page(metrics: Mapping[str, Any], actual: np.ndarray, predicted: np.ndarray) -> str:
    shown = _thinned(actual.size)
    residual = actual - predicted
    gain = metrics["feature_importance"]["gain"]
    title = f"nbaray training {metrics['range']['start']} .. {metrics['range']['end']}"
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; max-width: 1100px; }}
table {{ border-collapse: collapse; margin-bottom: 1em; }}
td, th {{ padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
tr.model td {{ font-weight: bold; }}
figure {{ display: inline-block; margin: 0 1.5em 1.5em 0; vertical-align: top; }}
figcaption {{ font-size: 0.9em; color: #555; max-width: {_W}px; }}
svg text {{ font-size: 11px; fill: #333; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Feature set <code>{html.escape(metrics["feature_version"])}</code>; model <code>{metrics["model_id"][:16]}</code>;
best iteration {metrics["best_iteration"]} of {metrics["rounds_trained"]} rounds on {metrics["workers"]} Ray Train
workers; training data sha256 <code>{metrics["data_fingerprint"]["train"][:16]}</code>.
{_quality_note(metrics)}</p>
<h2>Test set: model and baselines on the same rows</h2>
{_comparison(metrics)}
<h2>Test MAE by scorer tier (season average before the game)</h2>
{_tiers(metrics)}
<h2>Split (by date, no date in two sets)</h2>
{_splits(metrics)}
<h2>Charts (test set)</h2>
<figure>{_scatter(actual[shown], predicted[shown], "actual points", "predicted points", diagonal=True)}
<figcaption>Predicted against actual points; the line is a perfect prediction.
{_sample_note(shown.size, actual.size)}</figcaption></figure>
<figure>{_scatter(predicted[shown], residual[shown], "predicted points", "actual - predicted", zero_line=True)}
<figcaption>Residuals against the prediction: points above the line are games the model under-predicted.
{_sample_note(shown.size, actual.size)}</figcaption></figure>
<figure>{_importance(gain)}
<figcaption>Feature importance: mean gain of the splits on each feature. Features never split on are left
out.</figcaption></figure>
<h2>Hyperparameters</h2>
{_key_values(metrics["hyperparameters"])}
</body></html>
"""


def _quality_note(metrics: Mapping[str, Any]) -> str:
    if metrics["min_quality"] is None:
        return "Every row with a target was used."
    removed = metrics["rows"]["below_min_quality"]
    return (
        f"Fitted only on rows with feature_quality_score &ge; {metrics['min_quality']:g} "
        f"({removed['train']} train and {removed['valid']} validation rows left out; the test set keeps all rows)."
    )


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return html.escape(str(value))


def _comparison(metrics: Mapping[str, Any]) -> str:
    systems = [("model", metrics["model"]["test"])]
    systems += [(name, baseline["test"]) for name, baseline in metrics["baselines"].items()]
    rows = "".join(
        f"<tr class='{'model' if name == 'model' else ''}'><td>{html.escape(name)}</td><td>{_fmt(m['mae'])}</td>"
        f"<td>{_fmt(m['rmse'])}</td><td>{_fmt(m['bias'])}</td><td>{_pct(m['within_3'])}</td>"
        f"<td>{_pct(m['within_5'])}</td><td>{m['rows']}</td></tr>"
        for name, m in systems
    )
    return (
        "<table><tr><th>system</th><th>MAE</th><th>RMSE</th><th>bias (predicted &minus; actual)</th><th>within 3</th><th>within 5</th>"
        f"<th>rows</th></tr>{rows}</table>"
    )


def _pct(share: float | None) -> str:
    return "&ndash;" if share is None else f"{100 * share:.1f}%"


def _tiers(metrics: Mapping[str, Any]) -> str:
    tiers = list(metrics["model"]["test"]["by_tier"])
    systems = [("model", metrics["model"]["test"])]
    systems += [(name, baseline["test"]) for name, baseline in metrics["baselines"].items()]
    head = "".join(f"<th>{html.escape(t)}</th>" for t in tiers)
    counts = "".join(f"<td>{metrics['model']['test']['by_tier'][t]['rows']}</td>" for t in tiers)
    rows = "".join(
        f"<tr class='{'model' if name == 'model' else ''}'><td>{html.escape(name)}</td>"
        + "".join(f"<td>{_fmt(m['by_tier'][t]['mae'])}</td>" for t in tiers)
        + "</tr>"
        for name, m in systems
    )
    return f"<table><tr><th>system</th>{head}</tr>{rows}<tr><td>rows</td>{counts}</tr></table>"


def _splits(metrics: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{name}</td><td>{_fmt(s['start'])}</td><td>{_fmt(s['end'])}</td><td>{s['dates']}</td>"
        f"<td>{s['rows']}</td></tr>"
        for name, s in metrics["split"].items()
    )
    return f"<table><tr><th>set</th><th>first date</th><th>last date</th><th>dates</th><th>rows</th></tr>{rows}</table>"


def _key_values(values: Mapping[str, Any]) -> str:
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{_fmt(v, 4)}</td></tr>" for k, v in values.items())
    return f"<table>{rows}</table>"


def _thinned(n: int) -> np.ndarray:
    """Indices of at most MAX_POINTS_PLOTTED rows, evenly spread (deterministic)."""
    if n <= MAX_POINTS_PLOTTED:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_POINTS_PLOTTED).round().astype(int))


def _sample_note(shown: int, total: int) -> str:
    return "" if shown == total else f"{shown:,} of the {total:,} test rows are drawn, evenly spread."


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    span = high - low or 1.0
    step = 10 ** math.floor(math.log10(span / count))
    step *= next(m for m in (1, 2, 5, 10) if span / (step * m) <= count)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _scatter(
    xs: np.ndarray, ys: np.ndarray, x_label: str, y_label: str, *, diagonal: bool = False, zero_line: bool = False
) -> str:
    if xs.size == 0:
        return "<p>no test rows</p>"
    x_low, x_high = float(min(xs.min(), 0.0)), float(xs.max())
    y_low, y_high = float(min(ys.min(), 0.0)), float(ys.max())
    if diagonal:  # the same scale on both axes, so the perfect-prediction line is at 45 degrees
        x_low = y_low = min(x_low, y_low)
        x_high = y_high = max(x_high, y_high)
    x_high, y_high = max(x_high, x_low + 1), max(y_high, y_low + 1)

    def sx(v: float) -> float:
        return _PAD + (v - x_low) / (x_high - x_low) * (_W - 1.5 * _PAD)

    def sy(v: float) -> float:
        return _H - _PAD - (v - y_low) / (y_high - y_low) * (_H - 1.5 * _PAD)

    parts = [_axes(x_low, x_high, y_low, y_high, sx, sy, x_label, y_label)]
    if diagonal:
        parts.append(
            f'<line x1="{sx(x_low):.1f}" y1="{sy(x_low):.1f}" x2="{sx(x_high):.1f}" y2="{sy(x_high):.1f}" '
            'stroke="#cf222e" stroke-width="1.2"/>'
        )
    if zero_line:
        parts.append(
            f'<line x1="{sx(x_low):.1f}" y1="{sy(0):.1f}" x2="{sx(x_high):.1f}" y2="{sy(0):.1f}" '
            'stroke="#cf222e" stroke-width="1.2"/>'
        )
    parts.append(
        '<g fill="#0969da" fill-opacity="0.25">'
        + "".join(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2"/>' for x, y in zip(xs, ys, strict=True))
        + "</g>"
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}">{"".join(parts)}</svg>'


def _axes(
    x_low: float, x_high: float, y_low: float, y_high: float, sx: Any, sy: Any, x_label: str, y_label: str
) -> str:
    out = [
        f'<line x1="{_PAD}" y1="{sy(y_low):.1f}" x2="{sx(x_high):.1f}" y2="{sy(y_low):.1f}" stroke="#888"/>',
        f'<line x1="{_PAD}" y1="{sy(y_low):.1f}" x2="{_PAD}" y2="{sy(y_high):.1f}" stroke="#888"/>',
    ]
    for t in _ticks(x_low, x_high):
        out.append(f'<text x="{sx(t):.1f}" y="{sy(y_low) + 14:.1f}" text-anchor="middle">{t:g}</text>')
    for t in _ticks(y_low, y_high):
        out.append(f'<text x="{_PAD - 6}" y="{sy(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    out.append(f'<text x="{(_PAD + _W) / 2:.0f}" y="{_H - 8}" text-anchor="middle">{html.escape(x_label)}</text>')
    out.append(
        f'<text x="12" y="{_H / 2:.0f}" text-anchor="middle" transform="rotate(-90 12 {_H / 2:.0f})">'
        f"{html.escape(y_label)}</text>"
    )
    return "".join(out)


def _importance(gain: Mapping[str, float], bar: int = 16) -> str:
    used: Sequence[tuple[str, float]] = sorted(((k, v) for k, v in gain.items() if v > 0), key=lambda kv: -kv[1])
    if not used:
        return "<p>no splits</p>"
    label_width, width = 180, _W + 80
    top = used[0][1]
    rows = []
    for i, (name, value) in enumerate(used):
        y = i * bar
        length = (width - label_width - 60) * value / top
        rows.append(
            f'<text x="{label_width - 6}" y="{y + bar - 4}" text-anchor="end">{html.escape(name)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{bar - 4}" fill="#1a7f37">'
            f"<title>{html.escape(name)}: gain {value:.2f}</title></rect>"
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 4}">{value:.1f}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{bar * len(used) + 4}">{"".join(rows)}</svg>'
    )
