import math
import statistics
from decimal import Decimal

import pytest

from dashboards.models import ScoreRollup
from dashboards.selectors.distributions import distribution, nps
from dashboards.selectors.filters import MetricFilter
from dashboards.selectors.paradox import paradox, paradox_stats
from dashboards.services.disclosure import suppress
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey

pytestmark = pytest.mark.django_db

PAIRS = [
    (0.9, 0.1),
    (0.8, 0.3),
    (0.7, 0.2),
    (0.6, 0.6),
    (0.5, 0.4),
    (0.95, 0.05),
    (0.4, 0.5),
    (0.85, 0.35),
    (0.75, 0.1),
    (0.65, 0.3),
    (0.3, 0.2),
    (0.55, 0.45),
]


def sums(pairs):
    d = [Decimal(str(x)) for x, _ in pairs], [Decimal(str(y)) for _, y in pairs]
    xs, ys = d
    return {
        "n": len(pairs),
        "sum_x": sum(xs),
        "sum_y": sum(ys),
        "sum_xx": sum(x * x for x in xs),
        "sum_yy": sum(y * y for y in ys),
        "sum_xy": sum(x * y for x, y in zip(xs, ys, strict=True)),
        "paradoxical": sum(1 for x, y in pairs if x >= 0.6 and y <= 0.4),
    }


def test_paradox_stats_match_direct_computation():
    g = paradox_stats(sums(PAIRS), min_cell=10)
    gaps = [x - y for x, y in PAIRS]
    mean = statistics.fmean(gaps)
    half = 2.201 * statistics.stdev(gaps) / math.sqrt(len(gaps))  # t(0.975, 11)
    assert g.gap.value == pytest.approx(mean, abs=1e-12)
    assert (g.gap.ci_low, g.gap.ci_high) == (
        pytest.approx(mean - half, abs=1e-12),
        pytest.approx(mean + half, abs=1e-12),
    )
    r = statistics.correlation([x for x, _ in PAIRS], [y for _, y in PAIRS])
    assert g.correlation.value == pytest.approx(r, abs=1e-12)
    z = math.atanh(r)
    assert g.correlation.ci_low == pytest.approx(math.tanh(z - 1.96 / 3), abs=1e-12)
    assert g.paradoxical_share.suppressed is True  # 7 of 12: the other 5 are under 10
    assert paradox_stats(sums(PAIRS), min_cell=5).paradoxical_share.value == pytest.approx(7 / 12)
    assert g.stated.value == pytest.approx(statistics.fmean(x for x, _ in PAIRS))


def test_small_groups_are_suppressed():
    g = paradox_stats(sums(PAIRS[:9]), min_cell=10)
    assert g.gap == g.correlation == g.respondents
    assert (g.gap.suppressed, g.gap.n, g.gap.value) == (True, None, None)
    assert suppress(4, 5).suppressed is True
    assert suppress(5, 5, 1.0).value == 1.0


def test_paradox_by_segment_reads_rollups(db):
    org = OrganizationFactory()
    survey = live_survey(org)
    version = survey.live_version
    import datetime as dt

    day = dt.date(2026, 11, 20)
    for age, pairs in [("a18_29", PAIRS), ("a60", PAIRS[:3])]:
        s = sums(pairs)
        ScoreRollup.objects.create(
            version=version,
            day=day,
            age_band=age,
            locale="en",
            channel="web",
            n=s["n"],
            sum_x=s["sum_x"],
            sum_y=s["sum_y"],
            sum_xx=s["sum_xx"],
            sum_yy=s["sum_yy"],
            sum_xy=s["sum_xy"],
            paradoxical=s["paradoxical"],
        )
    report = paradox(MetricFilter(survey=survey), by="age_band")
    # 12 of 15 are 18–29: shown, the overall 15 would give the 3 aged 60+ away.
    assert [(g.key, g.respondents.n, g.gap.suppressed) for g in report.groups] == [
        ("a18_29", None, True),
        ("a60", None, True),
    ]
    overall = paradox(MetricFilter(survey=survey)).groups[0]
    assert overall.respondents.n == 15
    assert report.min_cell == 10


