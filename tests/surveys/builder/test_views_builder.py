"""The survey builder's pages: building a survey through plain form posts, as an author."""

import pytest

from surveys.authoring.selectors.builder import draft_document
from surveys.enums import AuditAction, SurveyStatus, VersionStatus
from surveys.models import AuditEvent, Survey
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


def base(org, pk=None):
    return f"/studio/{org.slug}/surveys/" + (f"{pk}/" if pk else "")


@pytest.fixture
def author(client, users):
    login_verified(client, users["author"])
    return users["author"]


@pytest.fixture
def draft(org, author, client):
    response = client.post(
        base(org) + "new/",
        {
            "title": "Data comfort",
            "kind": "survey",
            "locales": ["en", "zh-Hant"],
            "default_locale": "en",
            "consent_notice": "privacy-notice",
        },
    )
    assert response.status_code == 302
    return Survey.objects.get(title__en="Data comfort")


def add_section(client, org, survey, code="intro", **extra):
    return client.post(
        base(org, survey.pk) + "sections/new/",
        {"code": code, "title__en": "About you", "title__zh-Hant": "關於您", **extra},
    )


def add_scale(client, org, survey, section="intro", code="trust", **extra):
    data = {
        "code": code,
        "type": "scale",
        "text__en": "I trust this brand.",
        "text__zh-Hant": "我信任這個品牌。",
        "required": "on",
        "purpose": "survey_research",
        "construct": "trust_brand",
    }
    for i, (c, v, en) in enumerate([("d", 1, "Disagree"), ("n", 2, "Neither"), ("a", 3, "Agree")]):
        data.update(
            {
                f"c-{i}-code": c,
                f"c-{i}-value": str(v),
                f"c-{i}-order": str(i + 1),
                f"c-{i}-label__en": en,
                f"c-{i}-label__zh-Hant": en + "（中）",
            }
        )
    data.update(extra)
    return client.post(base(org, survey.pk) + f"sections/{section}/questions/new/?type=scale", data)


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


def test_sections_and_questions_are_added_through_the_authoring_services(org, draft, client):
    assert add_section(client, org, draft).status_code == 302
    response = add_scale(client, org, draft)
    assert response.status_code == 302, response.context["errors"].items
    doc = draft_document(survey=draft)
    (section,) = doc["sections"]
    assert section["title"] == {"en": "About you", "zh-Hant": "關於您"}
    (q,) = section["questions"]
    assert q["code"] == "trust"
    assert q["type"] == "scale"
    assert q["required"] is True
    assert [(c["code"], c["value"]) for c in q["choices"]] == [("d", 1), ("n", 2), ("a", 3)]
    assert q["choices"][2]["label"] == {"en": "Agree", "zh-Hant": "Agree（中）"}


def test_a_question_error_has_the_import_path_relative_to_the_question(org, draft, client):
    add_section(client, org, draft)
    response = add_scale(client, org, draft, **{"c-1-value": "1"})  # two points valued 1
    assert response.status_code == 400
    errors = [(e.field, e.code) for e in response.context["errors"].items]
    assert ("choices[1].value", "duplicate") in errors
    assert "choices[1].value" in response.content.decode()
    assert draft_document(survey=draft)["sections"][0]["questions"] == []


