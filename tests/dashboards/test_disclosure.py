"""The disclosure rule's parts (dashboards/services/disclosure.py) and the funnel example."""

import datetime as dt

import pytest

from dashboards.models import ResponseRollup, ScoreRollup, WithdrawalRollup
from dashboards.selectors.counts import excluded_flagged
from dashboards.selectors.filters import MetricFilter
from dashboards.selectors.funnel import CONSENT_SOURCES
from dashboards.services.disclosure import (
    WITHHELD,
    Figure,
    chain,
    derived,
    grid_end,
    grid_start,
    line,
    proportion,
    protect_line,
    shares,
    snap,
    tally,
)
from tests.api.helpers import key_client
from tests.dashboards.helpers import analysed_survey

DAY = dt.date(2026, 10, 5)


def test_proportion_withholds_a_small_part_or_rest():
    assert proportion(1, 12, min_cell=10) == WITHHELD  # the part
    assert proportion(11, 12, min_cell=10) == WITHHELD  # the rest
    assert proportion(5, 9, min_cell=5) == WITHHELD  # the whole
    assert proportion(0, 12, min_cell=10) == Figure(n=12, value=0.0)  # nobody
    assert proportion(12, 12, min_cell=10) == Figure(n=12, value=1.0)  # everybody
    assert proportion(10, 30, min_cell=10) == Figure(n=30, value=10 / 30)


def test_protect_line_hides_until_the_hidden_sum_is_not_small():
    # 3 alone would be the total minus 40 and 12; the next smallest goes with it.
    assert protect_line([3, 12, 40], min_cell=10) == [True, True, False]
    # 3 and 4 together are 7: still small, so 40 goes too.
    assert protect_line([3, 4, 40], min_cell=10) == [True, True, True]
    assert protect_line([3, 9, 40], min_cell=10) == [True, True, False]  # 12 hidden
    # People in no part (the total is larger) already hide a lone part when not small.
    assert protect_line([3, 40], min_cell=10, total=55) == [True, False]
    assert protect_line([3, 40], min_cell=10, total=45) == [True, True]
    # A small rest with every part visible is withheld through a part.
    assert protect_line([20, 40], min_cell=10, total=63) == [True, False]
    assert protect_line([0, 20, 40], min_cell=10) == [False, False, False]


def test_line_and_shares():
    assert [f.n for f in line([0, 3, 12, 40], min_cell=10)] == [None, None, None, 40]
    assert [f.value for f in shares([10, 30], min_cell=10)] == [0.25, 0.75]
    assert shares([3, 30], min_cell=10) == [WITHHELD, WITHHELD]


def test_chain_and_derived():
    # shown 40 ⊇ consented 35 ⊇ completed 33 ⊇ withdrawn 0.
    assert chain([40, 35, 33, 0], min_cell=10) == [False, True, True, False]
    assert chain([40, 20, 20, 3], min_cell=10) == [False, False, False, True]
    assert chain([None, 20, 12, 0], min_cell=10) == [True, False, True, False]  # 20 − 12
    assert derived(0.5, Figure(n=10, value=1.0), WITHHELD) == WITHHELD
    assert derived(0.5, Figure(n=10, value=1.0), n=10) == Figure(n=10, value=0.5)


def rollups(survey, cells):
    """cells: (age band, held, withdrawn, flagged) → rollup rows of one day."""
    version = survey.live_version
    for age, held, gone, flagged in cells:
        dims = {
            "version": version,
            "day": DAY,
            "age_band": age,
            "locale": "en",
            "channel": "web",
            "flagged": flagged,
        }
        ResponseRollup.objects.create(**dims, n=held)
        if gone:
            WithdrawalRollup.objects.create(**dims, n=gone)
        ScoreRollup.objects.create(**dims, n=held, notice_opened=held)


