"""Property-based requests to every API operation, from our own OpenAPI schema, over HTTP.

The live test server (pytest-django's ``live_server``: the whole stack,
middleware included) answers generated requests with an API key holding
every scope, and without credentials. Positive cases follow the schema
(with real ids in the path), negative ones break it on purpose. Every
schemathesis check runs (``CHECKS.get_all()``: no server error, status codes,
content types, headers and bodies as documented, invalid data rejected,
valid data not refused for its shape, undocumented methods answered 405,
authentication not ignored, …). Derandomized and bounded, so CI is repeatable
and quick.
"""

import json
import time

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from surveys.accounts.services.accounts import api_key_create
from surveys.authoring.services.definitions import survey_create
from surveys.enums import ApiScope
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, live_survey

EXAMPLES = 5  # per operation, mode and caller
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


# A schema-valid request may still break a rule no schema states (close a survey
# that is not live, quiz scores of a survey, a segment the survey does not
# declare, a definition's cross-references): it is refused with 400 in the error
# shape, which schemathesis' positive_data_acceptance check must accept too.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
            }
        }
    }
)


@pytest.fixture
def openapi():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)), config=CONFIG)


def world(org) -> dict:
    """Real path parameters: a live survey with a response, a draft, a spare key."""
    survey = live_survey(org)
    response = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    draft = survey_create(organization=org, title={"en": "Draft"})
    spare, _ = api_key_create(organization=org, name="spare", scopes=["surveys:read"])
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


def fuzz(operation, base_url: str, headers: dict, mode, fixed) -> int:
    """Run the generated cases of one operation under every check; returns how many ran."""
    count = 0
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
    checks = CHECKS.get_all()

    @HYPOTHESIS
    @given(case=strategy)
    def run(case):
        nonlocal count
        count += 1
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks, timeout=30)

    run()
    return count


def test_every_operation_keeps_its_contract(openapi, org, live_server):
    load_all_checks()
    key = api_key_create(organization=org, name="fuzz", scopes=ApiScope.values)[1]
    callers = {"api key": {"Authorization": f"Bearer {key}"}, "anonymous": {}}
    cases, failures, started = 0, [], time.monotonic()
    for result in openapi.get_all_operations():
        operation = result.ok()
        real = world(org)  # fresh objects: earlier operations may have deleted some
        for caller, headers in callers.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fixed = path_parameters(operation, real) if mode.is_positive else None
                try:
                    cases += fuzz(operation, live_server.url, headers, mode, fixed)
                except (Exception, BaseExceptionGroup) as exc:  # every failure, not the first only
                    label = f"{operation.label} ({caller}, {mode.value})"
                    failures.append(f"{label}: {str(exc)[:1500]}")
    print(f"schemathesis: {cases} cases in {time.monotonic() - started:.1f}s")
    assert failures == [], "\n\n".join(failures)
    assert cases >= 300
