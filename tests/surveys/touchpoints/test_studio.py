"""The studio's follow-ups page: authors add one, upload codes, see the pool left."""

import pytest

from surveys.models import AuditEvent, FollowUp
from tests.fixtures import login_verified

from .helpers import touchpoint_quiz

pytestmark = pytest.mark.django_db


def test_an_author_adds_a_follow_up_uploads_codes_and_sees_the_pool(client, org, users):
    quiz = touchpoint_quiz(org)
    login_verified(client, users["author"])
    base = f"/studio/{org.slug}/follow-ups/"
    page = client.get(base)
    assert page.status_code == 200
    assert "No follow-ups yet" in page.content.decode()
    assert '<option value="personalised_offers"' in page.content.decode()

    bad = client.post(base, {"survey": quiz.pk, "name": "", "purpose": "survey_research"})
    assert bad.status_code == 400
    assert FollowUp.objects.count() == 0

    created = client.post(
        base,
        {
            "survey": quiz.pk,
            "name": "Pragmatist offer",
            "purpose": "personalised_offers",
            "condition": '{"question": "$outcome", "op": "eq", "value": 2}',
            "subject_en": "Your offer",
            "body_en": "Thanks!",
            "reward_kind": "code",
            "holdout_percent": "10",
            "active": "on",
        },
    )
    follow_up = FollowUp.objects.get()
    assert created.status_code == 302
    assert follow_up.condition == {"question": "$outcome", "op": "eq", "value": 2}
    assert follow_up.holdout_percent == 10

    detail = f"{base}{follow_up.pk}/"
    client.post(f"{detail}codes/", {"codes": "A1\nA2\nA2\nA3"})
    text = client.get(detail).content.decode()
    assert "3 of 3 codes left." in text
    listing = client.get(base).content.decode()
    assert "3 / 3" in listing
    assert AuditEvent.objects.filter(action="reward_codes.uploaded").get().data == {"added": 3}


def test_analysts_cannot_open_it(client, org, users):
    login_verified(client, users["analyst"])
    assert client.get(f"/studio/{org.slug}/follow-ups/").status_code in (403, 404)
