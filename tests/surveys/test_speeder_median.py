"""The speeder rule's running median: the same figure on PostgreSQL (ranked in
the database) as the Python path reads and sorts elsewhere."""

import datetime as dt
import random
import uuid

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from surveys.enums import ResponseStatus
from surveys.models import Response
from surveys.responses.services.finish import SPEEDER_WINDOW
from surveys.responses.services.write import (
    _median_in_database,
    _median_in_python,
    response_submit,
    speeder_median,
)
from tests.factories import COMFORT_ANSWERS, CONSENT

pytestmark = pytest.mark.django_db


def _copies(template: Response, durations: list[float], base: dt.datetime) -> None:
    """Completed responses like `template`, submitted one second apart, newest last."""
    rows = []
    for i, seconds in enumerate(durations):
        submitted = base + dt.timedelta(seconds=i)
        rows.append(
            Response(
                id=uuid.uuid4(),
                respondent_id=template.respondent_id,
                survey_id=template.survey_id,
                version_id=template.version_id,
                status=ResponseStatus.COMPLETE,
                started_at=submitted - dt.timedelta(seconds=seconds),
                submitted_at=submitted,
            )
        )
    Response.objects.bulk_create(rows)
    for row, seconds in zip(rows, durations, strict=True):  # auto_now_add set it on insert
        row.started_at = row.submitted_at - dt.timedelta(seconds=seconds)
    Response.objects.bulk_update(rows, ["started_at"])


@pytest.mark.parametrize("count", [19, 20, 21, 57, SPEEDER_WINDOW + 40])
def test_the_median_is_the_same_on_either_path(survey, count):
    template = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    # The template submitted at its start: not measured, outside the window.
    Response.objects.filter(pk=template.pk).update(started_at=F("submitted_at"))
    rng = random.Random(count)
    base = timezone.now() - dt.timedelta(days=1)
    durations = [round(rng.uniform(5, 900), 6) for _ in range(count)]
    _copies(template, durations, base)
    copies = list(
        Response.objects.filter(survey=survey).exclude(pk=template.pk).order_by("submitted_at")
    )
    # Not counted: a partial one, an unmeasured one (submitted at its start), the response itself.
    partial, mine, unmeasured = copies[-3:]
    Response.objects.filter(pk=partial.pk).update(status=ResponseStatus.PARTIAL)
    Response.objects.filter(pk=unmeasured.pk).update(started_at=unmeasured.submitted_at)
    window = durations[:-3][-SPEEDER_WINDOW:]
    expected = _median_in_python(mine)
    ordered = sorted(window)
    if len(ordered) < 20:
        assert expected is None
    else:
        mid = len(ordered) // 2
        reference = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        assert expected == pytest.approx(reference, abs=1e-6)
    now = timezone.now()
    assert speeder_median(mine, now) == expected
    if connection.vendor == "postgresql":
        assert _median_in_database(mine) == expected
