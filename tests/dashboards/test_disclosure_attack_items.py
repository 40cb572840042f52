"""The analyst of test_disclosure_attack against answer buckets: the items panel (page and
chart CSV), the metrics API's distributions, the NPS and the quiz score buckets.

Filters have up to three segment conditions (Westin segment, age band, locale),
clean responses only, over no range and over one month. For each the
attacker reads the metrics API (``questions/<code>/`` of a scale question and
of the NPS question, ``quiz-scores/``), the dashboard's items panel (JSON) and
the chart CSVs, and records every published bucket count, total and the NPS
(promoters and detractors solved from it where the withheld buckets allow).
The page and the CSVs must publish exactly what the API publishes. Then it
subtracts: a total minus the visible buckets, nested filters and ranges
bucket by bucket (``test_disclosure_attack_ranges.attack``), a parent minus
the visible values of a dimension, and, for every filter and every set of
its conditions, the people failing exactly that set, by inclusion and
exclusion over the filters with conditions dropped. Any count between 1 and
min_cell − 1 fails.
"""

import csv
import datetime as dt
import io
import itertools
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from dashboards.models import AnswerDayRollup, AnswerRollup, QuizScoreRollup, ResponseRollup
from dashboards.services.margins import answer_margins_refill
from surveys.selectors import version_spec
from tests.api.helpers import key_client
from tests.dashboards.test_disclosure_attack import NOW
from tests.dashboards.test_disclosure_attack_ranges import ALL, Constraints, Seen, _range, attack
from tests.dashboards.test_disclosure_attack_tables import children
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CLEAN = ("quality", "clean")
VALUES = {
    "westin_segment": ["fundamentalist", "pragmatist"],
    "age_band": ["a18_29", "a60"],
    "locale": ["de", "en"],
}
DAYS = [dt.date(2026, 9, 7), dt.date(2026, 9, 30), dt.date(2026, 10, 1)]
MONTH = {"from": "2026-09-01", "to": "2026-09-30"}


def small(n: int | None, m: int) -> bool:
    return n is not None and 0 < n < m


def grain(survey: Any, rng: random.Random, make: Any) -> None:
    """Call make(dims) for a random part of days × Westin × age × locale × flag."""
    for day, westin, age, locale, flagged in itertools.product(
        DAYS, *VALUES.values(), [False, True]
    ):
        if rng.random() < 0.25 or (flagged and rng.random() < 0.6):
            continue
        make(
            {
                "version": survey.live_version,
                "day": day,
                "westin_segment": westin,
                "age_band": age,
                "locale": locale,
                "channel": "web",
                "flagged": flagged,
            }
        )


def random_answers(survey: Any, rng: random.Random) -> dict[str, list[str]]:
    """trust_brand (a five-point scale) and nps (0–10) answers; bucket codes per question."""
    spec = version_spec(survey.live_version)
    scale = [c.code for c in next(q for q in spec.questions if q.code == "trust_brand").choices]
    codes = {"trust_brand": scale, "nps": [str(i) for i in range(11)]}
    answers: list[AnswerRollup] = []
    days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])

    def make(dims: dict[str, Any]) -> None:
        for question, buckets in codes.items():
            for value, bucket in enumerate(buckets):
                n = rng.choice([0, 0, 1, 2, 3, 6, 11])
                if not n:
                    continue
                answers.append(
                    AnswerRollup(
                        **dims, question_code=question, bucket=bucket, n=n, total=n * value
                    )
                )
                into = days[(dims["day"], dims["flagged"], question, bucket)]
                into[0] += n
                into[1] += n * value

    grain(survey, rng, make)
    AnswerRollup.objects.bulk_create(answers)
    AnswerDayRollup.objects.bulk_create(
        AnswerDayRollup(
            version=survey.live_version,
            day=day,
            flagged=flagged,
            question_code=question,
            bucket=bucket,
            n=n,
            total=Decimal(total),
        )
        for (day, flagged, question, bucket), (n, total) in days.items()
    )
    # The pair and cell margins, summed from these rows as a recompute does.
    answer_margins_refill(survey.live_version_id, {d for d, *_ in days})
    return codes


