"""Author-declared respondent attributes: rollups, filters, grouping, validation."""

import pytest

from dashboards.models import ResponseRollup, ScoreRollup
from dashboards.selectors.crosstab import segment_dimensions
from dashboards.selectors.filters import MetricFilter, declared_attributes
from dashboards.selectors.paradox import paradox
from dashboards.services import rollups_rebuild
from surveys.definition import definition_errors
from tests.dashboards.helpers import analysed_definition, analysed_survey, fill

pytestmark = pytest.mark.django_db


def rollup_rows():
    return sorted((tuple(sorted(r.attributes.items())), r.n) for r in ResponseRollup.objects.all())


def test_rollups_carry_declared_attributes(org):
    survey = analysed_survey(org)
    fill(survey)
    assert rollup_rows() == [
        ((("premium", "true"), ("region", "south")), 5),
        ((("region", "north"),), 12),
    ]
    assert declared_attributes(survey) == ["premium", "region"]
    assert segment_dimensions(survey) == [
        "westin_segment",
        "age_band",
        "locale",
        "channel",
        "premium",
        "region",
    ]


def test_filter_and_group_by_attribute(org):
    survey = analysed_survey(org)
    fill(survey)
    north = MetricFilter(survey=survey, attributes={"region": "north"})
    # 12 of 17: the 5 in the south would be a subtraction away.
    assert paradox(north).groups[0].respondents.suppressed is True
    survey.organization.suppression_min_cell = 5
    survey.organization.save()
    assert paradox(north).groups[0].respondents.n == 12
    survey.organization.suppression_min_cell = None
    survey.organization.save()
    both = MetricFilter(survey=survey, attributes={"region": "south", "premium": "true"})
    # 5 respondents: below the minimum cell of 10.
    assert paradox(both).groups[0].respondents.suppressed is True
    nobody = MetricFilter(survey=survey, attributes={"region": "west"})
    assert paradox(nobody).groups[0].respondents.suppressed is True
    report = paradox(MetricFilter(survey=survey), by="region")
    assert [(g.key, g.respondents.n) for g in report.groups] == [("north", None), ("south", None)]
    by_premium = paradox(MetricFilter(survey=survey), by="premium")
    # NULL (not answered) sorts first on SQLite, last on PostgreSQL; not answered is a group.
    assert {g.key: g.respondents.n for g in by_premium.groups} == {"unknown": None, "true": None}


def test_rebuild_equals_incremental_with_attributes(org):
    survey = analysed_survey(org)
    fill(survey)
    fields = ("attributes", "n", "sum_x", "sum_y", "sum_xy", "paradoxical", "notice_opened")
    before = sorted(str(r) for r in ScoreRollup.objects.values_list(*fields))
    responses = rollup_rows()
    assert rollups_rebuild(survey_id=survey.pk) == 17
    assert sorted(str(r) for r in ScoreRollup.objects.values_list(*fields)) == before
    assert rollup_rows() == responses


def field_errors(doc):
    return [(e.field, e.code) for e in definition_errors(doc)]


def test_declared_attributes_are_validated():
    doc = analysed_definition()
    questions = doc["sections"][-1]["questions"]
    questions[-2]["segment_attribute"] = "locale"
    questions[-1]["segment_attribute"] = "Bad Name"
    errors = field_errors(doc)
    assert ("sections[4].questions[2].segment_attribute", "reserved") in errors
    assert any(f == "sections[4].questions[3].segment_attribute" for f, _ in errors)
    doc = analysed_definition()
    questions = doc["sections"][-1]["questions"]
    questions[-1]["segment_attribute"] = "region"
    assert field_errors(doc) == [("sections[4].questions[3].segment_attribute", "duplicate")]
    doc = analysed_definition()
    doc["sections"][1]["questions"][1]["segment_attribute"] = "habit"  # multiple choice
    assert field_errors(doc) == [("sections[1].questions[1].segment_attribute", "not_allowed")]
