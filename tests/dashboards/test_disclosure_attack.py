"""An analyst trying to recover a small count from everything the dashboards publish.

For every filter of none, one or two segment values (clean responses: the
quality-flagged ones are left out of every figure, and only their own count is
published, as ``excluded_flagged``), the attacker reads the metrics API (overview, funnel, policy
reading, monthly trends) and records each published count with its
provenance: counts as published, each share × its n (the part) and n minus
that (the rest), each trend period. Then it tries to solve for small counts:
differences of nested filters (complements included, down to the unfiltered
survey), the parent minus the visible values of a dimension, the trend total
minus the visible periods. The dashboard's panels and CSVs must publish
nothing the API withholds. Any count between 1 and min_cell − 1 fails.

Data: the demo survey (``seed_demo``) and seeded random rollups.
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

from dashboards.models import PurposeRollup, ResponseRollup, ScoreRollup, WithdrawalRollup
from tests.api.helpers import key_client
from tests.dashboards.helpers import analysed_survey
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

Filter = frozenset[tuple[str, str]]
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
DIMS = ("westin_segment", "age_band", "locale", "channel")
RATES = {  # figure → (whole, part, rest) measures
    "privacy_actives_share": ("actives_known", "actives", "actives_rest"),
    "paradoxical_share": ("scored", "paradoxical", "paradoxical_rest"),
    "withdrawal_rate": ("completed", "withdrawn", "stayed"),
    "data_request_rate": ("measured", "requests", "requests_rest"),
    "stated_always_read": ("answers", "said_always", "said_always_rest"),
    "opened_notice": ("measured", "opened", "opened_rest"),
}


def _int(x: float) -> int:
    r = round(x)
    assert abs(x - r) < 1e-6, x  # a share × its n is a whole number of people
    return r


def _figure(out: dict[str, int | None], name: str, f: dict[str, Any]) -> None:
    """Record a published figure: a count, or a share as its whole, part and rest."""
    if name in RATES:
        whole, part, rest = RATES[name]
        if f["suppressed"] or f["value"] is None:
            out.setdefault(part, None)
            out.setdefault(rest, None)
            return
        out[whole] = f["n"]
        out[part] = _int(f["value"] * f["n"])
        out[rest] = f["n"] - out[part]
    else:
        out[name] = None if f["suppressed"] else f["n"]


def observe(client: Any, survey_id: int, flt: Filter) -> dict[str, int | None]:
    """measure → the count an analyst can read or derive from one filter's responses."""
    params = {k: v for k, v in flt if k != "quality"}
    base = f"/api/v1/metrics/surveys/{survey_id}/"
    out: dict[str, int | None] = {}
    o = client.get(base + "overview/", params).json()
    _figure(out, "responses", o["responses"])
    out["flagged"] = o["excluded_flagged"]
    for name in ("privacy_actives_share", "paradoxical_share"):
        _figure(out, name, o[name])
    for w in o["westin"]:
        if not w["suppressed"]:
            out[f"westin:{w['segment']}"] = _int(w["value"] * w["n"])
            out["westin_known"] = w["n"]
    for p in o["opt_in"]:
        if not p["suppressed"]:
            out[f"offered:{p['purpose']}"] = p["n"]
            out[f"granted:{p['purpose']}"] = _int(p["value"] * p["n"])
            out[f"declined:{p['purpose']}"] = p["n"] - out[f"granted:{p['purpose']}"]
    f = client.get(base + "funnel/", params).json()
    for name in ("shown", "consented", "completed", "withdrawn"):
        _figure(out, name, f[name]) if f[name]["n"] is not None or f[name]["suppressed"] else None
    for name in ("withdrawal_rate", "data_request_rate"):
        _figure(out, name, f[name])
    r = client.get(base + "policy-reading/", params).json()
    for name in ("stated_always_read", "opened_notice"):
        _figure(out, name, r[name])
    t = client.get(base + "trends/", {**params, "granularity": "month"}).json()
    for period in [*t["periods"], t["total"]]:
        at = "" if period["start"] is None else f"@{period['start']}"
        _figure(out, f"responses{at}", period["responses"])
        for name in ("privacy_actives_share", "paradoxical_share"):
            whole, part, rest = RATES[name]
            sub: dict[str, int | None] = {}
            _figure(sub, name, period[name])
            out.update({f"{k}{at}": v for k, v in sub.items()})
    return out