def wheres(full: bool, of: dict[str, list[str]] = VALUES) -> list[Constraints]:
    """No filter and every set of up to three segment conditions (clean responses only).

    full: every value of each dimension; else one value each (every subset of one triple).
    """
    values = of if full else {d: vs[-1:] for d, vs in of.items()}
    out = [frozenset([CLEAN])]
    for k in (1, 2, 3):
        for dims in itertools.combinations(values, k):
            for combo in itertools.product(*(values[d] for d in dims)):
                out.append(frozenset([CLEAN, *zip(dims, combo, strict=True)]))
    return out


def _params(where: Constraints, dates: dict) -> dict[str, str]:
    return {k: v for k, v in where if k != "quality"} | dates


def _page_query(where: Constraints, dates: dict) -> dict[str, str]:
    query = {k: v for k, v in where if k != "quality"} | dates
    query["quality"] = "clean"
    query["period"] = "custom" if dates else "all"
    return query


def _solve_nps(prefix: str, out: dict[str, int | None], nps: dict[str, Any]) -> None:
    """Promoters (9–10) and detractors (0–6) from the NPS beside its buckets and total.

    NPS × total / 100 is promoters − detractors; with the total, the withheld
    buckets' sum is known too. When no passive (7–8) is withheld, the two
    equations give the withheld promoters and the withheld detractors.
    """
    total = out.get(f"{prefix}|")
    if nps["suppressed"] or nps["value"] is None or total is None:
        return
    diff = round(nps["value"] * total / 100)
    assert abs(nps["value"] * total / 100 - diff) < 1e-6
    groups = {"p": range(9, 11), "s": range(7, 9), "d": range(0, 7)}
    seen = {g: [out.get(f"{prefix}|{i}") for i in r] for g, r in groups.items()}
    if None in seen["s"]:
        return
    visible = {g: sum(v for v in vs if v is not None) for g, vs in seen.items()}
    hidden_sum = total - sum(visible.values())
    # p_w + d_w = hidden_sum; p_w − d_w = diff − visible p + visible d.
    twice_p = hidden_sum + diff - visible["p"] + visible["d"]
    assert twice_p % 2 == 0
    p_w = twice_p // 2
    out[f"{prefix}|promoters"] = visible["p"] + p_w
    out[f"{prefix}|detractors"] = visible["d"] + hidden_sum - p_w
    out[f"{prefix}|promoters_withheld"] = p_w
    out[f"{prefix}|detractors_withheld"] = hidden_sum - p_w


def observe_api(api: Any, survey: Any, where: Constraints, dates: dict) -> tuple[Any, dict]:
    """(range used, name → count or None) from the metrics API's two distributions."""
    base = f"/api/v1/metrics/surveys/{survey.pk}/questions/"
    out: dict[str, int | None] = {}
    rng = None
    for question in ("trust_brand", "nps"):
        r = api.get(f"{base}{question}/", _params(where, dates))
        assert r.status_code == 200, r.content[:300]
        rng = _range(r.get("TrustPulse-Date-Range"))
        body = r.json()
        out[f"{question}|"] = body["total"]["n"]
        for b in body["buckets"]:
            out[f"{question}|{b['bucket']}"] = b["n"]
        if question == "nps":
            out["nps|score"] = body["nps"]
            _solve_nps("nps", out, body["nps"])
    return rng, out


def observe_page(client: Any, survey: Any, where: Constraints, dates: dict, codes: dict) -> dict:
    """bucket name → count or None, as the items panel and its chart CSVs publish them."""
    url = f"/studio/{survey.organization.slug}/dashboards/surveys/{survey.pk}/data/items/"
    query = _page_query(where, dates)
    panel = client.get(url, query)
    assert panel.status_code == 200, panel.content[:300]
    charts = {c["key"]: c for c in panel.json()["charts"]}
    out: dict[str, Any] = {}
    scale = charts["q_trust_brand"]["table"]["rows"][0][1:]
    for code, n in zip(codes["trust_brand"], scale, strict=False):
        out[f"trust_brand|{code}"] = n
    nps = charts["q_nps"]
    for label, n in nps["table"]["rows"]:
        out[f"nps|{label}"] = n
    out["nps|summary"] = nps["summary"]
    # The chart CSVs: the same numbers, "withheld" where the page has none.
    for key, question in (("q_trust_brand", "trust_brand"), ("q_nps", "nps")):
        r = client.get(url, {**query, "format": "csv", "chart": key})
        assert r.status_code == 200, r.content[:300]
        rows = list(csv.reader(io.StringIO(r.content.decode())))
        cells = rows[1][1:] if key == "q_trust_brand" else [row[-1] for row in rows[1:]]
        labels = codes["trust_brand"] if key == "q_trust_brand" else [r[0] for r in rows[1:]]
        for label, cell in zip(labels, cells, strict=False):
            number = None if cell in ("", "withheld") else int(cell)
            assert number == out[f"{question}|{label}"], (where, dates, key, label, cell)
    return out


