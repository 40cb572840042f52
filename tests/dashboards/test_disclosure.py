"""The disclosure rule's parts (dashboards/services/disclosure.py) and the funnel example."""

import datetime as dt

import pytest

from dashboards.models import ResponseRollup, ScoreRollup, WithdrawalRollup
from dashboards.services import MetricFilter
from dashboards.services.disclosure import (
    WITHHELD,
    Figure,
    chain,
    derived,
    line,
    proportion,
    protect_line,
    shares,
    tally,
)
from dashboards.services.funnel import CONSENT_SOURCES
from tests.api.helpers import key_client
from tests.dashboards.helpers import analysed_survey

DAY = dt.date(2026, 10, 5)


def test_proportion_withholds_a_small_part_or_rest():
    assert proportion(1, 12, min_cell=10) == WITHHELD  # the part
    assert proportion(11, 12, min_cell=10) == WITHHELD  # the rest
    assert proportion(5, 9, min_cell=5) == WITHHELD  # the whole
    assert proportion(0, 12, min_cell=10) == Figure(n=12, value=0.0)  # nobody
    assert proportion(12, 12, min_cell=10) == Figure(n=12, value=1.0)  # everybody
    assert proportion(10, 30, min_cell=10) == Figure(n=30, value=10 / 30)


def test_protect_line_hides_until_the_hidden_sum_is_not_small():
    # 3 alone would be the total minus 40 and 12; the next smallest goes with it.
    assert protect_line([3, 12, 40], min_cell=10) == [True, True, False]
    # 3 and 4 together are 7: still small, so 40 goes too.
    assert protect_line([3, 4, 40], min_cell=10) == [True, True, True]
    assert protect_line([3, 9, 40], min_cell=10) == [True, True, False]  # 12 hidden
    # People in no part (the total is larger) already hide a lone part when not small.
    assert protect_line([3, 40], min_cell=10, total=55) == [True, False]
    assert protect_line([3, 40], min_cell=10, total=45) == [True, True]
    # A small rest with every part visible is withheld through a part.
    assert protect_line([20, 40], min_cell=10, total=63) == [True, False]
    assert protect_line([0, 20, 40], min_cell=10) == [False, False, False]


def test_line_and_shares():
    assert [f.n for f in line([0, 3, 12, 40], min_cell=10)] == [None, None, None, 40]
    assert [f.value for f in shares([10, 30], min_cell=10)] == [0.25, 0.75]
    assert shares([3, 30], min_cell=10) == [WITHHELD, WITHHELD]


def test_chain_and_derived():
    # shown 40 ⊇ consented 35 ⊇ completed 33 ⊇ withdrawn 0.
    assert chain([40, 35, 33, 0], min_cell=10) == [False, True, True, False]
    assert chain([40, 20, 20, 3], min_cell=10) == [False, False, False, True]
    assert chain([None, 20, 12, 0], min_cell=10) == [True, False, True, False]  # 20 − 12
    assert derived(0.5, Figure(n=10, value=1.0), WITHHELD) == WITHHELD
    assert derived(0.5, Figure(n=10, value=1.0), n=10) == Figure(n=10, value=0.5)


def rollups(survey, cells):
    """cells: (age band, held, withdrawn, flagged) → rollup rows of one day."""
    version = survey.live_version
    for age, held, gone, flagged in cells:
        dims = {
            "version": version,
            "day": DAY,
            "age_band": age,
            "locale": "en",
            "channel": "web",
            "flagged": flagged,
        }
        ResponseRollup.objects.create(**dims, n=held)
        if gone:
            WithdrawalRollup.objects.create(**dims, n=gone)
        ScoreRollup.objects.create(**dims, n=held, notice_opened=held)


@pytest.mark.django_db
def test_tally_withholds_complements_and_sums_across_segments(org):
    survey = analysed_survey(org)
    rollups(
        survey,
        [("a18_29", 30, 10, False), ("a30_44", 25, 0, False), ("a60", 11, 1, False)],
    )
    a60 = MetricFilter(survey=survey, segments={"age_band": "a60"})
    counts, bad = tally(a60, CONSENT_SOURCES)
    assert (counts["completed"], counts["withdrawn"], counts["stayed"]) == (12, 1, 11)
    assert bad == {"withdrawn"}
    # 30–44 withdrew nobody, 18–29 ten; withdrawn overall 11: 11 − 10 − 0 gives a60's 1 back,
    # so 18–29's withdrawn count goes with it (sums across the segment).
    young = MetricFilter(survey=survey, segments={"age_band": "a18_29"})
    assert "withdrawn" in tally(young, CONSENT_SOURCES)[1]
    # Quality flags are a constraint too: all responses minus clean ones.
    ResponseRollup.objects.create(
        version=survey.live_version,
        day=DAY,
        age_band="a30_44",
        locale="en",
        channel="web",
        flagged=True,
        n=2,
    )
    mid = MetricFilter(survey=survey, segments={"age_band": "a30_44"})
    assert "completed" in tally(mid, CONSENT_SOURCES)[1]
    assert "completed" in tally(MetricFilter(survey=survey), CONSENT_SOURCES)[1]


@pytest.mark.django_db
def test_the_funnel_example_returns_no_recoverable_count(org):
    """Issue 14: withdrawal_rate × completed gave the withheld withdrawn count back."""
    survey = analysed_survey(org)
    rollups(
        survey,
        [("a18_29", 40, 12, False), ("a30_44", 35, 10, False), ("a60", 11, 1, False)],
    )
    client = key_client(org, ["metrics:read"])
    url = f"/api/v1/metrics/surveys/{survey.pk}/funnel/"
    body = client.get(url, {"age_band": "a60"}).json()
    assert body["completed"]["n"] == 12
    assert body["withdrawn"]["suppressed"] is True
    assert body["withdrawal_rate"] == {
        "n": None,
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }
    # Nor from the unfiltered survey minus the other bands: 23 − 12 − 10 would be 1.
    total = client.get(url).json()
    others = [client.get(url, {"age_band": b}).json() for b in ("a18_29", "a30_44")]
    visible = [f["withdrawn"]["n"] for f in others if not f["withdrawn"]["suppressed"]]
    assert total["withdrawn"]["n"] == 23
    assert visible == [12]  # 30–44's 10 is withheld with a60's 1: together 11
    for f in [body, total, *others]:
        rate, done = f["withdrawal_rate"], f["completed"]["n"]
        if not rate["suppressed"]:
            derived_count = round(rate["value"] * done)
            assert derived_count == 0 or derived_count >= 10
