"""Follow-ups under consent: who gets what, why, once; the email and its unsubscribe."""

import pytest
from django.core import mail
from django.test import Client

from surveys.enums import PERSONALISED_OFFERS, FollowUpStatus
from surveys.models import ConsentRecord, ContactEmail, FollowUpDelivery, RewardCode
from surveys.responses.services.write import response_submit
from surveys.touchpoints import services
from surveys.touchpoints.crypto import decrypt
from tests.factories import QUIZ_ANSWERS, OrganizationFactory

from .helpers import follow_up_data, touchpoint_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def run(survey, purposes):
        with django_capture_on_commit_callbacks(execute=True):
            return response_submit(
                survey=survey,
                answers=QUIZ_ANSWERS,
                consent={"notice_version": 1, "purposes": ["survey_research", *purposes]},
            )

    return run


@pytest.fixture
def quiz():
    return touchpoint_quiz(OrganizationFactory())


def test_a_granted_purpose_and_a_met_condition_wait_for_the_email_then_send(
    quiz, submit, django_capture_on_commit_callbacks
):
    follow_up = services.follow_up_save(survey=quiz, data=follow_up_data())
    services.reward_codes_upload(follow_up=follow_up, text="AAA\nBBB\nAAA\n\n")
    response = submit(quiz, [PERSONALISED_OFFERS])
    assert response.outcome_index == 1  # QUIZ_ANSWERS score 3 of 4: "Privacy pragmatist"
    delivery = FollowUpDelivery.objects.get(follow_up=follow_up, response=response)
    assert delivery.status == FollowUpStatus.AWAITING_EMAIL
    assert services.email_purposes(response=response) == [PERSONALISED_OFFERS]
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.contact_email_give(response=response, address="ann@example.org")

    contact = ContactEmail.objects.get(respondent=response.respondent)
    assert "ann@example.org" not in contact.ciphertext
    assert decrypt(contact.ciphertext) == "ann@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert message.subject == "Your pragmatist offer"
    assert "Your code: AAA" in message.body
    assert "you scored 3 of 4 (Privacy pragmatist)" in message.body
    assert "agreed to “Send you offers that fit your result”" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery.refresh_from_db()
    assert delivery.status == FollowUpStatus.SENT
    # Retries send nothing more and issue no other code.
    services.deliveries_prepare(response=response)
    services.deliveries_send(respondent_id=response.respondent_id)
    assert len(mail.outbox) == 1
    assert RewardCode.objects.filter(issued_at__isnull=False).count() == 1

    # One-click unsubscribe: a POST without CSRF token withdraws the purpose.
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    with django_capture_on_commit_callbacks(execute=True):
        page = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert page.status_code == 200
    record = ConsentRecord.objects.get(respondent=response.respondent)
    assert PERSONALISED_OFFERS in record.purposes_withdrawn
    assert not ContactEmail.objects.filter(respondent=response.respondent).exists()
    delivery.refresh_from_db()
    assert delivery.withdrawn_at is not None


def test_no_purpose_no_delivery_and_no_email_asked(quiz, submit):
    services.follow_up_save(survey=quiz, data=follow_up_data())
    response = submit(quiz, [])
    assert FollowUpDelivery.objects.count() == 0
    assert services.email_purposes(response=response) == []


def test_a_condition_that_fails_triggers_nothing(quiz, submit):
    services.follow_up_save(
        survey=quiz, data=follow_up_data(condition={"question": "$outcome", "op": "eq", "value": 1})
    )
    response = submit(quiz, [PERSONALISED_OFFERS])
    assert FollowUpDelivery.objects.count() == 0
    assert services.email_purposes(response=response) == []