def same_as_api(api_obs: dict, page_obs: dict, where: Constraints, dates: dict) -> None:
    """The page publishes a bucket exactly when the API does, with the same count,
    and the NPS exactly when the API does."""
    for name, n in page_obs.items():
        if name != "nps|summary":
            assert api_obs.get(name) == n, (sorted(where), dates, name, api_obs.get(name), n)
    buckets = {k for k in api_obs if k.split("|")[1] not in ("", "score")} - set(SOLVED)
    assert buckets <= set(page_obs), (sorted(where), dates, buckets - set(page_obs))
    score = api_obs["nps|score"]
    shown = not score["suppressed"] and score["value"] is not None
    assert page_obs["nps|summary"].startswith("Net Promoter Score is") == shown, (
        where,
        dates,
        score,
    )


SOLVED = [
    f"nps|{k}" for k in ("promoters", "detractors", "promoters_withheld", "detractors_withheld")
]


def failing_sets(seen: Seen, m: int) -> list[str]:
    """For each filter and each set S of its segment conditions: the people meeting the
    others but failing every condition in S (inclusion and exclusion over the filters with
    conditions of S dropped), over each range and over the whole survey minus the month."""
    found = []
    by_where: dict[Constraints, dict[Any, dict[str, int]]] = defaultdict(dict)
    for (where, rng), obs in seen.items():
        by_where[where][rng] = obs
    ranges = {r for _, r in seen}
    for where in by_where:
        conditions = sorted(c for c in where if c != CLEAN)
        for k in range(1, len(conditions) + 1):
            for dropped in itertools.combinations(conditions, k):
                keep = where - set(dropped)
                terms = [
                    (keep | set(t), (-1) ** len(t))
                    for j in range(len(dropped) + 1)
                    for t in itertools.combinations(dropped, j)
                ]
                for rng in ranges:
                    names = set.intersection(
                        *(set(by_where.get(w, {}).get(rng, {})) for w, _ in terms)
                    )
                    for name in names:
                        x = sum(s * by_where[w][rng][name] for w, s in terms)
                        if small(x, m):
                            found.append(f"{name} {sorted(where)} {rng} failing {dropped} = {x}")
                    if rng == ALL or ALL not in ranges:
                        continue
                    names = set.intersection(
                        *(set(by_where.get(w, {}).get(r, {})) for w, _ in terms for r in (ALL, rng))
                    )
                    for name in names:
                        x = sum(
                            s * (by_where[w][ALL][name] - by_where[w][rng][name]) for w, s in terms
                        )
                        if small(x, m):
                            found.append(
                                f"{name} {sorted(where)} ALL−{rng} failing {dropped} = {x}"
                            )
    return found


def recover(seen: Seen, values: dict[str, list[str]]) -> Seen:
    """What the attacker learns by a first subtraction, added to what is published.

    A parent filter's count minus the visible values of a dimension, when one
    value is withheld, is that value's count (withheld for a reason of its
    own, such as a small complement): it joins the observations, and the
    attacks run again on them. Repeated until nothing new is learnt.
    """
    out = {key: dict(obs) for key, obs in seen.items()}
    grew = True
    while grew:
        grew = False
        for (where, rng), obs in list(out.items()):
            for d, vals in values.items():
                if any(k == d for k, _ in where):
                    continue
                kids = [(where | {(d, v)}, rng) for v in vals]
                if not all(k in out for k in kids):
                    continue
                for name, whole in obs.items():
                    missing = [k for k in kids if name not in out[k]]
                    if len(missing) != 1:
                        continue
                    out[missing[0]][name] = whole - sum(
                        out[k][name] for k in kids if k != missing[0]
                    )
                    grew = True
    return out


