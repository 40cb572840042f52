"""The analyst of test_disclosure_attack against tables: answer distributions, cross-tabs
by segment (metrics API) and the stated × enacted bins (the paradox panel's chart CSV).

Each entry of a table (cell, row and column margin, total) is a count of
people. For every filter (none, single segment values, pairs; clean responses)
over no range, a month and the range one day longer, the attacker
records every published entry, then subtracts: a margin minus the visible
entries of its line (the whole table included), nested filters and nested
ranges entry by entry (test_disclosure_attack_ranges.attack), and a parent
minus the visible values of a dimension. Any count between 1 and
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

from dashboards.models import AnswerDayRollup, AnswerRollup, ScoreBinRollup
from dashboards.panels import survey_spec
from dashboards.services.margins import answer_margins_refill
from surveys.enums import QuestionType
from tests.api.helpers import key_client
from tests.dashboards.helpers import analysed_survey
from tests.dashboards.test_disclosure_attack import NOW
from tests.dashboards.test_disclosure_attack_ranges import (
    ALL,
    Constraints,
    Seen,
    _range,
    attack,
    small,
)
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEP = "|"


def _entries(prefix: str, rows: list[str], columns: list[str], body: dict) -> dict[str, Any]:
    """Name every entry of a protected table: prefix|row|column, '' for a margin."""
    out: dict[str, Any] = {}
    for i, r in enumerate(rows):
        for j, c in enumerate(columns):
            out[SEP.join((prefix, r, c))] = body["cells"][i][j]["n"]
        out[SEP.join((prefix, r, ""))] = body["row_totals"][i]["n"]
    for j, c in enumerate(columns):
        out[SEP.join((prefix, "", c))] = body["column_totals"][j]["n"]
    out[SEP.join((prefix, "", ""))] = body["total"]["n"]
    return out


def observe(api: Any, page: Any, survey: Any, question: str, where: Constraints, dates: dict):
    """(range used, entry → count or None) of every table for one filter."""
    params = {k: v for k, v in where if k != "quality"} | dates
    base = f"/api/v1/metrics/surveys/{survey.pk}/"
    out: dict[str, Any] = {}
    d = api.get(base + f"questions/{question}/", params)
    rng = _range(d.get("TrustPulse-Date-Range"))
    body = d.json()
    labels = [b["bucket"] for b in body["buckets"]]
    out |= _entries(
        "dist",
        [""],
        labels,
        {
            "cells": [[{"n": b["n"]} for b in body["buckets"]]],
            "row_totals": [body["total"]],
            "column_totals": [{"n": b["n"]} for b in body["buckets"]],
            "total": body["total"],
        },
    )
    x = api.get(base + "crosstab/", {**params, "row": question, "column": "segment:age_band"})
    assert _range(x.get("TrustPulse-Date-Range")) == rng
    xt = x.json()
    out |= _entries("xt", xt["rows"], xt["columns"], xt)
    # The bins, as the paradox panel's chart CSV gives them (the page's filter names).
    query = dict(params)
    query["quality"] = "clean"
    query["period"] = "custom" if dates else "all"
    query |= {"format": "csv", "chart": "stated_vs_enacted"}
    r = page.get(
        f"/studio/{survey.organization.slug}/dashboards/surveys/{survey.pk}/data/paradox/", query
    )
    assert r.status_code == 200, r.content[:300]
    out |= bins_from_csv(r.content.decode())
    return rng, out


def bins_from_csv(text: str) -> dict[str, Any]:
    """The heatmap's CSV: a header of columns and Total, a row per bin and a Total row."""
    header, *rows = list(csv.reader(io.StringIO(text)))
    columns = [*header[1:-1], ""]
    out: dict[str, Any] = {}
    for row in rows:
        label = "" if row is rows[-1] else row[0]
        for column, value in zip(columns, row[1:], strict=True):
            number = None if value in ("withheld", "") else int(float(value))
            out[SEP.join(("bins", label, column))] = number
    return out


def within_tables(seen: Seen | dict, m: int) -> list[str]:
    """A margin minus the visible entries of its line: rows, columns, the whole table."""
    found = []
    for key, obs in seen.items():
        tables: dict[str, dict[tuple[str, str], Any]] = defaultdict(dict)
        for name, v in obs.items():
            prefix, *rc = name.split(SEP)
            if len(rc) == 2:
                tables[prefix][(rc[0], rc[1])] = v
        for prefix, t in tables.items():
            rows = {r for r, _ in t if r}
            columns = {c for _, c in t if c}
            lines = [
                (t.get((r, "")), [t.get((r, c)) for c in columns if (r, c) in t]) for r in rows
            ]
            lines += [
                (t.get(("", c)), [t.get((r, c)) for r in rows if (r, c) in t]) for c in columns
            ]
            lines.append((t.get(("", "")), [v for (r, c), v in t.items() if r and c]))
            lines.append((t.get(("", "")), [t.get((r, "")) for r in rows]))
            lines.append((t.get(("", "")), [t.get(("", c)) for c in columns]))
            for margin, parts in lines:
                if margin is None or None not in parts:
                    continue
                rest = margin - sum(p for p in parts if p is not None)
                if small(rest, m):
                    found.append(f"{prefix} {key}: margin {margin} minus visible {parts} = {rest}")
    return found


