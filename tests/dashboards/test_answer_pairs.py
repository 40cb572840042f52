"""The pair margin and the month cells of answers (AnswerPairRollup, AnswerCellRollup): kept
in step with AnswerRollup, and every filtered panel reads the same figures from them, with
the same figures withheld."""

import importlib
import itertools
from decimal import Decimal

import pytest
from django.apps import apps

from dashboards import tasks
from dashboards.models import (
    PAIR_DIMS,
    AnswerCellRollup,
    AnswerDayRollup,
    AnswerPairRollup,
    AnswerRollup,
)
from dashboards.selectors.filters import MetricFilter
from dashboards.services import aggregate_until_done, rollups_rebuild
from dashboards.services.margins import week_part
from surveys.models import Response
from tests.dashboards.dashdata import at, fill, submit_on
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

PANELS = ["kpis", "trends", "paradox", "segments", "items", "funnel", "crosstab"]
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


def cells_of_answer_rollups():
    """AnswerRollup summed to months, keeping the four segment dimensions."""
    sums: dict = {}
    for r in AnswerRollup.objects.values(*CELL, "day", *PAIR_DIMS, "n", "total", "total_sq"):
        key = (*(r[c] for c in CELL), r["day"].replace(day=1), *(r[d] for d in PAIR_DIMS))
        old = sums.get(key, (0, Decimal(0), Decimal(0)))
        sums[key] = (old[0] + r["n"], old[1] + r["total"], old[2] + r["total_sq"])
    return sorted((*k, *v) for k, v in sums.items() if v[0])


def stored_cells():
    fields = (*CELL, "day", *PAIR_DIMS, "n", "total", "total_sq")
    return sorted(tuple(r) for r in AnswerCellRollup.objects.filter(n__gt=0).values_list(*fields))


def margins():
    """Both margins as stored, checked against AnswerRollup."""
    pairs, cells = stored_pairs(), stored_cells()
    assert pairs == pairs_of_answer_rollups()
    assert cells == cells_of_answer_rollups()
    return pairs, cells


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


def test_margins_follow_aggregation_rebuild_and_recompute(survey):
    fill(survey, PLAN[:3])
    expected = margins()
    assert all(expected)
    # Idempotent: nothing new, nothing added.
    assert aggregate_until_done() == 0
    assert margins() == expected
    # Incremental on top of stored rows equals a rebuild.
    submit_on(survey, at(2026, 1, 15), 3, "qr", trust_brand=1)
    aggregate_until_done()
    incremental = margins()
    rollups_rebuild(survey_id=survey.pk)
    assert margins() == incremental
    # A recompute of one day (an erasure) sums its whole week part and month again.
    gone = Response.objects.filter(channel="qr").first()
    Response.objects.filter(pk=gone.pk).delete()
    tasks.rollups_recompute(survey.live_version_id, [gone.submitted_at.isoformat()])
    after = margins()
    assert after[0] != incremental[0] and after[1] != incremental[1]


def test_migrations_fill_the_margins_from_stored_answer_rollups(varied):
    expected = margins()
    AnswerPairRollup.objects.all().delete()  # as stored before the migrations
    AnswerCellRollup.objects.all().delete()
    for name in ("0012_answer_pair_rollup", "0013_answer_cell_rollup"):
        importlib.import_module(f"dashboards.migrations.{name}").fill(apps, None)
    assert margins() == expected


def old_grain(self, *dimensions, periods=False):
    """How answers were read before the pair margin: the full grain whenever segmented."""
    if self.segmented or dimensions:
        return AnswerRollup, {}
    return AnswerDayRollup, {}


def segment_filters(survey):
    """No filter, every single segment filter, every two combined and some more, with
    stored values."""
    from dashboards.models import ResponseRollup

    values = {
        d: sorted(set(ResponseRollup.objects.values_list(d, flat=True)) - {""}) for d in PAIR_DIMS
    }
    # The demo survey measures no Westin segment: filtering by one leaves nobody.
    values["westin_segment"] = values["westin_segment"] or ["pragmatist"]
    singles = [{d: v} for d in PAIR_DIMS for v in values[d]]
    doubles = [
        {a: va, b: vb}
        for a, b in itertools.combinations(PAIR_DIMS, 2)
        for va in values[a][:2]
        for vb in values[b][:2]
    ]
    # Three and four combined (month cells, or the full grain for weeks).
    more = [
        {d: values[d][k % len(values[d])] for d in dims}
        for k, dims in enumerate([PAIR_DIMS[1:], PAIR_DIMS[:3], PAIR_DIMS])
    ]
    return values, [{}, *singles, *doubles, *more]