def filters(values: dict[str, list[str]], pairs_with: tuple[str, ...] = DIMS) -> list[Filter]:
    """No filter, each single segment value and each pair of values of two dimensions,
    one of them in `pairs_with` (clean responses: the only ones counted)."""
    singles = [(d, v) for d in DIMS for v in values[d]]
    pairs = [
        (a, b)
        for a, b in itertools.combinations(singles, 2)
        if a[0] != b[0] and (a[0] in pairs_with or b[0] in pairs_with)
    ]
    clean = ("quality", "clean")
    out = [frozenset([clean])]
    out += [frozenset([s, clean]) for s in singles]
    return out + [frozenset([a, b, clean]) for a, b in pairs]


def small(n: int | None, m: int) -> bool:
    return n is not None and 0 < n < m


def attack(seen: dict[Filter, dict[str, int | None]], values: dict, m: int) -> list[str]:
    """Every small count derivable from what was seen, described."""
    found = []
    measures = {k for obs in seen.values() for k in obs}
    for flt, obs in seen.items():
        found += [f"{k} {sorted(flt)} = {v}" for k, v in obs.items() if small(v, m)]
    # Differences of nested filters: wider minus narrower is the group between them.
    for wide, narrow in itertools.permutations(seen, 2):
        if not wide < narrow:
            continue
        for k in measures:
            a, b = seen[wide].get(k), seen[narrow].get(k)
            if a is not None and b is not None and small(a - b, m):
                found.append(f"{k}: {sorted(wide)} − {sorted(narrow)} = {a - b}")
    # The parent minus the visible values of a dimension (all minus the other segments).
    for parent, obs in seen.items():
        for d in DIMS:
            if any(k == d for k, _ in parent):
                continue
            kids = [parent | {(d, v)} for v in values[d]]
            if not all(kid in seen for kid in kids):
                continue
            for k in measures:
                whole = obs.get(k)
                parts = [seen[kid].get(k) for kid in kids]
                if whole is None or None not in parts:
                    continue
                rest = whole - sum(p for p in parts if p is not None)
                if small(rest, m):
                    found.append(f"{k}: {sorted(parent)} minus visible {d} = {rest}")
    # The trend total minus the visible periods.
    for flt, obs in seen.items():
        for k in ("responses", "actives_known", "actives", "scored", "paradoxical"):
            periods = [v for key, v in obs.items() if key.startswith(f"{k}@")]
            if obs.get(k) is None or None not in periods:
                continue
            rest = obs[k] - sum(v for v in periods if v is not None)
            if small(rest, m):
                found.append(f"{k}: {sorted(flt)} total minus visible periods = {rest}")
    return found


def run_attack(
    org: Any, survey: Any, pairs_with: tuple[str, ...] = DIMS
) -> tuple[dict[Filter, dict[str, int | None]], dict]:
    values = {
        d: sorted(
            v
            for v in ResponseRollup.objects.filter(version__survey=survey)
            .values_list(d, flat=True)
            .distinct()
            if v
        )
        for d in DIMS
    }
    client = key_client(org, ["metrics:read"])
    seen = {flt: observe(client, survey.pk, flt) for flt in filters(values, pairs_with)}
    return seen, values


def random_rollups(survey: Any, rng: random.Random) -> None:
    """Rollup rows over three months with small, uneven cells, withdrawals and flags."""
    version = survey.live_version
    grain = itertools.product(
        [dt.date(2026, 8, 3), dt.date(2026, 9, 14), dt.date(2026, 10, 5)],
        ["", "fundamentalist", "pragmatist"],
        ["a18_29", "a30_44", "a60"],
        ["en", "de"],
        ["web"],
        [False, True],
    )
    rows: dict[type, list] = defaultdict(list)
    for day, westin, age, locale, channel, flagged in grain:
        if rng.random() < 0.35 or (flagged and rng.random() < 0.7):
            continue
        dims = {
            "version": version,
            "day": day,
            "westin_segment": westin,
            "age_band": age,
            "locale": locale,
            "channel": channel,
            "flagged": flagged,
        }
        n = rng.choice([1, 1, 2, 3, 4, 6, 9, 14])
        known = rng.randint(0, n)
        rows[ResponseRollup].append(
            ResponseRollup(
                **dims, n=n, privacy_actives_known=known, privacy_actives=rng.randint(0, known)
            )
        )
        if rng.random() < 0.3:
            rows[WithdrawalRollup].append(WithdrawalRollup(**dims, n=rng.randint(1, 2)))
        scored = rng.randint(0, n)
        x = Decimal(scored) * Decimal("0.6")
        rows[ScoreRollup].append(
            ScoreRollup(
                **dims,
                n=scored,
                sum_x=x,
                sum_y=x / 2,
                sum_xx=x,
                sum_yy=x / 3,
                sum_xy=x / 2,
                paradoxical=rng.randint(0, scored),
                notice_opened=rng.randint(0, scored),
                data_requests=rng.randint(0, scored),
            )
        )
        offered = rng.randint(0, n)
        rows[PurposeRollup].append(
            PurposeRollup(
                **dims, purpose="marketing", offered=offered, granted=rng.randint(0, offered)
            )
        )
    for model, objs in rows.items():
        model.objects.bulk_create(objs)


