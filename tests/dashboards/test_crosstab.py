"""Cross-tabs: declared question pairs (cross-tab rollups) and segment dimensions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import tasks
from dashboards.models import CrossTabRollup
from dashboards.selectors.crosstab import CrossTabError, crosstab, declared_pairs
from dashboards.selectors.filters import MetricFilter
from dashboards.services import rollups_rebuild
from surveys.consent.services.rights import respondent_erase
from surveys.definition import definition_errors
from tests.dashboards.helpers import analysed_definition, analysed_survey, fill

pytestmark = pytest.mark.django_db


def counts(table):
    """(cells, row totals, column totals, total) as plain n values (None: suppressed)."""
    return (
        [[c.n for c in row] for row in table.cells],
        [f.n for f in table.row_totals],
        [f.n for f in table.column_totals],
        table.total.n,
    )


@pytest.fixture
def filled(org):
    survey = analysed_survey(org)
    fill(survey)
    return survey


def test_declared_pair_counts_each_cell_and_suppresses_small_ones(filled):
    assert declared_pairs(filled) == [
        ("trust_brand", "policy_reading"),
        ("concern", "age_band"),
    ]
    table = crosstab(MetricFilter(survey=filled), row="trust_brand", column="policy_reading")
    # Choice order of each question: d < n < a; always < sometimes < never.
    assert (table.rows, table.columns) == (["d", "n", "a"], ["always", "sometimes", "never"])
    # 10 agree and always read, 2 disagree, 5 did not answer: with the 10 shown,
    # the total 17 minus it gives the other 7 away, so the 10 is withheld too.
    assert counts(table) == (
        [[None, None, None], [None, None, None], [None, None, None]],
        [None, None, None],
        [None, None, None],
        17,
    )
    assert table.cells[0][2].suppressed is True and table.min_cell == 10


def test_lower_minimum_cell_shows_more(filled):
    filled.organization.suppression_min_cell = 5
    filled.organization.save()
    table = crosstab(MetricFilter(survey=filled), row="trust_brand", column="policy_reading")
    # 17 − 10 − 5 would be the 2 who disagree: the 5 goes with them.
    assert counts(table) == (
        [[None, None, None], [None, None, None], [10, None, None]],
        [None, None, 10],
        [10, None, None],
        17,
    )
    assert table.cells[2][0].value == 10.0


def test_question_by_segment_dimension_and_attribute(filled):
    flt = MetricFilter(survey=filled)
    table = crosstab(flt, row="trust_brand", column="segment:region")
    assert (table.rows, table.columns) == (["d", "n", "a"], ["north", "south"])
    assert counts(table)[0] == [[None, None], [None, None], [None, None]]  # as above
    assert counts(table)[3] == 17
    by_age = crosstab(flt, row="trust_brand", column="segment:age_band")
    assert (by_age.columns, counts(by_age)[2]) == (["a30_44"], [17])
    matrix = crosstab(flt, row="concern", column="age_band", row_item="worry")
    assert (matrix.columns, matrix.total.n, len(matrix.rows)) == (["a30_44"], 17, 1)
    north = crosstab(
        MetricFilter(survey=filled, attributes={"region": "north"}),
        row="trust_brand",
        column="segment:region",
    )
    # North's 12 beside the survey's 17 would give the 5 in the south away.
    assert (north.columns, north.total.n, north.total.suppressed) == (["north"], None, True)


@pytest.mark.parametrize(
    "row, column, row_item, field",
    [
        ("trust_brand", "age_band", "", "column"),  # not declared
        ("trust_brand", "segment:planet", "", "column"),
        ("improve_text", "segment:locale", "", "row"),
        ("nope", "segment:locale", "", "row"),
        ("concern", "segment:locale", "", "row_item"),
        ("concern", "segment:locale", "nope", "row_item"),
    ],
)
def test_what_cannot_be_tabulated(filled, row, column, row_item, field):
    with pytest.raises(CrossTabError) as exc:
        crosstab(MetricFilter(survey=filled), row=row, column=column, row_item=row_item)
    assert exc.value.field == field


def test_rebuild_and_erasure_keep_crosstabs_exact(filled):
    fields = ("row_code", "row_item", "row_bucket", "column_code", "column_bucket", "n")
    incremental = sorted(CrossTabRollup.objects.values_list(*fields))
    assert ("trust_brand", "", "a", "policy_reading", "always", 10) in incremental
    rollups_rebuild(survey_id=filled.pk)
    assert sorted(CrossTabRollup.objects.values_list(*fields)) == incremental
    gone = filled.responses.filter(
        answers__question_code="policy_reading", answers__choice="always"
    )
    response = gone.first()
    respondent_erase(respondent=response.respondent)
    tasks.rollups_recompute(filled.live_version_id, [response.submitted_at.isoformat()])
    row = CrossTabRollup.objects.get(row_code="trust_brand", row_bucket="a")
    assert row.n == 9


def test_crosstab_query_count_does_not_grow_with_data(filled, django_assert_max_num_queries):
    flt = MetricFilter(survey=filled)
    crosstab(flt, row="trust_brand", column="policy_reading")  # the filter reads its version ids
    with CaptureQueriesContext(connection) as small:
        crosstab(flt, row="trust_brand", column="policy_reading")
    fill(filled)
    with CaptureQueriesContext(connection) as large:
        crosstab(flt, row="trust_brand", column="policy_reading")
    assert len(large) == len(small) <= 8


def errors(doc):
    return [(e.field, e.code) for e in definition_errors(doc)]


def test_declared_pairs_are_validated():
    doc = analysed_definition(
        {
            "crosstabs": [
                {"row": "trust_brand", "column": "trust_brand"},
                {"row": "improve_text", "column": "nps"},
                {"row": "nps", "column": "concern"},
                {"row": "nps", "column": "ghost"},
                {"row": "nps", "column": "region"},
                {"row": "nps", "column": "region"},
            ]
        }
    )
    assert errors(doc) == [
        ("analysis.crosstabs[0].column", "invalid"),
        ("analysis.crosstabs[1].row", "not_allowed"),
        ("analysis.crosstabs[2].column", "not_allowed"),
        ("analysis.crosstabs[3].column", "unknown_question"),
        ("analysis.crosstabs[5]", "duplicate"),
    ]
    doc["analysis"]["crosstabs"] = [{"row": "nps"}]
    assert errors(doc) == [("analysis.crosstabs[0].column", "required")]
