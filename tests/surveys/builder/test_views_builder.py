"""The survey builder's survey pages, as an author: a new survey, its overview and settings,
its texts and score bands, instruments, branding and languages."""

import pytest

from surveys.authoring.selectors.builder import draft_document
from surveys.enums import AuditAction, SurveyStatus
from surveys.models import AuditEvent, Survey
from tests.fixtures import login_verified
from tests.surveys.builder.helpers import add_scale, add_section, base

pytestmark = pytest.mark.django_db


def test_new_survey_creates_a_draft_and_audits_it(org, draft):
    assert draft.status == SurveyStatus.DRAFT
    assert draft.locales == ["en", "zh-Hant"]
    assert draft.consent_notice.slug == "privacy-notice"
    event = AuditEvent.objects.get(action=AuditAction.SURVEY_CREATED)
    assert event.target_id == str(draft.pk)


def test_new_survey_errors_come_back_with_their_fields_and_write_nothing(org, author, client):
    count = Survey.objects.count()
    response = client.post(
        base(org) + "new/",
        {"title": "", "kind": "survey", "locales": "en", "default_locale": "fr"},
    )
    assert response.status_code == 400
    fields = sorted(e.field for e in response.context["errors"].items)
    assert fields == ["default_locale", "title"]
    assert Survey.objects.count() == count


def test_the_overview_flags_missing_translations_and_publishing_checks(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft, **{"text__zh-Hant": ""})
    page = client.get(base(org, draft.pk))
    assert page.status_code == 200
    gaps = [(g.path, g.missing) for g in page.context["gaps"]]
    assert gaps == [("title", ["zh-Hant"]), ("sections[0].questions[0].text", ["zh-Hant"])]
    assert "missing translation" in page.content.decode()
    assert page.context["problems"] == []


def test_settings_save_through_survey_update_with_errors_per_field(org, draft, client):
    response = client.post(
        base(org, draft.pk),
        {
            "title__en": "Data comfort",
            "locales": ["en", "zh-Hant"],
            "default_locale": "de",
            "consent_notice": "privacy-notice",
        },
    )
    assert response.status_code == 400
    assert [e.field for e in response.context["errors"].items] == ["default_locale"]
    response = client.post(
        base(org, draft.pk),
        {
            "title__en": "Comfort with data",
            "title__zh-Hant": "資料安心度",
            "locales": ["en", "zh-Hant"],
            "default_locale": "en",
            "consent_notice": "privacy-notice",
            "response_quota": "50",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == {"en": "Comfort with data", "zh-Hant": "資料安心度"}
    assert draft.response_quota == 50
    assert AuditEvent.objects.filter(action=AuditAction.SURVEY_UPDATED).count() == 1


def test_quiz_outcomes_and_texts_are_edited(org, author, client):
    client.post(
        base(org) + "new/",
        {"title": "Quiz", "kind": "quiz", "locales": "en", "default_locale": "en"},
    )
    quiz = Survey.objects.get(title__en="Quiz")
    response = client.post(
        base(org, quiz.pk) + "texts/",
        {
            "intro__en": "Welcome",
            "thanks__en": "Thanks!",
            "o-0-min": "0",
            "o-0-max": "1",
            "o-0-title__en": "Newcomer",
            "o-1-min": "1",
            "o-1-max": "2",
            "o-1-title__en": "Pro",
        },
    )
    assert response.status_code == 400  # the bands overlap
    assert [e.field for e in response.context["errors"].items][0].startswith("outcomes[1]")
    response = client.post(
        base(org, quiz.pk) + "texts/",
        {
            "intro__en": "Welcome",
            "thanks__en": "Thanks!",
            "o-0-min": "0",
            "o-0-max": "1",
            "o-0-title__en": "Newcomer",
            "o-1-min": "2",
            "o-1-max": "3",
            "o-1-title__en": "Pro",
        },
    )
    assert response.status_code == 302
    doc = draft_document(survey=quiz)
    assert doc["texts"] == {"intro": {"en": "Welcome"}, "thanks": {"en": "Thanks!"}}
    assert [(o["min"], o["max"], o["title"]) for o in doc["outcomes"]] == [
        (0, 1, {"en": "Newcomer"}),
        (2, 3, {"en": "Pro"}),
    ]


def test_an_instrument_is_inserted_as_a_section(org, draft, client):
    response = client.post(
        base(org, draft.pk) + "instruments/", {"instrument": "brand_trust", "prefix": "bt_"}
    )
    assert response.status_code == 302
    (section,) = draft_document(survey=draft)["sections"]
    assert all(q["code"].startswith("bt_") for q in section["questions"])
    assert {q["purpose"] for q in section["questions"]} == {"survey_research"}


def test_the_organization_page_links_into_the_builder(org, draft, client):
    page = client.get(f"/studio/{org.slug}/")
    body = page.content.decode()
    assert f"{base(org)}new/" in body
    assert f"{base(org, draft.pk)}" in body


def test_editing_a_live_survey_says_which_version_is_edited(org, survey, users, client):
    login_verified(client, users["author"])
    body = client.get(base(org, survey.pk)).content.decode()
    assert "Version 1 is live. Your first edit starts a new draft" in body
    client.post(base(org, survey.pk) + "questions/nps/move/", {"direction": "down"})
    body = client.get(base(org, survey.pk)).content.decode()
    assert "You are editing draft version 2. Respondents keep answering version 1" in body
    survey.refresh_from_db()
    assert survey.live_version.number == 1


def test_the_error_summary_links_each_error_to_its_field(org, draft, client):
    add_section(client, org, draft)
    response = add_scale(client, org, draft, code="9x", **{"c-1-value": "1"})
    body = response.content.decode()
    assert '<a href="#f-code"><code>code</code> (invalid_format)' in body
    assert 'id="f-code"' in body
    assert '<a href="#f-c-1"><code>choices[1].value</code> (duplicate)' in body
    assert 'id="f-c-1"' in body


def test_a_logo_is_uploaded_through_the_branding_page(org, survey, users, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from surveys.models import Branding

    login_verified(client, users["author"])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    url = base(org, survey.pk) + "branding/"
    values = {
        "accent": "#0b5394",
        "accent_text": "#ffffff",
        "text": "#17202e",
        "background": "#f3f5f8",
        "font": "system",
    }
    refused = client.post(url, {**values, "logo": SimpleUploadedFile("l.png", png)})
    assert [e.field for e in refused.context["errors"].items] == ["logo_alt"]
    saved = client.post(
        url, {**values, "logo_alt": "Acme", "logo": SimpleUploadedFile("l.png", png)}
    )
    assert saved.status_code == 302
    branding = Branding.objects.get()
    assert (bytes(branding.logo), branding.logo_type, branding.logo_alt) == (
        png,
        "image/png",
        "Acme",
    )
    client.post(url, {**values, "logo_alt": "Acme", "remove_logo": "on"})
    branding.refresh_from_db()
    assert branding.logo is None and branding.logo_alt == ""


def test_languages_are_ticked_not_typed(client, org, author, draft):
    page = client.get(base(org) + "new/").content.decode()
    assert 'value="en" id="id_locales_0" checked> English (en)' in page
    assert 'value="zh-Hant" id="id_locales_1"> 繁體中文 (zh-Hant)' in page
    assert '<select id="id_default_locale" name="default_locale">' in page
    edit = client.get(base(org, draft.pk)).content.decode()
    assert 'value="zh-Hant" id="id_locales_1" checked> 繁體中文 (zh-Hant)' in edit
    assert '<option value="en" selected>English (en)</option>' in edit
