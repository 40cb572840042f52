"""Email invitations: addresses kept only until sent, unsubscribe, reminders to non-responders."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from surveys.distribution.services.invitations import (
    email_hmac,
    invitation_addresses_parse,
    invitation_batch_create,
    invitation_remind,
)
from surveys.models import (
    AuditEvent,
    EmailSuppression,
    InvitationBatch,
    InvitationRecipient,
    Response,
)
from surveys.responses.services.respondents import respondent_create
from tests.fixtures import login_verified
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db

ADDRESSES = ["ana@example.org", "ben@example.org", "cy@example.org"]


def send(survey, addresses=ADDRESSES):
    return invitation_batch_create(
        survey=survey, addresses=addresses, subject="Tell us about trust"
    )


@pytest.fixture
def sent(survey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = send(survey)
    return batch


def link_in(message, path):
    found = re.search(r"http://testserver(" + path + r"[^\s]*)", message.body)
    assert found, message.body
    return found.group(1)


def test_each_address_gets_one_email_and_is_deleted_once_sent(survey, sent):
    assert sorted(m.to[0] for m in mail.outbox) == ADDRESSES
    message = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert message.subject == "Tell us about trust"
    assert f"http://testserver/s/{survey.slug}/?channel=email&inv=" in message.body
    assert "http://testserver/u/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/u/")
    rows = list(InvitationRecipient.objects.values_list("email", "email_hmac"))
    assert [email for email, _ in rows] == ["", "", ""]
    assert sorted(h for _, h in rows) == sorted(email_hmac(a) for a in ADDRESSES)
    assert all(r.sent_at is not None for r in InvitationRecipient.objects.all())
    event = AuditEvent.objects.get(action="invitations.sent")
    assert event.data == {"survey": survey.pk, "recipients": 3, "reminder": False}
    # No address in the audit log.
    assert "example.org" not in str(event.data)


def test_sending_again_sends_nothing_twice(survey, sent):
    from surveys.distribution.services.invitations import invitations_send

    assert invitations_send(batch_id=sent.pk) == 0
    assert len(mail.outbox) == 3


def test_a_response_through_the_invitation_counts_as_responded(client, survey, sent):
    message = next(m for m in mail.outbox if m.to == ["ben@example.org"])
    client.get(link_in(message, f"/s/{survey.slug}/"))
    client.post(f"/s/{survey.slug}/", {"action": "agree", "purposes": ["survey_research"]})
    response = Response.objects.get()
    assert response.channel == "email"
    ben = InvitationRecipient.objects.get(email_hmac=email_hmac("ben@example.org"))
    assert ben.response == response


def test_reminders_go_only_to_people_who_have_not_responded(
    client, survey, sent, django_capture_on_commit_callbacks
):
    # Ben responds completely.
    ben = InvitationRecipient.objects.get(email_hmac=email_hmac("ben@example.org"))
    response = Response.objects.create(
        respondent=respondent_create(organization=survey.organization),
        survey=survey,
        version=survey.live_version,
        status="complete",
        submitted_at=ben.sent_at,
    )
    InvitationRecipient.objects.filter(pk=ben.pk).update(response=response)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = invitation_remind(batch=sent, addresses=ADDRESSES + ["stranger@example.org"])
    assert count == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "cy@example.org"]
    assert all(m.subject == "Reminder: Tell us about trust" for m in mail.outbox)
    assert list(InvitationRecipient.objects.exclude(email="")) == []
    assert InvitationRecipient.objects.filter(reminded_at__isnull=False).count() == 2


def test_unsubscribe_stops_invitations_and_reminders(
    client, survey, sent, django_capture_on_commit_callbacks
):
    message = next(m for m in mail.outbox if m.to == ["cy@example.org"])
    url = link_in(message, "/u/")
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop survey invitations from" in page.content.decode()
    assert EmailSuppression.objects.count() == 0  # a GET changes nothing
    done = client.post(url)
    assert "You are unsubscribed" in done.content.decode()
    assert list(EmailSuppression.objects.values_list("email_hmac", flat=True)) == [
        email_hmac("cy@example.org")
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_remind(batch=sent, addresses=ADDRESSES) == 2
        send(survey, addresses=["CY@example.org", "dee@example.org"])
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
        "dee@example.org",
    ]
    skipped = InvitationRecipient.objects.get(
        batch__subject="Tell us about trust", skipped="unsubscribed"
    )
    assert skipped.email == ""


def test_a_forged_unsubscribe_token_is_refused(client, sent):
    assert client.get("/u/not-a-token/").status_code == 404
    assert client.post("/u/not-a-token/").status_code == 404
    assert EmailSuppression.objects.count() == 0


def test_invitations_need_a_live_survey_and_valid_input(org, django_capture_on_commit_callbacks):
    from tests.factories import live_survey

    survey = live_survey(org)
    survey.status = "closed"
    survey.save()
    with pytest.raises(ServiceValidationError) as exc:
        invitation_batch_create(survey=survey, addresses=["nope"], subject="")
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("survey", "not_live"),
        ("subject", "required"),
        ("addresses[0]", "invalid"),
    ]
    assert InvitationBatch.objects.count() == 0


def test_csv_rows_are_checked_with_their_row_numbers():
    parsed = invitation_addresses_parse(
        b"name,email\nAna,ana@example.org\nBen,not-an-address\nAna again,ANA@example.org\n,\n"
    )
    assert parsed.addresses == ["ana@example.org"]
    assert [(e.field, e.message) for e in parsed.errors] == [
        ("file.rows[3].email", "Row 3: not an email address.")
    ]
    plain = invitation_addresses_parse(b"x@example.org\ny@example.org\n")
    assert (plain.addresses, plain.errors) == (["x@example.org", "y@example.org"], [])
    assert invitation_addresses_parse(b"\xff\xfe").errors[0].code == "encoding"
    assert invitation_addresses_parse(b"").errors[0].code == "empty"


def test_the_studio_page_uploads_a_csv_and_shows_counts(
    client, org, survey, users, django_capture_on_commit_callbacks
):
    login_verified(client, users["author"])
    url = f"/studio/{org.slug}/distribute/{survey.pk}/invitations/"
    bad = client.post(
        url,
        {"subject": "Hi", "file": SimpleUploadedFile("a.csv", b"email\nok@example.org\nbroken\n")},
    )
    assert bad.status_code == 400
    assert "Row 3: not an email address." in bad.content.decode()
    assert InvitationBatch.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(
            url,
            {
                "subject": "Hi",
                "message": "Five minutes.",
                "file": SimpleUploadedFile("a.csv", b"email\nok@example.org\nalso@example.org\n"),
            },
        )
    assert res.status_code == 302
    assert len(mail.outbox) == 2
    assert "Five minutes." in mail.outbox[0].body
    page = client.get(url)
    batch = page.context["batches"].object_list[0]
    assert (batch.invited, batch.sent, batch.waiting, batch.responded) == (2, 2, 0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        remind = client.post(
            f"{url}{batch.pk}/remind/",
            {"file": SimpleUploadedFile("a.csv", b"email\nok@example.org\n")},
        )
    assert remind.status_code == 302
    assert mail.outbox[-1].to == ["ok@example.org"]
    assert mail.outbox[-1].subject == "Reminder: Hi"


def test_the_sweep_sends_what_a_lost_task_left_waiting(survey):
    from surveys.tasks import invitations_sweep

    # Created without running the after-commit task (as if the broker were down).
    batch = send(survey, addresses=["late@example.org"])
    assert InvitationRecipient.objects.get(batch=batch).email == "late@example.org"
    assert mail.outbox == []
    assert invitations_sweep() == 1
    assert [m.to for m in mail.outbox] == [["late@example.org"]]
    assert InvitationRecipient.objects.get(batch=batch).email == ""
    assert invitations_sweep() == 0


def test_batches_are_paginated(client, org, survey, users):
    login_verified(client, users["author"])
    for i in range(27):
        send(survey, addresses=[f"p{i}@example.org"])
    url = f"/studio/{org.slug}/distribute/{survey.pk}/invitations/"
    first = client.get(url)
    assert len(first.context["batches"].object_list) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(url + "?page=2")
    assert len(second.context["batches"].object_list) == 2


def test_a_survey_in_chinese_invites_and_reminds_in_chinese(
    survey, django_capture_on_commit_callbacks
):
    survey.default_locale = "zh-Hant"
    survey.save(update_fields=["default_locale"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = send(survey, ["ana@example.org"])
    body = mail.outbox[0].body
    assert f"Acme 邀請您參與「{survey.title['zh-Hant']}」。" in body.replace(
        survey.organization.name, "Acme"
    )
    assert "從這裡開始：" in body and "invites you" not in body
    with django_capture_on_commit_callbacks(execute=True):
        invitation_remind(batch=batch, addresses=["ana@example.org"])
    assert mail.outbox[-1].subject == "提醒：Tell us about trust"
