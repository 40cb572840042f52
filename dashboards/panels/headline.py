"""Headline figures: KPI cards and trend charts."""

from django.utils.translation import gettext as _

from .. import charts
from ..charts import Point
from ..selectors.filters import MetricFilter
from ..selectors.funnel import Funnel
from ..selectors.funnel import funnel as funnel_of
from ..selectors.trends import trends
from ..services.disclosure import Figure
from .base import Kpi, Options, Panel, _refs, on_100
from .periods import compared, partial_remark, period_points, today_of


def _kpi(
    key: str,
    label: str,
    total: Figure,
    points: list[Point],
    *,
    granularity: str = "month",
    percent: bool = False,
    signed: bool = False,
    definition: str = "",
    note_if_missing: str = "",
) -> Kpi:
    """A card: `total` and `points` already on the card's scale (0–100, or a share)."""
    raw = None if total.suppressed else total.value
    if raw is None:
        value = _("withheld") if total.suppressed else "–"
    elif percent:
        value = f"{raw * 100:.0f} %"
    else:
        value = f"{raw:+.0f}" if signed else f"{raw:.0f}"
    delta, what = compared(points, granularity)
    if delta is None:
        change, direction = "", ""
    else:
        unit = " pp" if percent else ""
        change = f"{delta * 100 if percent else delta:+.1f}{unit}"
        direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    return Kpi(
        key=key,
        label=label,
        value=value,
        raw=raw,
        change=change,
        direction=direction,
        compared=what,
        sparkline=charts.sparkline(points, percent=percent) if points else None,
        note=_("Too few respondents to show.")
        if total.suppressed
        else (note_if_missing or _("Not measured by this survey."))
        if raw is None
        else "",
        definition=definition,
    )


def _rates(funnel: Funnel) -> tuple[Figure, Figure]:
    """Completion and withdrawal rates from the funnel's own (suppressed) counts: a rate
    never shows a withheld count."""
    withdrawal = Figure(n=None, suppressed=True)
    if not funnel.completed.suppressed and not funnel.withdrawn.suppressed:
        done = funnel.completed.n or 0
        withdrawal = Figure(n=done, value=(funnel.withdrawn.n or 0) / done if done else None)
    completion = Figure(n=None, suppressed=True)
    if not funnel.shown.suppressed and not funnel.completed.suppressed:
        shown = funnel.shown.n or 0
        completion = Figure(n=shown, value=(funnel.completed.n or 0) / shown if shown else None)
    return completion, withdrawal


def kpis(flt: MetricFilter, opts: Options) -> Panel:
    t = trends(flt, granularity=opts.granularity)
    funnel = funnel_of(flt)
    today = today_of(flt)

    def series(name: str, *, hundred: bool = True) -> list[Point]:
        return period_points(t, name, flt, hundred=hundred, today=today)

    completion, withdrawal = _rates(funnel)
    # The notice's counts are anonymous: measured, but not split by segment or version.
    not_split = funnel.shown.n is None and not funnel.shown.suppressed
    cards = [
        _kpi(
            "trust_index",
            _("Trust Index"),
            on_100(t.total.trust_index),
            series("trust_index"),
            definition=_("Mean trust item score mapped to 0–100."),
            granularity=opts.granularity,
        ),
        _kpi(
            "privacy_concern_index",
            _("Privacy Concern"),
            on_100(t.total.privacy_concern_index),
            series("privacy_concern_index"),
            definition=_("Mean privacy-concern item score mapped to 0–100."),
            granularity=opts.granularity,
        ),
        _kpi(
            "paradox_gap",
            _("Privacy-paradox gap"),
            on_100(t.total.paradox_gap),
            series("paradox_gap"),
            signed=True,
            definition=_("Stated minus enacted protection, in points of 100."),
            granularity=opts.granularity,
        ),
        _kpi(
            "privacy_actives_share",
            _("Privacy Actives"),
            t.total.privacy_actives_share,
            series("privacy_actives_share", hundred=False),
            percent=True,
            definition=_("Care about privacy, willing to act, and have acted (Cisco)."),
            granularity=opts.granularity,
        ),
        _kpi(
            "completion_rate",
            _("Completion rate"),
            completion,
            [],
            percent=True,
            definition=_("Completed responses per consent notice shown."),
            note_if_missing=_(
                "Not available with this filter: the consent notice's counts are not "
                "split by segment or version."
            )
            if not_split
            else "",
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
    note = _("%(n)s responses in this selection.") % {
        "n": _("fewer than %(m)d") % {"m": flt.min_cell} if responses.suppressed else responses.n
    }
    remark = partial_remark(series("responses", hundred=False), opts.granularity)
    return Panel(kpis=cards, note=f"{note} {remark}".strip())


def trend_panel(flt: MetricFilter, opts: Options) -> Panel:
    t = trends(flt, granularity=opts.granularity)
    today = today_of(flt)

    def series(name: str, *, hundred: bool = True) -> list[Point]:
        return period_points(t, name, flt, hundred=hundred, today=today)

    return Panel(
        charts=[
            charts.trend_chart(
                key="paradox_gap_trend",
                title=_("Privacy-paradox gap"),
                points=series("paradox_gap"),
                y_title=_("Gap, points of 100"),
                digits=0,
            ),
            charts.trend_chart(
                key="trust_index_trend",
                title=_("Trust Index"),
                points=series("trust_index"),
                y_title=_("Index, 0–100"),
                digits=0,
                y_range=(0, 100),
            ),
            charts.trend_chart(
                key="privacy_concern_trend",
                title=_("Privacy Concern"),
                points=series("privacy_concern_index"),
                y_title=_("Index, 0–100"),
                digits=0,
                y_range=(0, 100),
            ),
            charts.trend_chart(
                key="privacy_actives_trend",
                title=_("Privacy Actives"),
                points=series("privacy_actives_share", hundred=False),
                percent=True,
                y_range=(0, 1),
                references=_refs(opts.references, "cisco_2021_privacy_actives"),
            ),
            charts.trend_chart(
                key="responses_trend",
                title=_("Responses"),
                points=series("responses", hundred=False),
                y_title=_("Responses"),
                digits=0,
            ),
        ]
    )