def test_display_logic_is_picked_from_an_earlier_question(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    page = client.get(base(org, draft.pk) + "sections/intro/questions/new/?type=short_text")
    targets = [t.value for t in page.context["logic"]["targets"]]
    assert targets == ["trust"]
    response = client.post(
        base(org, draft.pk) + "sections/intro/questions/new/",
        {
            "code": "why",
            "type": "short_text",
            "text__en": "Why not?",
            "text__zh-Hant": "為什麼？",
            "purpose": "survey_research",
            "cond-0-question": "trust",
            "cond-0-op": "lte",
            "cond-0-value": "1",
        },
    )
    assert response.status_code == 302
    q = draft_document(survey=draft)["sections"][0]["questions"][1]
    assert q["display_logic"] == {"question": "trust", "op": "lte", "value": 1}


def test_logic_on_a_later_question_is_refused_with_its_path(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    response = client.post(
        base(org, draft.pk) + "questions/trust/",
        {
            "code": "trust",
            "type": "scale",
            "text__en": "I trust this brand.",
            "c-0-code": "d",
            "c-0-value": "1",
            "c-0-label__en": "No",
            "c-1-code": "a",
            "c-1-value": "2",
            "c-1-label__en": "Yes",
            "logic_json": '{"question": "trust", "op": "answered"}',
        },
    )
    assert response.status_code == 400
    assert [e.field for e in response.context["errors"].items] == ["display_logic.question"]


def test_questions_move_up_and_down_and_across_sections(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    add_scale(client, org, draft, code="trust2")
    add_section(client, org, draft, code="more")
    move = base(org, draft.pk) + "questions/trust2/move/"
    assert client.post(move, {"direction": "up"}).status_code == 302
    doc = draft_document(survey=draft)
    assert [q["code"] for q in doc["sections"][0]["questions"]] == ["trust2", "trust"]
    client.post(base(org, draft.pk) + "questions/trust/move/", {"direction": "down"})
    doc = draft_document(survey=draft)
    assert [q["code"] for q in doc["sections"][0]["questions"]] == ["trust2"]
    assert [q["code"] for q in doc["sections"][1]["questions"]] == ["trust"]
    client.post(base(org, draft.pk) + "sections/more/move/", {"direction": "up"})
    assert [s["code"] for s in draft_document(survey=draft)["sections"]] == ["more", "intro"]


def test_removing_a_question_that_logic_refers_to_is_refused(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    client.post(
        base(org, draft.pk) + "sections/intro/questions/new/",
        {
            "code": "why",
            "type": "short_text",
            "text__en": "Why?",
            "cond-0-question": "trust",
            "cond-0-op": "answered",
        },
    )
    response = client.post(base(org, draft.pk) + "questions/trust/delete/", follow=True)
    assert "display_logic.question" in response.content.decode()
    assert len(draft_document(survey=draft)["sections"][0]["questions"]) == 2


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


def test_publish_shows_what_freezes_and_publishes(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    page = client.get(base(org, draft.pk) + "publish/")
    preview = page.context["preview"]
    assert (preview.draft_number, preview.sections, preview.questions) == (1, 1, 1)
    assert preview.ready and preview.notice == "privacy-notice v1"
    assert client.post(base(org, draft.pk) + "publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == SurveyStatus.LIVE
    assert draft.live_version.status == VersionStatus.PUBLISHED


def test_publish_diff_lists_changes_since_the_live_version(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    client.post(base(org, draft.pk) + "publish/")
    add_scale(client, org, draft, code="trust2")
    client.post(
        base(org, draft.pk) + "questions/trust/",
        {
            "code": "trust",
            "type": "scale",
            "text__en": "I trust this brand with my data.",
            "text__zh-Hant": "我信任。",
            "purpose": "survey_research",
            "c-0-code": "d",
            "c-0-value": "1",
            "c-0-label__en": "No",
            "c-0-label__zh-Hant": "否",
            "c-1-code": "a",
            "c-1-value": "2",
            "c-1-label__en": "Yes",
            "c-1-label__zh-Hant": "是",
        },
    )
    preview = client.get(base(org, draft.pk) + "publish/").context["preview"]
    assert preview.previous_number == 1 and preview.draft_number == 2
    changes = {(c.kind, c.what, c.code): c.fields for c in preview.changes}
    assert changes[("added", "question", "trust2")] == []
    assert changes[("changed", "question", "trust")] == [
        "choices",
        "construct",
        "required",
        "text",
    ]


def test_publishing_problems_are_shown_and_nothing_is_published(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft, purpose="")
    response = client.post(base(org, draft.pk) + "publish/")
    assert response.status_code == 400
    assert [e.field for e in response.context["errors"].items] == [
        "sections[0].questions[0].purpose"
    ]
    draft.refresh_from_db()
    assert draft.status == SurveyStatus.DRAFT


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


def test_preview_renders_the_draft_with_the_respondent_template(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    page = client.get(base(org, draft.pk) + "preview/?locale=zh-Hant")
    assert page.status_code == 200
    assert [f["src"] for f in page.context["frames"]] == [
        base(org, draft.pk) + "preview/zh-Hant/intro/"
    ] * 2
    frame = client.get(base(org, draft.pk) + "preview/zh-Hant/intro/")
    assert frame.status_code == 200
    assert "surveys/page.html" in [t.name for t in frame.templates]
    body = frame.content.decode()
    assert "我信任這個品牌。" in body and 'lang="zh-Hant"' in body
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    nxt = client.post(base(org, draft.pk) + "preview/zh-Hant/intro/", {"nav": "next"})
    assert nxt["Location"] == base(org, draft.pk) + "preview/zh-Hant/-/"
    end = client.get(nxt["Location"])
    assert "surveys/thanks.html" in [t.name for t in end.templates]


def test_the_organization_page_links_into_the_builder(org, draft, client):
    page = client.get(f"/studio/{org.slug}/")
    body = page.content.decode()
    assert f"{base(org)}new/" in body
    assert f"{base(org, draft.pk)}" in body


def test_changing_the_type_drops_what_the_new_type_does_not_take(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    response = client.post(
        base(org, draft.pk) + "questions/trust/",
        {
            "code": "trust",
            "type": "nps",
            "text__en": "Would you recommend us?",
            "text__zh-Hant": "您會推薦我們嗎？",
            "purpose": "survey_research",
            "c-0-code": "d",
            "c-0-value": "1",
            "c-0-label__en": "Disagree",
            "set_low_label__en": "Never",
        },
    )
    assert response.status_code == 302, response.context["errors"].items
    (q,) = draft_document(survey=draft)["sections"][0]["questions"]
    assert q["type"] == "nps"
    assert "choices" not in q
    assert q["settings"] == {"low_label": {"en": "Never"}}


def test_check_reports_what_saving_would_and_saves_nothing(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    before = draft_document(survey=draft)
    check = base(org, draft.pk) + "check/"
    response = client.post(
        check,
        {
            "kind": "question",
            "original": "trust",
            "code": "trust",
            "type": "scale",
            "text__en": "Changed",
            "c-0-code": "d",
            "c-0-value": "1",
            "c-0-label__en": "No",
            "c-1-code": "a",
            "c-1-value": "1",
            "c-1-label__en": "Yes",
        },
    )
    assert response.json() == {
        "errors": [
            {
                "field": "choices[1].value",
                "code": "duplicate",
                "message": "scale values must differ",
            }
        ]
    }
    new = client.post(
        check,
        {"kind": "question", "section": "intro", "code": "q9", "type": "nps", "text__en": "Hi"},
    )
    assert new.json() == {"errors": []}
    section = client.post(check, {"kind": "section", "original": "", "code": "9bad"})
    assert [e["field"] for e in section.json()["errors"]] == ["code"]
    assert draft_document(survey=draft) == before


def test_preview_shows_the_consent_step_without_counting_or_starting(org, survey, users, client):
    from surveys.models import ConsentCounter, Response

    login_verified(client, users["author"])
    frame = base(org, survey.pk) + "preview/en/_consent/"
    page = client.get(frame)
    assert page.status_code == 200
    assert "surveys/landing.html" in [t.name for t in page.templates]
    assert f'action="{frame}"' in page.content.decode()
    agreed = client.post(frame, {"action": "agree", "purposes": ["survey_research"]})
    assert agreed["Location"] == base(org, survey.pk) + "preview/en/attitudes/"
    assert not ConsentCounter.objects.exists() and not Response.objects.exists()


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