def test_a_reward_without_message_is_shown_at_once_and_an_empty_pool_is_reported(quiz, submit):
    follow_up = services.follow_up_save(survey=quiz, data=follow_up_data(body={}, subject={}))
    services.reward_codes_upload(follow_up=follow_up, text="ONLY")
    first = submit(quiz, [PERSONALISED_OFFERS])
    second = submit(quiz, [PERSONALISED_OFFERS])
    d1 = FollowUpDelivery.objects.get(response=first)
    d2 = FollowUpDelivery.objects.get(response=second)
    assert (d1.status, d1.reward_code.code, d1.reward_unavailable) == ("shown", "ONLY", False)
    assert (d2.status, d2.reward_code, d2.reward_unavailable) == ("shown", None, True)
    assert services.email_purposes(response=first) == []


def test_the_author_is_told_what_is_wrong(quiz):
    from trustpulse.validation import ServiceValidationError

    with pytest.raises(ServiceValidationError) as exc:
        services.follow_up_save(
            survey=quiz,
            data=follow_up_data(
                name="", purpose="survey_research", condition={"question": "x", "op": "zz"}
            ),
        )
    assert [e.field for e in exc.value.errors] == ["name", "purpose", "condition.op"]


def _granted(quiz, submit):
    services.follow_up_save(survey=quiz, data=follow_up_data())
    response = submit(quiz, [PERSONALISED_OFFERS])
    services.contact_email_give(response=response, address="cy@example.org")
    return response


def test_opening_the_unsubscribe_link_only_asks_a_post_withdraws(quiz, submit):
    """RFC 8058: a GET (a link scanner, a prefetch) shows the confirmation only."""
    response = _granted(quiz, submit)
    token = services.deliveries.unsubscribe_token(
        respondent_id=response.respondent_id, purpose=PERSONALISED_OFFERS
    )
    url = f"/t/unsubscribe/{token}/"
    client = Client()
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200
        assert f'<form method="post" action="{url}">' in page.content.decode()
        assert "consent to “Send you offers that fit your result” from" in page.content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "寄送符合您結果的優惠" in chinese
    assert '<html lang="zh-Hant">' in chinese
    assert '<html lang="en">' in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "personalised_offers" not in chinese
    assert client.head(url).status_code in (200, 405)  # a link checker: nothing happens
    record = ConsentRecord.objects.get(respondent=response.respondent)
    assert record.purposes_withdrawn == {}
    assert ContactEmail.objects.filter(respondent=response.respondent).exists()
    assert client.put(url).status_code == 405
    assert ConsentRecord.objects.get(pk=record.pk).purposes_withdrawn == {}


def test_a_guessed_or_tampered_token_withdraws_nothing_and_tells_nothing(quiz, submit):
    import datetime as dt

    from surveys.touchpoints.reports import Quarter, report_token

    response = _granted(quiz, submit)
    good = services.deliveries.unsubscribe_token(
        respondent_id=response.respondent_id, purpose=PERSONALISED_OFFERS
    )
    payload, stamp, signature = good.split(":")
    forged = {
        "tampered signature": f"{payload}:{stamp}:{signature[:-2]}xx",
        "other purpose, old signature": good.replace(payload, payload[:-2] + "AA"),
        "guessed": "eyJyIjoiMSIsInAiOiJtYXJrZXRpbmcifQ:1a:b",
        "report token": report_token(
            respondent_id=response.respondent_id, quarter=Quarter.of(dt.date.today())
        ),
    }
    org = quiz.organization.name
    client = Client()
    for name, token in forged.items():
        for method in (client.get, client.post):
            page = method(f"/t/unsubscribe/{token}/")
            assert page.status_code == 404, name
            text = page.content.decode()
            assert "This link does not work" in text
            assert org not in text, name
    # Nor does an unsubscribe token open a report.
    page = client.get(f"/t/report/{good}/")
    assert page.status_code == 404
    assert org not in page.content.decode()
    record = ConsentRecord.objects.get(respondent=response.respondent)
    assert record.purposes_withdrawn == {}
    assert ContactEmail.objects.filter(respondent=response.respondent).exists()
