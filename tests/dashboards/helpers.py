"""A survey with declared attributes, cross-tab pairs and thresholds, and ways to fill it."""

from typing import Any

from dashboards.services import aggregate_until_done
from surveys.authoring.services.definitions import definition_import, survey_publish
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, demo_definition

CONSENT_BM = {"notice_version": 1, "purposes": ["survey_research", "behavioural_measurement"]}

REGION = {
    "code": "region",
    "type": "single_choice",
    "text": {"en": "Where do you live?"},
    "segment_attribute": "region",
    "purpose": "survey_research",
    "choices": [
        {"code": "north", "label": {"en": "North"}},
        {"code": "south", "label": {"en": "South"}},
    ],
}
TIER = {
    "code": "tier",
    "type": "yes_no",
    "text": {"en": "Are you a premium customer?"},
    "segment_attribute": "premium",
    "purpose": "survey_research",
}
PAIRS = [
    {"row": "trust_brand", "column": "policy_reading"},
    {"row": "concern", "column": "age_band"},
]


def analysed_definition(analysis: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = demo_definition()
    doc.pop("slug", None)
    doc["sections"][-1]["questions"] += [dict(REGION), dict(TIER)]
    doc["analysis"] = {"crosstabs": PAIRS} if analysis is None else analysis
    return doc


def analysed_survey(org, analysis: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    version = definition_import(organization=org, document=analysed_definition(analysis))
    survey_publish(survey=version.survey)
    version.survey.refresh_from_db()
    return version.survey


def answers(**changes: Any) -> list[dict[str, Any]]:
    """COMFORT_ANSWERS (without free text) with some values changed or added."""
    out = [dict(a) for a in COMFORT_ANSWERS if a["question"] != "improve_text"]
    for a in out:
        if a["question"] in changes:
            a["value"] = changes.pop(a["question"])
    out += [{"question": q, "value": v} for q, v in changes.items() if v is not None]
    return out


def submit(survey, n: int, consent=None, **changes: Any) -> list:  # type: ignore[no-untyped-def]
    return [
        response_submit(survey=survey, answers=answers(**changes), consent=consent or CONSENT_BM)
        for _ in range(n)
    ]


def fill(survey) -> None:  # type: ignore[no-untyped-def]
    """12 north (10 trust 4 / always, 2 trust 2 / never), 5 south premium; aggregated."""
    submit(survey, 10, region="north", trust_brand=4, policy_reading="always")
    submit(survey, 2, region="north", trust_brand=2, policy_reading="never")
    submit(survey, 5, region="south", tier=True)
    aggregate_until_done()
