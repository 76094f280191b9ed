"""Charts for the report and the dashboard: where a person would rather look than read a table.

Each chart sits beside the table holding the same numbers, and its alternative text says what it
shows in words (the highest month, the largest case), so a screen-reader user loses nothing.
SVG from matplotlib's Agg-free SVG backend: sharp in print, no display needed, text drawn as paths
so the PDF does not depend on the fonts of the machine that renders it.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Chart:
    """A chart, drawn only when its picture is asked for (``svg``/``uri``): a page can name it by
    ``ident`` (a digest of what it shows) and let the browser fetch the picture separately, so a page
    is never held up by matplotlib (a few hundred ms per chart on a busy machine)."""

    key: str
    title: str
    alt: str
    make: Callable[[], bytes] = field(repr=False, compare=False)
    ident: str = ""

    @property
    def svg(self) -> bytes:
        return self.make()  # each drawing function is lru-cached on its inputs

    @property
    def uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode()


def _ident(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def month_label(ym: str) -> str:
    y, m = ym.split("-")
    return f"{MONTHS[int(m) - 1]} {y}"


def _plt() -> Any:
    import matplotlib

    matplotlib.use("svg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "status_guard", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def warm() -> None:
    """Import matplotlib now (about half a second), not during the first page."""
    _plt()


def _svg(fig: Any, plt: Any) -> bytes:
    buf = io.BytesIO()
    # tight_layout has already fitted the labels and the legend: no second full drawing (bbox_inches="tight")
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buf.getvalue()


@lru_cache(maxsize=64)
def _stacked_months(series: tuple[tuple[str, tuple[int, ...]], ...], months: tuple[str, ...], title: str) -> bytes:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.2, 2.4 if len(series) == 1 else 2.9), dpi=100)
    labels = [month_label(m)[:3] for m in months]
    bottom = [0] * len(months)
    for i, (name, vals) in enumerate(series):
        ax.bar(labels, vals, bottom=bottom, label=name, color=PALETTE[i % len(PALETTE)], edgecolor="white")
        bottom = [a + b for a, b in zip(bottom, vals)]
    ax.yaxis.get_major_locator().set_params(integer=True)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    fig.tight_layout()
    return _svg(fig, plt)


@lru_cache(maxsize=64)
def _horizontal(names: tuple[str, ...], values: tuple[float, ...], title: str, color: str, money: bool) -> bytes:
    plt = _plt()
    height = max(1.3, 0.3 * len(names) + 0.7)
    fig, ax = plt.subplots(figsize=(4.6, height), dpi=100)
    ax.barh(list(reversed(names)), list(reversed(values)), color=color, height=0.6)
    ax.set_ylim(-0.7, len(names) - 0.3)
    if money:
        ax.xaxis.set_major_formatter(lambda x, _: f"${x:,.0f}")
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return _svg(fig, plt)


def _peak(months: Sequence[str], totals: Sequence[int]) -> str:
    if not totals or max(totals) == 0:
        return "none in any month"
    best = max(range(len(totals)), key=lambda i: totals[i])
    return f"highest in {month_label(months[best])} ({totals[best]})"


def lodged_by_month(by_month: Mapping[str, Mapping[str, int]], names: Mapping[str, str]) -> Chart | None:
    months = tuple(by_month)
    totals = [sum(by_month[m].values()) for m in months]
    if not months or sum(totals) == 0:
        return None
    keys = list(names)
    series = tuple((names[k][:1].upper() + names[k][1:], tuple(by_month[m].get(k, 0) for m in months)) for k in keys)
    args = (series, months, "Requests lodged, by month")
    alt = (f"Bar chart of requests lodged with the Police Department by month, {month_label(months[0])} to "
           f"{month_label(months[-1])}: {sum(totals)} in all, {_peak(months, totals)}. The table beside it has "
           "the numbers.")
    return Chart("lodged", "Requests lodged, by month", alt, lambda: _stacked_months(*args), _ident("lodged", *args))


def refusals_by_month(by_month: Mapping[str, int]) -> Chart | None:
    months = tuple(by_month)
    totals = [by_month[m] for m in months]
    if not months or sum(totals) == 0:
        return None
    args = ((("Refused", tuple(totals)),), months, "Attempts refused, by month")
    alt = (f"Bar chart of attempts refused by the city's software by month: {sum(totals)} in all, "
           f"{_peak(months, totals)}. The table beside it has the numbers.")
    return Chart("refusals-month", "Attempts refused, by month", alt, lambda: _stacked_months(*args),
                 _ident("refusals-month", *args))


def refusals_by_clause(by_clause: Mapping[str, int]) -> Chart | None:
    if not by_clause:
        return None
    names = tuple(by_clause)
    vals = tuple(float(by_clause[n]) for n in names)
    args = (names, vals, "Attempts refused, by clause", PALETTE[5], False)
    top = max(by_clause, key=lambda k: by_clause[k])
    alt = (f"Horizontal bar chart of refused attempts by clause of the ordinance: most under {top} "
           f"({by_clause[top]}). The table beside it has the numbers.")
    return Chart("refusals-clause", "Attempts refused, by clause", alt, lambda: _horizontal(*args),
                 _ident("refusals-clause", *args))


def reimbursements_by_case(cases: Sequence[tuple[str, float]]) -> Chart | None:
    if not cases:
        return None
    names = tuple(c for c, _ in cases)
    vals = tuple(v for _, v in cases)
    args = (names, vals, "Federal reimbursements, by case", PALETTE[0], True)
    top = max(cases, key=lambda c: c[1])
    alt = (f"Horizontal bar chart of federal reimbursements received, by case: {len(cases)} case(s), the largest "
           f"{top[0]} (${top[1]:,.2f}). The table beside it has the amounts.")
    return Chart("reimbursements", "Federal reimbursements, by case", alt, lambda: _horizontal(*args),
                 _ident("reimbursements", *args))
