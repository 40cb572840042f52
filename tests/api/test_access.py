"""Who may call what: a role × endpoint matrix, and probes across organizations.

Callers: each member role (session), no credentials, an API key with the
scope the endpoint needs, and a key with every scope but that one. Another
organization's objects are "not found" (404), never "forbidden".
"""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from surveys.accounts.services.accounts import api_key_create, api_key_revoke, membership_set
from surveys.authoring.services.definitions import definition_import, survey_create
from surveys.enums import ApiScope, Role
from surveys.responses.services.write import response_submit
from tests.factories import (
    COMFORT_ANSWERS,
    CONSENT,
    OrganizationFactory,
    UserFactory,
    demo_definition,
    live_survey,
    member,
)

from .helpers import errors_of, key_client, user_client

CALLERS = ("admin", "author", "analyst", "researcher", "anonymous", "key", "key_without_scope")
READ = (200, 200, 200, 200, 401, 200, 403)
RAW = (200, 200, 403, 403, 401, 200, 403)
SUBMIT = (403, 403, 403, 403, 401, 201, 403)
ME = (200, 200, 200, 200, 401, 200, 200)


def write(code: int) -> tuple[int, ...]:
    return (code, code, 403, 403, 401, code, 403)


def admin_only(code: int) -> tuple[int, ...]:
    return (code, 403, 403, 403, 401, 403, 403)


def definition() -> dict:
    doc = demo_definition()
    doc.pop("slug")
    return doc


NEW_QUESTION = {
    "code": "extra_q",
    "type": "yes_no",
    "text": {"en": "Anything else?"},
    "purpose": "survey_research",
}
R = ApiScope.SURVEYS_READ
W = ApiScope.SURVEYS_WRITE

# (method, path, body, scope the key needs (None: no key may), expected per caller)
ENDPOINTS = [
    ("get", "/surveys/", None, R, READ),
    ("post", "/surveys/", {"title": {"en": "New"}}, W, write(201)),
    ("get", "/surveys/{survey}/", None, R, READ),
    ("patch", "/surveys/{survey}/", {"title": {"en": "Renamed"}}, W, write(200)),
    ("delete", "/surveys/{empty}/", None, W, write(204)),
    ("post", "/surveys/{draft}/publish/", None, W, write(200)),
    ("post", "/surveys/{survey}/close/", None, W, write(200)),
    ("get", "/surveys/{survey}/versions/", None, R, READ),
    ("get", "/surveys/{survey}/definition/", None, R, READ),
    ("put", "/surveys/{survey}/definition/", definition, W, write(200)),
    ("post", "/surveys/{survey}/definition/?dry_run=true", definition, W, write(200)),
    ("post", "/surveys/import/", definition, W, write(201)),
    ("get", "/surveys/{survey}/sections/", None, R, READ),
    ("post", "/surveys/{survey}/sections/", {"code": "extra", "questions": [NEW_QUESTION]}, W,
     write(201)),
    ("get", "/surveys/{survey}/sections/improve/", None, R, READ),
    ("patch", "/surveys/{survey}/sections/improve/", {"title": {"en": "Better"}}, W, write(200)),
    ("delete", "/surveys/{survey}/sections/improve/", None, W, write(204)),
    ("get", "/surveys/{survey}/sections/improve/questions/", None, R, READ),
    ("post", "/surveys/{survey}/sections/improve/questions/", NEW_QUESTION, W, write(201)),
    ("get", "/surveys/{survey}/questions/", None, R, READ),
    ("get", "/surveys/{survey}/questions/nps/", None, R, READ),
    ("patch", "/surveys/{survey}/questions/nps/", {"required": False}, W, write(200)),
    ("delete", "/surveys/{survey}/questions/improve_text/", None, W, write(204)),
    ("get", "/surveys/{survey}/responses/", None, ApiScope.RESPONSES_READ, RAW),
    ("post", "/surveys/{survey}/responses/", {"answers": COMFORT_ANSWERS, "consent": CONSENT},
     ApiScope.RESPONSES_WRITE, SUBMIT),
    ("get", "/responses/", None, ApiScope.RESPONSES_READ, RAW),
    ("get", "/responses/{response}/", None, ApiScope.RESPONSES_READ, RAW),
    ("get", "/organizations/{org}/api-keys/", None, None, admin_only(200)),
    ("post", "/organizations/{org}/api-keys/", {"name": "ci", "scopes": ["surveys:read"]}, None,
     admin_only(201)),
    ("post", "/organizations/{org}/api-keys/{key}/revoke/", None, None, admin_only(200)),
    ("get", "/me/", None, None, ME),
]  # fmt: skip


def make_world(org) -> SimpleNamespace:
    survey = live_survey(org)
    response = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    draft = definition_import(organization=org, document=definition()).survey
    empty = survey_create(organization=org, title={"en": "Empty"})
    key, _ = api_key_create(organization=org, name="spare", scopes=[R])
    return SimpleNamespace(
        org=org.pk,
        survey=survey.pk,
        draft=draft.pk,
        empty=empty.pk,
        key=key.pk,
        response=response.pk,
    )


def caller(org, users, who: str, scope) -> APIClient:
    if who in Role.values:
        return user_client(users[who])
    if who == "anonymous":
        return APIClient()
    every = ApiScope.values
    if who == "key":
        return key_client(org, every)
    others = [s for s in every if s != scope] if scope else [ApiScope.EVENTS_WRITE]
    return key_client(org, others)


