"""Test mode: responses through a survey's signed test link are marked test, count in no
rollup, counter or quota, and are deleted in one click."""

import pytest
from django.db.models import Sum

from dashboards.models import AnswerRollup, PurposeRollup, ResponseRollup, ResponseScore
from dashboards.services import aggregate_until_done
from surveys.authoring.services import builder as builder_services
from surveys.enums import AuditAction, ResponseStatus
from surveys.models import AuditEvent, ConsentCounter, ConsentRecord, Respondent, Response
from surveys.responses.selectors import availability
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

AGREE = {"action": "agree", "purposes": ["survey_research"]}
PAGES = [
    ("attitudes", {
        "shown": ["concern", "trust_brand"],
        "q-concern-worry": "4", "q-concern-control": "5",
        "q-concern-no_concern": "2", "q-concern-reads_terms": "2", "q-trust_brand": "3",
    }),
    ("habits", {"shown": ["policy_reading", "protective_actions"],
                "q-policy_reading": "sometimes", "q-protective_actions": ["ad_blocker"]}),
    ("recommend", {"shown": ["nps", "attention"], "q-nps": "9", "q-attention": "blue"}),
    ("about_you", {"shown": ["age_band", "shared_newsletter"], "q-age_band": "a30_44",
                   "q-shared_newsletter": "no"}),
]  # fmt: skip


def answer_through(client, survey, first_url):
    assert client.post(first_url, AGREE).status_code == 302
    for section, data in PAGES:
        response = client.post(f"/s/{survey.slug}/p/{section}/", data)
        assert response.status_code == 302, response.content.decode()[:500]
    return Response.objects.order_by("-started_at").first()


def counters():
    return ConsentCounter.objects.aggregate(
        shown=Sum("shown"), consented=Sum("consented"), declined=Sum("declined")
    )


def rollups():
    return (
        AnswerRollup.objects.count(),
        ResponseRollup.objects.aggregate(n=Sum("n"))["n"],
        PurposeRollup.objects.count(),
        ResponseScore.objects.count(),
    )


def test_a_test_link_marks_the_response_test_and_it_changes_no_rollup(client, survey):
    response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    aggregate_until_done()
    before, counted = rollups(), counters()
    token = builder_services.test_link_token(survey=survey)
    landing = client.get(f"/s/{survey.slug}/test/{token}/")
    assert landing["Location"] == f"/s/{survey.slug}/"
    page = client.get(f"/s/{survey.slug}/")
    assert "Test mode" in page.content.decode()
    response = answer_through(client, survey, f"/s/{survey.slug}/")
    assert response.status == ResponseStatus.COMPLETE
    assert response.is_test is True
    assert aggregate_until_done() == 0
    assert rollups() == before
    assert counters() == counted  # shown/consented counters untouched by a tester
    assert availability(survey).ok


def test_without_the_test_link_responses_are_real(client, survey):
    response = answer_through(client, survey, f"/s/{survey.slug}/")
    assert response.is_test is False
    assert aggregate_until_done() == 1


@pytest.mark.parametrize("mangle", ["tampered", "other-survey"])
def test_a_tampered_or_foreign_test_link_is_404_and_sets_nothing(client, org, survey, mangle):
    from tests.factories import live_survey

    if mangle == "tampered":
        token = builder_services.test_link_token(survey=survey)[:-2] + "xx"
    else:
        token = builder_services.test_link_token(survey=live_survey(org, slug="another"))
    assert client.get(f"/s/{survey.slug}/test/{token}/").status_code == 404
    response = answer_through(client, survey, f"/s/{survey.slug}/")
    assert response.is_test is False


def test_an_expired_test_link_is_refused(survey, monkeypatch):
    token = builder_services.test_link_token(survey=survey)
    assert builder_services.test_link_valid(survey=survey, token=token)
    monkeypatch.setattr("surveys.authoring.services.builder.TEST_LINK_MAX_AGE", -1)
    assert not builder_services.test_link_valid(survey=survey, token=token)


def test_test_responses_do_not_fill_the_quota(client, survey):
    survey.response_quota = 1
    survey.save()
    token = builder_services.test_link_token(survey=survey)
    client.get(f"/s/{survey.slug}/test/{token}/")
    answer_through(client, survey, f"/s/{survey.slug}/")
    assert availability(survey).ok


def test_delete_test_responses_in_one_click(client, org, survey, users):
    real = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    for _ in range(2):
        response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS, is_test=True)
    login_verified(client, users["author"])
    page = client.get(f"/studio/{org.slug}/surveys/{survey.pk}/test/")
    assert page.context["tests"] == 2
    assert f"/s/{survey.slug}/test/" in page.context["link"]
    response = client.post(f"/studio/{org.slug}/surveys/{survey.pk}/test/delete/", follow=True)
    assert "2 test responses deleted." in response.content.decode()
    assert list(Response.objects.values_list("pk", flat=True)) == [real.pk]
    assert list(Respondent.objects.values_list("pk", flat=True)) == [real.respondent_id]
    assert ConsentRecord.objects.count() == 1
    event = AuditEvent.objects.get(action=AuditAction.TEST_RESPONSES_DELETED)
    assert event.data == {"deleted": 2}
