"""Cross-tabulations: a question against a segment dimension or a declared question.

A question against a segment dimension (westin_segment, age_band, locale,
channel, or an attribute the author declared on a question) reads the answer
rollups; a question against another question reads the cross-tab rollups of
the pairs the author declared in the definition ("analysis": {"crosstabs":
[{"row": …, "column": …}]}), since answers are rolled up one question at a
time. Every entry (cell, margin, total) is a count of people checked by the
disclosure rule (``disclosure.tally_table``: related queries, date cells),
then the table is protected with its margins (``suppression``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.utils.translation import gettext as _

from surveys.models import Survey
from surveys.selectors import QuestionSpec, VersionSpec

from ..models import CrossTabRollup
from ..services.disclosure import Figure, tally_table
from ..services.suppression import protect_tallied
from .filters import SEGMENTS, MetricFilter, declared_attributes, dimension

SEGMENT_PREFIX = "segment:"
UNKNOWN = "unknown"
NEVER_TABULATED = {"short_text", "long_text", "date", "acknowledgement"}


class CrossTabError(ValueError):
    """A cross-tab that cannot be made; `field` names the offending parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, kw_only=True)
class CrossTab:
    row: str
    column: str
    rows: list[str]
    columns: list[str]
    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    total: Figure
    min_cell: int


def _specs(survey: Survey) -> list[VersionSpec]:
    """Specs of the survey's published versions, newest first."""
    from surveys.selectors import version_spec

    return [version_spec(v) for v in survey.versions.filter(status="published").order_by("-number")]


def declared_pairs(survey: Survey) -> list[tuple[str, str]]:
    """(row, column) question pairs declared by any published version, newest first."""
    out: list[tuple[str, str]] = []
    for spec in _specs(survey):
        for pair in spec.analysis.get("crosstabs", []):
            key = (pair["row"], pair["column"])
            if key not in out:
                out.append(key)
    return out


def segment_dimensions(survey: Survey) -> list[str]:
    """Dimensions a question can be cross-tabulated against ("segment:<name>")."""
    return [*SEGMENTS, *(a for a in declared_attributes(survey) if a not in SEGMENTS)]


def _question(survey: Survey, code: str) -> QuestionSpec | None:
    for spec in _specs(survey):
        q: QuestionSpec | None = spec.question(code)
        if q is not None:
            return q
    return None


def _order(labels: Iterable[str], q: QuestionSpec | None) -> list[str]:
    """Choice order when the labels are choice codes, else numeric, else alphabetical."""
    labels = set(labels)
    if q is not None and q.choices:
        position = {c.code: i for i, c in enumerate(q.choices)}
        if labels <= set(position) | {UNKNOWN}:
            return sorted(labels, key=lambda x: position.get(x, len(position)))
    if q is not None and q.type == "yes_no":
        return sorted(labels, key=lambda x: {"true": 0, "false": 1}.get(x, 2))
    try:
        return sorted(labels, key=lambda x: (x == UNKNOWN, Decimal(x) if x != UNKNOWN else 0))
    except InvalidOperation:
        return sorted(labels, key=lambda x: (x == UNKNOWN, x))


def crosstab(flt: MetricFilter, *, row: str, column: str, row_item: str = "") -> CrossTab:
    """Counts of `row` (a question; `row_item` for a matrix row) by `column`.

    `column` is "segment:<dimension>" or a question code paired with `row`
    in the definition. Raises CrossTabError for what cannot be tabulated.
    """
    q_row = _question(flt.survey, row)
    if q_row is None:
        raise CrossTabError("row", _("No such question in a published version."))
    if q_row.type in NEVER_TABULATED:
        raise CrossTabError("row", _("Free text, dates and acknowledgements are never tabulated."))
    if q_row.type == "matrix" and row_item not in {r["code"] for r in q_row.rows}:
        raise CrossTabError("row_item", _("Name one of the matrix's rows."))
    q_column: QuestionSpec | None = None
    if column.startswith(SEGMENT_PREFIX):
        name = column[len(SEGMENT_PREFIX) :]
        if name not in segment_dimensions(flt.survey):
            raise CrossTabError("column", _("No such segment dimension in this survey."))
        model, narrow = flt.answer_grain(name)
        counts, bad = tally_table(
            flt,
            model=model,
            row=F("bucket"),
            column=dimension(name),
            lookups={**narrow, "question_code": row, "item": row_item},
        )
    else:
        if (row, column) not in declared_pairs(flt.survey):
            raise CrossTabError(
                "column",
                _("Not a declared pair: declare it in the definition's analysis.crosstabs."),
            )
        q_column = _question(flt.survey, column)
        counts, bad = tally_table(
            flt,
            model=CrossTabRollup,
            row=F("row_bucket"),
            column=F("column_bucket"),
            lookups={"row_code": row, "row_item": row_item, "column_code": column},
        )

    def label(x: str | None) -> str | None:
        return x if x is None else x or UNKNOWN

    counts = {(label(r), label(c)): n for (r, c), n in counts.items()}
    bad = frozenset((label(r), label(c)) for r, c in bad)
    rows = _order((r for r, c in counts if r is not None and c is not None), q_row)
    columns = _order((c for r, c in counts if r is not None and c is not None), q_column)
    table = protect_tallied(counts, bad, rows=rows, columns=columns, min_cell=flt.min_cell)
    return CrossTab(
        row=row,
        column=column,
        rows=rows,
        columns=columns,
        cells=table.cells,
        row_totals=table.row_totals,
        column_totals=table.column_totals,
        total=table.total,
        min_cell=flt.min_cell,
    )