VIEWS = [
    "period=all&granularity=week",
    "period=all&granularity=month&column=segment:age_band",
    "period=all&granularity=quarter&column=segment:locale&by=channel",
    "period=custom&from=2026-02-01&to=2026-03-31&granularity=week&column=trust_brand",
]


def test_every_filtered_panel_reads_the_same_figures_and_withholds_the_same(
    client, org, varied, monkeypatch
):
    login_verified(client, member(org, "analyst"))
    base = f"/studio/{org.slug}/dashboards/surveys/{varied.pk}/data/"
    values, filters = segment_filters(varied)
    # The data varies every dimension the demo survey measures.
    assert all(len(values[d]) >= 2 for d in ("age_band", "locale", "channel")), values
    withheld = shown = 0
    for view, flt, panel in itertools.product(VIEWS, filters, PANELS):
        url = base + f"{panel}/?{view}" + "".join(f"&{k}={v}" for k, v in flt.items())
        new = client.get(url)
        with monkeypatch.context() as m:
            m.setattr(MetricFilter, "answer_grain", old_grain)
            old = client.get(url)
        assert new.status_code == old.status_code == 200, url
        assert new.json() == old.json(), url
        cells = [
            v
            for chart in new.json()["charts"]
            for row in chart["table"]["rows"]
            for v in row[1:]
            if not isinstance(v, str)
        ]
        withheld += sum(v is None for v in cells)
        shown += sum(v is not None for v in cells)
    assert withheld > 100 and shown > 1000, (withheld, shown)  # both kinds were compared


def test_weekly_trends_are_identical_through_the_pairs(client, org, varied, monkeypatch):
    """Weeks cut at month ends (30–31 March, then 1–5 April) derive from week parts."""
    login_verified(client, member(org, "analyst"))
    base = f"/studio/{org.slug}/dashboards/surveys/{varied.pk}/data/trends/"
    for flt in ("", "&channel=web", "&channel=web&locale=en", "&age_band=a18_29"):
        url = f"{base}?period=all&granularity=week{flt}"
        new = client.get(url).json()
        with monkeypatch.context() as m:
            m.setattr(MetricFilter, "answer_grain", old_grain)
            old = client.get(url).json()
        assert new == old
    labels = client.get(f"{base}?period=all&granularity=week").content.decode()
    assert "2026-W14 (2026-04-01" in labels


def test_reads_choose_the_smallest_grain(varied):
    flt = MetricFilter(survey=varied)
    assert flt.answer_grain() == (AnswerDayRollup, {})
    assert flt.answer_grain("channel") == (AnswerPairRollup, {"pair": "locale+channel"})
    assert flt.answer_grain("locale") == (AnswerPairRollup, {"pair": "locale+channel"})
    one = MetricFilter(survey=varied, segments={"age_band": "a60"})
    assert one.answer_grain() == (AnswerPairRollup, {"pair": "age_band+locale"})
    assert one.answer_grain("westin_segment") == (
        AnswerPairRollup,
        {"pair": "westin_segment+age_band"},
    )
    assert one.answer_grain("channel", "locale")[0] is AnswerCellRollup
    assert one.answer_grain("channel", "locale", periods=True)[0] is AnswerRollup
    two = MetricFilter(survey=varied, segments={"age_band": "a60", "channel": "web"})
    assert two.answer_grain() == (AnswerPairRollup, {"pair": "age_band+channel"})
    assert two.answer_grain("locale") == (AnswerCellRollup, {})
    attr = MetricFilter(survey=varied, attributes={"region": "north"})
    assert attr.answer_grain()[0] is AnswerRollup