@pytest.mark.django_db
def test_tally_withholds_complements_and_sums_across_segments(org):
    survey = analysed_survey(org)
    rollups(
        survey,
        [("a18_29", 30, 10, False), ("a30_44", 25, 0, False), ("a60", 11, 1, False)],
    )
    a60 = MetricFilter(survey=survey, segments={"age_band": "a60"})
    counts, bad = tally(a60, CONSENT_SOURCES)
    assert (counts["completed"], counts["withdrawn"], counts["stayed"]) == (12, 1, 11)
    assert bad == {"withdrawn"}
    # 30–44 withdrew nobody, 18–29 ten; withdrawn overall 11: 11 − 10 − 0 gives a60's 1 back,
    # so 18–29's withdrawn count goes with it (sums across the segment).
    young = MetricFilter(survey=survey, segments={"age_band": "a18_29"})
    assert "withdrawn" in tally(young, CONSENT_SOURCES)[1]
    # Quality-flagged responses are a population of their own: two of them change no
    # clean figure, and their own count (2) is withheld.
    ResponseRollup.objects.create(
        version=survey.live_version,
        day=DAY,
        age_band="a30_44",
        locale="en",
        channel="web",
        flagged=True,
        n=2,
    )
    mid = MetricFilter(survey=survey, segments={"age_band": "a30_44"})
    assert tally(mid, CONSENT_SOURCES)[0]["completed"] == 25
    assert "completed" not in tally(mid, CONSENT_SOURCES)[1]
    assert "completed" not in tally(MetricFilter(survey=survey), CONSENT_SOURCES)[1]
    assert excluded_flagged(mid) is None
    assert excluded_flagged(MetricFilter(survey=survey)) is None
    assert excluded_flagged(young) == 0


@pytest.mark.django_db
def test_a_value_withheld_for_its_own_complement_is_a_withheld_part_of_its_line(org):
    """Ages × locales, all included (flagged=False). 60+ in English (15) is withheld: 60+
    not English is 4. Without more, English (75) minus the other ages in English (30,
    30) gives the 15 back, and 60+ (19) minus it the 4."""
    survey = analysed_survey(org)
    version = survey.live_version
    for age, locale, n in [
        ("a18_29", "en", 30),
        ("a18_29", "de", 30),
        ("a30_44", "en", 30),
        ("a30_44", "de", 31),
        ("a60", "en", 15),
        ("a60", "de", 4),
    ]:
        ResponseRollup.objects.create(
            version=version, day=DAY, age_band=age, locale=locale, channel="web", n=n
        )

    def bad(**segments: str) -> frozenset[str]:
        flt = MetricFilter(survey=survey, segments=segments)
        return tally(flt, CONSENT_SOURCES)[1]

    assert "completed" in bad(age_band="a60", locale="en")
    # 60+ alone and English alone are published: 19 and 75.
    assert "completed" not in bad(age_band="a60")
    assert "completed" not in bad(locale="en")
    # So one more English age band goes: the smaller (18–29, the first of equals).
    assert "completed" in bad(age_band="a18_29", locale="en")
    assert "completed" not in bad(age_band="a30_44", locale="en")
    assert protect_line([30, 30, 15], min_cell=10, withheld=[False, False, True]) == [
        True,
        False,
        True,
    ]


@pytest.mark.django_db
def test_the_funnel_example_returns_no_recoverable_count(org):
    """Issue 14: withdrawal_rate × completed gave the withheld withdrawn count back."""
    survey = analysed_survey(org)
    rollups(
        survey,
        [("a18_29", 40, 12, False), ("a30_44", 35, 10, False), ("a60", 11, 1, False)],
    )
    client = key_client(org, ["metrics:read"])
    url = f"/api/v1/metrics/surveys/{survey.pk}/funnel/"
    body = client.get(url, {"age_band": "a60"}).json()
    assert body["completed"]["n"] == 12
    assert body["withdrawn"]["suppressed"] is True
    assert body["withdrawal_rate"] == {
        "n": None,
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }
    # Nor from the unfiltered survey minus the other bands: 23 − 12 − 10 would be 1.
    total = client.get(url).json()
    others = [client.get(url, {"age_band": b}).json() for b in ("a18_29", "a30_44")]
    visible = [f["withdrawn"]["n"] for f in others if not f["withdrawn"]["suppressed"]]
    assert total["withdrawn"]["n"] == 23
    assert visible == [12]  # 30–44's 10 is withheld with a60's 1: together 11
    for f in [body, total, *others]:
        rate, done = f["withdrawal_rate"], f["completed"]["n"]
        if not rate["suppressed"]:
            derived_count = round(rate["value"] * done)
            assert derived_count == 0 or derived_count >= 10


def test_grid_cells_are_calendar_months():
    assert grid_start(dt.date(2026, 10, 28)) == dt.date(2026, 10, 1)
    assert grid_end(dt.date(2026, 10, 28)) == dt.date(2026, 10, 31)
    assert grid_start(dt.date(2026, 11, 1)) == grid_end(dt.date(2026, 10, 31)) + dt.timedelta(1)
    assert grid_end(dt.date(2026, 12, 29)) == dt.date(2026, 12, 31)
    assert grid_end(dt.date(2027, 2, 1)) == dt.date(2027, 2, 28)
    assert grid_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert snap(dt.date(2026, 10, 6), dt.date(2026, 10, 6)) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
    )
    assert snap(None, dt.date(2026, 10, 6)) == (None, dt.date(2026, 10, 31))
    flt = MetricFilter(survey=None, date_from=DAY)  # type: ignore[arg-type]
    assert flt.date_from == dt.date(2026, 10, 1)


