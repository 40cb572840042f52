"""Questions: one chart per question, opt-in per purpose, the cross-tab."""

from django.utils.translation import gettext as _

from surveys.enums import QuestionType
from surveys.selectors import OTHER, QuestionSpec, VersionSpec

from .. import charts
from ..charts import Chart, Point
from ..selectors import breakdowns
from ..selectors.crosstab import CrossTab, CrossTabError, crosstab
from ..selectors.distributions import Distribution, distributions, nps
from ..selectors.filters import SEGMENTS, MetricFilter
from ..selectors.metrics import opt_in_rates
from ..services.disclosure import WITHHELD, Figure
from .base import (
    DIMENSION_LABELS,
    FREE_TEXT,
    Options,
    Panel,
    _refs,
    survey_spec,
    text,
)
from .labels import bucket_label, survey_labels


def bucket_names(q: QuestionSpec, locale: str) -> dict[str, str]:
    """Answer bucket → what a person reads: the choice text, Yes / No, "Other"."""
    if q.type == QuestionType.YES_NO and not q.choices:
        return {"true": _("Yes"), "false": _("No")}
    names = {c.code: text(c.label, locale) or c.code for c in q.choices}
    if q.allow_other:
        names[OTHER] = bucket_label(OTHER)
    return names


def _choice_points(q: QuestionSpec, shown: Distribution | None, locale: str) -> list[Point]:
    """Buckets in the question's choice order with their labels, as the distribution
    (the metrics API's) publishes them; a bucket nobody chose is withheld."""
    names = bucket_names(q, locale)
    figures = dict(shown.buckets) if shown else {}
    if q.choices or q.type == QuestionType.YES_NO:
        keys = list(names)
    else:
        keys = sorted(figures, key=lambda b: (len(b), b))
    keys += [b for b in figures if b not in keys]
    return [
        Point(label=names.get(k) or bucket_label(k), figure=figures.get(k, WITHHELD), code=k)
        for k in keys
    ]


def items_panel(flt: MetricFilter, opts: Options) -> Panel:
    """One chart per charted question (free text and acknowledgements have none), then
    the opt-in per purpose."""
    spec = survey_spec(flt.survey)
    if spec is None:
        return Panel(note=_("This survey has no published version yet."))
    questions = [
        q for q in spec.questions if q.type not in FREE_TEXT and q.type != "acknowledgement"
    ]
    # The same figures as the metrics API's distribution of each question and item.
    shown = distributions(
        flt,
        [
            (q.code, row["code"]) if q.type == QuestionType.MATRIX else (q.code, "")
            for q in questions
            for row in (q.rows if q.type == QuestionType.MATRIX else [{}])
        ],
    )
    out = [chart for q in questions if (chart := _question_chart(flt, opts, q, shown)) is not None]
    out.append(_opt_in_chart(flt, opts))
    return Panel(charts=out)


def _question_chart(
    flt: MetricFilter,
    opts: Options,
    q: QuestionSpec,
    shown: dict[tuple[str, str], Distribution],
) -> Chart | None:
    """The chart of one question from its distributions (None for a type not charted)."""
    title = text(q.text, opts.locale) or q.code
    if q.type == QuestionType.MATRIX:
        items = [
            (
                text(row.get("text", {}), opts.locale) or row["code"],
                _choice_points(q, shown.get((q.code, row["code"])), opts.locale),
            )
            for row in q.rows
        ]
        return charts.diverging_chart(key=f"q_{q.code}", title=title, items=items)
    if q.type in (QuestionType.SCALE, QuestionType.RATING):
        points = _choice_points(q, shown.get((q.code, "")), opts.locale)
        return charts.diverging_chart(
            key=f"q_{q.code}", title=title, items=[(_("All respondents"), points)]
        )
    if q.type == QuestionType.NPS:
        return _nps_chart(flt, q, shown[(q.code, "")])
    if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.YES_NO):
        return _choice_chart(opts, q, title, shown.get((q.code, "")))
    return None


