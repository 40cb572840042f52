"""The builder's publish and preview pages, as an author: what publishing freezes and
changes, what stops it, and the draft previewed with the respondent's templates."""

import pytest

from surveys.enums import SurveyStatus, VersionStatus
from tests.fixtures import login_verified
from tests.surveys.builder.helpers import add_scale, add_section, base

pytestmark = pytest.mark.django_db


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
