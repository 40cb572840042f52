"""The analyst of test_disclosure_attack, now with date ranges and trend periods.

Each query is a set of constraints (segment values; clean responses) and a
date range: the range the API says it used (``TrustPulse-Date-Range``), or a
trend period (week, month or quarter) clipped to it. For every pair of
published counts of one measure the attacker subtracts what can be
subtracted: the same constraints over nested ranges (ranges one day apart
included), nested constraints over the same range, and both at once
(a complement within the difference of two ranges). Any count between 1 and
min_cell − 1 fails. Data: seeded random rollups on many days, and the demo.
"""

import datetime as dt
import itertools
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from dashboards.models import ResponseRollup, ScoreRollup, WithdrawalRollup
from dashboards.selectors.trends import period_start
from tests.api.helpers import key_client
from tests.dashboards.helpers import analysed_survey
from tests.dashboards.test_disclosure_attack import NOW, _figure

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

Range = tuple[dt.date, dt.date]  # inclusive; open ends as date.min / date.max
ALL: Range = (dt.date.min, dt.date.max)
Constraints = frozenset[tuple[str, str]]
Seen = dict[tuple[Constraints, Range], dict[str, int]]


def _range(header: str | None) -> Range:
    if not header:
        return ALL
    a, b = header.split("/")
    return (
        dt.date.min if a == ".." else dt.date.fromisoformat(a),
        dt.date.max if b == ".." else dt.date.fromisoformat(b),
    )


def period_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return start + dt.timedelta(days=6)
    months = 3 if granularity == "quarter" else 1
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def observe(client: Any, survey_id: int, where: Constraints, dates: dict, into: Seen) -> None:
    """Record every count the API publishes for one query, under the range it covers."""
    params = {k: v for k, v in where if k != "quality"} | dates
    base = f"/api/v1/metrics/surveys/{survey_id}/"

    def put(rng: Range, counts: dict[str, int | None]) -> None:
        row = into.setdefault((where, rng), {})
        for k, v in counts.items():
            if v is not None:
                assert row.get(k, v) == v, (where, rng, k, row[k], v)  # one range, one count
                row[k] = v

    f = client.get(base + "funnel/", params)
    rng = _range(f.get("TrustPulse-Date-Range"))
    out: dict[str, int | None] = {}
    for name in ("completed", "withdrawn"):
        _figure(out, name, f.json()[name])
    _figure(out, "withdrawal_rate", f.json()["withdrawal_rate"])
    o = client.get(base + "overview/", params).json()
    _figure(out, "responses", o["responses"])
    for name in ("privacy_actives_share", "paradoxical_share"):
        _figure(out, name, o[name])
    put(rng, out)
    # Every granularity over the whole survey; months within each range.
    for granularity in ("week", "month", "quarter") if not dates else ("month",):
        t = client.get(base + "trends/", {**params, "granularity": granularity}).json()
        for period in t["periods"]:
            start = dt.date.fromisoformat(period["start"])
            assert period_start(start, granularity) == start
            clipped = (max(start, rng[0]), min(period_end(start, granularity), rng[1]))
            counts: dict[str, int | None] = {}
            _figure(counts, "responses", period["responses"])
            for name in ("privacy_actives_share", "paradoxical_share"):
                _figure(counts, name, period[name])
            put(clipped, counts)
        total: dict[str, int | None] = {}
        _figure(total, "responses", t["total"]["responses"])
        put(rng, total)


def small(n: int, m: int) -> bool:
    return 0 < n < m


def inside(a: Range, b: Range) -> bool:
    """Whether range b lies within range a."""
    return a[0] <= b[0] and b[1] <= a[1]


def attack(seen: Seen, m: int) -> list[str]:
    found = [
        f"{k} {sorted(w)} {r} = {v}"
        for (w, r), obs in seen.items()
        for k, v in obs.items()
        if small(v, m)
    ]
    by_where: dict[Constraints, dict[Range, dict[str, int]]] = defaultdict(dict)
    for (where, rng), obs in seen.items():
        by_where[where][rng] = obs
    # Nested ranges under the same constraints: the days between them.
    for where, ranges in by_where.items():
        for wide, narrow in itertools.permutations(ranges, 2):
            if not inside(wide, narrow):
                continue
            for k, a in ranges[wide].items():
                b = ranges[narrow].get(k)
                if b is not None and small(a - b, m):
                    found.append(f"{k} {sorted(where)}: {wide} − {narrow} = {a - b}")
    # Nested constraints, over the same range and over the difference of two ranges.
    for wide_w, narrow_w in itertools.permutations(by_where, 2):
        if not wide_w < narrow_w:
            continue
        wide, narrow = by_where[wide_w], by_where[narrow_w]
        common = [r for r in wide if r in narrow]
        for r in common:
            for k, a in wide[r].items():
                b = narrow[r].get(k)
                if b is not None and small(a - b, m):
                    found.append(f"{k} {r}: {sorted(wide_w)} − {sorted(narrow_w)} = {a - b}")
        for r1, r2 in itertools.permutations(common, 2):
            if not inside(r1, r2):
                continue
            for k, a in wide[r1].items():
                parts = (narrow[r1].get(k), wide[r2].get(k), narrow[r2].get(k))
                if None in parts:
                    continue
                b, c, d = parts
                x = a - b - c + d  # type: ignore[operator]
                if small(x, m):
                    found.append(f"{k}: ({sorted(wide_w)} − {sorted(narrow_w)}) {r1} − {r2} = {x}")
    return found


