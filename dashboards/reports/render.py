"""A stored report as charts and template context (pure: from the report's stored figures)."""

from dataclasses import replace
from typing import Any

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from .. import charts
from ..charts import Chart, Point
from ..models import TransparencyReport
from ..services.disclosure import Figure

PURPOSE_LABELS = {"all": gettext_lazy("All purposes (full withdrawal)")}


def purpose_names(report: TransparencyReport) -> dict[str, str]:
    """Purpose id → the title its consent notice gives it, in the current language."""
    from ..panels.labels import organization_purpose_titles

    return {
        **organization_purpose_titles(report.organization_id, get_language() or "en"),
        **{k: str(v) for k, v in PURPOSE_LABELS.items()},
    }


def _f(d: dict[str, Any]) -> Figure:
    return Figure(**d)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return _("not shown (too few requests)")
    if seconds < 60:
        return _("within the request (self-service)")
    hours = seconds / 3600
    return (
        _("%(h).1f hours") % {"h": hours} if hours < 48 else _("%(d).1f days") % {"d": hours / 24}
    )


def report_charts(report: TransparencyReport) -> list[Chart]:
    d = report.data
    consents = d["consents"]
    names = purpose_names(report)
    purposes = [names.get(p, p) for p in consents["purposes"]]
    requests = d["requests"]
    out = [
        charts.grouped_bar_chart(
            key="consents",
            title=_("Consents given and withdrawn, by purpose"),
            categories=purposes,
            series=[
                (_("Given"), [_f(x) for x in consents["given"]]),
                (_("Withdrawn"), [_f(x) for x in consents["withdrawn"]]),
            ],
            value_title=_("Consents"),
        ),
        charts.bar_chart(
            key="requests",
            title=_("Requests from respondents"),
            bars=[
                Point(label=_("Access (copy of their data)"), figure=_f(requests["access"])),
                Point(label=_("Deletion"), figure=_f(requests["deletion"])),
            ],
            percent=False,
            digits=0,
            value_title=_("Requests"),
        ),
        charts.bar_chart(
            key="exports",
            title=_("Research exports, by stated purpose"),
            bars=[Point(label=k, figure=_f(v)) for k, v in d["exports"]["rows"]],
            percent=False,
            digits=0,
            value_title=_("Exports"),
        ),
        charts.bar_chart(
            key="purges",
            title=_("Data deleted when its retention period ended, by purpose"),
            bars=[
                Point(label=names.get(k, k), figure=_f(v), code=k) for k, v in d["purges"]["rows"]
            ],
            percent=False,
            digits=0,
            value_title=_("Consent records purged"),
        ),
    ]
    return [_for_report(c) for c in out]


def _for_report(chart: Chart) -> Chart:
    """Reports speak of events in a period, not of survey filters."""
    numbers = [v for row in chart.rows for v in row[1:]]
    if not numbers or all(v == 0 for v in numbers):
        text = _("None in this period.")
    elif chart.empty:
        text = _("Fewer than the minimum group size: withheld.")
    else:
        return chart
    summary = _("%(title)s: %(text)s") % {"title": chart.title, "text": text}
    return replace(chart, empty=text, summary=summary)


def count_text(d: dict[str, Any], min_cell: int) -> str:
    f = _f(d)
    if f.suppressed:
        return _("fewer than %(m)d") % {"m": min_cell}
    return str(f.n or 0)


def safeguards_text(d: dict[str, Any]) -> list[tuple[str, str]]:
    """The stored safeguards (English source strings) in the current language."""
    out = []
    for s in d["safeguards"]:
        if s["key"] == "min_cell":
            n = d["min_cell"]
            value = ngettext("%(n)d person", "%(n)d people", n) % {"n": n}
        else:
            value = _(s["value"])
        out.append((_(s["label"]), value))
    return out


def report_context(report: TransparencyReport) -> dict[str, Any]:
    d = report.data
    m = d["min_cell"]
    return {
        "report": report,
        "data": d,
        "charts": [charts.chart_dict(c) for c in report_charts(report)],
        "headline": [
            (_("Responses collected"), count_text(d["responses"], m)),
            (_("Consents given"), count_text(d["consents"]["given_total"], m)),
            (_("Consents withdrawn"), count_text(d["consents"]["withdrawn_total"], m)),
            (_("Access requests"), count_text(d["requests"]["access"], m)),
            (_("Deletion requests"), count_text(d["requests"]["deletion"], m)),
            (
                _("Withdrawals passed on to the brand's other systems"),
                count_text(d["requests"].get("withdrawals_propagated", {"n": 0}), m),
            ),
            (_("Research exports"), count_text(d["exports"]["total"], m)),
        ],
        "safeguards": safeguards_text(d),
        "fulfil": [
            (
                _("Access requests fulfilled in (median)"),
                _duration(d["requests"]["access_median_seconds"]),
            ),
            (
                _("Deletion requests fulfilled in (median)"),
                _duration(d["requests"]["deletion_median_seconds"]),
            ),
        ],
    }
