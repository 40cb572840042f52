"""Counts: the consent funnel, histograms, NPS and heatmaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from ..services.disclosure import Figure
from .base import (
    DIVERGING,
    PALETTE,
    WITHHELD,
    Cell,
    Chart,
    Point,
    _count,
    _empty_reason,
    _figure,
    _layout,
    fmt,
    plot_height,
    withheld_columns,
    wrap,
)


def funnel_chart(*, key: str, title: str, stages: Sequence[Point]) -> Chart:
    """Notice shown → consented → completed → withdrawn, with each stage's share of the first."""
    values = [_count(s.figure) for s in stages]
    first = values[0] if values and isinstance(values[0], int) and values[0] else None
    data = [
        {
            "type": "funnel",
            "y": [s.label for s in stages],
            "x": values,
            "textinfo": "value+percent initial",
            "marker": {"color": [PALETTE[i % len(PALETTE)] for i in range(len(stages))]},
            "hovertemplate": "%{y}: %{x}<extra></extra>",
        }
    ]
    empty = _empty_reason([s.figure for s in stages])
    if first and not empty:
        last_done = next((s for s in reversed(stages[:3]) if not s.figure.suppressed), None)
        summary = _("Of %(first)d people shown the notice, %(value)s reached “%(stage)s”.") % {
            "first": first,
            "value": fmt((last_done.figure.n or 0) / first, percent=True)
            if last_done
            else _(WITHHELD),
            "stage": last_done.label if last_done else "",
        }
    else:
        summary = empty or _("The funnel's first stage is withheld.")
    return Chart(
        key=key,
        title=title,
        figure=_figure(
            data,
            _layout(
                title,
                yaxis={"automargin": True},
                annotations=[
                    {
                        "x": 0.5,
                        "xref": "paper",
                        "y": s.label,
                        "yref": "y",
                        # A zero draws no bar and a withheld stage none either: say which.
                        "text": _(WITHHELD) if s.figure.suppressed else "0",
                        "showarrow": False,
                        "font": {"size": 12, "color": "#52606d"},
                    }
                    for s in stages
                    if s.figure.suppressed or s.figure.n == 0
                ],
            ),
        ),
        columns=[_("Stage"), _("People"), _("Share of first stage")],
        rows=[
            [s.label, v, (v / first) if isinstance(v, int) and first else None]
            for s, v in zip(stages, values, strict=True)
        ],
        summary=summary,
        empty=empty,
    )


def histogram_chart(*, key: str, title: str, bins: Sequence[Point], x_title: str = "") -> Chart:
    """Counts per bin (quiz scores, NPS answers): pre-binned, suppressed per bin."""
    counts = [_count(b.figure) for b in bins]
    data = [
        {
            "type": "bar",
            "x": [b.label for b in bins],
            "y": counts,
            "marker": {"color": PALETTE[2]},
            "hovertemplate": "%{x}: %{y}<extra></extra>",
            "name": title,
        }
    ]
    layout = _layout(
        title,
        xaxis={"type": "category", "title": {"text": x_title}},
        yaxis={"title": {"text": _("Respondents")}, "gridcolor": "#e4e7eb"},
        bargap=0.08,
        annotations=withheld_columns([b.label for b in bins], counts),
    )
    empty = _empty_reason([b.figure for b in bins])
    shown = [(b.label, c) for b, c in zip(bins, counts, strict=True) if isinstance(c, int)]
    if shown:
        mode = max(shown, key=lambda s: s[1])
        summary = _("%(title)s: the most common value is %(label)s (%(n)d respondents).") % {
            "title": title,
            "label": mode[0],
            "n": mode[1],
        }
    else:
        summary = empty
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[x_title or _("Value"), _("Respondents")],
        rows=[[b.label, c] for b, c in zip(bins, counts, strict=True)],
        summary=summary,
        empty=empty,
    )


def nps_chart(*, key: str, title: str, score: Figure, buckets: Sequence[Point]) -> Chart:
    """NPS: answers 0–10 coloured detractor / passive / promoter, the score in the title."""

    def colour(label: str) -> str:
        try:
            v = int(float(label))
        except ValueError:
            return PALETTE[7]
        return DIVERGING["neg2"] if v <= 6 else DIVERGING["mid"] if v <= 8 else DIVERGING["pos2"]

    counts = [_count(b.figure) for b in buckets]
    heading = (
        f"{title}: {fmt(score.value, digits=0)}"
        if not score.suppressed and score.value is not None
        else title
    )
    data = [
        {
            "type": "bar",
            "x": [b.label for b in buckets],
            "y": counts,
            "marker": {"color": [colour(b.label) for b in buckets]},
            "hovertemplate": "%{x}: %{y}<extra></extra>",
        }
    ]
    layout = _layout(
        heading,
        xaxis={
            "type": "category",
            "title": {"text": _("0 = not at all likely · 10 = extremely likely")},
        },
        yaxis={"title": {"text": _("Respondents")}, "gridcolor": "#e4e7eb"},
        showlegend=False,
        annotations=withheld_columns([b.label for b in buckets], counts),
    )
    empty = _empty_reason([b.figure for b in buckets])
    summary = (
        _("Net Promoter Score is %(score)s (promoters minus detractors, in points).")
        % {"score": fmt(score.value, digits=0)}
        if not score.suppressed and score.value is not None
        else empty or _("The Net Promoter Score is withheld.")
    )
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[_("Answer"), _("Respondents")],
        rows=[[b.label, c] for b, c in zip(buckets, counts, strict=True)],
        summary=summary,
        empty=empty,
    )