def _day(survey, day, age, n, gone=0):
    dims = {
        "version": survey.live_version,
        "day": day,
        "age_band": age,
        "locale": "en",
        "channel": "web",
        "flagged": False,
    }
    ResponseRollup.objects.create(**dims, n=n)
    ScoreRollup.objects.create(**dims, n=n, notice_opened=n)
    if gone:
        WithdrawalRollup.objects.create(**dims, n=gone)


@pytest.mark.django_db
def test_adjacent_date_ranges_do_not_give_a_day_away(org):
    """Two ranges one day apart differed by that day's respondents (issue 14)."""
    survey = analysed_survey(org)
    _day(survey, dt.date(2026, 10, 5), "a30_44", 20, gone=10)
    _day(survey, dt.date(2026, 10, 6), "a30_44", 2, gone=1)  # the day an attacker wants
    _day(survey, dt.date(2026, 11, 12), "a30_44", 30, gone=12)  # the next month
    client = key_client(org, ["metrics:read"])
    url = f"/api/v1/metrics/surveys/{survey.pk}/funnel/"
    # 5–5 October and 5–6 October are both October: the same answer.
    one = client.get(url, {"from": "2026-10-05", "to": "2026-10-05"})
    two = client.get(url, {"from": "2026-10-05", "to": "2026-10-06"})
    assert one["TrustPulse-Date-Range"] == two["TrustPulse-Date-Range"] == "2026-10-01/2026-10-31"
    assert one.json() == two.json()
    # Completed counts the withdrawn too: 22 + 11 in October, 11 of them withdrawn.
    assert (one.json()["completed"]["n"], one.json()["withdrawn"]["n"]) == (33, 11)
    # October and October–November differ by November: 42 people, not a small count.
    both = client.get(url, {"from": "2026-10-05", "to": "2026-11-18"})
    assert both["TrustPulse-Date-Range"] == "2026-10-01/2026-11-30"
    assert both.json()["completed"]["n"] == 75
    # A range with a small month is withheld, whatever else it holds; all time too.
    _day(survey, dt.date(2026, 12, 20), "a30_44", 3)
    wide = client.get(url, {"from": "2026-10-05", "to": "2026-12-25"})
    assert wide["TrustPulse-Date-Range"] == "2026-10-01/2026-12-31"
    assert wide.json()["completed"]["suppressed"] is True
    assert client.get(url).json()["completed"]["suppressed"] is True
    # The months before it are still published: they do not hold December.
    assert client.get(url, {"to": "2026-11-30"}).json()["completed"]["n"] == 75
    assert client.get(url, {"from": "2026-10-19"})["TrustPulse-Date-Range"] == "2026-10-01/.."
    assert "TrustPulse-Date-Range" not in client.get(url)


@pytest.mark.django_db
def test_tally_table_names_entries_by_their_labels_zero_included(org):
    from django.db.models import F

    from dashboards.models import ScoreBinRollup
    from dashboards.services.disclosure import tally_table

    survey = analysed_survey(org)
    for day, n in [(dt.date(2026, 9, 12), 11), (dt.date(2026, 10, 7), 13)]:
        ScoreBinRollup.objects.create(
            version=survey.live_version,
            day=day,
            locale="en",
            channel="web",
            stated_bin=2,
            enacted_bin=0,
            n=n,
        )
    flt = MetricFilter(survey=survey)
    counts, bad = tally_table(
        flt, model=ScoreBinRollup, row=F("stated_bin"), column=F("enacted_bin")
    )
    assert counts == {("2", "0"): 24, ("2", None): 24, (None, "0"): 24, (None, None): 24}
    assert bad == frozenset()
    # September's 11 and October's 13 are each a whole cell: September alone is published.
    sept = MetricFilter(survey=survey, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30))
    assert tally_table(
        sept, model=ScoreBinRollup, row=F("stated_bin"), column=F("enacted_bin")
    ) == (
        {("2", "0"): 11, ("2", None): 11, (None, "0"): 11, (None, None): 11},
        frozenset(),
    )
