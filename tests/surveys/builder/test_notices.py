"""Consent notices edited in the studio by admins: draft, errors with paths, publish."""

import pytest

from surveys.consent.selectors import notice_current_version
from surveys.enums import VersionStatus
from surveys.models import ConsentNotice, ConsentNoticeVersion
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


def notice_post(**extra):
    data = {
        "name": "Short notice",
        "slug": "short",
        "locales": "en",
        "jurisdiction": "EU",
        "controller_name": "Acme",
        "controller_contact_email": "privacy@acme.example",
        "full_text__en": "We ask about privacy.",
        "p-0-id": "survey_research",
        "p-0-title__en": "Research",
        "p-0-description__en": "Understand what you think.",
        "p-0-required": "on",
        "p-0-legal_basis": "consent",
        "p-0-data_categories": "survey answers, language",
        "p-0-retention_days": "365",
        "p-0-recipients": "",
        "p-1-id": "",
    }
    data.update(extra)
    return data


def test_an_admin_creates_edits_and_publishes_a_notice(client, org, users):
    login_verified(client, users["admin"])
    root = f"/studio/{org.slug}/surveys/notices/"
    response = client.post(root + "new/", notice_post())
    assert response["Location"] == root + "short/"
    version = ConsentNoticeVersion.objects.get(notice__slug="short")
    assert version.status == VersionStatus.DRAFT
    (purpose,) = version.purposes
    assert purpose["data_categories"] == ["survey answers", "language"]
    assert purpose["retention_days"] == 365 and purpose["required"] is True
    page = client.get(root + "short/")
    assert page.status_code == 200 and "Publish version 1" in page.content.decode()
    client.post(root + "short/publish/")
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    # Saving after publishing starts version 2; version 1 never changes.
    client.post(root + "short/", notice_post(**{"p-0-retention_days": "180"}))
    assert notice_current_version(ConsentNotice.objects.get(slug="short")).number == 1
    assert (
        ConsentNoticeVersion.objects.get(notice__slug="short", number=2).purposes[0][
            "retention_days"
        ]
        == 180
    )
    assert client.get(root).status_code == 200


def test_notice_errors_have_their_paths_and_save_nothing(client, org, users):
    login_verified(client, users["admin"])
    response = client.post(
        f"/studio/{org.slug}/surveys/notices/new/",
        notice_post(**{"p-0-retention_days": "0", "controller_contact_email": "nope"}),
    )
    assert response.status_code == 400
    fields = [e.field for e in response.context["errors"].items]
    assert "purposes[0].retention_days" in fields
    assert "controller.contact_email" in fields
    assert not ConsentNotice.objects.filter(slug="short").exists()


@pytest.mark.parametrize("role", ["author", "analyst", "researcher"])
def test_only_admins_edit_notices(client, org, users, role):
    login_verified(client, users[role])
    root = f"/studio/{org.slug}/surveys/notices/"
    assert client.get(root).status_code == 403
    assert client.get(root + "privacy-notice/").status_code == 403
    assert client.post(root + "new/", notice_post()).status_code == 403
    assert client.post(root + "privacy-notice/publish/").status_code == 403


def test_another_organizations_notice_is_404(client, org, other_org, users):
    from tests.factories import published_notice

    published_notice(other_org, slug="theirs")
    login_verified(client, users["admin"])
    assert client.get(f"/studio/{org.slug}/surveys/notices/theirs/").status_code == 404
