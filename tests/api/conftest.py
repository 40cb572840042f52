"""Fixtures of the API suites: a client for each kind of caller."""

import pytest

from surveys.enums import ApiScope

from .helpers import key_client, user_client


@pytest.fixture
def as_role(users):
    """`as_role("author")`: a client signed in as that member of `org`."""
    return lambda role: user_client(users[role])


@pytest.fixture
def as_key(org):
    """`as_key("surveys:read", ...)`: a client with a new key of `org` (every scope if none)."""
    return lambda *scopes: key_client(org, scopes or ApiScope.values)
