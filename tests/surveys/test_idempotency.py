import pytest

from surveys.models import IdempotencyRecord, Response
from surveys.responses.services.idempotency import IdempotencyConflict, idempotent_call
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_same_key_same_body_runs_once(survey, org):
    calls = []

    def call():
        calls.append(1)
        r = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
        return 201, {"id": str(r.pk)}

    payload = {"answers": COMFORT_ANSWERS}
    first = idempotent_call(organization=org, scope="s", key="k1", payload=payload, call=call)
    second = idempotent_call(organization=org, scope="s", key="k1", payload=payload, call=call)
    assert (first.replayed, second.replayed) == (False, True)
    assert first.body == second.body and second.status == 201
    assert len(calls) == 1 and Response.objects.count() == 1
    with pytest.raises(IdempotencyConflict):
        idempotent_call(organization=org, scope="s", key="k1", payload={"x": 1}, call=call)
    other = OrganizationFactory()
    third = idempotent_call(organization=other, scope="s", key="k1", payload=payload, call=call)
    assert third.replayed is False and Response.objects.count() == 2


def test_failed_call_stores_nothing(org):
    def call():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        idempotent_call(organization=org, scope="s", key="k", payload={}, call=call)
    assert IdempotencyRecord.objects.count() == 0
