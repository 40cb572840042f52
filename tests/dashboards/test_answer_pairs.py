"""The pair margin of answers (AnswerPairRollup): kept in step with AnswerRollup."""

import importlib
import itertools
from decimal import Decimal

import pytest
from django.apps import apps

from dashboards import tasks
from dashboards.models import PAIR_DIMS, AnswerPairRollup, AnswerRollup
from dashboards.services import aggregate_until_done, rollups_rebuild
from dashboards.services.aggregation import week_part
from surveys.models import Response
from tests.dashboards.dashdata import at, fill, submit_on

pytestmark = pytest.mark.django_db

CELL = ("version_id", "question_code", "item", "bucket", "flagged")


def pairs_of_answer_rollups():
    """AnswerRollup summed to week parts under every pair of segment dimensions."""
    sums: dict = {}
    for r in AnswerRollup.objects.values(*CELL, "day", *PAIR_DIMS, "n", "total", "total_sq"):
        for a, b in itertools.combinations(PAIR_DIMS, 2):
            cols = tuple(r[d] if d in (a, b) else "" for d in PAIR_DIMS)
            key = (f"{a}+{b}", *(r[c] for c in CELL), week_part(r["day"]), *cols)
            old = sums.get(key, (0, Decimal(0), Decimal(0)))
            sums[key] = (old[0] + r["n"], old[1] + r["total"], old[2] + r["total_sq"])
    return sorted((*k, *v) for k, v in sums.items() if v[0])


def stored_pairs():
    fields = ("pair", *CELL, "day", *PAIR_DIMS, "n", "total", "total_sq")
    return sorted(tuple(r) for r in AnswerPairRollup.objects.filter(n__gt=0).values_list(*fields))


# Several months (a week cut at 1 April), channels, locales, age bands, Westin
# segments, and groups around the minimum cell (10) so some figures are withheld.
FUNDAMENTALIST = {"concern": {"worry": 5, "control": 1, "no_concern": 1, "reads_terms": 4}}
UNCONCERNED = {"concern": {"worry": 1, "control": 5, "no_concern": 5, "reads_terms": 1}}
PLAN = [
    (at(2026, 1, 14), 12, "web", {"trust_brand": 5, "age_band": "a18_29"}),
    (at(2026, 1, 20), 4, "email", {"trust_brand": 2, **FUNDAMENTALIST}),
    (at(2026, 2, 11), 12, "email", {"trust_brand": 1, "policy_reading": "always"}),
    (at(2026, 2, 12), 3, "qr", {"age_band": "a60"}),
    (at(2026, 3, 30), 11, "web", {"nps": 3, **UNCONCERNED}),
    (at(2026, 3, 31), 6, "qr", {"trust_brand": 4, "age_band": "a18_29"}),
    (at(2026, 4, 1), 9, "web", {"trust_brand": 2, **FUNDAMENTALIST}),
    (at(2026, 4, 2), 13, "email", {"age_band": "a45_59", "policy_reading": "never"}),
]


@pytest.fixture
def varied(survey):
    fill(survey, PLAN)
    # Another locale for some, and quality flags for others: changed before a
    # rebuild, so the rollups count them as submitted that way.
    ids = list(Response.objects.order_by("submitted_at").values_list("pk", flat=True))
    Response.objects.filter(pk__in=ids[::3]).update(locale="zh-Hant")
    Response.objects.filter(pk__in=ids[1::7]).update(quality_flags=["straightlining"])
    rollups_rebuild(survey_id=survey.pk)
    return survey


def test_pairs_follow_aggregation_rebuild_and_recompute(survey):
    fill(survey, PLAN[:3])
    expected = pairs_of_answer_rollups()
    assert stored_pairs() == expected and expected
    # Idempotent: nothing new, nothing added.
    assert aggregate_until_done() == 0
    assert stored_pairs() == expected
    # Incremental on top of stored rows equals a rebuild.
    submit_on(survey, at(2026, 1, 15), 3, "qr", trust_brand=1)
    aggregate_until_done()
    incremental = stored_pairs()
    assert incremental == pairs_of_answer_rollups()
    rollups_rebuild(survey_id=survey.pk)
    assert stored_pairs() == incremental
    # A recompute of one day (an erasure) sums its whole week part again.
    gone = Response.objects.filter(channel="qr").first()
    Response.objects.filter(pk=gone.pk).delete()
    tasks.rollups_recompute(survey.live_version_id, [gone.submitted_at.isoformat()])
    assert stored_pairs() == pairs_of_answer_rollups()
    assert stored_pairs() != incremental


def test_migration_fills_the_pairs_from_stored_answer_rollups(varied):
    expected = stored_pairs()
    AnswerPairRollup.objects.all().delete()  # as stored before the migration
    migration = importlib.import_module("dashboards.migrations.0011_h21_answer_pair_rollup")
    migration.fill(apps, None)
    assert stored_pairs() == expected == pairs_of_answer_rollups()
