"""Dashboard panels: metrics (already suppressed) turned into charts and KPI cards.

A panel is what one data endpoint returns: a handful of charts from one to
five grouped rollup queries. Panels read through the metrics, trends and
breakdown services and draw with ``charts``; they never touch raw answers.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from surveys.enums import QuestionType
from surveys.models import Survey
from surveys.spec import QuestionSpec, VersionSpec
from surveys.text import in_locale, to_plain

from . import charts
from .charts import Chart, Point, Reference
from .services import breakdowns
from .services.crosstab import CrossTabError, crosstab
from .services.disclosure import line
from .services.funnel import funnel as funnel_of
from .services.funnel import policy_reading
from .services.metrics import SEGMENTS, Figure, MetricFilter, nps, opt_in_rates
from .services.quiz import quiz_score_distribution
from .services.trends import Trends, trends

REFERENCE_FILE = Path(__file__).with_name("reference_figures.json")
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


@dataclass(frozen=True, kw_only=True)
class Panel:
    charts: list[Chart] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    note: str = ""


def text(d: dict[str, str], locale: str) -> str:
    """A question text, row or choice label as plain text (stored sanitized, surveys.text)."""
    return to_plain(in_locale(d, locale) or d.get("en") or next(iter(d.values()), ""))


def survey_spec(survey: Survey) -> VersionSpec | None:
    """The live version's spec, else the newest published one (no query when cached)."""
    from surveys.services import version_spec

    version = survey.live_version
    return version_spec(version) if version is not None else None


def _points(t: Trends, name: str) -> list[Point]:
    return [Point(label=p.label, figure=getattr(p, name)) for p in t.periods]


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


def paradox_panel(flt: MetricFilter, opts: Options) -> Panel:
    bins = breakdowns.stated_enacted_bins(flt)
    return Panel(
        charts=[
            charts.heatmap_chart(
                key="stated_vs_enacted",
                title=_("Stated versus enacted protection"),
                rows=bins.edges,
                columns=bins.edges,
                cells=bins.table.cells,
                row_totals=bins.table.row_totals,
                column_totals=bins.table.column_totals,
                total=bins.table.total,
                y_title=_("Stated (what people say)"),
                x_title=_("Enacted (what people do)"),
            )
        ]
    )


def default_dimension(breakdown: dict[str, list[breakdowns.SegmentGroup]]) -> str:
    """The first dimension with two or more known values (Westin needs its three items)."""
    for dim in SEGMENTS:
        if len([g for g in breakdown[dim] if g.key != "unknown"]) >= 2:
            return dim
    return SEGMENTS[0]


def segment_panel(flt: MetricFilter, opts: Options) -> Panel:
    breakdown = breakdowns.segment_breakdown(flt)
    by = opts.by if opts.by in SEGMENTS else default_dimension(breakdown)
    label = _(DIMENSION_LABELS[by])
    groups = breakdown[by]
    gaps = breakdowns.paradox_by_segment(flt, (by,))[by]
    return Panel(
        charts=[
            charts.bar_chart(
                key="segment_share",
                title=_("Respondents by %(dimension)s") % {"dimension": label.lower()},
                bars=[Point(label=g.key, figure=g.share) for g in groups],
                value_title=_("Share of respondents"),
            ),
            charts.bar_chart(
                key="segment_privacy_actives",
                title=_("Privacy Actives by %(dimension)s") % {"dimension": label.lower()},
                bars=[Point(label=g.key, figure=g.privacy_actives_share) for g in groups],
                value_title=_("Privacy Actives share"),
                references=_refs(opts.references, "cisco_2021_privacy_actives"),
            ),
            charts.bar_chart(
                key="segment_gap",
                title=_("Privacy-paradox gap by %(dimension)s") % {"dimension": label.lower()},
                bars=[Point(label=g.key, figure=g.gap) for g in gaps],
                percent=False,
                value_title=_("Stated − enacted protection"),
                colors=None,
            ),
        ]
    )