def call(client, method, path, body, **headers):
    if callable(body):
        body = body()
    return getattr(client, method)(
        "/api/v1" + path, body, format="json" if body is not None else None, **headers
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "body", "scope", "expected"),
    ENDPOINTS,
    ids=[f"{m.upper()} {p}" for m, p, *_ in ENDPOINTS],
)
@pytest.mark.parametrize("who", CALLERS)
def test_role_matrix(org, users, method, path, body, scope, expected, who):
    world = make_world(org)
    client = caller(org, users, who, scope)
    response = call(
        client, method, path.format(**vars(world)), body, HTTP_IDEMPOTENCY_KEY="matrix-1"
    )
    assert response.status_code == expected[CALLERS.index(who)], response.content
    if response.status_code >= 400:
        assert errors_of(response)[0][0] == "$"


@pytest.mark.django_db
def test_no_credentials_is_401_with_a_challenge(client):
    response = client.get("/api/v1/surveys/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert errors_of(response) == [("$", "not_authenticated")]


@pytest.mark.django_db
def test_a_wrong_or_revoked_key_is_401(org):
    key, plaintext = api_key_create(organization=org, name="k", scopes=[R])
    assert (
        APIClient().get("/api/v1/surveys/", HTTP_AUTHORIZATION="Bearer tp_x_y").status_code == 401
    )
    api_key_revoke(key=key)
    response = APIClient().get("/api/v1/surveys/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401
    assert errors_of(response) == [("$", "authentication_failed")]


# Another organization's objects ---------------------------------------------------------

FOREIGN_PATHS = [
    ("get", "/surveys/{survey}/"),
    ("patch", "/surveys/{survey}/"),
    ("delete", "/surveys/{empty}/"),
    ("post", "/surveys/{draft}/publish/"),
    ("post", "/surveys/{survey}/close/"),
    ("get", "/surveys/{survey}/versions/"),
    ("get", "/surveys/{survey}/definition/"),
    ("put", "/surveys/{survey}/definition/"),
    ("get", "/surveys/{survey}/sections/"),
    ("post", "/surveys/{survey}/sections/"),
    ("get", "/surveys/{survey}/sections/improve/"),
    ("patch", "/surveys/{survey}/sections/improve/"),
    ("delete", "/surveys/{survey}/sections/improve/"),
    ("get", "/surveys/{survey}/sections/improve/questions/"),
    ("post", "/surveys/{survey}/sections/improve/questions/"),
    ("get", "/surveys/{survey}/questions/"),
    ("get", "/surveys/{survey}/questions/nps/"),
    ("patch", "/surveys/{survey}/questions/nps/"),
    ("delete", "/surveys/{survey}/questions/nps/"),
    ("get", "/surveys/{survey}/responses/"),
    ("post", "/surveys/{survey}/responses/"),
    ("get", "/responses/{response}/"),
    ("get", "/organizations/{org}/api-keys/"),
    ("post", "/organizations/{org}/api-keys/"),
    ("post", "/organizations/{org}/api-keys/{key}/revoke/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "key"])
def test_another_organizations_objects_are_not_found(org, other_org, who):
    theirs = make_world(other_org)
    client = (
        user_client(member(org, Role.ADMIN)) if who == "admin" else key_client(org, ApiScope.values)
    )
    for method, path in FOREIGN_PATHS:
        response = call(client, method, path.format(**vars(theirs)), {}, HTTP_IDEMPOTENCY_KEY="x")
        # Refused whatever the object (no lookup happens): keys never manage keys,
        # members never submit responses.
        key_only = method == "post" and path.endswith("/responses/")
        refused = "/organizations/" in path if who == "key" else key_only
        expected = 403 if refused else 404
        assert response.status_code == expected, (method, path, response.content)
    # Lists simply leave them out.
    assert client.get("/api/v1/surveys/").json()["count"] == 0
    assert client.get("/api/v1/responses/").json()["count"] == 0
    assert client.get(f"/api/v1/responses/?survey={theirs.survey}").json()["count"] == 0


@pytest.mark.django_db
def test_another_organizations_key_cannot_be_revoked_through_ours(org, other_org):
    admin = user_client(member(org, Role.ADMIN))
    theirs, _ = api_key_create(organization=other_org, name="theirs", scopes=[R])
    response = admin.post(f"/api/v1/organizations/{org.pk}/api-keys/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.django_db
def test_a_member_of_two_organizations_sees_both_but_edits_only_where_they_author(org, other_org):
    user = member(org, Role.AUTHOR)
    membership_set(organization=other_org, user=user, role=Role.ANALYST)
    ours, theirs = live_survey(org), live_survey(other_org)
    client = user_client(user)
    listed = {s["id"] for s in client.get("/api/v1/surveys/").json()["results"]}
    assert listed == {ours.pk, theirs.pk}
    assert (
        client.patch(
            f"/api/v1/surveys/{ours.pk}/", {"title": {"en": "A"}}, format="json"
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/v1/surveys/{theirs.pk}/", {"title": {"en": "B"}}, format="json"
        ).status_code
        == 403
    )
    # Raw responses only where they author.
    assert client.get(f"/api/v1/surveys/{theirs.pk}/responses/").status_code == 403
    assert client.get(f"/api/v1/surveys/{ours.pk}/responses/").status_code == 200


@pytest.mark.django_db
def test_a_user_without_membership_sees_nothing(db):
    OrganizationFactory()
    outsider = user_client(UserFactory())
    assert outsider.get("/api/v1/surveys/").json()["count"] == 0
    assert outsider.get("/api/v1/responses/").status_code == 403
    assert (
        outsider.post("/api/v1/surveys/", {"title": {"en": "x"}}, format="json").status_code == 403
    )