@pytest.mark.parametrize(("seed", "min_cell"), [(1, 10), (2, 5)])
def test_no_small_count_derivable_from_random_data(org, seed, min_cell):
    org.suppression_min_cell = min_cell
    org.save()
    survey = analysed_survey(org)
    random_rollups(survey, random.Random(seed))
    seen, values = run_attack(org, survey)
    found = attack(seen, values, min_cell)
    assert found == [], "\n".join(found[:80])
    # The attack is not empty-handed: plenty is published, some of it filtered.
    published = [(f, k) for f, obs in seen.items() for k, v in obs.items() if v is not None]
    assert len(published) > 50
    assert any(len(f) >= 2 for f, _ in published)


def test_no_small_count_derivable_from_the_demo():
    from dashboards.services import rollups_rebuild
    from surveys.demo.seed import seed_demo

    result = seed_demo(responses=200, quiz_responses=0, now=NOW)
    organization = result.organization
    survey = organization.surveys.get(slug="privacy-comfort")
    rollups_rebuild(survey_id=survey.pk)  # what the after-commit tasks do outside a test
    # Pairs: age band (the example) with every other dimension.
    seen, values = run_attack(organization, survey, pairs_with=("age_band",))
    found = attack(seen, values, organization.min_cell)
    assert found == [], "\n".join(found[:80])
    published = [(f, k) for f, obs in seen.items() for k, v in obs.items() if v is not None]
    assert len(published) > 80  # clean responses only: one filter per set of segment values
    assert any(("age_band", "a60") in f for f, _ in published)


def _csv(client: Any, url: str) -> list[list[str]]:
    r = client.get(url)
    assert r.status_code == 200, r.content[:200]
    return list(csv.reader(io.StringIO(r.content.decode())))


def test_panels_and_csvs_publish_nothing_the_api_withholds(client, org):
    survey = analysed_survey(org)
    random_rollups(survey, random.Random(3))
    api = key_client(org, ["metrics:read"])
    login_verified(client, member(org, "analyst"))
    page = f"/studio/{org.slug}/dashboards/surveys/{survey.pk}/data/"
    metrics = f"/api/v1/metrics/surveys/{survey.pk}/"
    compared = 0
    for params in ({}, {"age_band": "a60"}, {"age_band": "a30_44", "locale": "de"}):
        query = "".join(f"&{k}={v}" for k, v in params.items())
        funnel = api.get(metrics + "funnel/", params).json()
        rows = _csv(client, f"{page}funnel/?period=all{query}&format=csv&chart=funnel")
        stages = ("shown", "consented", "completed", "withdrawn")
        for row, stage in zip(rows[1:], stages, strict=True):
            published = funnel[stage]
            if published["n"] is None:  # withheld, or not split by segment: no number at all
                assert row[1:] == ["withheld", "withheld"], (params, stage, row)
            else:
                assert int(row[1]) == published["n"], (params, stage, row)
                compared += 1
        kpis = {k["key"]: k for k in client.get(f"{page}kpis/?period=all{query}").json()["kpis"]}
        trends = api.get(metrics + "trends/", params).json()["total"]
        assert kpis["withdrawal_rate"]["raw"] == funnel["withdrawal_rate"]["value"]
        actives = trends["privacy_actives_share"]
        assert kpis["privacy_actives_share"]["raw"] == actives["value"]
        compared += 2
    # The segment breakdown shows, per age band, what the filtered query shows.
    bands = ["a18_29", "a30_44", "a60"]
    panel = client.get(f"{page}segments/?period=all&by=age_band").json()
    share = next(c for c in panel["charts"] if c["key"] == "segment_share")
    actives = next(c for c in panel["charts"] if c["key"] == "segment_privacy_actives")
    rows = zip(bands, share["table"]["rows"], actives["table"]["rows"], strict=True)
    for band, row, arow in rows:
        o = api.get(metrics + "overview/", {"age_band": band}).json()
        assert row[2] == o["responses"]["n"], (band, row, o["responses"])
        assert arow[1] == o["privacy_actives_share"]["value"], (band, arow)
        compared += 2
    assert compared >= 12
