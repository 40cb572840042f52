import json

import pytest

from surveys.models import ConsentNoticeVersion
from tests.factories import UserFactory, demo_notice_content
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_notice_versions_are_validated_and_published_in_the_admin(admin_client, org):
    draft = ConsentNoticeVersion.objects.create(
        notice=org.consent_notices.get(),
        number=2,
        **{k: v for k, v in demo_notice_content().items() if k != "full_text"},
    )
    url = f"/admin/surveys/consentnoticeversion/{draft.pk}/change/"
    content = demo_notice_content()
    content["purposes"][0]["required"] = False
    form = {k: json.dumps(content[k]) for k in ("controller", "locales", "purposes", "full_text")}
    form.update(policy_url=content["policy_url"], jurisdiction="EU")
    r = admin_client.post(url, form)
    assert r.status_code == 200
    assert "at least one required purpose" in r.content.decode()
    content["purposes"][0]["required"] = True
    form["purposes"] = json.dumps(content["purposes"])
    assert admin_client.post(url, form).status_code == 302
    r = admin_client.post(
        "/admin/surveys/consentnoticeversion/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert admin_client.get(url).status_code == 200  # view-only once frozen
    assert admin_client.post(url, form).status_code == 403


def test_audit_log_in_the_admin_is_scoped_to_the_admins_organizations(client, org, other_org):
    from tests.factories import member

    admin = member(org, "admin")
    admin.is_staff = True
    admin.save()
    login_verified(client, admin)
    page = client.get("/admin/surveys/auditevent/").content.decode()
    assert page.count("notice.published") >= 1
    assert other_org.name not in page
    author = member(org, "author")
    author.is_staff = True
    author.save()
    client.force_login(author)
    assert client.get("/admin/surveys/auditevent/").status_code == 403
