"""Role matrix of every new page and endpoint; other organizations are 404; query counts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from surveys.distribution.services.invitations import invitation_batch_create
from surveys.distribution.services.links import channel_link_create
from surveys.models import ChannelLink, InvitationBatch
from tests.api.helpers import errors_of, key_client, user_client
from tests.factories import live_survey
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

AUTHORING = {"admin": True, "author": True, "analyst": False, "researcher": False}
ADMIN_ONLY = {"admin": True, "author": False, "analyst": False, "researcher": False}


def pages(org, survey, link):
    base = f"/studio/{org.slug}"
    d = f"{base}/distribute/{survey.pk}"
    return {
        f"{base}/distribute/": AUTHORING,
        f"{d}/": AUTHORING,
        f"{d}/invitations/": AUTHORING,
        f"{d}/links/{link.pk}/qr.png": AUTHORING,
        f"{d}/links/{link.pk}/qr.svg": AUTHORING,
        f"{base}/team/": ADMIN_ONLY,
        f"{base}/team/api-keys/": ADMIN_ONLY,
        f"{base}/settings/": ADMIN_ONLY,
    }


@pytest.fixture
def link(survey):
    return channel_link_create(survey=survey, channel="qr", label="Poster")


@pytest.mark.parametrize("role", ["admin", "author", "analyst", "researcher"])
def test_page_role_matrix(client, org, survey, users, link, role):
    login_verified(client, users[role])
    for path, allowed in pages(org, survey, link).items():
        status = client.get(path).status_code
        assert status == (200 if allowed[role] else 403), (path, role, status)


def test_pages_of_another_organization_are_404(client, org, other_org, survey, users, link):
    from tests.factories import member

    outsider = member(other_org, "admin")
    login_verified(client, outsider)
    for path in pages(org, survey, link):
        assert client.get(path).status_code == 404, path
    # An admin of org asking for another org's survey under their own org: 404 too.
    theirs = live_survey(other_org, slug="theirs")
    login_verified(client, users["admin"])
    assert client.get(f"/studio/{org.slug}/distribute/{theirs.pk}/").status_code == 404


def test_posts_respect_roles_too(client, org, survey, users, link):
    login_verified(client, users["analyst"])
    d = f"/studio/{org.slug}/distribute/{survey.pk}"
    assert (
        client.post(f"{d}/", {"action": "create_link", "channel": "web", "label": "x"}).status_code
        == 403
    )
    assert client.post(f"{d}/links/{link.pk}/revoke/").status_code == 403
    assert (
        client.post(f"/studio/{org.slug}/team/", {"email": "a@b.org", "role": "admin"}).status_code
        == 403
    )
    login_verified(client, users["author"])
    assert client.post(f"/studio/{org.slug}/settings/", {"name": "x"}).status_code == 403
    assert ChannelLink.objects.count() == 1


def test_qr_codes_are_png_and_svg_of_the_link(client, org, survey, users, link):
    login_verified(client, users["author"])
    d = f"/studio/{org.slug}/distribute/{survey.pk}/links/{link.pk}"
    png = client.get(f"{d}/qr.png?download=1")
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert png["Content-Disposition"] == (
        f'attachment; filename="{survey.slug}-qr-{link.code}.png"'
    )
    svg = client.get(f"{d}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert f"http://testserver/l/{link.code}/".encode() in svg.content  # the title
    assert client.get(f"{d}/qr.gif").status_code == 404


def test_the_distribution_page_creates_links_with_field_errors(client, org, survey, users):
    login_verified(client, users["author"])
    url = f"/studio/{org.slug}/distribute/{survey.pk}/"
    bad = client.post(url, {"action": "create_link", "channel": "api", "label": ""})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Give the link a name." in body and 'aria-invalid="true"' in body
    ok = client.post(url, {"action": "create_link", "channel": "kiosk", "label": "Lobby"})
    link = ChannelLink.objects.get()
    assert ok["Location"] == f"{url}#link-{link.pk}"
    page = client.get(url).content.decode()
    assert f"http://testserver/l/{link.code}/" in page
    signed = client.post(url, {"action": "sign", "external_id": "cust-9", "days": "7"})
    assert "xid=cust-9" in signed.content.decode()
    bad = client.post(url, {"action": "sign", "external_id": "", "days": "0"})
    assert bad.status_code == 400


def test_list_queries_do_not_grow_with_rows(
    client, org, survey, users, django_assert_max_num_queries
):
    login_verified(client, users["admin"])
    for i in range(6):
        channel_link_create(survey=survey, channel="web", label=f"L{i}")
        invitation_batch_create(survey=survey, addresses=[f"p{i}@example.org"], subject="s")
    d = f"/studio/{org.slug}/distribute/{survey.pk}"
    with django_assert_max_num_queries(12):
        assert client.get(f"{d}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"{d}/invitations/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/studio/{org.slug}/team/").status_code == 200


# --- API ----------------------------------------------------------------------------------


def api_paths(survey, link, batch):
    s = f"/api/v1/surveys/{survey.pk}"
    return [
        ("get", f"{s}/channel-links/", None),
        ("post", f"{s}/channel-links/", {"label": "App", "channel": "in_app"}),
        ("post", f"{s}/channel-links/{link.pk}/revoke/", None),
        (
            "post",
            f"{s}/signed-links/",
            {"external_id": "c-1", "expires_at": (timezone.now() + timedelta(days=1)).isoformat()},
        ),
        ("get", f"{s}/invitations/", None),
        ("post", f"{s}/invitations/", {"subject": "Hi", "addresses": ["a@example.org"]}),
        ("post", f"{s}/invitations/{batch.pk}/remind/", {"addresses": ["a@example.org"]}),
    ]


@pytest.fixture
def batch(survey):
    return invitation_batch_create(survey=survey, addresses=["z@example.org"], subject="s")


@pytest.mark.parametrize("role", ["admin", "author", "analyst", "researcher"])
def test_api_role_matrix(org, survey, users, link, batch, role):
    client = user_client(users[role])
    for method, path, body in api_paths(survey, link, batch):
        res = getattr(client, method)(path, body, format="json")
        expected = (200, 201) if AUTHORING[role] else (403,)
        assert res.status_code in expected, (method, path, role, res.status_code, res.content)


def test_api_keys_need_surveys_write(org, survey, link, batch):
    reader = key_client(org, ["surveys:read"])
    writer = key_client(org, ["surveys:write"])
    for method, path, body in api_paths(survey, link, batch):
        assert getattr(reader, method)(path, body, format="json").status_code == 403, path
        assert getattr(writer, method)(path, body, format="json").status_code in (200, 201), path


def test_api_another_organizations_survey_is_404(org, other_org, survey, link, batch):
    from tests.factories import member

    client = user_client(member(other_org, "admin"))
    for method, path, body in api_paths(survey, link, batch):
        assert getattr(client, method)(path, body, format="json").status_code == 404, path
    keyed = key_client(other_org, ["surveys:write"])
    assert keyed.get(f"/api/v1/surveys/{survey.pk}/channel-links/").status_code == 404


def test_api_errors_have_the_one_shape(org, survey, users, django_capture_on_commit_callbacks):
    client = user_client(users["author"])
    s = f"/api/v1/surveys/{survey.pk}"
    res = client.post(f"{s}/channel-links/", {"label": "", "channel": "api"}, format="json")
    assert res.status_code == 400
    assert errors_of(res) == [("label", "blank"), ("channel", "invalid_choice")]
    res = client.post(
        f"{s}/invitations/", {"subject": "Hi", "addresses": ["x@example.org", "bad"]}, format="json"
    )
    assert errors_of(res) == [("addresses[1]", "invalid")]
    assert InvitationBatch.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            f"{s}/invitations/", {"subject": "Hi", "addresses": ["x@example.org"]}, format="json"
        )
    assert ok.status_code == 201
    assert ok.json()["invited"] == 1
    assert mail.outbox[0].to == ["x@example.org"]
    assert client.post(f"{s}/channel-links/99999/revoke/").status_code == 404


def test_api_link_body_and_query_count(org, survey, users, django_assert_num_queries):
    client = user_client(users["author"])
    s = f"/api/v1/surveys/{survey.pk}"
    created = client.post(
        f"{s}/channel-links/", {"label": "App", "channel": "in_app"}, format="json"
    ).json()
    link = ChannelLink.objects.get()
    assert created == {
        "id": link.pk,
        "label": "App",
        "channel": "in_app",
        "code": link.code,
        "url": f"http://testserver/l/{link.code}/",
        "qr_png": f"http://testserver/studio/{org.slug}/distribute/{survey.pk}/links/{link.pk}/qr.png",
        "qr_svg": f"http://testserver/studio/{org.slug}/distribute/{survey.pk}/links/{link.pk}/qr.svg",
        "started": 0,
        "completed": 0,
        "created_at": created["created_at"],
        "revoked_at": None,
        "is_active": True,
    }
    for i in range(5):
        channel_link_create(survey=survey, channel="web", label=f"W{i}")
    with django_assert_num_queries(6):
        res = client.get(f"{s}/channel-links/")
    assert res.json()["count"] == 6