def within(seen: Seen, codes: dict[str, list[str]], m: int) -> list[str]:
    """A distribution's total minus its visible buckets."""
    found = []
    for key, obs in seen.items():
        for question, buckets in codes.items():
            total = obs.get(f"{question}|")
            if total is None:
                continue
            rest = total - sum(obs.get(f"{question}|{b}", 0) for b in buckets)
            if small(rest, m):
                found.append(f"{question} {key}: total {total} minus visible buckets = {rest}")
    return found


def run_buckets(
    client: Any,
    survey: Any,
    codes: dict,
    filters: list[Constraints],
    narrow: set[Constraints],
    values: dict[str, list[str]],
) -> tuple[Seen, list[str], int]:
    """Observe every filter over no range and the month (the page and CSVs for `narrow`)."""
    org = survey.organization
    api = key_client(org, ["metrics:read"])
    login_verified(client, member(org, "analyst"))
    seen: Seen = {}
    page_checked = 0
    for where in filters:
        for dates in ({}, MONTH):
            rng, obs = observe_api(api, survey, where, dates)
            if where in narrow:
                same_as_api(obs, observe_page(client, survey, where, dates, codes), where, dates)
                page_checked += 1
            seen[(where, rng)] = {
                k: v for k, v in obs.items() if isinstance(v, int) and k != "nps|score"
            }
    m = org.min_cell
    found = within(seen, codes, m) + attack(seen, m) + failing_sets(seen, m)
    learnt = recover(seen, values)
    if learnt != seen:
        found += attack(learnt, m) + failing_sets(learnt, m)
    return seen, found, page_checked


@pytest.mark.parametrize(("seed", "min_cell"), [(8, 10), (9, 5)])
def test_no_small_count_from_answer_buckets_and_nps(client, org, survey, seed, min_cell):
    org.suppression_min_cell = min_cell
    org.save()
    codes = random_answers(survey, random.Random(seed))
    narrow = set(wheres(full=False))
    seen, found, page_checked = run_buckets(
        client, survey, codes, wheres(full=True), narrow, VALUES
    )
    found += children(seen, VALUES, min_cell)
    assert found == [], "\n".join(found[:60])
    # Not empty-handed: buckets are published under three conditions, dated and not.
    triple = [
        (w, r)
        for (w, r), obs in seen.items()
        if len(w) == 4 and any(k != "trust_brand|" for k in obs)
    ]
    assert sum(len(obs) for obs in seen.values()) > 150
    assert triple and any(r != ALL for _, r in triple)
    assert page_checked == 2 * len(narrow)


def random_scores(quiz: Any, rng: random.Random) -> list[str]:
    """Quiz scores 0–4 per grain, and the same responses as completed (the funnel's count)."""
    scores: list[QuizScoreRollup] = []
    responses: list[ResponseRollup] = []

    def make(dims: dict[str, Any]) -> None:
        total = 0
        for score in range(5):
            n = rng.choice([0, 1, 2, 4, 7, 12, 20])
            if n:
                scores.append(QuizScoreRollup(**dims, score=Decimal(score), n=n))
                total += n
        if total:
            responses.append(ResponseRollup(**dims, n=total))

    grain(quiz, rng, make)
    QuizScoreRollup.objects.bulk_create(scores)
    ResponseRollup.objects.bulk_create(responses)
    return [str(s) for s in range(5)]


def observe_quiz(api: Any, quiz: Any, where: Constraints, dates: dict) -> tuple[Any, dict]:
    """The quiz score buckets and the completed responses (their total) from the API."""
    base = f"/api/v1/metrics/surveys/{quiz.pk}/"
    r = api.get(base + "quiz-scores/", _params(where, dates))
    assert r.status_code == 200, r.content[:300]
    out = {f"quiz|{b['bucket']}": b["n"] for b in r.json()["buckets"]}
    f = api.get(base + "funnel/", _params(where, dates))
    out["quiz|"] = f.json()["completed"]["n"]
    return _range(f.get("TrustPulse-Date-Range")), out


