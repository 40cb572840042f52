"""The benchmark floor endpoint (bench/floor/views.py)."""

import pytest
from rest_framework.test import APIRequestFactory

from bench.floor.models import BenchFloorRecord
from bench.floor.views import BenchFloorView
from surveys.accounts.services.accounts import api_key_create
from surveys.enums import ApiScope

PAYLOAD = {"answers": [{"question": "q01", "value": 4}], "locale": "en", "channel": "api"}


def post(body, key: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    request = APIRequestFactory().post("/api/v1/bench/floor/", body, format="json", **headers)
    return BenchFloorView.as_view()(request)


@pytest.mark.django_db
def test_stores_the_raw_body_unvalidated(settings, api_key):
    settings.BENCH_FLOOR_ENABLED = True
    response = post(PAYLOAD, api_key[1])
    assert response.status_code == 201
    record = BenchFloorRecord.objects.get()
    assert response.data == {"id": record.pk}
    assert record.payload == PAYLOAD
    # Anything JSON goes: nothing is checked.
    assert post({"nonsense": [1, 2, 3]}, api_key[1]).status_code == 201
    assert BenchFloorRecord.objects.count() == 2


@pytest.mark.django_db
def test_is_not_there_unless_enabled(settings, api_key):
    settings.BENCH_FLOOR_ENABLED = False
    assert post(PAYLOAD, api_key[1]).status_code == 404
    assert post(PAYLOAD).status_code == 404  # before authentication, too
    assert BenchFloorRecord.objects.count() == 0


@pytest.mark.django_db
def test_needs_an_api_key_with_responses_write(settings, org):
    settings.BENCH_FLOOR_ENABLED = True
    assert post(PAYLOAD).status_code == 401
    assert post(PAYLOAD, "tp_nope_nope").status_code == 401
    _, read_only = api_key_create(organization=org, name="read", scopes=[ApiScope.SURVEYS_READ])
    assert post(PAYLOAD, read_only).status_code == 403
    assert BenchFloorRecord.objects.count() == 0
