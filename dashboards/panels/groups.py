"""Stated versus actual, segments, the consent funnel and quiz."""

from django.utils.translation import gettext as _

from .. import charts
from ..charts import Point
from ..models import BINS
from ..selectors import breakdowns
from ..selectors.filters import SEGMENTS, MetricFilter
from ..selectors.funnel import funnel as funnel_of
from ..selectors.funnel import policy_reading
from ..selectors.quiz import quiz_score_distribution
from .base import (
    DIMENSION_LABELS,
    Options,
    Panel,
    _refs,
    on_100,
)
from .labels import survey_labels

# Fifths of the 0–100 scale the cards use: "0–20", "20–40", …
BIN_LABELS = [f"{100 * i // BINS}–{100 * (i + 1) // BINS}" for i in range(BINS)]


def paradox_panel(flt: MetricFilter, opts: Options) -> Panel:
    bins = breakdowns.stated_enacted_bins(flt)
    return Panel(
        charts=[
            charts.heatmap_chart(
                key="stated_vs_enacted",
                title=_("Stated versus enacted protection"),
                rows=BIN_LABELS,
                columns=BIN_LABELS,
                cells=bins.table.cells,
                row_totals=bins.table.row_totals,
                column_totals=bins.table.column_totals,
                total=bins.table.total,
                y_title=_("Stated protection, 0–100 (what people say)"),
                x_title=_("Enacted protection, 0–100 (what people do)"),
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
    labels = survey_labels(flt.survey, opts.locale)

    def name(key: str) -> str:
        return labels.segment(by, key)

    return Panel(
        charts=[
            charts.bar_chart(
                key="segment_share",
                title=_("Respondents by %(dimension)s") % {"dimension": label.lower()},
                bars=[Point(label=name(g.key), figure=g.share, code=g.key) for g in groups],
                value_title=_("Share of respondents"),
            ),
            charts.bar_chart(
                key="segment_privacy_actives",
                title=_("Privacy Actives by %(dimension)s") % {"dimension": label.lower()},
                bars=[
                    Point(label=name(g.key), figure=g.privacy_actives_share, code=g.key)
                    for g in groups
                ],
                value_title=_("Privacy Actives share"),
                references=_refs(opts.references, "cisco_2021_privacy_actives"),
            ),
            charts.bar_chart(
                key="segment_gap",
                title=_("Privacy-paradox gap by %(dimension)s") % {"dimension": label.lower()},
                bars=[Point(label=name(g.key), figure=on_100(g.gap), code=g.key) for g in gaps],
                percent=False,
                digits=0,
                value_title=_("Gap, points of 100 (stated − enacted protection)"),
                colors=None,
            ),
        ]
    )


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
