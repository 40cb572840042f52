"""Periods as the filter covers them: a period the range cuts short is partial, and says so.

A month holding two days of December is not compared with a whole November:
its points are drawn open and dotted, trend sentences compare complete
periods only, and a card's change is the last complete period against the
complete one before it, named ("2026-11 vs 2026-10"), or left out with the
reason.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..charts import Point, change
from ..selectors.filters import MetricFilter
from ..selectors.trends import Trends
from .base import on_100

UNITS = {
    "week": lambda n: _("weeks") if n != 1 else _("week"),
    "month": lambda n: _("months") if n != 1 else _("month"),
    "quarter": lambda n: _("quarters") if n != 1 else _("quarter"),
}


def period_end(start: dt.date, granularity: str) -> dt.date:
    """The last day of the period starting on `start` (ISO week cut at a month's end, month
    or quarter)."""
    if granularity == "week":
        sunday = start + dt.timedelta(days=6 - start.weekday())
        return min(sunday, period_end(start.replace(day=1), "month"))
    months = 3 if granularity == "quarter" else 1
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def today_of(flt: MetricFilter) -> dt.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(flt.survey.organization.timezone))


def partial_note(start: dt.date, granularity: str, flt: MetricFilter, today: dt.date) -> str:
    """ "2 of 31 days" when the filter's range (or today) covers only part of the period."""
    end = period_end(start, granularity)
    first = max(start, flt.date_from) if flt.date_from else start
    last = min(end, flt.date_to, today) if flt.date_to else min(end, today)
    if first == start and last == end:
        return ""
    days = max(0, (last - first).days + 1)
    return _("%(days)d of %(total)d days") % {"days": days, "total": (end - start).days + 1}


def period_points(
    t: Trends, name: str, flt: MetricFilter, *, hundred: bool = False, today: dt.date | None = None
) -> list[Point]:
    """The figure `name` per period, on the 0–100 scale with `hundred`, partial ones marked."""
    today = today or today_of(flt)
    out = []
    for p in t.periods:
        figure = getattr(p, name)
        out.append(
            Point(
                label=p.label,
                figure=on_100(figure) if hundred else figure,
                partial=partial_note(p.start, t.granularity, flt, today),
            )
        )
    return out


def compared(points: list[Point], granularity: str) -> tuple[float | None, str]:
    """The change between the last two complete periods and what it compares, or why none."""
    complete = [p for p in points if not p.partial]
    if len(points) < 2:
        return None, ""
    if len(complete) < 2:
        return None, _("No change shown: fewer than two complete %(unit)s in this range.") % {
            "unit": UNITS[granularity](2)
        }
    delta = change(points)
    if delta is None:
        return None, ""
    last, before = complete[-1], complete[-2]
    return delta, _("%(last)s vs %(before)s") % {"last": last.label, "before": before.label}


def partial_remark(points: list[Point], granularity: str) -> str:
    """Under the cards: which periods are partial and that changes leave them out."""
    partial = [
        _("%(label)s (%(part)s)") % {"label": p.label, "part": p.partial}
        for p in points
        if p.partial
    ]
    if not partial:
        return ""
    return _(
        "Changes compare the last two complete %(unit)s; partial periods are not compared: "
        "%(periods)s."
    ) % {"unit": UNITS[granularity](2), "periods": pgettext("list separator", ", ").join(partial)}