def children(seen: Seen, values: dict[str, list[str]], m: int) -> list[str]:
    """A parent filter's entry minus the visible values of one dimension (same range)."""
    found = []
    for (where, rng), obs in seen.items():
        for d, vals in values.items():
            if any(k == d for k, _ in where):
                continue
            kids = [(where | {(d, v)}, rng) for v in vals]
            if not all(k in seen for k in kids):
                continue
            for name, whole in obs.items():
                parts = [seen[k].get(name) for k in kids]
                if whole is None or None not in parts:
                    continue
                rest = whole - sum(p for p in parts if p is not None)
                if small(rest, m):
                    found.append(f"{name} {sorted(where)} {rng} minus visible {d} = {rest}")
    return found


CLEAN = ("quality", "clean")


def run(org: Any, client: Any, survey: Any, question: str, values: dict, ranges: list[dict]):
    api = key_client(org, ["metrics:read"])
    login_verified(client, member(org, "analyst"))
    singles = [(d, v) for d, vs in values.items() for v in vs]
    wheres = [frozenset([CLEAN])] + [frozenset([CLEAN, s]) for s in singles]
    wheres += [
        frozenset([CLEAN, a, b]) for a, b in itertools.combinations(singles, 2) if a[0] != b[0]
    ]
    seen: Seen = {}
    for where in wheres:
        for dates in ranges:
            rng, obs = observe(api, client, survey, question, where, dates)
            row = seen.setdefault((where, rng), {})
            row.update({k: v for k, v in obs.items() if v is not None or k not in row})
    m = org.min_cell
    published = {
        (w, r): {k: v for k, v in obs.items() if v is not None} for (w, r), obs in seen.items()
    }
    found = within_tables(seen, m) + children(seen, values, m) + attack(published, m)
    return seen, found


def random_answers(survey: Any, rng: random.Random) -> None:
    """Answers to trust_brand (1–5) and stated × enacted bins, on a few days, by age and locale."""
    version = survey.live_version
    answers, bins = [], []
    day_totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for day, age, locale, flagged in itertools.product(
        [dt.date(2026, 9, 7), dt.date(2026, 9, 30), dt.date(2026, 10, 1)],
        ["a18_29", "a60"],
        ["en", "de"],
        [False, True],
    ):
        if flagged and rng.random() < 0.6:
            continue
        dims = {
            "version": version,
            "day": day,
            "age_band": age,
            "locale": locale,
            "channel": "web",
            "flagged": flagged,
        }
        for bucket in "12345":
            n = rng.choice([0, 1, 2, 4, 7, 12])
            if n:
                answers.append(
                    AnswerRollup(
                        **dims,
                        question_code="trust_brand",
                        bucket=bucket,
                        n=n,
                        total=n * int(bucket),
                    )
                )
                into = day_totals[(day, flagged, bucket)]
                into[0] += n
                into[1] += n * int(bucket)
        for s, e in itertools.product(range(5), range(5)):
            n = rng.choice([0, 0, 0, 1, 3, 11])
            if n:
                bins.append(ScoreBinRollup(**dims, stated_bin=s, enacted_bin=e, n=n))
    AnswerRollup.objects.bulk_create(answers)
    ScoreBinRollup.objects.bulk_create(bins)
    AnswerDayRollup.objects.bulk_create(
        AnswerDayRollup(
            version=version,
            day=day,
            flagged=flagged,
            question_code="trust_brand",
            bucket=bucket,
            n=n,
            total=Decimal(total),
        )
        for (day, flagged, bucket), (n, total) in day_totals.items()
    )
    # The pair and cell margins, summed from these rows as a recompute does.
    answer_margins_refill(version.pk, {d for d, *_ in day_totals})


MONTH = {"from": "2026-09-01", "to": "2026-09-30"}
LONGER = {"from": "2026-09-01", "to": "2026-10-01"}  # one day more


@pytest.mark.parametrize(("seed", "min_cell"), [(6, 10), (7, 5)])
def test_no_small_count_from_tables_on_random_data(client, org, seed, min_cell):
    org.suppression_min_cell = min_cell
    org.save()
    survey = analysed_survey(org)
    random_answers(survey, random.Random(seed))
    values = {"age_band": ["a18_29", "a60"], "locale": ["de", "en"]}
    seen, found = run(org, client, survey, "trust_brand", values, [{}, MONTH, LONGER])
    assert found == [], "\n".join(found[:60])
    published = [k for obs in seen.values() for k, v in obs.items() if v is not None]
    assert sum(k.startswith("dist") for k in published) > 20
    assert sum(k.startswith("xt") for k in published) > 20
    assert sum(k.startswith("bins") for k in published) > 5
    assert ALL in {r for _, r in seen}


ONE_ANSWER = {
    QuestionType.SINGLE_CHOICE,
    QuestionType.SCALE,
    QuestionType.RATING,
    QuestionType.YES_NO,
}


def test_no_small_count_from_tables_on_the_demo(client):
    from dashboards.services import rollups_rebuild
    from surveys.demo.seed import seed_demo

    organization = seed_demo(responses=200, quiz_responses=0, now=NOW).organization
    survey = organization.surveys.get(slug="privacy-comfort")
    rollups_rebuild(survey_id=survey.pk)
    values = {"age_band": ["a18_29", "a30_44", "a45_59", "a60"]}
    # The first one-answer question by code (free text is never tabulated, a matrix needs a row).
    tabulated = {q.code for q in survey_spec(survey).questions if q.type in ONE_ANSWER}
    question = min(
        set(
            AnswerRollup.objects.filter(version__survey=survey).values_list(
                "question_code", flat=True
            )
        )
        & tabulated
    )
    seen, found = run(organization, client, survey, question, values, [{}])
    assert found == [], "\n".join(found[:60])
    assert any(v is not None for obs in seen.values() for v in obs.values())
