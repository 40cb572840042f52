"""Builder lists cost the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.authoring.services.authoring import survey_new
from surveys.authoring.services.content import question_add, section_add
from tests.factories import live_survey
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


def count(client, url):
    client.get(url)  # a session's first page also stores its CSRF secret: not counted
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_survey_list_queries_do_not_grow_with_surveys(client, org, users):
    login_verified(client, users["author"])
    live_survey(org)
    one = count(client, f"/studio/{org.slug}/")
    for i in range(4):
        live_survey(org, slug=f"more-{i}")
    assert count(client, f"/studio/{org.slug}/") == one


def test_builder_overview_queries_do_not_grow_with_questions(client, org, users):
    login_verified(client, users["author"])
    survey = survey_new(organization=org, title={"en": "Q"}, consent_notice="privacy-notice")
    section_add(survey=survey, section={"code": "s1"})

    def add(code):
        question_add(
            survey=survey,
            section_code="s1",
            question={
                "code": code,
                "type": "single_choice",
                "text": {"en": code},
                "purpose": "survey_research",
                "choices": [
                    {"code": "a", "label": {"en": "A"}},
                    {"code": "b", "label": {"en": "B"}},
                ],
            },
        )

    add("q0")
    url = f"/studio/{org.slug}/surveys/{survey.pk}/"
    one = count(client, url)
    for i in range(1, 10):
        add(f"q{i}")
    assert count(client, url) == one
