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

from ..metric_filter import MetricFilterSerializer, field_errors
from ..panels import Options
from ..selectors.metrics import SEGMENTS, MetricFilter
from ..selectors.trends import GRANULARITIES

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
    default_from = today - dt.timedelta(days=days - 1) if days else None
    for name in ("from", "to", *SEGMENTS):
        values[name] = q.get(name, "")
    context = {"survey": survey, "default_from": default_from}
    metric = MetricFilterSerializer(data=q, context=context)
    if not metric.is_valid():
        errors.extend(field_errors(metric.errors))
    granularity = q.get("granularity", "month")
    if granularity not in GRANULARITIES:
        errors.append(_error("granularity", "invalid", _("Choose week, month or quarter.")))
        granularity = "month"
    values["granularity"] = granularity
    values["version"] = [int(v) for v in q.getlist("version") if v.isascii() and v.isdigit()]
    values["quality"] = q.get("quality", "clean")
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
    flt = metric.metric_filter()
    # The form shows the range used: widened to whole grid cells (docs/DISCLOSURE.md, rule 7).
    for name, day in (("from", flt.date_from), ("to", flt.date_to)):
        if values.get(name) and day:
            values[name] = day.isoformat()
    return Parsed(flt=flt, opts=opts, values=values)


def _tz(survey: Survey) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(survey.organization.timezone)
