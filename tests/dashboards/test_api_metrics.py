import pytest

from dashboards.services import aggregate_until_done
from surveys.accounts.services.accounts import api_key_create
from surveys.consent.services.rights import consent_withdraw
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, member, published_notice
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(org, survey):
    survey.consent_notice = published_notice(org).notice
    survey.save()
    consent = {"notice_version": 1, "purposes": ["survey_research", "behavioural_measurement"]}
    for i in range(12):
        answers = [
            dict(a, value="a18_29" if i < 10 else "a60") if a["question"] == "age_band" else a
            for a in COMFORT_ANSWERS
        ]
        response_submit(survey=survey, answers=answers, consent=consent)
    aggregate_until_done()
    return survey


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("analyst", 200), ("researcher", 200), ("author", 403)]
)
def test_roles(client, org, filled, role, status):
    login_verified(client, member(org, role))
    assert client.get(f"/api/v1/metrics/surveys/{filled.pk}/paradox/").status_code == status


def test_anonymous_and_other_org(client, filled, other_org):
    assert client.get(f"/api/v1/metrics/surveys/{filled.pk}/paradox/").status_code == 401
    login_verified(client, member(other_org, "analyst"))
    assert client.get(f"/api/v1/metrics/surveys/{filled.pk}/paradox/").status_code == 404


def test_paradox_by_age_band_is_suppressed_per_group(client, org, filled):
    login_verified(client, member(org, "analyst"))
    body = client.get(f"/api/v1/metrics/surveys/{filled.pk}/paradox/?by=age_band").json()
    groups = {g["key"]: g for g in body["groups"]}
    # 10 of 12 are 18–29: shown, the unfiltered 12 minus them would give the 2 aged 60+ away.
    assert groups["a18_29"]["respondents"]["suppressed"] is True
    assert groups["a18_29"]["gap"]["suppressed"] is True
    assert groups["a60"]["gap"] == {
        "n": None,
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }
    assert body["min_cell"] == 10


def test_distribution_never_free_text_and_bad_filters(client, org, filled):
    login_verified(client, member(org, "analyst"))
    url = f"/api/v1/metrics/surveys/{filled.pk}/questions/"
    body = client.get(url + "trust_brand/").json()
    assert body["total"]["n"] == 12
    assert body["buckets"] == [
        {
            "bucket": "n",
            "n": 12,
            "value": 12.0,
            "ci_low": None,
            "ci_high": None,
            "suppressed": False,
        }
    ]
    r = client.get(url + "improve_text/")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "question"
    r = client.get(url + "trust_brand/?from=yesterday&include_flagged=maybe")
    assert [e["field"] for e in r.json()["errors"]] == ["from", "include_flagged"]


def test_api_key_needs_metrics_scope(client, org, filled):
    _, with_scope = api_key_create(organization=org, name="bi", scopes=["metrics:read"])
    _, without = api_key_create(organization=org, name="kiosk", scopes=["responses:write"])
    url = f"/api/v1/metrics/surveys/{filled.pk}/paradox/"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {with_scope}").status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {without}").status_code == 403


def test_overview(client, org, filled):
    login_verified(client, member(org, "researcher"))
    body = client.get(f"/api/v1/metrics/surveys/{filled.pk}/overview/").json()
    assert body["responses"]["n"] == 12
    assert body["trust_index"]["value"] == pytest.approx(0.5)  # everyone answered 3 of 1..5
    # Nobody answered the three Privacy Actives items: not measured, not withheld.
    assert body["privacy_actives_share"] == {
        "n": None,
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": False,
    }
    assert body["westin"] == []


def test_opt_in_rates_follow_withdrawals(client, org, filled):
    from dashboards.services import rollups_rebuild
    from surveys.models import Respondent

    login_verified(client, member(org, "analyst"))
    url = f"/api/v1/metrics/surveys/{filled.pk}/overview/"
    opt_in = {o["purpose"]: o for o in client.get(url).json()["opt_in"]}
    assert (opt_in["behavioural_measurement"]["n"], opt_in["behavioural_measurement"]["value"]) == (
        12,
        1.0,
    )
    assert opt_in["marketing"]["value"] == 0.0
    consent_withdraw(respondent=Respondent.objects.first(), purposes=["behavioural_measurement"])
    rollups_rebuild(survey_id=filled.pk)  # what the respondent_erased receiver's task does
    opt_in = {o["purpose"]: o for o in client.get(url).json()["opt_in"]}
    # 11 of 12: the share × 12 would give back the one who withdrew.
    assert opt_in["behavioural_measurement"]["suppressed"] is True
