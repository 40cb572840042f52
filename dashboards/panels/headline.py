"""Headline figures: KPI cards and trend charts."""

from django.utils.translation import gettext as _

from .. import charts
from ..charts import Point
from ..services.funnel import funnel as funnel_of
from ..services.metrics import Figure, MetricFilter
from ..services.trends import trends
from .base import (
    Kpi,
    Options,
    Panel,
    _points,
    _refs,
)


def _kpi(
    key: str,
    label: str,
    total: Figure,
    points: list[Point],
    *,
    percent: bool = False,
    scale: float = 100.0,
    signed: bool = False,
    definition: str = "",
) -> Kpi:
    raw = None if total.suppressed else total.value
    if raw is None:
        value = _("withheld") if total.suppressed else "–"
    elif percent:
        value = f"{raw * 100:.0f} %"
    else:
        value = f"{raw * scale:+.0f}" if signed else f"{raw * scale:.0f}"
    delta = charts.change(points)
    if delta is None:
        change, direction = "", ""
    else:
        unit = " pp" if percent else ""
        change = f"{delta * 100 if percent else delta * scale:+.1f}{unit}"
        direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    return Kpi(
        key=key,
        label=label,
        value=value,
        raw=raw,
        change=change,
        direction=direction,
        sparkline=charts.sparkline(points, percent=percent) if points else None,
        note=_("Too few respondents to show.")
        if total.suppressed
        else _("Not measured by this survey.")
        if raw is None
        else "",
        definition=definition,
    )


def kpis(flt: MetricFilter, opts: Options) -> Panel:
    t = trends(flt, granularity=opts.granularity)
    funnel = funnel_of(flt)
    # From the funnel's own (suppressed) counts: a rate never shows a withheld count.
    withdrawal = Figure(n=None, suppressed=True)
    if not funnel.completed.suppressed and not funnel.withdrawn.suppressed:
        done = funnel.completed.n or 0
        withdrawal = Figure(n=done, value=(funnel.withdrawn.n or 0) / done if done else None)
    completion = Figure(n=None, suppressed=True)
    if not funnel.shown.suppressed and not funnel.completed.suppressed:
        shown = funnel.shown.n or 0
        completion = Figure(n=shown, value=(funnel.completed.n or 0) / shown if shown else None)
    cards = [
        _kpi(
            "trust_index",
            _("Trust Index"),
            t.total.trust_index,
            _points(t, "trust_index"),
            definition=_("Mean trust item score mapped to 0–100."),
        ),
        _kpi(
            "privacy_concern_index",
            _("Privacy Concern"),
            t.total.privacy_concern_index,
            _points(t, "privacy_concern_index"),
            definition=_("Mean privacy-concern item score mapped to 0–100."),
        ),
        _kpi(
            "paradox_gap",
            _("Privacy-paradox gap"),
            t.total.paradox_gap,
            _points(t, "paradox_gap"),
            signed=True,
            definition=_("Stated minus enacted protection, in points of 100."),
        ),
        _kpi(
            "privacy_actives_share",
            _("Privacy Actives"),
            t.total.privacy_actives_share,
            _points(t, "privacy_actives_share"),
            percent=True,
            definition=_("Care about privacy, willing to act, and have acted (Cisco)."),
        ),
        _kpi(
            "completion_rate",
            _("Completion rate"),
            completion,
            [],
            percent=True,
            definition=_("Completed responses per consent notice shown."),
        ),
        _kpi(
            "withdrawal_rate",
            _("Withdrawal rate"),
            withdrawal,
            [],
            percent=True,
            definition=_("Share of respondents who later withdrew consent."),
        ),
    ]
    responses = t.total.responses
    return Panel(
        kpis=cards,
        note=_("%(n)s responses in this selection.")
        % {
            "n": _("fewer than %(m)d") % {"m": flt.min_cell}
            if responses.suppressed
            else responses.n
        },
    )


def trend_panel(flt: MetricFilter, opts: Options) -> Panel:
    t = trends(flt, granularity=opts.granularity)
    return Panel(
        charts=[
            charts.trend_chart(
                key="paradox_gap_trend",
                title=_("Privacy-paradox gap"),
                points=_points(t, "paradox_gap"),
                y_title=_("Gap (0–1)"),
            ),
            charts.trend_chart(
                key="trust_index_trend",
                title=_("Trust Index"),
                points=_points(t, "trust_index"),
                y_title=_("Index (0–1)"),
            ),
            charts.trend_chart(
                key="privacy_concern_trend",
                title=_("Privacy Concern"),
                points=_points(t, "privacy_concern_index"),
                y_title=_("Index (0–1)"),
            ),
            charts.trend_chart(
                key="privacy_actives_trend",
                title=_("Privacy Actives"),
                points=_points(t, "privacy_actives_share"),
                percent=True,
                references=_refs(opts.references, "cisco_2021_privacy_actives"),
            ),
            charts.trend_chart(
                key="responses_trend",
                title=_("Responses"),
                points=_points(t, "responses"),
                y_title=_("Responses"),
                digits=0,
            ),
        ]
    )
