"""Funnel, quiz score and cross-tab metrics, when their services are installed.

``dashboards/services/funnel.py``, ``quiz.py`` and ``crosstab.py`` arrive with
the metrics work. Until then this adapter answers with empty, suppressed
results of the same shapes, so the dashboards render ("not available yet")
instead of failing. Remove it once those modules are on main, and import them
directly.
"""

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .metrics import Figure, MetricFilter

HIDDEN = Figure(n=None, suppressed=True)


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"dashboards.services.{name}")
    except ModuleNotFoundError:
        return None


def available(name: str) -> bool:
    return _module(name) is not None


@dataclass(frozen=True, kw_only=True)
class FunnelResult:
    min_cell: int
    shown: Figure = HIDDEN
    consented: Figure = HIDDEN
    completed: Figure = HIDDEN
    withdrawn: Figure = HIDDEN
    available: bool = False


def funnel(flt: MetricFilter) -> FunnelResult:
    mod = _module("funnel")
    if mod is None:
        return FunnelResult(min_cell=flt.min_cell)
    f = mod.funnel(flt)
    return FunnelResult(
        min_cell=f.min_cell,
        shown=f.shown,
        consented=f.consented,
        completed=f.completed,
        withdrawn=f.withdrawn,
        available=True,
    )


def withdrawal_rate(flt: MetricFilter) -> Figure:
    mod = _module("funnel")
    return mod.withdrawal_rate(flt) if mod is not None else HIDDEN


def policy_reading(flt: MetricFilter) -> tuple[Figure, Figure]:
    """(stated always read, opened the notice)."""
    mod = _module("funnel")
    if mod is None:
        return HIDDEN, HIDDEN
    p = mod.policy_reading(flt)
    return p.stated_always_read, p.opened_notice


def quiz_score_distribution(flt: MetricFilter) -> list[tuple[str, Figure]]:
    mod = _module("quiz")
    return list(mod.quiz_score_distribution(flt)) if mod is not None else []


@dataclass(frozen=True, kw_only=True)
class CrossTabResult:
    row: str
    column: str
    rows: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    cells: list[list[Figure]] = field(default_factory=list)
    row_totals: list[Figure] = field(default_factory=list)
    column_totals: list[Figure] = field(default_factory=list)
    total: Figure = HIDDEN
    min_cell: int = 10
    available: bool = False


def crosstab(flt: MetricFilter, *, row: str, column: str, row_item: str = "") -> CrossTabResult:
    mod = _module("crosstab")
    if mod is None:
        return CrossTabResult(row=row, column=column, min_cell=flt.min_cell)
    ct: Any = mod.crosstab(flt, row=row, column=column, row_item=row_item)
    return CrossTabResult(
        row=ct.row,
        column=ct.column,
        rows=list(ct.rows),
        columns=list(ct.columns),
        cells=[list(r) for r in ct.cells],
        row_totals=list(ct.row_totals),
        column_totals=list(ct.column_totals),
        total=ct.total,
        min_cell=ct.min_cell,
        available=True,
    )


def declared_pairs(survey: Any) -> list[tuple[str, str]]:
    mod = _module("crosstab")
    return list(mod.declared_pairs(survey)) if mod is not None else []
