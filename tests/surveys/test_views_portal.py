"""The thank-you page's privacy links, consent receipts and the respondent portal."""

import json
import logging
import re

import pytest
from django.test import Client

from surveys.consent.services.consent import consent_receipt_errors
from surveys.models import (
    Answer,
    AuditEvent,
    BehaviourEvent,
    ConsentRecord,
    Respondent,
    Response,
    Tombstone,
)
from surveys.tokens import token_hash

pytestmark = pytest.mark.django_db

ALL = ["survey_research", "behavioural_measurement", "marketing"]
PAGES = [
    (
        "attitudes",
        {
            "q-concern-worry": "4",
            "q-concern-control": "5",
            "q-concern-no_concern": "2",
            "q-concern-reads_terms": "2",
            "q-trust_brand": "3",
        },
    ),
    ("habits", {"q-policy_reading": "sometimes", "q-protective_actions": ["ad_blocker"]}),
    ("recommend", {"q-nps": "9", "q-attention": "blue"}),
    ("about_you", {"q-age_band": "a30_44", "q-shared_newsletter": "yes"}),
]


def url(survey, *parts: str) -> str:
    return "/".join([f"/s/{survey.slug}", *parts]) + "/"


def html(res) -> str:
    return res.content.decode()


def take_part(client: Client, survey, purposes=ALL, **headers) -> str:
    """Consent, answer every page, open the thank-you page; return its HTML."""
    client.get(url(survey, "notice"), **headers)
    res = client.post(url(survey), {"action": "agree", "purposes": purposes}, **headers)
    assert res.status_code == 302, html(res)
    for section, data in PAGES:
        res = client.post(url(survey, "p", section), data, **headers)
        assert res.status_code == 302, (section, html(res))
    assert res["Location"] == url(survey, "thanks")
    return html(client.get(url(survey, "thanks"), **headers))


def portal_token(thanks: str) -> str:
    return re.search(r'href="http://testserver/me/([\w-]+)/"', thanks).group(1)


@pytest.fixture
def token(client, survey) -> str:
    return portal_token(take_part(client, survey))