def _choice_points(
    q: QuestionSpec, counts: dict[str, int], locale: str, min_cell: int
) -> list[Point]:
    """Buckets in the question's choice order with their labels, complementary-suppressed."""
    if q.choices:
        keys = [c.code for c in q.choices]
        labels = [text(c.label, locale) or c.code for c in q.choices]
    elif q.type == QuestionType.YES_NO:
        keys, labels = ["true", "false"], [_("Yes"), _("No")]
    else:
        keys = sorted(counts, key=lambda b: (len(b), b))
        labels = list(keys)
    extra = [b for b in counts if b not in keys]
    keys += extra
    labels += extra
    cells = line([counts.get(k, 0) for k in keys], min_cell=min_cell)
    return [Point(label=lab, figure=f) for lab, f in zip(labels, cells, strict=True)]


def items_panel(flt: MetricFilter, opts: Options) -> Panel:
    spec = survey_spec(flt.survey)
    if spec is None:
        return Panel(note=_("This survey has no published version yet."))
    questions = [
        q for q in spec.questions if q.type not in FREE_TEXT and q.type != "acknowledgement"
    ]
    counts = breakdowns.question_buckets(flt, [q.code for q in questions])
    out: list[Chart] = []
    for q in questions:
        title = text(q.text, opts.locale) or q.code
        if q.type == QuestionType.MATRIX:
            items = [
                (
                    text(row.get("text", {}), opts.locale) or row["code"],
                    _choice_points(
                        q, counts.get((q.code, row["code"]), {}), opts.locale, flt.min_cell
                    ),
                )
                for row in q.rows
            ]
            out.append(charts.diverging_chart(key=f"q_{q.code}", title=title, items=items))
        elif q.type in (QuestionType.SCALE, QuestionType.RATING):
            points = _choice_points(q, counts.get((q.code, ""), {}), opts.locale, flt.min_cell)
            out.append(
                charts.diverging_chart(
                    key=f"q_{q.code}", title=title, items=[(_("All respondents"), points)]
                )
            )
        elif q.type == QuestionType.NPS:
            raw = counts.get((q.code, ""), {})
            buckets = sorted(raw, key=lambda b: float(b) if b.replace(".", "", 1).isdigit() else 99)
            cells = line([raw[b] for b in buckets], min_cell=flt.min_cell)
            out.append(
                charts.nps_chart(
                    key=f"q_{q.code}",
                    title=_("Net Promoter Score"),
                    score=nps(flt, question=q.code),
                    buckets=[
                        Point(label=str(int(float(b))), figure=f)
                        for b, f in zip(buckets, cells, strict=True)
                    ],
                )
            )
        elif q.type in (
            QuestionType.SINGLE_CHOICE,
            QuestionType.MULTIPLE_CHOICE,
            QuestionType.YES_NO,
        ):
            points = _choice_points(q, counts.get((q.code, ""), {}), opts.locale, flt.min_cell)
            total = sum(p.figure.n or 0 for p in points if not p.figure.suppressed)
            shares = [
                Point(
                    label=p.label,
                    figure=p.figure
                    if p.figure.suppressed
                    else Figure(n=p.figure.n, value=(p.figure.n or 0) / total if total else None),
                )
                for p in points
            ]
            refs = (
                _refs(opts.references, "pew_2019_always_read")
                if q.construct == "reads_terms_stated"
                else []
            )
            out.append(
                charts.bar_chart(
                    key=f"q_{q.code}",
                    title=title,
                    bars=shares,
                    value_title=_("Share of answers"),
                    references=refs,
                )
            )
    rates = opt_in_rates(flt)
    out.append(
        charts.bar_chart(
            key="opt_in",
            title=_("Opt-in per optional purpose"),
            bars=[Point(label=purpose, figure=f) for purpose, f in rates],
            value_title=_("Share of respondents offered the purpose who granted it"),
        )
    )
    return Panel(charts=out)


