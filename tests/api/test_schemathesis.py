"""Property-based requests to every API operation, generated from our own OpenAPI schema.

Positive cases follow the schema (with real ids in the path), negative ones
break it on purpose. Requests go through the real WSGI application
(middleware, authentication, parsing), once with an API key holding every
scope and once as a signed-in organization admin. However odd the input, the
API must answer without a server error. Derandomized, so CI is repeatable.
"""

import contextlib
import json
import time

import pytest
import schemathesis
from django.conf import settings as dj_settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import CSRF_SESSION_KEY, _get_new_csrf_string
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from surveys import services
from surveys.enums import ApiScope, Role
from tests.factories import COMFORT_ANSWERS, CONSENT, live_survey, member
from tests.fixtures import login_verified

EXAMPLES = 6  # per operation, mode and caller: several hundred cases in all
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@contextlib.contextmanager
def wsgi_app():
    """The WSGI application, keeping the test's database connection between requests.

    Like Django's test client: a request must not close the connection that
    holds the test's transaction (it would on PostgreSQL).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def openapi():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


def world(org) -> dict:
    """Real path parameters: a live survey with a response, a draft, a spare key."""
    survey = live_survey(org)
    response = services.response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    draft = services.survey_create(organization=org, title={"en": "Draft"})
    spare, _ = services.api_key_create(organization=org, name="spare", scopes=["surveys:read"])
    return {
        "id": survey.pk,
        "survey_id": survey.pk,
        "org_id": org.pk,
        "key_id": spare.pk,
        "code": "nps",
        "draft": draft.pk,
        "response": str(response.pk),
    }


def path_parameters(operation, real: dict) -> dict:
    fixed = {}
    for parameter in operation.path_parameters:
        name = parameter.name
        if name == "id" and operation.path.startswith("/api/v1/responses/"):
            fixed[name] = real["response"]
        elif name == "code" and "/sections/" in operation.path:
            fixed[name] = "recommend"
        elif name in real:
            fixed[name] = real[name]
    return fixed


def session(client, user) -> tuple[dict, dict]:
    """(headers, cookies) of a signed-in `user` (two-factor passed), with a CSRF token.

    The CSRF secret lives in the session (CSRF_USE_SESSIONS): put one there.
    """
    login_verified(client, user)
    token = _get_new_csrf_string()
    stored = client.session
    stored[CSRF_SESSION_KEY] = token
    stored.save()
    name = dj_settings.SESSION_COOKIE_NAME
    cookies = {name: client.cookies[name].value}
    return {"X-CSRFToken": token}, cookies


def fuzz(operation, app, headers: dict, cookies: dict, mode, fixed) -> int:
    """Run the generated cases of one operation; returns how many ran."""
    count = 0
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

    @HYPOTHESIS
    @given(case=strategy)
    def run(case):
        nonlocal count
        count += 1
        case.call_and_validate(
            app=app, headers=headers, cookies=cookies, checks=[not_a_server_error]
        )

    run()
    return count


@pytest.mark.slow
@pytest.mark.django_db
def test_no_server_error_on_any_operation(openapi, org, client):
    key = services.api_key_create(organization=org, name="fuzz", scopes=ApiScope.values)[1]
    callers = {
        "api key": ({"Authorization": f"Bearer {key}"}, {}),
        "admin": session(client, member(org, Role.ADMIN)),
    }
    cases, started = 0, time.monotonic()
    with wsgi_app() as app:
        for result in openapi.get_all_operations():
            operation = result.ok()
            real = world(org)  # fresh objects: earlier operations may have deleted some
            for caller, (headers, cookies) in callers.items():
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    fixed = path_parameters(operation, real) if mode.is_positive else None
                    try:
                        cases += fuzz(operation, app, headers, cookies, mode, fixed)
                    except Exception as exc:
                        label = f"{operation.label} ({caller}, {mode.value})"
                        raise AssertionError(label) from exc
    print(f"schemathesis: {cases} cases in {time.monotonic() - started:.1f}s")
    assert cases >= 300
