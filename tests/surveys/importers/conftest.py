"""Fixtures of the importer suites (clients per role, as in the API suites)."""

import pytest

from tests.api.helpers import user_client


@pytest.fixture
def as_role(users):
    """`as_role("author")`: a client signed in as that member of `org`."""
    return lambda role: user_client(users[role])
