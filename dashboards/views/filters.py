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
from ..selectors.filters import SEGMENTS, MetricFilter
from ..selectors.trends import GRANULARITIES

# Whole calendar months (the disclosure grid, docs/DISCLOSURE.md rule 7): the
# complete months before this one, this month so far, or all time.
PERIODS = {"last_3_months": 3, "last_month": 1, "last_12_months": 12, "this_month": 0, "all": None}
DEFAULT_PERIOD = "last_3_months"
# Links from before the periods were whole months.
OLD_PERIODS = {"last_30": "last_month", "last_90": "last_3_months", "last_365": "last_12_months"}


def period_range(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a listed period (None: open)."""
    months = PERIODS.get(period)
    if months is None:
        return None, None
    this_month = today.replace(day=1)
    if months == 0:
        return this_month, None
    year, month = divmod(this_month.year * 12 + this_month.month - 1 - months, 12)
    return dt.date(year, month + 1, 1), this_month - dt.timedelta(days=1)


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
    period = OLD_PERIODS.get(period, period)
    if period not in PERIODS and period != "custom":
        errors.append(_error("period", "invalid", _("Choose one of the listed periods.")))
        period = DEFAULT_PERIOD
    values["period"] = period
    today = timezone.localdate(timezone=_tz(survey))
    default_from, default_to = period_range(period, today)
    for name in ("from", "to", *SEGMENTS):
        values[name] = q.get(name, "")
    context = {"survey": survey, "default_from": default_from, "default_to": default_to}
    metric = MetricFilterSerializer(data=q, context=context)
    if not metric.is_valid():
        errors.extend(field_errors(metric.errors))
    granularity = q.get("granularity", "month")
    if granularity not in GRANULARITIES:
        errors.append(_error("granularity", "invalid", _("Choose week, month or quarter.")))
        granularity = "month"
    values["granularity"] = granularity
    values["version"] = [int(v) for v in q.getlist("version") if v.isascii() and v.isdigit()]
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