def observe_quiz_page(client: Any, quiz: Any, where: Constraints, dates: dict) -> dict:
    """The funnel panel's quiz score histogram, as JSON and as its chart CSV."""
    url = f"/studio/{quiz.organization.slug}/dashboards/surveys/{quiz.pk}/data/funnel/"
    query = _page_query(where, dates)
    panel = client.get(url, query)
    assert panel.status_code == 200, panel.content[:300]
    chart = next(c for c in panel.json()["charts"] if c["key"] == "quiz_scores")
    out = {f"quiz|{label}": n for label, n in chart["table"]["rows"]}
    r = client.get(url, {**query, "format": "csv", "chart": "quiz_scores"})
    for label, cell in list(csv.reader(io.StringIO(r.content.decode())))[1:]:
        number = None if cell in ("", "withheld") else int(cell)
        assert number == out[f"quiz|{label}"], (where, dates, label, cell)
    return out


@pytest.mark.parametrize(("seed", "min_cell"), [(10, 10), (11, 5)])
def test_no_small_count_from_quiz_score_buckets(client, org, quiz, seed, min_cell):
    org.suppression_min_cell = min_cell
    org.save()
    codes = {"quiz": random_scores(quiz, random.Random(seed))}
    api = key_client(org, ["metrics:read"])
    login_verified(client, member(org, "analyst"))
    seen: Seen = {}
    narrow = set(wheres(full=False))
    for where in wheres(full=True):
        for dates in ({}, MONTH):
            rng, obs = observe_quiz(api, quiz, where, dates)
            if where in narrow:
                page = observe_quiz_page(client, quiz, where, dates)
                assert page == {k: v for k, v in obs.items() if k != "quiz|"}, (where, dates)
            seen[(where, rng)] = {k: v for k, v in obs.items() if v is not None}
    found = within(seen, codes, min_cell) + attack(seen, min_cell)
    found += failing_sets(seen, min_cell) + children(seen, VALUES, min_cell)
    learnt = recover(seen, VALUES)
    found += attack(learnt, min_cell) + failing_sets(learnt, min_cell)
    assert found == [], "\n".join(found[:60])
    buckets = [k for obs in seen.values() for k in obs if k != "quiz|"]
    assert len(buckets) > 30
    assert any(len(w) >= 3 and len(obs) > 1 for (w, _), obs in seen.items())


def test_no_small_count_from_answer_buckets_on_the_demo(client):
    from dashboards.services import rollups_rebuild
    from surveys.demo.seed import seed_demo

    organization = seed_demo(responses=400, quiz_responses=0, now=NOW).organization
    survey = organization.surveys.get(slug="privacy-comfort")
    rollups_rebuild(survey_id=survey.pk)
    rows = ResponseRollup.objects.filter(version__survey=survey)
    # Each dimension's values, the most common last (the one wheres(full=False) takes).
    demo = {
        d: [r[d] for r in rows.values(d).annotate(t=Sum("n")).order_by("t", d) if r[d]]
        for d in VALUES
    }
    spec = version_spec(survey.live_version)
    scale = next(q for q in spec.questions if q.code == "trust_brand")
    codes = {"trust_brand": [c.code for c in scale.choices], "nps": [str(i) for i in range(11)]}
    # Every subset of one triple, and every age band with each locale.
    filters = set(wheres(full=False, of=demo))
    filters |= {
        w | {("age_band", a)}
        for w in wheres(True, {"locale": demo["locale"]})
        for a in demo["age_band"]
        if w
    }
    pages = set(filters)
    filters_list = sorted(filters, key=sorted)
    # Locale is always known (age has an "unknown" group no filter selects): the parent
    # minus the other locales is the withheld locale's count.
    locales = {"locale": demo["locale"]}
    seen, found, checked = run_buckets(client, survey, codes, filters_list, pages, locales)
    found += children(seen, {"age_band": demo["age_band"], **locales}, organization.min_cell)
    assert found == [], "\n".join(found[:60])
    assert checked == 2 * len(pages)
    # Clean responses only: one filter per set of conditions.
    assert sum(len(obs) for obs in seen.values()) > 40
    assert any(len(w) >= 2 and obs for (w, _), obs in seen.items())
