from decimal import Decimal

import pytest

from dashboards.scoring import item_scores, respondent_scores, westin_segment
from surveys.behaviour import BUILTIN_KINDS
from surveys.spec import spec_from_definition
from tests.factories import COMFORT_ANSWERS, demo_definition


def values(**changes):
    out = {a["question"]: a["value"] for a in COMFORT_ANSWERS}
    out.update(changes)
    spec = spec_from_definition(demo_definition())
    from surveys.answers import clean_answers

    return spec, clean_answers(spec, out).values


def test_item_scores_follow_scale_and_reverse_coding():
    spec, vals = values()
    concern = spec.question("concern")
    assert item_scores(concern, vals["concern"]) == [
        ("privacy_concern", 0.75),  # worry 4 on 1..5
        ("privacy_concern", 1.0),  # control 5
        ("privacy_concern", 0.75),  # no_concern 2, reverse-coded
        ("reads_terms_stated", 0.25),  # reads_terms 2
    ]
    assert item_scores(spec.question("policy_reading"), "sometimes") == [
        ("reads_terms_stated", pytest.approx(1 / 3))
    ]
    assert item_scores(spec.question("protective_actions"), ["ad_blocker"]) == [
        ("protective_behaviour_stated", pytest.approx(1 / 3))
    ]
    assert item_scores(spec.question("nps"), 7) == []  # no construct


def test_stated_enacted_and_gap():
    spec, vals = values()
    events = [
        ("notice_opened", False),
        ("terms_accepted_unread", True),
        ("notice_dwell_ms", 3000),
        ("optional_purpose_granted", "marketing"),
    ]
    scores = respondent_scores(spec, vals, events, BUILTIN_KINDS)
    # items: 0.75, 1, 0.75, 0.25, 1/3, 1/3 → mean 0.569444
    assert scores.stated == Decimal("0.569444")
    # protections: 0, 0, 0.1, 0 → 0.025
    assert scores.enacted == Decimal("0.025000")
    assert scores.gap == Decimal("0.544444")
    assert scores.paradoxical is False  # stated < 0.6
    assert scores.constructs["privacy_concern"] == Decimal("0.833333")
    assert respondent_scores(spec, vals, [], BUILTIN_KINDS).enacted is None


def test_westin_segments():
    doc = demo_definition()
    doc["sections"][0]["questions"].append(
        {
            "code": "westin",
            "type": "matrix",
            "text": {"en": "Westin"},
            "settings": {
                "rows": [
                    {"code": f"w{i}", "text": {"en": f"item {i}"}, "construct": f"westin_{i}"}
                    for i in (1, 2, 3)
                ]
            },
            "choices": [
                {"code": f"p{v}", "value": v, "label": {"en": str(v)}} for v in (1, 2, 3, 4)
            ],
        }
    )
    spec = spec_from_definition(doc)

    def seg(a, b, c):
        return westin_segment(
            spec, {"westin": {"w1": Decimal(a), "w2": Decimal(b), "w3": Decimal(c)}}
        )

    assert seg(4, 1, 2) == "fundamentalist"
    assert seg(1, 3, 4) == "unconcerned"
    assert seg(3, 3, 1) == "pragmatist"
    assert westin_segment(spec, {"westin": {"w1": Decimal(4)}}) == ""
