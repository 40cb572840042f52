"""Process health (/healthz), the backlog and its monitoring endpoint, the processing page."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from surveys.backlog import backlog
from surveys.models import Response, SubmissionInbox
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_200_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    res = client.get("/healthz")
    assert res.status_code == 200
    body = res.json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database"]
    assert body["checks"]["database"]["ok"] is True
    assert res["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_and_names_redis_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    res = client.get("/healthz")
    assert res.status_code == 503
    body = res.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


def test_in_production_healthz_answers_plain_http_and_the_rest_redirects(tmp_path):
    """Load balancers probe a web process directly, without X-Forwarded-Proto."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="trustpulse.settings.production",
        SECRET_KEY="s3cr3t-" * 10,
        ALLOWED_HOSTS="testserver",
        RESPONDENT_ID_HMAC_KEY="k",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    script = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "print(c.get('/healthz').status_code, c.get('/healthz/backlog').status_code, "
        "c.get('/healthz', HTTP_X_FORWARDED_PROTO='https').status_code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "301", "200"]


def _pending_row(survey, *, minutes_ago: int, attempts: int = 0) -> SubmissionInbox:
    return SubmissionInbox.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        version=survey.live_version,
        idempotency_key=f"k-{minutes_ago}-{attempts}",
        request_hash="0" * 64,
        respondent_ref=f"r{minutes_ago}",
        received_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        attempts=attempts,
    )


@pytest.fixture
def two_backlogs():
    mine, theirs = live_survey(OrganizationFactory()), live_survey(OrganizationFactory())
    _pending_row(mine, minutes_ago=5)
    _pending_row(mine, minutes_ago=2, attempts=1)
    _pending_row(theirs, minutes_ago=60)
    for survey in (mine, mine, mine, theirs):
        response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    Response.objects.update(
        aggregated_at=None, submitted_at=timezone.now() - dt.timedelta(minutes=3)
    )
    return mine, theirs


def test_backlog_counts_pending_rows_and_unaggregated_responses(two_backlogs):
    mine, _ = two_backlogs
    everyone = backlog()
    assert (everyone.inbox_pending, everyone.inbox_failed, everyone.unaggregated) == (3, 1, 4)
    assert 3599 <= everyone.inbox_oldest_age_s <= 3660
    assert 179 <= everyone.unaggregated_oldest_age_s <= 240
    only_mine = backlog(organization_ids=[mine.organization_id])
    assert (only_mine.inbox_pending, only_mine.inbox_failed, only_mine.unaggregated) == (2, 1, 3)
    assert 299 <= only_mine.inbox_oldest_age_s <= 360
    assert only_mine.empty is False


def test_an_empty_backlog_has_no_oldest_age(db):
    found = backlog()
    assert found.empty is True
    assert found.as_json()["inbox_oldest_age_s"] is None
    assert found.as_json()["unaggregated"] == 0


def test_backlog_endpoint_needs_the_monitoring_token_or_staff(client, settings, two_backlogs):
    settings.MONITORING_TOKEN = "s3cret-monitoring-token"
    assert client.get("/healthz/backlog").status_code == 403
    wrong = client.get("/healthz/backlog", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    assert wrong.json()["errors"][0]["code"] == "not_authenticated"
    res = client.get("/healthz/backlog", HTTP_AUTHORIZATION="Bearer s3cret-monitoring-token")
    assert res.status_code == 200
    body = res.json()
    assert (body["inbox_pending"], body["inbox_failed"], body["unaggregated"]) == (3, 1, 4)
    assert body["empty"] is False


def test_backlog_endpoint_refuses_any_bearer_when_no_token_is_set(client, settings):
    settings.MONITORING_TOKEN = ""
    assert client.get("/healthz/backlog", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_an_admin_sees_their_organizations_backlog_only(client, org, users, other_org):
    survey = live_survey(org)
    elsewhere = live_survey(other_org)
    _pending_row(survey, minutes_ago=4)
    _pending_row(elsewhere, minutes_ago=9)
    _pending_row(elsewhere, minutes_ago=8)
    login_verified(client, users["admin"])
    res = client.get(f"/studio/{org.slug}/settings/processing/")
    assert res.status_code == 200
    page = res.content.decode()
    assert 'API submissions to write out</th><td data-label="How many">1</td>' in page
    assert "All organizations (staff)" not in page
    settings_page = client.get(f"/studio/{org.slug}/settings/").content.decode()
    assert f'href="/studio/{org.slug}/settings/processing/"' in settings_page


def test_staff_also_see_the_platform_total(client, org, users, other_org):
    _pending_row(live_survey(org), minutes_ago=4)
    _pending_row(live_survey(other_org), minutes_ago=9)
    users["admin"].is_staff = True
    users["admin"].save(update_fields=["is_staff"])
    login_verified(client, users["admin"])
    page = client.get(f"/studio/{org.slug}/settings/processing/").content.decode()
    assert "All organizations (staff)" in page
    assert page.count('API submissions to write out</th><td data-label="How many">') == 2
    assert 'API submissions to write out</th><td data-label="How many">2</td>' in page


def test_an_analyst_cannot_open_the_processing_page(client, org, users):
    login_verified(client, users["analyst"])
    assert client.get(f"/studio/{org.slug}/settings/processing/").status_code in (403, 404)
