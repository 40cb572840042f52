"""The respondent flow's own session: a cookie that works in a cross-site frame.

(tests/browser/test_distribution.py consents and answers in a frame on
another site; these check the cookies themselves.)
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.fixtures import login_verified, respondent_session

pytestmark = pytest.mark.django_db

AGREE = {"purposes": ["survey_research"], "action": "agree"}


def landing(survey) -> str:
    return f"/s/{survey.slug}/"


def test_over_https_the_respondent_cookie_is_cross_site_and_partitioned(survey):
    client = Client()
    res = client.get(landing(survey), secure=True)
    assert res.status_code == 200
    header = res.cookies[settings.RESPONDENT_SESSION_COOKIE_NAME].output()
    assert "Secure" in header and "HttpOnly" in header
    assert "SameSite=None; Partitioned" in header
    assert settings.SESSION_COOKIE_NAME not in res.cookies  # no staff session here
    assert settings.CSRF_COOKIE_NAME not in res.cookies  # the CSRF secret is in the session


def test_over_plain_http_on_a_public_host_it_stays_lax(survey):
    res = Client().get(landing(survey))  # host "testserver", http
    header = res.cookies[settings.RESPONDENT_SESSION_COOKIE_NAME].output()
    assert "SameSite=None" not in header and "Secure" not in header


def test_loopback_hosts_count_as_secure(survey):
    res = Client().get(landing(survey), HTTP_HOST="127.0.0.1:8000")
    header = res.cookies[settings.RESPONDENT_SESSION_COOKIE_NAME].output()
    assert "SameSite=None; Partitioned" in header and "Secure" in header


def test_the_flow_state_lives_in_the_respondent_session_not_the_staff_one(survey, org, users):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, users["author"])
    staff_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = client.get(landing(survey), secure=True)
    token = page.context["csrf_token"]
    res = client.post(
        landing(survey),
        {**AGREE, "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_ORIGIN="https://testserver",  # what a browser sends from the frame
    )
    assert res.status_code == 302 and "/p/" in res["Location"]
    assert survey.slug in respondent_session(client)["trustpulse_flow"]
    # The member's studio session is untouched: still signed in, no flow in it.
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == staff_key
    assert "trustpulse_flow" not in client.session
    assert client.get(f"/studio/{org.slug}/", secure=True).status_code == 200


def test_a_post_without_the_sessions_csrf_token_is_refused(survey):
    client = Client(enforce_csrf_checks=True)
    client.get(landing(survey), secure=True)
    res = client.post(landing(survey), AGREE, secure=True, HTTP_ORIGIN="https://testserver")
    assert res.status_code == 403


def test_a_host_not_allowed_is_a_plain_400(survey):
    res = Client().get(landing(survey), HTTP_HOST="evil.example")
    assert res.status_code == 400
    assert settings.RESPONDENT_SESSION_COOKIE_NAME not in res.cookies