def actions(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- thanks ------------------------------------------------------------------------------


def test_thanks_shows_receipt_portal_and_withdraw_once(client, survey):
    body = take_part(client, survey)
    token = portal_token(body)
    record = ConsentRecord.objects.get()
    assert Respondent.objects.get().portal_token_hash == token_hash(token)
    assert f'<a href="/r/{token}/receipt/{record.receipt_id}/">view it</a>' in body
    assert f'<a href="/r/{token}/receipt/{record.receipt_id}.json">JSON' in body
    assert f'<a class="button button-danger" href="/me/{token}/withdraw/">' in body
    assert "Withdraw my consent" in body
    assert "It is shown only once, here." in body
    # A reload (or the next person on a shared device) no longer sees the link.
    again = html(client.get(url(survey, "thanks")))
    assert token not in again and "/me/" not in again


def test_a_resumed_response_gets_a_fresh_portal_link_on_thanks(client, survey):
    client.post(url(survey), {"action": "agree", "purposes": ["survey_research"]})
    client.post(url(survey, "p", "attitudes"), PAGES[0][1])
    resume = re.search(
        r'href="http://testserver(/s/[\w-]+/resume/[\w-]+/)"',
        html(client.get(url(survey, "p", "habits"))),
    ).group(1)
    other = Client()
    other.get(resume)
    for section, data in PAGES[1:]:
        other.post(url(survey, "p", section), data)
    token = portal_token(html(other.get(url(survey, "thanks"))))
    assert Respondent.objects.get().portal_token_hash == token_hash(token)
    assert other.get(f"/me/{token}/").status_code == 200


# --- receipts ------------------------------------------------------------------------------


def test_html_receipt(client, token):
    record = ConsentRecord.objects.get()
    res = client.get(f"/r/{token}/receipt/{record.receipt_id}/")
    body = html(res)
    assert res.status_code == 200
    assert res["Cache-Control"] == "no-store, private"
    assert res["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in body
    assert f"<code>{record.receipt_id}</code>" in body
    assert f'<code class="hash">{record.text_hash}</code>' in body
    assert "Your consent to Acme Privacy Co." in body
    assert "How comfortable are you sharing your data?" in body
    assert body.count('<strong class="nowrap">Agreed</strong>') == 3
    assert f"http://testserver/me/{token}/" in body
    assert "data-print hidden>Print</button>" in body


def test_receipt_and_portal_times_are_the_organizations(client, token):
    """Given on: in the organization's zone (Europe/Amsterdam), named, never bare UTC."""
    import datetime as dt

    record = ConsentRecord.objects.get()
    ConsentRecord.objects.filter(pk=record.pk).update(
        given_at=dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
    )
    body = html(client.get(f"/r/{token}/receipt/{record.receipt_id}/"))
    assert "Jan. 15, 2026, 10:30 a.m. CET (Europe/Amsterdam)" in body
    assert "(UTC)" not in body
    portal = html(client.get(f"/me/{token}/"))
    assert "Given on Jan. 15, 2026, 10:30 a.m. (Europe/Amsterdam)" in portal
    assert "(UTC)" not in portal


def test_json_receipt_validates_against_the_schema(client, token):
    record = ConsentRecord.objects.get()
    res = client.get(f"/r/{token}/receipt/{record.receipt_id}.json")
    assert res.status_code == 200
    assert res["Content-Type"] == "application/json"
    assert res["Cache-Control"] == "no-store, private"
    receipt = json.loads(res.content)
    assert consent_receipt_errors(receipt) == []
    assert receipt["consentReceiptID"] == str(record.receipt_id)
    assert receipt["piiPrincipalId"] == Respondent.objects.get().respondent_ref
    assert receipt["collectionMethod"] == "Web form"
    assert [p["purposeCategory"] for p in receipt["services"][0]["purposes"]] == [
        ["Research"],
        ["Research"],
        ["Marketing"],
    ]
    assert receipt["trustpulse"]["noticeTextSha256"] == record.text_hash


def test_receipts_need_the_respondents_own_token(client, survey, token):
    record = ConsentRecord.objects.get()
    other = portal_token(take_part(Client(), survey, ["survey_research"]))
    for suffix in ("/", ".json"):
        assert client.get(f"/r/not-a-token/receipt/{record.receipt_id}{suffix}").status_code == 404
        assert client.get(f"/r/{other}/receipt/{record.receipt_id}{suffix}").status_code == 404
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/r/{token}/receipt/{missing}/").status_code == 404
    assert "This link does not work" in html(client.get(f"/r/{other}/receipt/{record.receipt_id}/"))


# --- the portal ------------------------------------------------------------------------------


def test_portal_shows_everything_held(client, token, org):
    res = client.get(f"/me/{token}/")
    body = html(res)
    respondent = Respondent.objects.get()
    assert res.status_code == 200
    assert res["Cache-Control"] == "no-store, private"
    assert res["Referrer-Policy"] == "no-referrer"
    assert f"Your data at {org.name}" in body
    assert f"<code>{respondent.respondent_ref}</code>" in body
    # Answers with their question texts, purposes and deletion dates.
    assert "<dt>How often do you read a privacy policy before agreeing to it?</dt>" in body
    assert '<p class="answer-value">Sometimes</p>' in body
    assert "<li>I worry about what happens to my data online: Agree</li>" in body
    assert "For: Send you our privacy newsletter" in body
    submitted = Response.objects.get().submitted_at
    assert "deleted by " in body and str(submitted.year + 1) in body
    # Consents and behaviour.
    assert body.count('class="button button-small button-secondary"') == 2  # optional ones
    assert f'href="/me/{token}/withdraw/marketing/"' in body
    assert '<th scope="row">Opened the full privacy notice</th>' in body
    assert "You gave your consent" in body
    # No language form posting from a page with a token in its address.
    assert 'action="/i18n/setlang/"' not in body
    assert 'href="?lang=zh-hant"' in body
    assert actions("portal.viewed") == 1


def test_download_everything_as_json(client, token):
    res = client.get(f"/me/{token}/data.json")
    respondent = Respondent.objects.get()
    assert res.status_code == 200
    assert res["Content-Type"] == "application/json; charset=utf-8"
    assert res["Content-Disposition"] == (
        f'attachment; filename="trustpulse-{respondent.respondent_ref}.json"'
    )
    data = json.loads(res.content)
    assert set(data) == {
        "respondent_ref",
        "organization",
        "consents",
        "responses",
        "behaviour_events",
        "history",
    }
    assert data["respondent_ref"] == respondent.respondent_ref
    assert len(data["responses"][0]["answers"]) == Answer.objects.count() == 11
    assert {e["kind"] for e in data["behaviour_events"]} == {
        "notice_opened",
        "optional_purpose_granted",
        "optional_field_disclosed",
    }
    assert actions("data.downloaded") == 1


def test_withdraw_one_optional_purpose_erases_its_events(client, token):
    assert BehaviourEvent.objects.count() == 4
    answers = Answer.objects.count()
    res = client.get(f"/me/{token}/withdraw/behavioural_measurement/")
    body = html(res)
    assert res.status_code == 200
    assert res["Referrer-Policy"] == "strict-origin"
    assert "Withdraw consent to “Measure how people use privacy choices”?" in body
    assert BehaviourEvent.objects.count() == 4  # looking changes nothing
    res = client.post(f"/me/{token}/withdraw/behavioural_measurement/")
    assert res["Location"] == f"/me/{token}/?withdrawn=behavioural_measurement"
    assert BehaviourEvent.objects.count() == 0
    assert Answer.objects.count() == answers
    record = ConsentRecord.objects.get()
    assert list(record.purposes_withdrawn) == ["behavioural_measurement"]
    assert record.active_purposes == ["survey_research", "marketing"]
    assert actions("consent.withdrawn") == 1
    body = html(client.get(res["Location"]))
    assert "Done: you withdrew your consent to “Measure how people use privacy choices”" in body
    assert "You withdrew consent" in body  # in the history
    assert f'href="/me/{token}/withdraw/behavioural_measurement/"' not in body


def test_withdraw_marketing_erases_the_newsletter_answer(client, token):
    assert Answer.objects.filter(question_code="shared_newsletter").count() == 1
    client.post(f"/me/{token}/withdraw/marketing/")
    assert Answer.objects.filter(question_code="shared_newsletter").count() == 0
    assert Answer.objects.count() == 10


def test_double_withdrawal_of_a_purpose_says_so_and_changes_nothing(client, token):
    client.post(f"/me/{token}/withdraw/marketing/")
    audit = AuditEvent.objects.count()
    res = client.post(f"/me/{token}/withdraw/marketing/")
    body = html(res)
    assert res.status_code == 409
    assert "Nothing to withdraw" in body
    assert "You already withdrew consent to “Send you our privacy newsletter” on " in body
    assert AuditEvent.objects.count() == audit
    assert client.get(f"/me/{token}/withdraw/marketing/").status_code == 200


def test_withdrawing_a_required_purpose_goes_to_full_withdrawal(client, token):
    res = client.get(f"/me/{token}/withdraw/survey_research/")
    assert res["Location"] == f"/me/{token}/withdraw/"
    assert client.get(f"/me/{token}/withdraw/no_such_purpose/").status_code == 404
    assert Respondent.objects.count() == 1


def test_withdraw_everything_leaves_a_tombstone(client, token):
    respondent = Respondent.objects.get()
    receipt = str(ConsentRecord.objects.get().receipt_id)
    body = html(client.get(f"/me/{token}/withdraw/"))
    assert "Withdraw all your consent?" in body
    assert ">Yes, withdraw and erase</button>" in body
    res = client.post(f"/me/{token}/withdraw/")
    assert res["Location"] == f"/me/{token}/?done=withdrawn"
    assert (Respondent.objects.count(), Response.objects.count(), Answer.objects.count()) == (
        0,
        0,
        0,
    )
    assert BehaviourEvent.objects.count() == ConsentRecord.objects.count() == 0
    tomb = Tombstone.objects.get()
    assert (tomb.reason, tomb.receipt_ids) == ("withdrawn", [receipt])
    assert tomb.portal_token_hash == respondent.portal_token_hash == token_hash(token)
    body = html(client.get(res["Location"]))
    assert '<h1 class="title">Your answers have been erased</h1>' in body
    assert "Nothing is held about you any more." in body
    res = client.get(f"/me/{token}/")
    assert res.status_code == 200
    assert '<h1 class="title">Nothing is held about you</h1>' in html(res)
    assert f"<code>{receipt}</code>" in html(res)
    assert "You withdrew your consent on " in html(res)
    # The receipt now says the same; its JSON is gone.
    assert "Nothing is held about you" in html(client.get(f"/r/{token}/receipt/{receipt}/"))
    assert client.get(f"/r/{token}/receipt/{receipt}.json").status_code == 410


def test_double_full_withdrawal_is_a_clear_no_op(client, token):
    client.post(f"/me/{token}/withdraw/")
    audit = AuditEvent.objects.count()
    res = client.post(f"/me/{token}/withdraw/")
    assert res.status_code == 200
    assert "This was already done on " in html(res)
    assert Tombstone.objects.count() == 1 and AuditEvent.objects.count() == audit
    assert client.post(f"/me/{token}/delete/").status_code == 200
    assert Tombstone.objects.count() == 1


def test_delete_everything(client, token):
    assert "Delete everything held about you?" in html(client.get(f"/me/{token}/delete/"))
    assert Respondent.objects.count() == 1
    res = client.post(f"/me/{token}/delete/")
    assert res["Location"] == f"/me/{token}/?done=erased"
    assert Respondent.objects.count() == Answer.objects.count() == 0
    assert Tombstone.objects.get().reason == "erased"
    assert actions("data.deleted") == 1
    body = html(client.get(res["Location"]))
    assert '<h1 class="title">Everything has been deleted</h1>' in body
    assert "Nothing is held about you any more." in body


def test_forged_tokens_are_a_friendly_404_and_never_logged(client, token, caplog):
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with caplog.at_level(logging.DEBUG):
        for path in (
            f"/me/{forged}/",
            f"/me/{forged}/data.json",
            f"/me/{forged}/withdraw/",
            f"/me/{forged}/delete/",
            f"/me/{forged}/withdraw/marketing/",
        ):
            res = client.get(path)
            assert res.status_code == 404, path
            assert res["Cache-Control"] == "no-store, private"
        res = client.post(f"/me/{forged}/withdraw/")
        assert res.status_code == 404
    assert "This link does not work" in html(res)
    assert forged not in caplog.text and token not in caplog.text
    assert Respondent.objects.count() == 1 and Tombstone.objects.count() == 0
    assert client.get("/me/" + "x" * 300 + "/").status_code == 404


def test_language_links_switch_without_a_form(client, token, org):
    res = client.get(f"/me/{token}/?lang=zh-hant")
    assert res.status_code == 302
    assert res["Location"] == f"/me/{token}/"
    assert res.cookies["django_language"].value == "zh-hant"
    body = html(client.get(f"/me/{token}/"))
    assert '<html lang="zh-Hant">' in body
    assert f"您在 {org.name} 的資料" in body
    assert "用途：寄送我們的隱私電子報" in body


def test_portal_in_chinese_shows_chinese_answers(survey):
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-Hant"}
    client = Client()
    token = portal_token(take_part(client, survey, **zh))
    body = html(client.get(f"/me/{token}/", **zh))
    assert '<p class="answer-value">有時</p>' in body
    assert "撤回所有同意" in body and "下載我的所有資料" in body


def test_the_console_log_redacts_tokens_in_paths():
    from django.conf import settings

    from trustpulse.log_filters import RedactTokens

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["redact_tokens"]
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Forbidden (%s): %s",
        ("CSRF token missing.", "/me/SECRETtoken_1-2/withdraw/"),
        None,
    )
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == "Forbidden (CSRF token missing.): /me/[token]/withdraw/"
    record.msg, record.args = "GET /r/abc/receipt/x.json and /s/slug/resume/tok/", ()
    RedactTokens().filter(record)
    assert record.getMessage() == "GET /r/[token]/receipt/x.json and /s/slug/resume/[token]/"