DAYS = [dt.date(2026, 8, 3) + dt.timedelta(days=4 * i) for i in range(23)]  # to 29 October


def random_days(survey: Any, rng: random.Random) -> None:
    """Small, uneven cells on many days: ages × locales × flags."""
    rows: dict[type, list] = defaultdict(list)
    for day, age, locale, flagged in itertools.product(
        DAYS, ["a18_29", "a60"], ["en", "de"], [False, True]
    ):
        if rng.random() < 0.3 or (flagged and rng.random() < 0.7):
            continue
        dims = {
            "version": survey.live_version,
            "day": day,
            "westin_segment": "",
            "age_band": age,
            "locale": locale,
            "channel": "web",
            "flagged": flagged,
        }
        n = rng.choice([1, 2, 3, 5, 8, 12, 20])
        known = rng.randint(0, n)
        rows[ResponseRollup].append(
            ResponseRollup(
                **dims, n=n, privacy_actives_known=known, privacy_actives=rng.randint(0, known)
            )
        )
        if rng.random() < 0.3:
            rows[WithdrawalRollup].append(WithdrawalRollup(**dims, n=rng.randint(1, 3)))
        x = Decimal(n) * Decimal("0.5")
        rows[ScoreRollup].append(
            ScoreRollup(**dims, n=n, sum_x=x, sum_y=x, paradoxical=rng.randint(0, n))
        )
    for model, objs in rows.items():
        model.objects.bulk_create(objs)


# Ranges one day apart (10/11 August, 13/14 September), whole months, open ends.
FROMS = ["2026-08-01", "2026-08-10", "2026-08-11", "2026-09-14"]
TOS = ["2026-08-31", "2026-09-13", "2026-09-14", "2026-10-31"]


def run(org: Any, survey: Any, wheres: list[Constraints], froms: list[str], tos: list[str]) -> Seen:
    """Every constraint set over no range, each open range and each closed one."""
    client = key_client(org, ["metrics:read"])
    seen: Seen = {}
    ranges = [{}] + [{"from": a} for a in froms] + [{"to": b} for b in tos]
    ranges += [{"from": a, "to": b} for a in froms for b in tos if a <= b]
    for where in wheres:
        for dates in ranges:
            observe(client, survey.pk, where, dates, seen)
    return seen


CLEAN = ("quality", "clean")
WHERES = [
    frozenset([CLEAN]),
    frozenset([CLEAN, ("age_band", "a60")]),
    frozenset([CLEAN, ("locale", "de")]),
    frozenset([CLEAN, ("age_band", "a60"), ("locale", "de")]),
]


@pytest.mark.parametrize(("seed", "min_cell"), [(4, 10), (5, 5)])
def test_no_small_count_from_date_ranges_on_random_data(org, seed, min_cell):
    org.suppression_min_cell = min_cell
    org.save()
    survey = analysed_survey(org)
    random_days(survey, random.Random(seed))
    seen = run(org, survey, WHERES, FROMS, TOS)
    found = attack(seen, min_cell)
    assert found == [], "\n".join(found[:60])
    # Not empty-handed: dated, filtered and period counts are published.
    dated = [(w, r) for (w, r), obs in seen.items() if r != ALL and obs]
    assert len(dated) > 25
    assert any(("age_band", "a60") in w for w, _ in dated)


def test_no_small_count_from_date_ranges_on_the_demo():
    from dashboards.services import rollups_rebuild
    from surveys.demo.seed import seed_demo

    organization = seed_demo(responses=200, quiz_responses=0, now=NOW).organization
    survey = organization.surveys.get(slug="privacy-comfort")
    rollups_rebuild(survey_id=survey.pk)
    days = ResponseRollup.objects.filter(version__survey=survey).values_list("day", flat=True)
    first, last = min(days), max(days)
    middle = first + (last - first) / 2
    after = middle + dt.timedelta(days=1)  # ranges one day apart
    froms = [d.isoformat() for d in (first, middle, after)]
    tos = [d.isoformat() for d in (middle, after, last)]
    seen = run(organization, survey, WHERES[:3], froms, tos)
    found = attack(seen, organization.min_cell)
    assert found == [], "\n".join(found[:60])
    assert sum(1 for (_, r), obs in seen.items() if r != ALL and obs) > 10
