"""Questions: one chart per question, opt-in per purpose, the cross-tab."""

from django.utils.translation import gettext as _

from surveys.enums import QuestionType
from surveys.spec import QuestionSpec, VersionSpec

from .. import charts
from ..charts import Chart, Point
from ..services import breakdowns
from ..services.crosstab import CrossTabError, crosstab
from ..services.disclosure import line
from ..services.metrics import SEGMENTS, Figure, MetricFilter, nps, opt_in_rates
from .base import (
    DIMENSION_LABELS,
    FREE_TEXT,
    Options,
    Panel,
    _refs,
    survey_spec,
    text,
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
        from ..services.suppression import protect_figures

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