def heatmap_chart(
    *,
    key: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[Figure]],
    row_totals: Sequence[Figure] = (),
    column_totals: Sequence[Figure] = (),
    total: Figure | None = None,
    x_title: str = "",
    y_title: str = "",
    codes: Sequence[str] = (),
    column_codes: Sequence[str] = (),
) -> Chart:
    """Counts in a grid (cross-tabs; stated × enacted bins): withheld cells stay blank.

    `codes` and `column_codes` are what the row and column labels stand for (the CSV's).
    """
    z = [[_count(c) for c in row] for row in cells]
    # A withheld cell reads "–"; a row withheld whole says "withheld" across it.
    blank = [bool(row) and all(v is None for v in row) for row in z]
    text = [
        ["" if b else str(v) if v is not None else "–" for v in row]
        for row, b in zip(z, blank, strict=True)
    ]
    data = [
        {
            "type": "heatmap",
            "x": list(columns),
            "y": list(rows),
            "z": z,
            "text": text,
            "texttemplate": "%{text}",
            "colorscale": [[0, "#f0f4f8"], [1, PALETTE[0]]],
            "hoverongaps": False,
            "hovertemplate": "%{y} × %{x}: %{text}<extra></extra>",
            "showscale": False,  # every cell writes its count; the width goes to the grid
        }
    ]
    labels = [wrap(r, 24) for r in rows]
    data[0]["y"] = labels
    layout = _heatmap_layout(title, labels, blank, x_title=x_title, y_title=y_title)
    flat = [c for row in cells for c in row]
    empty = _empty_reason(
        [
            Figure(n=c.n, value=float(c.n) if c.n is not None else None, suppressed=c.suppressed)
            for c in flat
        ]
    )
    summary = _heatmap_summary(title, rows, columns, z, empty) if not empty else empty
    table_rows: list[list[Cell]] = [
        [rows[i], *z[i], _count(row_totals[i]) if row_totals else None] for i in range(len(rows))
    ]
    if column_totals:
        table_rows.append(
            [_("Total"), *[_count(c) for c in column_totals], _count(total) if total else None]
        )
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[y_title or "", *columns, _("Total")],
        rows=table_rows,
        summary=summary,
        empty=empty,
        codes=[*codes, *([""] if column_totals else [])] if codes else [],
        column_codes=["", *column_codes, ""] if column_codes else [],
    )


def _heatmap_layout(
    title: str, labels: list[str], blank: list[bool], *, x_title: str, y_title: str
) -> dict[str, Any]:
    """Every column named; a long question left to the title; a row withheld whole said so."""
    return _layout(
        title,
        xaxis={
            "type": "category",
            "title": {"text": wrap(x_title, 44)},
            "side": "bottom",
            "automargin": True,
            "tickmode": "linear",  # every column named, however narrow the phone
            "dtick": 1,
        },
        # A long question stays in the title and the table, not squeezed up the axis.
        yaxis={
            "type": "category",
            "title": {
                "text": wrap(y_title, 24) if len(y_title) <= 45 and y_title not in title else ""
            },
            "automargin": True,
        },
        height=max(260, 120 + 40 * len(labels)),
        annotations=[
            {
                "x": 0.5,
                "xref": "paper",
                "y": label,
                "yref": "y",
                "text": _(WITHHELD),
                "showarrow": False,
                "font": {"size": 12, "color": "#52606d"},
            }
            for label, b in zip(labels, blank, strict=True)
            if b
        ],
        meta=plot_height(labels),
    )


def _heatmap_summary(
    title: str, rows: Sequence[str], columns: Sequence[str], z: list[list[Cell]], empty: str
) -> str:
    flat = [v for row in z for v in row]
    shown = [
        (rows[i], columns[j], z[i][j])
        for i in range(len(rows))
        for j in range(len(columns))
        if isinstance(z[i][j], int)
    ]
    if shown:
        top = max(shown, key=lambda s: s[2] or 0)
        summary = _(
            "%(title)s: the largest group is %(row)s × %(column)s with %(n)d respondents; "
            "%(hidden)d of %(cells)d cells withheld."
        ) % {
            "title": title,
            "row": top[0],
            "column": top[1],
            "n": top[2],
            "hidden": len(flat) - len(shown),
            "cells": len(flat),
        }
        return summary
    return empty
