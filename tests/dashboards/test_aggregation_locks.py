"""Batches of one survey version run side by side; a rebuild waits for them.

Batches lock the survey version FOR SHARE (they only add, in one key order);
a rebuild, recompute or score refresh locks it exclusively.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import OperationalError

from dashboards.models import ResponseRollup
from dashboards.services import aggregate_batch, rollups_rebuild
from dashboards.services.aggregation import DERIVED
from dashboards.services.writes import lock_versions
from surveys.models import Response
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def in_thread(work):
    """Run `work()` on a connection of its own with a 2 s lock timeout; its result or error."""
    out = {}

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            out["result"] = work()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return out


def test_a_batch_runs_while_another_holds_the_version():
    survey = live_survey(OrganizationFactory())
    for _ in range(3):
        response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    # The eager dispatch aggregated them on commit: start again from unaggregated.
    for model in DERIVED:
        model.objects.all().delete()
    Response.objects.update(aggregated_at=None)
    with transaction.atomic():
        lock_versions([survey.live_version_id], shared=True)  # a batch in flight
        out = in_thread(lambda: aggregate_batch(limit=10))
        assert out == {"result": 3}
        rebuilt = in_thread(lambda: rollups_rebuild(survey_id=survey.pk))
        assert isinstance(rebuilt.get("error"), OperationalError)  # waited, timed out
        assert "lock timeout" in str(rebuilt["error"])
    assert sum(ResponseRollup.objects.values_list("n", flat=True)) == 3
    assert in_thread(lambda: rollups_rebuild(survey_id=survey.pk)) == {"result": 3}
