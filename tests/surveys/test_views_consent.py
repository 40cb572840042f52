"""The consent step at /s/<slug>/: the layered notice, agree, decline, behaviour."""

import re

import pytest
from django.test import Client

from surveys.consent.services.consent import notice_text_hash
from surveys.models import (
    AuditEvent,
    BehaviourEvent,
    ConsentCounter,
    ConsentRecord,
    Respondent,
    Response,
)
from surveys.tokens import token_hash
from tests.factories import published_notice
from tests.fixtures import respondent_session

pytestmark = pytest.mark.django_db

ALL = ["survey_research", "behavioural_measurement", "marketing"]


def url(survey, *parts: str) -> str:
    return "/".join([f"/s/{survey.slug}", *parts]) + "/"


def html(res) -> str:
    return res.content.decode()


def counter(org) -> tuple[int, int, int]:
    c = ConsentCounter.objects.filter(notice_version=published_notice(org)).first()
    return (c.shown, c.declined, c.consented) if c else (0, 0, 0)


def rows() -> dict[str, int]:
    """How many rows about people exist (declining must add none)."""
    return {
        "respondents": Respondent.objects.count(),
        "responses": Response.objects.count(),
        "consents": ConsentRecord.objects.count(),
        "events": BehaviourEvent.objects.count(),
        "audit": AuditEvent.objects.filter(action__startswith="consent").count(),
    }


def events() -> list[tuple[str, object]]:
    return sorted(
        (e.kind, e.value)
        for e in BehaviourEvent.objects.all()
        if e.kind != "optional_field_disclosed"
    )


# --- the screen ------------------------------------------------------------------------


def test_consent_screen_shows_the_privacy_label_and_optional_purposes_unticked(client, survey):
    res = client.get(url(survey))
    body = html(res)
    assert res.status_code == 200
    assert '<h2 class="label-title" id="label-title">Your privacy at a glance</h2>' in body
    assert body.count('<svg class="icon"') >= 5  # inline icons, no external assets
    assert "Survey answers, language, time of response, interaction events, newsletter" in body
    assert "90 days to 1 year after you finish, then deleted" in body
    assert "Acme Privacy Co.; for some purposes also Acme mailing provider" in body
    assert '<td data-label="Kept for" class="nowrap">180 days</td>' in body
    assert '<td data-label="Shared with">Acme mailing provider</td>' in body
    assert f'<a class="notice-link" href="{url(survey, "notice")}" data-notice-link>' in body
    # Required: one checkbox, clearly labelled; optional ones start unticked.
    assert (
        '<input type="checkbox" id="purpose-survey_research" name="purposes" '
        'value="survey_research" aria-describedby="purpose-survey_research-desc">'
    ) in body
    for purpose in ("behavioural_measurement", "marketing"):
        tag = re.search(rf'<input type="checkbox" id="purpose-{purpose}"[^>]*>', body).group(0)
        assert " checked" not in tag
    assert body.count(" checked") == 0
    assert '<legend class="purposes-legend">Needed to take part</legend>' in body
    assert '<legend class="purposes-legend">Optional: your choice</legend>' in body
    assert '<input type="hidden" name="notice_dwell_ms" value="">' in body


def test_shown_is_counted_once_per_session_and_notice_version(client, survey, org):
    client.get(url(survey))
    client.get(url(survey))
    client.get(url(survey, "notice"))
    assert counter(org) == (1, 0, 0)
    Client().get(url(survey))
    assert counter(org) == (2, 0, 0)
    assert rows() == {"respondents": 0, "responses": 0, "consents": 0, "events": 0, "audit": 0}


def test_no_thanks_stores_nothing_about_the_person_only_the_counter(client, survey, org):
    client.get(url(survey))
    before = rows()
    res = client.post(url(survey), {"action": "decline", "purposes": ALL})
    assert res.status_code == 302
    assert res["Location"] == url(survey, "declined")
    assert (
        rows()
        == before
        == {
            "respondents": 0,
            "responses": 0,
            "consents": 0,
            "events": 0,
            "audit": 0,
        }
    )
    assert counter(org) == (1, 1, 0)
    body = html(client.get(res["Location"]))
    assert "No problem, thank you for considering it" in body
    assert "nothing about you was stored" in body
    # Declining again in the same session is not counted twice.
    client.post(url(survey), {"action": "decline"})
    assert counter(org) == (1, 1, 0)


def test_required_purpose_must_be_ticked(client, survey, org):
    res = client.post(url(survey), {"action": "agree", "purposes": ["behavioural_measurement"]})
    body = html(res)
    assert res.status_code == 200
    assert "<title>Error: How comfortable are you sharing your data?</title>" in body
    assert "Tick “Understand what customers think about privacy” to take part" in body
    # What was ticked stays ticked.
    assert re.search(r'id="purpose-behavioural_measurement"[^>]* checked', body)
    assert rows()["consents"] == 0 and Response.objects.count() == 0
    assert counter(org) == (1, 0, 0)


def test_unknown_purposes_are_refused_and_nothing_is_written(client, survey, org):
    res = client.post(url(survey), {"action": "agree", "purposes": ["survey_research", "sell_it"]})
    body = html(res)
    assert res.status_code == 200
    assert "Some of the choices sent were not on this page. Please tick your choices again." in body
    assert rows() == {"respondents": 0, "responses": 0, "consents": 0, "events": 0, "audit": 0}
    assert counter(org) == (1, 0, 0)


