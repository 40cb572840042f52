"""The metrics API's cross-tab, funnel, policy-reading, quiz-score and dimension endpoints."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.services import aggregate_until_done
from surveys.accounts.services.accounts import api_key_create
from surveys.responses.services.write import response_submit
from tests.dashboards.helpers import analysed_survey, fill
from tests.factories import CONSENT, QUIZ_ANSWERS, member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

HIDDEN = {"n": None, "value": None, "ci_low": None, "ci_high": None, "suppressed": True}


def shown(n):
    return {"n": n, "value": float(n), "ci_low": None, "ci_high": None, "suppressed": False}


@pytest.fixture
def filled(org):
    survey = analysed_survey(org)
    fill(survey)
    return survey


def endpoints(pk):
    base = f"/api/v1/metrics/surveys/{pk}/"
    return [
        base + "funnel/",
        base + "policy-reading/",
        base + "crosstab/?row=trust_brand&column=segment:region",
        base + "dimensions/",
    ]


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("analyst", 200), ("researcher", 200), ("author", 403)]
)
def test_roles(client, org, filled, role, status):
    login_verified(client, member(org, role))
    assert [client.get(u).status_code for u in endpoints(filled.pk)] == [status] * 4


def test_anonymous_other_org_and_api_keys(client, org, filled, other_org):
    urls = endpoints(filled.pk)
    assert [client.get(u).status_code for u in urls] == [401] * 4
    login_verified(client, member(other_org, "analyst"))
    assert [client.get(u).status_code for u in urls] == [404] * 4
    client.logout()
    _, key = api_key_create(organization=org, name="bi", scopes=["metrics:read"])
    _, other = api_key_create(organization=org, name="kiosk", scopes=["responses:write"])
    assert [client.get(u, HTTP_AUTHORIZATION=f"Bearer {key}").status_code for u in urls] == [
        200
    ] * 4
    assert client.get(urls[0], HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403


def test_crosstab_body(client, org, filled):
    login_verified(client, member(org, "analyst"))
    url = f"/api/v1/metrics/surveys/{filled.pk}/crosstab/"
    body = client.get(url, {"row": "trust_brand", "column": "policy_reading"}).json()
    assert body["rows"] == ["d", "n", "a"]
    assert body["columns"] == ["always", "sometimes", "never"]
    # The 10 who agree and always read, shown beside the total 17, gave the
    # other 7 away (17 − 10): the API now protects its table as the page does.
    assert body["cells"][2] == [HIDDEN, HIDDEN, HIDDEN]
    assert body["row_totals"] == [HIDDEN, HIDDEN, HIDDEN]
    assert (body["total"], body["min_cell"], body["excluded_flagged"]) == (shown(17), 10, 0)
    north = client.get(
        url, {"row": "trust_brand", "column": "segment:region", "attribute": "region:north"}
    ).json()
    # North's 12 beside the survey's 17 would give the 5 in the south away.
    assert (north["columns"], north["total"]) == (["north"], HIDDEN)


@pytest.mark.parametrize(
    "params, fields",
    [
        ({}, ["column", "row"]),
        ({"row": "trust_brand", "column": "age_band"}, ["column"]),
        ({"row": "improve_text", "column": "segment:locale"}, ["row"]),
        ({"row": "concern", "column": "segment:locale"}, ["row_item"]),
        ({"row": "nps", "column": "segment:locale", "attribute": "region"}, ["attribute"]),
        ({"row": "nps", "column": "segment:locale", "attribute": "shoe:42"}, ["attribute"]),
    ],
)
def test_crosstab_errors(client, org, filled, params, fields):
    login_verified(client, member(org, "analyst"))
    r = client.get(f"/api/v1/metrics/surveys/{filled.pk}/crosstab/", params)
    assert r.status_code == 400
    assert sorted(e["field"] for e in r.json()["errors"]) == fields


def test_funnel_policy_reading_and_dimensions(client, org, filled):
    login_verified(client, member(org, "analyst"))
    base = f"/api/v1/metrics/surveys/{filled.pk}/"
    funnel = client.get(base + "funnel/").json()
    assert funnel["consented"] == shown(17) and funnel["completed"] == shown(17)
    assert funnel["shown"] == HIDDEN  # headless submissions never show the notice
    assert funnel["withdrawn"] == shown(0)  # nobody: discloses no one
    assert funnel["withdrawal_rate"]["value"] == 0.0
    assert funnel["data_request_rate"]["value"] == 0.0
    reading = client.get(base + "policy-reading/").json()
    assert reading["stated_always_read"] == HIDDEN  # the 7 who do not say "always"
    assert reading["opened_notice"]["value"] == 0.0
    dims = client.get(base + "dimensions/").json()
    assert dims == {
        "segments": ["westin_segment", "age_band", "locale", "channel", "premium", "region"],
        "attributes": ["premium", "region"],
        "crosstabs": [
            {"row": "trust_brand", "column": "policy_reading"},
            {"row": "concern", "column": "age_band"},
        ],
        "paradox_thresholds": {"stated_min": 0.6, "enacted_max": 0.4},
    }
    by_region = client.get(base + "paradox/?by=region").json()
    # North's 12 of 17 would give south's 5 away.
    assert [(g["key"], g["respondents"]["n"]) for g in by_region["groups"]] == [
        ("north", None),
        ("south", None),
    ]
    assert client.get(base + "paradox/?by=planet").status_code == 400


def test_quiz_scores(client, org, quiz, survey):
    for _ in range(11):
        response_submit(survey=quiz, answers=QUIZ_ANSWERS, consent=CONSENT)
    aggregate_until_done()
    login_verified(client, member(org, "researcher"))
    body = client.get(f"/api/v1/metrics/surveys/{quiz.pk}/quiz-scores/").json()
    assert [(b["bucket"], b["n"]) for b in body["buckets"]] == [
        ("0", None),
        ("1", None),
        ("2", None),
        ("3", 11),
        ("4", None),
    ]
    r = client.get(f"/api/v1/metrics/surveys/{survey.pk}/quiz-scores/")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "survey"


def test_query_counts_do_not_grow_with_responses(client, org, filled):
    login_verified(client, member(org, "analyst"))
    urls = [
        *endpoints(filled.pk),
        f"/api/v1/metrics/surveys/{filled.pk}/crosstab/?row=trust_brand&column=policy_reading",
    ]

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for url in urls:  # warm the per-process caches (specs, version ids)
        client.get(url)
    before = [count(u) for u in urls]
    fill(filled)
    assert [count(u) for u in urls] == before
    assert max(before) <= 16
