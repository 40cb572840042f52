"""Who may open each builder page: authors and admins build; analysts and researchers
get 403; another organization's members (and its surveys) get 404."""

import pytest

from surveys.enums import Role
from surveys.models import Membership
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

GET_PAGES = [
    "new/",
    "{pk}/",
    "{pk}/texts/",
    "{pk}/sections/new/",
    "{pk}/sections/{section}/",
    "{pk}/sections/{section}/questions/new/?type=nps",
    "{pk}/questions/{question}/",
    "{pk}/instruments/",
    "{pk}/preview/",
    "{pk}/preview/en/{section}/",
    "{pk}/publish/",
    "{pk}/branding/",
    "{pk}/test/",
]
POSTS = [
    "{pk}/sections/{section}/move/",
    "{pk}/sections/{section}/delete/",
    "{pk}/questions/{question}/move/",
    "{pk}/questions/{question}/delete/",
    "{pk}/test/delete/",
    "{pk}/publish/",
    "{pk}/check/",
]


def urls(org, survey, pages):
    section = survey.live_version.sections.order_by("position").first()
    question = section.questions.order_by("position").first()
    return [
        f"/studio/{org.slug}/surveys/"
        + p.format(pk=survey.pk, section=section.code, question=question.code)
        for p in pages
    ]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUTHOR])
def test_builders_open_every_page(client, org, survey, users, role):
    login_verified(client, users[role])
    for url in urls(org, survey, GET_PAGES):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.RESEARCHER])
def test_other_roles_get_403_everywhere(client, org, survey, users, role):
    login_verified(client, users[role])
    for url in urls(org, survey, GET_PAGES):
        assert client.get(url).status_code == 403, url
    for url in urls(org, survey, POSTS):
        assert client.post(url, {"direction": "up"}).status_code == 403, url
    assert client.get(f"/studio/{org.slug}/surveys/branding/").status_code == 403


def test_organization_branding_is_for_admins(client, org, users):
    login_verified(client, users["author"])
    assert client.get(f"/studio/{org.slug}/surveys/branding/").status_code == 403
    login_verified(client, users["admin"])
    assert client.get(f"/studio/{org.slug}/surveys/branding/").status_code == 200


def test_another_organization_is_404(client, org, other_org, survey, users):
    outsider = Membership.objects.create(
        user=users["admin"].__class__.objects.create_user("outsider"),
        organization=other_org,
        role=Role.ADMIN,
    ).user
    login_verified(client, outsider)
    for url in urls(org, survey, GET_PAGES):
        assert client.get(url).status_code == 404, url
    for url in urls(org, survey, POSTS):
        assert client.post(url, {"direction": "up"}).status_code == 404, url


def test_a_survey_of_another_organization_is_404_in_ones_own(client, org, other_org, users):
    from tests.factories import live_survey

    foreign = live_survey(other_org)
    login_verified(client, users["admin"])
    for url in urls(org, foreign, GET_PAGES[1:]):
        assert client.get(url).status_code == 404, url
    for url in urls(org, foreign, POSTS):
        assert client.post(url, {"direction": "up"}).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, org, survey):
    for url in urls(org, survey, GET_PAGES):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_viewers_see_no_builder_links_on_the_survey_list(client, org, survey, users):
    login_verified(client, users["analyst"])
    body = client.get(f"/studio/{org.slug}/").content.decode()
    assert "/surveys/new/" not in body and f"/surveys/{survey.pk}/" not in body