def test_distribution_and_nps_from_real_submissions(survey):
    from dashboards.services import aggregate_until_done
    from surveys.responses.services.write import response_submit
    from tests.factories import COMFORT_ANSWERS

    for score in [10] * 6 + [7] * 3 + [3] * 3:
        answers = [dict(a, value=score) if a["question"] == "nps" else a for a in COMFORT_ANSWERS]
        if score >= 9:
            answers = [a for a in answers if a["question"] != "improve_text"]
        response_submit(consent=CONSENT, survey=survey, answers=answers)
    aggregate_until_done()
    flt = MetricFilter(survey=survey)
    # Every bucket is under 10: the score and the mean would be equations over them.
    assert nps(flt, question="nps").suppressed is True
    dist = distribution(flt, question="nps")
    assert [(b, f.n) for b, f in dist.buckets] == [("10", None), ("3", None), ("7", None)]
    assert (dist.total.n, dist.mean.suppressed) == (12, True)
    assert dist.excluded_flagged == 0


def test_overview_indices_westin_and_privacy_actives(org):
    from dashboards.selectors.metrics import overview
    from dashboards.services import aggregate_until_done
    from surveys.authoring.services.definitions import survey_publish
    from surveys.authoring.services.instruments import instrument_insert
    from surveys.responses.services.write import response_submit

    survey = live_survey(org)
    draft = instrument_insert(survey=survey, instrument="westin")
    instrument_insert(survey=survey, instrument="privacy_actives")
    survey_publish(survey=survey)
    survey.refresh_from_db()
    assert survey.live_version == draft
    westin = {"w1": 4, "w2": 1, "w3": 2}  # fundamentalist
    base = {a["question"]: a["value"] for a in COMFORT_ANSWERS}
    for i in range(12):
        answers = dict(
            base,
            westin=westin if i < 10 else {"w1": 1, "w2": 4, "w3": 4},
            pa_cares=True,
            pa_willing=True,
            pa_acted=i < 3,
            trust_brand=5 if i < 6 else 1,
        )
        response_submit(
            survey=survey,
            consent=CONSENT,
            answers=[{"question": k, "value": v} for k, v in answers.items()],
        )
    aggregate_until_done()
    o = overview(MetricFilter(survey=survey))
    assert o.responses.n == 12
    assert o.trust_index.value == pytest.approx(0.5)  # half 5/5, half 1/5
    # concern rows: worry 4, control 5, no_concern 2 (reversed) on 1..5 → (0.75+1+0.75)/3
    assert o.privacy_concern_index.value == pytest.approx(2.5 / 3)
    assert o.privacy_actives_share.suppressed is True  # 3 of 12
    # 10 of 12 fundamentalist: its share would give the 2 unconcerned away, so both go.
    assert [(seg, f.n, f.value) for seg, f in o.westin] == [
        ("fundamentalist", None, None),
        ("unconcerned", None, None),
    ]


def test_unsegmented_reads_use_the_day_margin_and_agree_with_the_full_grain(survey):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboards.selectors.metrics import overview
    from dashboards.selectors.trends import trends
    from dashboards.services import aggregate_until_done
    from surveys.responses.services.write import response_submit

    for i in range(24):
        answers = [
            dict(a, value=5 if i < 12 else 2) if a["question"] == "trust_brand" else a
            for a in COMFORT_ANSWERS
        ]
        response_submit(consent=CONSENT, survey=survey, answers=answers)
        if i == 11:
            survey.responses.update(channel="qr")  # the first twelve (trust 5/5)
    aggregate_until_done()
    everyone = MetricFilter(survey=survey)
    with CaptureQueriesContext(connection) as ctx:
        o = overview(everyone)
        t = trends(everyone, granularity="week")
        dist = distribution(everyone, question="trust_brand")
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "dashboards_answerdayrollup" in tables
    assert "dashboards_answerrollup" not in tables
    assert o.trust_index.value == pytest.approx((12 * 1.0 + 12 * 0.25) / 24)
    assert t.total.trust_index.value == pytest.approx(o.trust_index.value)
    assert [(b, f.n) for b, f in dist.buckets] == [("d", 12), ("sa", 12)]
    # A segment filter reads the full grain; a filter every response passes agrees.
    qr = MetricFilter(survey=survey, segments={"channel": "qr"})
    assert qr.segmented and not everyone.segmented
    assert overview(qr).trust_index.value == pytest.approx(1.0)
    assert [(b, f.n) for b, f in distribution(qr, question="trust_brand").buckets] == [("sa", 12)]
    en = MetricFilter(survey=survey, segments={"locale": "en"})
    assert overview(en).trust_index == o.trust_index
    assert distribution(en, question="trust_brand").buckets == dist.buckets
    assert nps(en, question="nps") == nps(everyone, question="nps")
