"""Dashboard filters from the page's URL: the one place query parameters become a MetricFilter.

Filter state lives in the URL (shareable, the back button works); the page and
its data endpoints read the same parameters.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Survey

from ..panels import Options
from ..services.metrics import SEGMENTS, MetricFilter
from ..services.trends import GRANULARITIES

PERIODS = {"last_30": 30, "last_90": 90, "last_365": 365, "all": None}
DEFAULT_PERIOD = "last_90"
CROSSTAB_COLUMNS = tuple(f"segment:{s}" for s in SEGMENTS)


@dataclass(frozen=True, kw_only=True)
class Parsed:
    flt: MetricFilter | None
    opts: Options
    errors: list[dict[str, str]] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # what the form shows


def _error(name: str, code: str, message: str) -> dict[str, str]:
    return {"field": name, "code": code, "message": message}


def parse(survey: Survey, q: QueryDict, *, locale: str) -> Parsed:
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    period = q.get("period", DEFAULT_PERIOD)
    if period not in PERIODS and period != "custom":
        errors.append(_error("period", "invalid", _("Choose one of the listed periods.")))
        period = DEFAULT_PERIOD
    values["period"] = period
    today = timezone.localdate(timezone=_tz(survey))
    days = PERIODS.get(period)
    date_from: dt.date | None = today - dt.timedelta(days=days - 1) if days else None
    date_to: dt.date | None = None
    for name in ("from", "to"):
        raw = q.get(name, "")
        values[name] = raw
        if not raw:
            continue
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            errors.append(_error(name, "invalid", _("Enter a date as YYYY-MM-DD.")))
            continue
        if name == "from":
            date_from = day
        else:
            date_to = day
    if date_from and date_to and date_from > date_to:
        errors.append(_error("to", "before_from", _("The last day comes before the first day.")))
    granularity = q.get("granularity", "month")
    if granularity not in GRANULARITIES:
        errors.append(_error("granularity", "invalid", _("Choose week, month or quarter.")))
        granularity = "month"
    values["granularity"] = granularity
    versions: list[int] = []
    for v in q.getlist("version"):
        if v.isascii() and v.isdigit() and len(v) < 10:
            versions.append(int(v))
        elif v:
            errors.append(_error("version", "invalid", _("Version numbers are whole numbers.")))
    values["version"] = versions
    segments: dict[str, str] = {}
    for name in SEGMENTS:
        raw = q.get(name, "")
        if "\x00" in raw or len(raw) > 64:
            errors.append(_error(name, "invalid", _("This value is not allowed.")))
        elif raw:
            segments[name] = raw
        values[name] = raw
    flagged = q.get("quality", "clean")
    if flagged not in ("clean", "all"):
        errors.append(_error("quality", "invalid", _("Choose clean or all responses.")))
    values["quality"] = flagged
    by = q.get("by", "")
    if by and by not in SEGMENTS:
        errors.append(_error("by", "invalid", _("Choose a segment dimension.")))
        by = ""
    values["by"] = by
    column = q.get("column", "segment:channel")
    if not (column in CROSSTAB_COLUMNS or (column.isascii() and 0 < len(column) <= 64)):
        errors.append(_error("column", "invalid", _("Choose a segment or a question.")))
        column = "segment:channel"
    values["column"] = column
    values["question"] = q.get("question", "")[:64]
    values["item"] = q.get("item", "")[:64]
    refs = q.get("refs", "1") != "0"
    values["refs"] = refs
    opts = Options(
        granularity=granularity,
        locale=locale,
        references=refs,
        by=by,
        question=values["question"],
        item=values["item"],
        column=column,
    )
    if errors:
        return Parsed(flt=None, opts=opts, errors=errors, values=values)
    flt = MetricFilter(
        survey=survey,
        versions=versions or None,
        date_from=date_from,
        date_to=date_to,
        include_flagged=flagged == "all",
        segments=segments,
    )
    # The form shows the range used: widened to whole grid cells (docs/DISCLOSURE.md, rule 7).
    for name, day in (("from", flt.date_from), ("to", flt.date_to)):
        if values[name] and day:
            values[name] = day.isoformat()
    return Parsed(flt=flt, opts=opts, values=values)


def _tz(survey: Survey) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(survey.organization.timezone)