def funnel_panel(flt: MetricFilter, opts: Options) -> Panel:
    f = funnel_of(flt)
    reading = policy_reading(flt)
    stated, opened = reading.stated_always_read, reading.opened_notice
    quiz = quiz_score_distribution(flt)
    out = [
        charts.funnel_chart(
            key="funnel",
            title=_("Consent funnel"),
            stages=[
                Point(label=_("Notice shown"), figure=f.shown),
                Point(label=_("Consented"), figure=f.consented),
                Point(label=_("Completed"), figure=f.completed),
                Point(label=_("Withdrawn"), figure=f.withdrawn),
            ],
        ),
        charts.bar_chart(
            key="policy_reading",
            title=_("Say they always read versus opened the notice"),
            bars=[
                Point(label=_("Say they always read policies"), figure=stated),
                Point(label=_("Opened the full notice"), figure=opened),
            ],
            value_title=_("Share of respondents"),
            references=_refs(opts.references, "pew_2019_always_read"),
        ),
    ]
    if flt.survey.kind == "quiz" or quiz:
        out.append(
            charts.histogram_chart(
                key="quiz_scores",
                title=_("Quiz scores"),
                bins=[Point(label=label, figure=fig) for label, fig in quiz],
                x_title=_("Score"),
            )
        )
    return Panel(charts=out)


def crosstab_questions(spec: VersionSpec | None) -> list[QuestionSpec]:
    if spec is None:
        return []
    return [
        q
        for q in spec.questions
        if q.is_choice_type
        or q.type in (QuestionType.YES_NO, QuestionType.NPS, QuestionType.RATING)
    ]


def crosstab_panel(flt: MetricFilter, opts: Options) -> Panel:
    spec = survey_spec(flt.survey)
    questions = crosstab_questions(spec)
    if not questions:
        return Panel(note=_("No question can be cross-tabulated yet."))
    q = next((x for x in questions if x.code == opts.question), questions[0])
    item = (
        opts.item
        if any(r["code"] == opts.item for r in q.rows)
        else (q.rows[0]["code"] if q.rows else "")
    )
    labels = {c.code: text(c.label, opts.locale) or c.code for c in q.choices}
    title = text(q.text, opts.locale) or q.code
    out: list[Chart] = []
    column = opts.column
    if column.startswith("segment:") and column[8:] in SEGMENTS:
        dim = column[8:]
        ct = breakdowns.question_by_segment(
            flt, question=q.code, item=item, dimension=dim, buckets=[c.code for c in q.choices]
        )
        out.append(
            charts.heatmap_chart(
                key="crosstab",
                title=_("%(question)s by %(dimension)s")
                % {"question": title, "dimension": _(DIMENSION_LABELS[dim]).lower()},
                rows=[labels.get(r, r) for r in ct.rows],
                columns=ct.columns,
                cells=ct.table.cells,
                row_totals=ct.table.row_totals,
                column_totals=ct.table.column_totals,
                total=ct.table.total,
                y_title=title,
                x_title=_(DIMENSION_LABELS[dim]),
            )
        )
    else:
        try:
            other = crosstab(flt, row=q.code, column=column, row_item=item)
        except CrossTabError as exc:
            return Panel(note=exc.message)
        from .services.suppression import protect_figures

        table = protect_figures(
            other.cells,
            row_totals=other.row_totals,
            column_totals=other.column_totals,
            total=other.total,
            min_cell=other.min_cell,
        )
        out.append(
            charts.heatmap_chart(
                key="crosstab",
                title=f"{title} × {column}",
                rows=[labels.get(r, r) for r in other.rows],
                columns=other.columns,
                cells=table.cells,
                row_totals=table.row_totals,
                column_totals=table.column_totals,
                total=table.total,
                y_title=title,
                x_title=column,
            )
        )
    return Panel(charts=out)


PANEL_BUILDERS: dict[str, Callable[[MetricFilter, Options], Panel]] = {
    "kpis": kpis,
    "trends": trend_panel,
    "paradox": paradox_panel,
    "segments": segment_panel,
    "items": items_panel,
    "funnel": funnel_panel,
    "crosstab": crosstab_panel,
}
