"""Helpers of the API suites."""

from rest_framework.test import APIClient

from surveys.accounts.services.accounts import api_key_create


def key_client(organization, scopes) -> APIClient:
    """A client authenticated by a new API key of `organization` with `scopes`."""
    _, plaintext = api_key_create(organization=organization, name="test", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def user_client(user) -> APIClient:
    """A client signed in (session) as `user`, two-factor passed (as the studio requires)."""
    from tests.fixtures import login_verified

    return login_verified(APIClient(), user)


def errors_of(response) -> list[tuple[str, str]]:
    """(field, code) of every error of an error response (which has that one shape)."""
    body = response.json()
    assert set(body) == {"errors"}, body
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}, error
    return [(e["field"], e["code"]) for e in body["errors"]]
