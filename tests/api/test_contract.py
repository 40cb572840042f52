"""The API's contract outside the views' own code: OPTIONS, and JSON errors under /api/."""

import json
import re

import pytest
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator

from surveys.accounts.services.accounts import api_key_create
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT

from .helpers import errors_of

pytestmark = pytest.mark.django_db


def test_options_answers_on_every_path_of_the_schema(as_key, survey, org):
    response = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    spare, _ = api_key_create(organization=org, name="spare", scopes=["surveys:read"])
    real = {
        "id": str(survey.pk),
        "org_id": str(org.pk),
        "key_id": str(spare.pk),
        "code": "nps",
        "link_id": "1",
        "batch_id": "1",
        "survey_id": str(survey.pk),
    }
    schema = SchemaGenerator().get_schema(request=None, public=True)
    client = as_key()
    answered = {}
    for path in schema["paths"]:
        url = (
            path.replace("{id}", str(response.pk))
            if path.startswith("/api/v1/responses/")
            else path
        )
        url = re.sub(r"\{(\w+)\}", lambda m: real.get(m.group(1), "1"), url)
        res = client.options(url)
        answered[path] = (res.status_code, res["Content-Type"], tuple(sorted(res.json())))
    assert len(answered) >= 30
    expected = ("application/json", ("description", "name", "parses", "renders"))
    # No export exists: its views look it up first, and answer in the error shape.
    missing = {p: a for p, a in answered.items() if p.startswith("/api/v1/exports/{id}/")}
    assert set(missing.values()) == {(404, "application/json", ("errors",))}
    assert len(missing) == 3
    answers = {a for p, a in answered.items() if p not in missing}
    assert answers == {(200, *expected)}


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/surveys/not-a-number/", "/api/elsewhere"]
)
def test_an_unknown_api_address_is_a_json_404(as_key, path):
    res = as_key().get(path)
    assert res.status_code == 404
    assert res["Content-Type"] == "application/json"
    assert errors_of(res) == [("$", "not_found")]


def test_with_debug_on_an_unknown_api_address_is_still_json(client, settings):
    """`make run` has DEBUG on: Django's technical 404 page is not what an API client gets."""
    settings.DEBUG = True
    res = client.get("/api/v1/nothing-here/")
    assert (res.status_code, res["Content-Type"]) == (404, "application/json")
    assert errors_of(res) == [("$", "not_found")]
    page = client.get("/nothing-here/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_an_unknown_page_elsewhere_stays_html(client):
    res = client.get("/nothing-here/")
    assert res.status_code == 404
    assert res["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("handler", "status", "code", "message"),
    [
        ("bad_request", 400, "bad_request", "The request is malformed."),
        (
            "permission_denied",
            403,
            "permission_denied",
            "You do not have permission to perform this action.",
        ),
    ],
)
def test_django_errors_under_the_api_are_json(handler, status, code, message):
    from trustpulse import errors

    res = getattr(errors, handler)(RequestFactory().get("/api/v1/surveys/"), Exception("no"))
    assert res.status_code == status
    assert json.loads(res.content) == {"errors": [{"field": "$", "code": code, "message": message}]}


def test_a_crash_under_the_api_is_a_json_500_and_html_elsewhere():
    from trustpulse import errors

    res = errors.server_error(RequestFactory().get("/api/v1/me/"))
    assert res.status_code == 500
    assert res["Content-Type"] == "application/json"
    assert res.content == (
        b'{"errors": [{"field": "$", "code": "server_error", '
        b'"message": "The server failed to answer; the request may be retried."}]}'
    )
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/studio/")
    request.session = SessionStore()  # the page's language form keeps its CSRF secret there
    page = errors.server_error(request)
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
