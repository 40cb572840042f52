"""Fixtures of the builder suites: a signed-in author and a new two-language draft."""

import pytest

from surveys.models import Survey
from tests.fixtures import login_verified
from tests.surveys.builder.helpers import base


@pytest.fixture
def author(client, users):
    login_verified(client, users["author"])
    return users["author"]


@pytest.fixture
def draft(org, author, client):
    response = client.post(
        base(org) + "new/",
        {
            "title": "Data comfort",
            "kind": "survey",
            "locales": ["en", "zh-Hant"],
            "default_locale": "en",
            "consent_notice": "privacy-notice",
        },
    )
    assert response.status_code == 302
    return Survey.objects.get(title__en="Data comfort")
