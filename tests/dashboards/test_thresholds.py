"""Paradox thresholds declared per survey (definition "analysis.paradox")."""

from decimal import Decimal

import pytest

from dashboards.scoring import (
    DEFAULT_THRESHOLDS,
    ParadoxThresholds,
    RespondentScores,
    paradox_thresholds,
)
from dashboards.selectors.filters import MetricFilter
from dashboards.selectors.paradox import paradox
from dashboards.services import aggregate_until_done, rollups_rebuild, scores_refresh
from surveys.definition import definition_errors
from surveys.responses.services.events import events_ingest
from surveys.selectors import definition_export, version_spec
from tests.dashboards.helpers import analysed_definition, analysed_survey, submit

pytestmark = pytest.mark.django_db
AT = "2026-11-20T12:00:00+00:00"


def share(survey):
    return paradox(MetricFilter(survey=survey)).groups[0].paradoxical_share.value


def protect(org, responses):
    """Three protective events each: enacted (0 + 0 + 1 + 1 + 1) / 5 = 0.6."""
    events_ingest(
        organization=org,
        events=[
            {
                "id": f"{kind}-{r.pk}",
                "kind": kind,
                "value": True,
                "occurred_at": AT,
                "respondent_ref": r.respondent.respondent_ref,
            }
            for r in responses
            for kind in ("notice_opened", "marketing_opt_out", "ad_blocker_detected")
        ],
    )
    return scores_refresh(respondent_ids=[r.respondent_id for r in responses])


def test_defaults_and_declared_thresholds_decide_who_is_paradoxical(org):
    default = analysed_survey(org)
    lenient = analysed_survey(org, {"paradox": {"stated_min": 0.5, "enacted_max": 0.5}})
    assert paradox_thresholds(version_spec(default.live_version)) == DEFAULT_THRESHOLDS
    assert paradox_thresholds(version_spec(lenient.live_version)) == ParadoxThresholds(
        stated_min=Decimal("0.5"), enacted_max=Decimal("0.5")
    )
    assert definition_export(version=lenient.live_version)["analysis"] == {
        "paradox": {"stated_min": 0.5, "enacted_max": 0.5}
    }
    mine = {s.pk: submit(s, 12) for s in (default, lenient)}
    aggregate_until_done()
    # Stated 0.569444, enacted 0: paradoxical only when stated_min ≤ 0.569444.
    assert (share(default), share(lenient)) == (0.0, 1.0)
    # Events raise enacted to 0.6, above the lenient enacted_max of 0.5.
    assert protect(org, mine[lenient.pk]) == 12
    assert share(lenient) == 0.0
    rollups_rebuild(survey_id=lenient.pk)
    assert share(lenient) == 0.0


def test_scores_at_the_threshold_count():
    at = ParadoxThresholds(stated_min=Decimal("0.7"), enacted_max=Decimal("0.2"))
    assert RespondentScores(stated=Decimal("0.7"), enacted=Decimal("0.2")).is_paradoxical(at)
    assert not RespondentScores(stated=Decimal("0.699999"), enacted=Decimal("0")).is_paradoxical(at)
    assert RespondentScores(stated=Decimal("0.6"), enacted=Decimal("0.4")).paradoxical


@pytest.mark.parametrize(
    "paradox_block, error",
    [
        ({"stated_min": 1.5}, ("analysis.paradox.stated_min", "out_of_range")),
        ({"enacted_max": -0.1}, ("analysis.paradox.enacted_max", "out_of_range")),
        ({"stated_min": "high"}, ("analysis.paradox.stated_min", "invalid_type")),
        ({"gap": 0.2}, ("analysis.paradox.gap", "unknown_field")),
    ],
)
def test_thresholds_are_validated(paradox_block, error):
    doc = analysed_definition({"paradox": paradox_block})
    assert [(e.field, e.code) for e in definition_errors(doc)] == [error]