# --- agreeing ---------------------------------------------------------------------------


def test_agree_records_the_consent_with_the_hash_of_the_text_shown(client, survey, org):
    client.get(url(survey))
    res = client.post(
        url(survey), {"action": "agree", "purposes": ["marketing", "survey_research"]}
    )
    assert res["Location"] == url(survey, "p", "attitudes")
    record = ConsentRecord.objects.get()
    version = published_notice(org)
    assert record.text_hash == notice_text_hash(version, "en")
    assert len(record.text_hash) == 64
    assert record.purposes_granted == ["survey_research", "marketing"]
    assert (record.collection_method, record.locale) == ("web_form", "en")
    assert record.response == Response.objects.get()
    assert counter(org) == (1, 0, 1)
    assert AuditEvent.objects.filter(action="consent.given").count() == 1
    # The portal token lives in the session only; the database has its hash.
    portal = respondent_session(client)["trustpulse_flow"][survey.slug]["portal"]
    assert len(portal) == 32
    assert Respondent.objects.get().portal_token_hash == token_hash(portal)
    # Without behavioural_measurement nothing about the consent step is recorded.
    assert BehaviourEvent.objects.count() == 0


def test_the_hash_is_of_the_text_in_the_respondents_language(client, survey, org):
    client.post(
        url(survey),
        {"action": "agree", "purposes": ["survey_research"]},
        HTTP_ACCEPT_LANGUAGE="zh-Hant",
    )
    record = ConsentRecord.objects.get()
    version = published_notice(org)
    assert record.locale == "zh-Hant"
    assert record.text_hash == notice_text_hash(version, "zh-Hant")
    assert record.text_hash != notice_text_hash(version, "en")


def test_notice_opened_is_false_without_visiting_the_full_notice(client, survey):
    client.get(url(survey))
    client.post(url(survey), {"action": "agree", "purposes": ALL})
    assert events() == [
        ("notice_opened", False),
        ("optional_purpose_granted", "behavioural_measurement"),
        ("optional_purpose_granted", "marketing"),
        ("terms_accepted_unread", True),
    ]


def test_notice_opened_is_true_after_visiting_the_full_notice_url(client, survey):
    client.get(url(survey))
    res = client.get(url(survey, "notice"))
    body = html(res)
    assert res.status_code == 200
    assert '<h1 class="title">How Acme Privacy Co. uses your answers</h1>' in body
    assert "Keizersgracht 1, 1015 CC Amsterdam, Netherlands" in body
    assert "<dt>Legal basis</dt><dd>Your consent</dd>" in body
    assert notice_text_hash(published_notice(survey.organization), "en") in body
    assert f'href="{url(survey)}#choices"' in body
    client.post(
        url(survey), {"action": "agree", "purposes": ["survey_research", "behavioural_measurement"]}
    )
    assert events() == [
        ("notice_opened", True),
        ("optional_purpose_granted", "behavioural_measurement"),
    ]


def test_opening_the_notice_is_not_recorded_without_behavioural_measurement(client, survey):
    client.get(url(survey, "notice"))
    client.post(
        url(survey),
        {
            "action": "agree",
            "purposes": ["survey_research", "marketing"],
            "notice_opened_inline": "1",
            "notice_dwell_ms": "8000",
        },
    )
    assert ConsentRecord.objects.get().purposes_granted == ["survey_research", "marketing"]
    assert BehaviourEvent.objects.count() == 0


def test_inline_notice_and_dwell_time_from_the_script(client, survey):
    client.get(url(survey))
    client.post(
        url(survey),
        {
            "action": "agree",
            "purposes": ["survey_research", "behavioural_measurement"],
            "notice_opened_inline": "1",
            "notice_dwell_ms": "5400",
        },
    )
    assert events() == [
        ("notice_dwell_ms", 5400),
        ("notice_opened", True),
        ("optional_purpose_granted", "behavioural_measurement"),
    ]


def test_a_malformed_dwell_time_is_ignored(client, survey):
    client.post(
        url(survey),
        {
            "action": "agree",
            "purposes": ["survey_research", "behavioural_measurement"],
            "notice_dwell_ms": "-5; drop table",
        },
    )
    kinds = {e.kind for e in BehaviourEvent.objects.all()}
    assert kinds == {"notice_opened", "terms_accepted_unread", "optional_purpose_granted"}


def test_the_consent_screen_in_chinese(client, survey):
    body = html(client.get(url(survey), HTTP_ACCEPT_LANGUAGE="zh-Hant"))
    assert "隱私一覽" in body
    assert "我同意：了解顧客對隱私的看法" in body
    assert "問卷回答、語言、作答時間" in body
    assert "完成後保存 90 天到 1 年，之後刪除" in body
    assert ">同意並開始</button>" in body and ">不用了，謝謝</button>" in body
    body = html(client.get(url(survey, "notice"), HTTP_ACCEPT_LANGUAGE="zh-Hant"))
    assert "Acme Privacy Co. 如何使用您的回答" in body
    assert "<dt>法律依據</dt><dd>您的同意</dd>" in body
