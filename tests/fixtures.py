"""Shared pytest fixtures (imported by tests/conftest.py)."""

import pytest

from surveys.accounts.services.accounts import api_key_create
from surveys.enums import Role

from .factories import OrganizationFactory, live_survey, member, published_notice


@pytest.fixture
def org(db):
    """An organization with the demo consent notice published."""
    organization = OrganizationFactory()
    published_notice(organization)
    return organization


@pytest.fixture
def other_org(db):
    return OrganizationFactory()


@pytest.fixture
def survey(org):
    """The privacy-comfort demo survey, live, in `org`."""
    return live_survey(org)


@pytest.fixture
def quiz(org):
    return live_survey(org, "privacy_quiz")


@pytest.fixture
def users(org):
    """One user per role in `org`: {"admin": …, "author": …, …}."""
    return {role: member(org, role) for role in Role.values}


@pytest.fixture
def api_key(org):
    """(ApiKey, plaintext) with every scope."""
    from surveys.enums import ApiScope

    return api_key_create(organization=org, name="test", scopes=ApiScope.values)


def respondent_session(client):
    """The respondent flow's session of a test client (its own cookie, not client.session)."""
    from importlib import import_module

    from django.conf import settings

    cookie = client.cookies.get(settings.RESPONDENT_SESSION_COOKIE_NAME)
    store = import_module(settings.RESPONDENT_SESSION_ENGINE).SessionStore
    return store(cookie.value if cookie else None)


def login_verified(client, user):
    """Sign `user` in on the test client with two-factor already passed.

    Admins (``TWO_FACTOR_REQUIRED_ROLES``) and members with an authenticator
    are sent to set up or enter a code before any studio page; tests of the
    pages themselves sign in with this instead of ``client.force_login``.
    """
    from surveys.two_factor import SESSION_KEY

    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = user.pk
    session.save()
    return client


@pytest.fixture
def verified_login():
    """`login_verified` as a fixture: ``verified_login(client, users["admin"])``."""
    return login_verified
