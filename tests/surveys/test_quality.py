"""Straight-lining: long string and response variability, calibrated on real data."""

import copy
from pathlib import Path

import pytest
from django.conf import settings

from surveys.answers import clean_answers
from surveys.definition import definition_errors
from surveys.quality import (
    StraightlineRule,
    careless_indices,
    irv,
    longstring,
    quality_flags,
    straightline_rule,
)
from surveys.spec import spec_from_definition
from tests.factories import COMFORT_ANSWERS, demo_definition

CSV = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "privacy_calc_exp.csv"
AGREE_5 = [{"code": f"p{v}", "value": v, "label": {"en": str(v)}} for v in range(1, 6)]


def battery_definition(blocks=(6, 6, 6)):
    """A survey of agreement batteries (matrices b0, b1, … of 1–5 rows) and one scale."""
    questions = [
        {
            "code": f"b{i}",
            "type": "matrix",
            "text": {"en": f"Battery {i}"},
            "settings": {
                "rows": [{"code": f"r{j}", "text": {"en": f"Item {j}"}} for j in range(n)]
            },
            "choices": AGREE_5,
        }
        for i, n in enumerate(blocks)
    ]
    return {
        "schema_version": "1.0",
        "kind": "survey",
        "slug": "batteries",
        "title": {"en": "Batteries"},
        "default_locale": "en",
        "locales": ["en"],
        "sections": [{"code": "s", "title": {"en": "S"}, "questions": questions}],
    }


def answers(*blocks):
    return {f"b{i}": {f"r{j}": v for j, v in enumerate(block)} for i, block in enumerate(blocks)}


def flags(doc, raw):
    spec = spec_from_definition(doc)
    cleaned = clean_answers(spec, raw)
    assert cleaned.problems == []
    return quality_flags(spec, cleaned.values)


def test_indices():
    assert longstring([3, 3, 1, 1, 1, 2]) == 3
    assert longstring([]) == 0
    assert irv([0.5, 0.5]) == 0
    assert irv([0.0, 1.0]) == 0.5
    assert irv([]) is None


def test_a_synthetic_straight_liner_is_flagged():
    doc = battery_definition()
    assert flags(doc, answers([4] * 6, [4] * 6, [4] * 6)) == ["straightliner"]
    # a straight-liner who strays once is still one
    assert flags(doc, answers([4] * 6, [4] * 6, [4, 4, 4, 5, 4, 4])) == ["straightliner"]


def test_one_uniform_battery_among_varied_ones_is_not_straight_lining():
    # The former rule flagged any matrix answered with one value: 56 % of the
    # real study's participants.
    doc = battery_definition()
    assert flags(doc, answers([2] * 6, [1, 3, 4, 2, 5, 4], [5, 4, 4, 3, 5, 2])) == []
    # …and a consistently moderate respondent with a spread of answers is not either
    assert flags(doc, answers([3, 3, 4, 3, 3, 2], [4, 3, 3, 4, 3, 3], [2, 3, 3, 3, 4, 3])) == []


def test_too_few_items_give_no_verdict():
    doc = battery_definition(blocks=(4, 3))
    assert flags(doc, answers([4] * 4, [4] * 3)) == []  # 7 items, below min_items (10)


def test_a_survey_sets_its_own_rule():
    doc = demo_definition()
    doc["analysis"] = {"quality": {"straightline": {"min_items": 5, "irv_max": 0.2}}}
    assert definition_errors(doc) == []
    spec = spec_from_definition(doc)
    assert straightline_rule(spec) == StraightlineRule(
        min_items=5, longstring_share=settings.QUALITY_LONGSTRING_SHARE, irv_max=0.2
    )
    raw = {a["question"]: a["value"] for a in COMFORT_ANSWERS}
    raw["concern"] = {"worry": 4, "control": 4, "no_concern": 4, "reads_terms": 4}
    raw["trust_brand"] = 4
    assert quality_flags(spec, clean_answers(spec, raw).values) == ["straightliner"]
    assert quality_flags(spec_from_definition(demo_definition()), raw) == []  # 5 < 10 items
    bad = copy.deepcopy(doc)
    bad["analysis"]["quality"]["straightline"] = {"longstring_share": 0, "items": 3}
    assert {e.field for e in definition_errors(bad)} >= {
        "analysis.quality.straightline.longstring_share",
    }


@pytest.mark.skipif(not CSV.is_file(), reason=f"{CSV} is not there (shared datasets)")
def test_on_the_real_study_the_rule_flags_a_few_percent():
    from surveys.studies import privacy_calc_exp as study

    spec = spec_from_definition(study.definition(list(study.AGE_BANDS)))
    rows = list(study._rows(CSV))
    indices = [
        careless_indices(spec, clean_answers(spec, study.raw_answers(spec, row)).values)
        for row in rows
    ]
    rule = straightline_rule(spec)
    flagged = [i for i in indices if i.items >= rule.min_items and i.longstring_share >= 0.5]
    flagged = [i for i in flagged if i.irv <= rule.irv_max]
    assert len(rows) == 561
    assert len(flagged) == 20  # 3.6 %, the figure in docs/METRICS.md
    assert len(flagged) <= 0.05 * len(rows)
    # every participant who gave one answer to every item is among them
    assert sum(i.irv == 0 for i in indices) == 7
    assert all(i in flagged for i in indices if i.irv == 0)


@pytest.mark.django_db
def test_recompute_applies_the_current_rule_to_stored_responses(survey):
    from io import StringIO

    from django.core.management import call_command

    from surveys.models import Response
    from surveys.responses.services.write import response_submit

    consent = {"notice_version": 1, "purposes": ["survey_research"]}
    a = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=consent)
    b = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=consent)
    # flags stored under the former rule
    Response.objects.filter(pk=a.pk).update(quality_flags=["straightliner"])
    Response.objects.filter(pk=b.pk).update(quality_flags=["straightliner", "speeder"])
    out = StringIO()
    call_command("recompute_quality", survey.slug, stdout=out)
    assert "of 2 responses" in out.getvalue()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.quality_flags == [] and b.quality_flags == ["speeder"]
