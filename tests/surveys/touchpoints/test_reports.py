"""Each person's quarterly privacy report: from the audit log and records, en and zh-Hant,
sent once a quarter, with working download, withdraw and delete links."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from surveys.consent.services.rights import consent_withdraw
from surveys.enums import PERSONALISED_OFFERS, PRIVACY_REPORT, AuditAction
from surveys.models import AuditEvent, ContactEmail, FollowUpDelivery, Respondent
from surveys.responses.services.write import response_submit
from surveys.services.audit import audit_log
from surveys.touchpoints import services
from surveys.touchpoints.reports import (
    Quarter,
    privacy_report,
    privacy_reports_send,
    respondent_audit,
)
from tests.factories import QUIZ_ANSWERS, OrganizationFactory

from .helpers import follow_up_data, touchpoint_quiz

pytestmark = pytest.mark.django_db

NEXT_QUARTER = timezone.now() + dt.timedelta(days=100)


@pytest.fixture
def respondent(django_capture_on_commit_callbacks):
    quiz = touchpoint_quiz(OrganizationFactory())
    follow_up = services.follow_up_save(survey=quiz, data=follow_up_data())
    services.reward_codes_upload(follow_up=follow_up, text="R1")
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(
            survey=quiz,
            answers=QUIZ_ANSWERS,
            consent={
                "notice_version": 1,
                "purposes": ["survey_research", PERSONALISED_OFFERS, PRIVACY_REPORT],
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_email_give(response=response, address="bo@example.org")
    # A research export of the survey after the response (as the exports service audits it).
    audit_log(
        organization=quiz.organization,
        action=AuditAction.EXPORT_CREATED,
        actor_label="export",
        data={"stage": "completed", "survey": quiz.pk, "format": "csv"},
    )
    mail.outbox.clear()
    return Respondent.objects.get(pk=response.respondent_id)


def quarter_now() -> Quarter:
    return Quarter.of(timezone.localdate())


def test_quarters():
    assert Quarter.of(dt.date(2026, 12, 3)).label == "2026-Q4"
    assert Quarter(year=2026, number=4).ends == dt.date(2027, 1, 1)
    assert Quarter(year=2026, number=1).ends == dt.date(2026, 4, 1)
    assert Quarter(year=2026, number=1).previous().label == "2025-Q4"


def test_the_report_matches_the_audit_log_and_records(respondent):
    quarter = quarter_now()
    report = privacy_report(respondent=respondent, quarter=quarter)
    start = dt.datetime.combine(quarter.starts, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(quarter.ends, dt.time(), tzinfo=dt.UTC)
    audit = list(respondent_audit(respondent, start, end).values_list("action", "created_at"))
    assert [(a["action"], a["at"]) for a in report.activity] == audit
    assert [a for a, _ in audit] == ["consent.given", "contact_email.given", "follow_up.sent"]
    assert sorted(u.what for u in report.uses) == ["aggregate", "export", "follow_up"]
    assert report.held["answers"] == sum(1 for _ in respondent.responses.get().answers.all())
    assert report.held["purposes"] == sorted(
        ["survey_research", PERSONALISED_OFFERS, PRIVACY_REPORT]
    )
    assert report.held["contact_email"]["purposes"] == sorted([PERSONALISED_OFFERS, PRIVACY_REPORT])
    assert {d["purpose"] for d in report.deletes_next} == set(report.held["purposes"])


def test_the_beat_sends_once_per_quarter_and_the_links_work(
    respondent, django_capture_on_commit_callbacks
):
    assert privacy_reports_send(now=NEXT_QUARTER) == 1
    assert privacy_reports_send(now=NEXT_QUARTER) == 0  # once a quarter
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bo@example.org"]
    assert f"for {quarter_now().label}" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = next(line for line in message.body.splitlines() if "/t/report/" in line).strip()
    path = link[link.index("/t/report/") :]

    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your privacy report" in text
    assert (
        "A follow-up was sent to you, because you agreed to “Send you offers that fit your result”."
        in text
    )
    assert "A research export of" in text
    chinese = client.get(path + "?lang=zh-hant", follow=True)
    assert chinese.status_code == 200
    assert '<html lang="zh-Hant">' in chinese.content.decode()
    assert "寄送符合您結果的優惠" in chinese.content.decode()
    # Lists and dated lines carry no English punctuation in Chinese.
    zh = chinese.content.decode()
    agreed = zh[zh.index("您同意") : zh.index("</p>", zh.index("您同意"))]
    assert "、" in agreed and ";" not in agreed and ", " not in agreed
    assert "</time>:" not in zh and "</time>:" not in text
    assert 'class="report-dated"' in zh

    data = client.get(path + "data.json")
    assert data.status_code == 200
    assert json.loads(data.content)["respondent_ref"] == respondent.respondent_ref
    assert client.get(path + "withdraw/").status_code == 200
    assert client.get(path + "delete/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path + "delete/")
    assert done.status_code == 302
    assert not Respondent.objects.filter(pk=respondent.pk).exists()
    assert not ContactEmail.objects.exists()
    # The delivery stays for the holdout comparison, anonymous, with its withdrawal time.
    delivery = FollowUpDelivery.objects.get()
    assert (delivery.respondent_key, delivery.response, delivery.reason) == (None, None, {})
    assert delivery.withdrawn_at is not None
    assert client.get(path).status_code == 404  # nothing held any more
    assert AuditEvent.objects.filter(action=AuditAction.PRIVACY_REPORT_SENT).count() == 1


def test_no_report_without_the_purpose(django_capture_on_commit_callbacks):
    quiz = touchpoint_quiz(OrganizationFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(
            survey=quiz,
            answers=QUIZ_ANSWERS,
            consent={"notice_version": 1, "purposes": ["survey_research"]},
        )
    assert privacy_reports_send(now=NEXT_QUARTER) == 0
    assert mail.outbox == []


def test_the_report_lists_systems_told_and_what_was_deleted(
    respondent, django_capture_on_commit_callbacks
):
    from surveys.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=respondent, purposes=[PERSONALISED_OFFERS])
    endpoint = WebhookEndpoint.objects.create(
        organization=respondent.organization,
        url="https://crm.example.org/hooks",
        recipient="Acme CRM",
        event_types=["consent.withdrawn"],
        secret="whsec_x",
    )
    event = WebhookEvent.objects.create(
        organization=respondent.organization,
        type="consent.withdrawn",
        payload={},
        respondent_ref=respondent.respondent_ref,
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        status="succeeded",
        next_attempt_at=timezone.now(),
        delivered_at=timezone.now(),
    )
    report = privacy_report(respondent=respondent, quarter=quarter_now())
    told = [u.detail for u in report.uses if u.what == "webhook"]
    assert "Acme CRM: consent.withdrawn" in told
    assert [(d["what"], d["purpose"]) for d in report.deleted] == [
        ("withdrawn", PERSONALISED_OFFERS)
    ]
    assert PERSONALISED_OFFERS not in report.held["purposes"]
    # The email stays for the report it was also given for.
    assert ContactEmail.objects.get(respondent=respondent).purposes == [PRIVACY_REPORT]