def _nps_chart(flt: MetricFilter, q: QuestionSpec, dist: Distribution) -> Chart:
    """The Net Promoter Score with its 0–10 buckets in numeric order."""
    cells = dict(dist.buckets)
    buckets = sorted(cells, key=lambda b: float(b) if b.replace(".", "", 1).isdigit() else 99)
    return charts.nps_chart(
        key=f"q_{q.code}",
        title=_("Net Promoter Score"),
        score=nps(flt, question=q.code, shown=dist),
        buckets=[Point(label=str(int(float(b))), figure=cells[b]) for b in buckets],
    )


def _choice_chart(opts: Options, q: QuestionSpec, title: str, shown: Distribution | None) -> Chart:
    """Bars of each choice's share of the answers shown (withheld buckets stay withheld),
    with the published reference beside the terms-reading question."""
    points = _choice_points(q, shown, opts.locale)
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
    return charts.bar_chart(
        key=f"q_{q.code}",
        title=title,
        bars=shares,
        value_title=_("Share of answers"),
        references=refs,
    )


def _opt_in_chart(flt: MetricFilter, opts: Options) -> Chart:
    """Opt-in per optional purpose, each purpose named by its consent notice's title."""
    rates = opt_in_rates(flt)
    purposes = survey_labels(flt.survey, opts.locale, purposes=bool(rates))
    return charts.bar_chart(
        key="opt_in",
        title=_("Opt-in per optional purpose"),
        bars=[
            Point(label=purposes.purpose(purpose), figure=f, code=purpose) for purpose, f in rates
        ],
        value_title=_("Share of respondents offered the purpose who granted it"),
    )


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
    names = bucket_names(q, opts.locale)
    title = text(q.text, opts.locale) or q.code
    column = opts.column
    if column.startswith("segment:") and column[8:] in SEGMENTS:
        dim = column[8:]
        labels = survey_labels(flt.survey, opts.locale)
        ct = breakdowns.question_by_segment(
            flt, question=q.code, item=item, dimension=dim, buckets=[c.code for c in q.choices]
        )
        chart = charts.heatmap_chart(
            key="crosstab",
            title=_("%(question)s by %(dimension)s")
            % {"question": title, "dimension": _(DIMENSION_LABELS[dim]).lower()},
            rows=[names.get(r) or bucket_label(r) for r in ct.rows],
            columns=[labels.segment(dim, c) for c in ct.columns],
            cells=ct.table.cells,
            row_totals=ct.table.row_totals,
            column_totals=ct.table.column_totals,
            total=ct.table.total,
            y_title=title,
            x_title=_(DIMENSION_LABELS[dim]),
            codes=list(ct.rows),
            column_codes=list(ct.columns),
        )
        return Panel(charts=[chart])
    try:
        other = crosstab(flt, row=q.code, column=column, row_item=item)
    except CrossTabError as exc:
        return Panel(note=exc.message)
    return Panel(charts=[_question_crosstab(flt, opts, q, other, names, title)])


def _question_crosstab(
    flt: MetricFilter,
    opts: Options,
    q: QuestionSpec,
    other: CrossTab,
    names: dict[str, str],
    title: str,
) -> Chart:
    """A declared question against another: both labelled in the page's language."""
    from ..services.suppression import protect_figures

    spec = survey_spec(flt.survey)
    against = next((x for x in spec.questions if x.code == other.column), None) if spec else None
    column_names = bucket_names(against, opts.locale) if against else {}
    against_title = (text(against.text, opts.locale) if against else "") or other.column
    table = protect_figures(
        other.cells,
        row_totals=other.row_totals,
        column_totals=other.column_totals,
        total=other.total,
        min_cell=other.min_cell,
    )
    return charts.heatmap_chart(
        key="crosstab",
        title=f"{title} × {against_title}",
        rows=[names.get(r) or bucket_label(r) for r in other.rows],
        columns=[column_names.get(c) or bucket_label(c) for c in other.columns],
        cells=table.cells,
        row_totals=table.row_totals,
        column_totals=table.column_totals,
        total=table.total,
        y_title=title,
        x_title=against_title,
        codes=list(other.rows),
        column_codes=list(other.columns),
    )
