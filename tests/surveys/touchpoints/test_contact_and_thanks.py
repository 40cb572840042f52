"""The thank-you page, the contact email's lifetime, behaviour-event rules, signed links."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.consent.services.rights import consent_withdraw
from surveys.enums import PERSONALISED_OFFERS, PRIVACY_REPORT, FollowUpStatus
from surveys.models import AuditEvent, BehaviourEvent, ContactEmail, FollowUpDelivery
from surveys.responses.services.write import response_submit
from surveys.touchpoints import services
from surveys.touchpoints.views import thanks_context
from tests.factories import QUIZ_ANSWERS, OrganizationFactory

from .helpers import follow_up_data, touchpoint_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return touchpoint_quiz(OrganizationFactory())


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


def test_the_thank_you_page_shows_a_reward_at_once_and_asks_no_email(quiz, submit):
    follow_up = services.follow_up_save(survey=quiz, data=follow_up_data(body={}, subject={}))
    services.reward_codes_upload(follow_up=follow_up, text="SHOWN-1")
    response = submit(quiz, [PERSONALISED_OFFERS])
    ctx = thanks_context(response)
    assert ctx["ask_email"] is False
    assert [r["reward"].code for r in ctx["rewards"]] == ["SHOWN-1"]
    assert ctx["rewards"][0]["outcome"] == "Privacy pragmatist"
    assert thanks_context(response)["rewards"][0]["reward"].code == "SHOWN-1"  # a reload: same code


def test_a_survey_without_follow_ups_costs_the_thank_you_page_no_follow_up_query(quiz, submit):
    response = submit(quiz, [PERSONALISED_OFFERS])
    thanks_context(response)  # the first one learns (and caches) that there are none
    with CaptureQueriesContext(connection) as ctx:
        assert thanks_context(response)["rewards"] == []
    assert not any("surveys_followup" in q["sql"] for q in ctx.captured_queries)
    assert len(ctx.captured_queries) == 1  # the respondent's active purposes, read once
    # A follow-up saved afterwards counts at once (its save bumps the flow cache).
    follow_up = services.follow_up_save(survey=quiz, data=follow_up_data(body={}, subject={}))
    services.reward_codes_upload(follow_up=follow_up, text="LATE-1")
    assert [r["reward"].code for r in thanks_context(response)["rewards"]] == ["LATE-1"]


def test_a_held_out_respondent_gets_nothing_and_is_not_asked(quiz, submit):
    services.follow_up_save(survey=quiz, data=follow_up_data(holdout_percent=90))
    held = []
    for _ in range(12):
        response = submit(quiz, [PERSONALISED_OFFERS])
        delivery = FollowUpDelivery.objects.get(response=response)
        if delivery.group == "holdout":
            held.append(response)
            assert delivery.status == FollowUpStatus.HOLDOUT
            assert thanks_context(response)["ask_email"] is False
    assert held  # 90 %: at least one of twelve, all but surely


def test_the_privacy_report_purpose_alone_asks_for_the_email(quiz, submit):
    response = submit(quiz, [PRIVACY_REPORT])
    assert services.email_purposes(response=response) == [PRIVACY_REPORT]
    services.contact_email_give(response=response, address="cy@example.org")
    contact = ContactEmail.objects.get()
    assert contact.purposes == [PRIVACY_REPORT]
    assert mail.outbox == []  # nothing is sent until the quarter's report


def test_the_email_goes_with_its_last_purpose_and_with_its_retention(
    quiz, submit, django_capture_on_commit_callbacks
):
    services.follow_up_save(survey=quiz, data=follow_up_data())
    response = submit(quiz, [PERSONALISED_OFFERS, PRIVACY_REPORT])
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_email_give(response=response, address="di@example.org")
    assert sorted(ContactEmail.objects.get().purposes) == [PERSONALISED_OFFERS, PRIVACY_REPORT]
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=response.respondent, purposes=[PRIVACY_REPORT])
    assert ContactEmail.objects.get().purposes == [PERSONALISED_OFFERS]
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=response.respondent, purposes=[PERSONALISED_OFFERS])
    assert not ContactEmail.objects.exists()
    assert AuditEvent.objects.filter(action="contact_email.erased").get().data["reason"] == (
        "withdrawn"
    )

    other = submit(quiz, [PRIVACY_REPORT])
    services.contact_email_give(response=other, address="el@example.org")
    assert services.contact_emails_purge(now=timezone.now()) == 0
    assert services.contact_emails_purge(now=timezone.now() + dt.timedelta(days=366)) == 1
    assert not ContactEmail.objects.exists()


def test_a_waiting_message_is_not_sent_after_its_purpose_is_withdrawn(
    quiz, submit, django_capture_on_commit_callbacks
):
    services.follow_up_save(survey=quiz, data=follow_up_data())
    response = submit(quiz, [PERSONALISED_OFFERS, PRIVACY_REPORT])
    services.contact_email_give(response=response, address="fa@example.org")  # not yet sent
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=response.respondent, purposes=[PERSONALISED_OFFERS])
    assert services.deliveries_sweep() == 0
    assert mail.outbox == []


def test_the_sweep_sends_what_a_lost_dispatch_left_waiting(quiz, submit):
    services.follow_up_save(survey=quiz, data=follow_up_data(reward_kind="none"))
    response = submit(quiz, [PERSONALISED_OFFERS])
    services.contact_email_give(response=response, address="gu@example.org")  # no commit hook
    assert mail.outbox == []
    assert services.deliveries_sweep() == 1
    assert services.deliveries_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_rule_on_behaviour_events(quiz, submit):
    services.follow_up_save(
        survey=quiz,
        data=follow_up_data(
            condition={"question": "event:newsletter_opened", "op": "answered"}, body={}, subject={}
        ),
    )
    first = submit(quiz, [PERSONALISED_OFFERS])
    assert not FollowUpDelivery.objects.exists()
    BehaviourEvent.objects.create(
        organization=quiz.organization,
        respondent=first.respondent,
        kind="newsletter_opened",
        occurred_at=timezone.now(),
        source="api",
        idempotency_id="e1",
    )
    assert len(services.deliveries_prepare(response=first)) == 1


def test_a_signed_link_reward(quiz, submit):
    follow_up = services.follow_up_save(
        survey=quiz,
        data=follow_up_data(reward_kind="link", reward_link="https://shop.example/r", body={}),
    )
    response = submit(quiz, [PERSONALISED_OFFERS])
    delivery = FollowUpDelivery.objects.get(response=response)
    link = services.reward_link(delivery)
    mac = hmac.new(follow_up.secret.encode(), str(delivery.pk).encode(), hashlib.sha256)
    assert link == f"https://shop.example/r?tp={delivery.pk}.{mac.hexdigest()[:32]}"
    assert thanks_context(response)["rewards"][0]["reward"].link == link


def test_the_email_form_checks_its_token_and_the_address(quiz, submit, client):
    from django.core import signing

    from surveys.touchpoints.views import EMAIL_SALT

    services.follow_up_save(survey=quiz, data=follow_up_data())
    response = submit(quiz, [PERSONALISED_OFFERS])
    assert client.post("/t/email/", {"token": "forged", "email": "a@b.org"}).status_code == 404
    token = signing.dumps(str(response.pk), salt=EMAIL_SALT)
    bad = client.post("/t/email/", {"token": token, "email": "not an email"})
    assert bad.status_code == 400
    assert "Enter a valid email." in bad.content.decode()
    assert not ContactEmail.objects.exists()
    good = client.post("/t/email/", {"token": token, "email": "ok@example.org"})
    assert good.status_code == 200
    assert ContactEmail.objects.count() == 1


def test_a_subject_is_one_line(quiz):
    from trustpulse.validation import ServiceValidationError

    with pytest.raises(ServiceValidationError) as exc:
        services.follow_up_save(
            survey=quiz,
            data=follow_up_data(subject={"en": "Hi\nBcc: x@example.org", "zh-Hant": "您好"}),
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [("subject.en", "invalid")]


@pytest.mark.parametrize(
    ("locale", "titles"),
    [
        ("en", ["Send you offers that fit your result", "Send you a privacy report each quarter"]),
        ("zh-Hant", ["寄送符合您結果的優惠", "每季寄送隱私報告給您"]),
    ],
)
def test_the_email_ask_names_what_it_is_for_in_the_respondents_language(
    quiz, django_capture_on_commit_callbacks, locale, titles
):
    from django.template.loader import render_to_string
    from django.utils import translation

    services.follow_up_save(survey=quiz, data=follow_up_data())
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(
            survey=quiz,
            answers=QUIZ_ANSWERS,
            locale=locale,
            consent={
                "notice_version": 1,
                "purposes": ["survey_research", PERSONALISED_OFFERS, PRIVACY_REPORT],
            },
        )
    ctx = thanks_context(response)
    assert ctx["ask_email"] is True
    assert ctx["email_for"] == titles
    with translation.override(locale):
        html = render_to_string("touchpoints/_thanks.html", {"touchpoints": ctx})
    assert "".join(f"<li>{t}</li>" for t in titles) in html
    assert 'id="tp-email" class="input" name="email" type="email"' in html
    assert "personalised_offers" not in html
