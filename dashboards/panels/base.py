"""What every panel shares: options from the URL, KPI cards, reference figures, texts."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

from surveys.enums import QuestionType
from surveys.models import Survey
from surveys.selectors import VersionSpec
from surveys.selectors.texts import in_locale, to_plain

from ..charts import Chart, Reference
from ..services.disclosure import Figure

REFERENCE_FILE = Path(__file__).parent.parent / "reference_figures.json"
DIMENSION_LABELS = {
    "westin_segment": gettext_noop("Westin segment"),
    "age_band": gettext_noop("Age band"),
    "locale": gettext_noop("Language"),
    "channel": gettext_noop("Channel"),
}
FREE_TEXT = {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}


@cache
def reference_figures() -> dict[str, Reference]:
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    return {
        f["key"]: Reference(
            key=f["key"],
            label=f["label"],
            value=float(f["value"]),
            source=f["source"],
            year=int(f["year"]),
            definition=f["definition"],
            url=f.get("url", ""),
        )
        for f in data["figures"]
    }


def _refs(on: bool, *keys: str) -> list[Reference]:
    figures = reference_figures()
    return [figures[k] for k in keys if k in figures] if on else []


@dataclass(frozen=True, kw_only=True)
class Options:
    """What a panel needs beyond the metric filter (all from the page's URL)."""

    granularity: str = "month"
    locale: str = "en"
    references: bool = True
    by: str = ""  # a segment dimension; "" picks the first with two or more values
    question: str = ""
    item: str = ""
    column: str = "segment:channel"


@dataclass(frozen=True, kw_only=True)
class Kpi:
    key: str
    label: str
    value: str
    raw: float | None
    change: str
    direction: str  # up / down / flat / ""
    sparkline: dict[str, Any] | None
    note: str = ""
    definition: str = ""
    compared: str = ""  # which periods the change compares, or why no change is shown


@dataclass(frozen=True, kw_only=True)
class Panel:
    charts: list[Chart] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    note: str = ""


def text(d: dict[str, str], locale: str) -> str:
    """A question text, row or choice label as plain text (stored sanitized, surveys/text.py)."""
    return to_plain(in_locale(d, locale) or d.get("en") or next(iter(d.values()), ""))


def survey_spec(survey: Survey) -> VersionSpec | None:
    """The live version's spec, else the newest published one (no query when cached)."""
    from surveys.selectors import version_spec

    version = survey.live_version
    return version_spec(version) if version is not None else None


def on_100(f: Figure) -> Figure:
    """An index or gap in [0, 1] on the 0–100 scale every card, chart and table shows."""

    def x(v: float | None) -> float | None:
        return None if v is None else v * 100

    return Figure(
        n=f.n, value=x(f.value), ci_low=x(f.ci_low), ci_high=x(f.ci_high), suppressed=f.suppressed
    )
