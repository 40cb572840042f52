"""Dashboard data endpoints at 10k and 1M responses: p50 server time and the ratio, in one run.

Against a PostgreSQL database of its own (recreated: ``trustpulse_bench_dash``):

1. prepares an organization, the demo consent notice, the live demo
   privacy-comfort survey and an analyst;
2. loads ``--small`` completed responses into one survey with ``COPY``
   (bench/aggregate.py's loader: valid answer sets in the real row shapes,
   at random seconds of the same 90 days, five channels, two locales, so both
   surveys span the same days at every size) and aggregates them with the
   workers' code (``aggregate_batch``, ``--workers`` processes);
3. loads a second survey (the same definition) up to ``--large`` responses,
   stopping at each ``--checkpoints`` size: aggregates, vacuums, and times
   every data endpoint of both surveys' dashboards, requests interleaved
   (``--repeat`` each, through Django's test client in this process: server
   time, no network), so the machine's load falls on both sizes alike;
4. prints p50 per endpoint for both and the ratio (target: p50 at 1M ≤ 1.3 ×
   p50 at 10k) at each checkpoint, for every view of ``VIEWS``: the
   dashboard's default view (no filter), each single segment filter (the four
   segment dimensions) and every two of them combined, then the worst ratio
   per view and over all; ``--json FILE`` keeps the figures.

    python bench/dashboard.py [--small 10000] [--large 1000000] [--checkpoints 100000]
                              [--views default,channel] [--json var/bench/dashboard.json]

The database is ``trustpulse_bench_dash`` unless ``BENCH_DASH_DB`` names another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.aggregate as agg  # noqa: E402

DB = os.environ.get("BENCH_DASH_DB", "trustpulse_bench_dash")
PANELS = ["kpis", "trends", "paradox", "segments", "items", "funnel", "crosstab"]
CHANNELS = ["web", "email", "in_app", "qr", "kiosk"]
QUERY = "period=all&granularity=week"
# One value of each segment dimension. The demo survey has no Westin items, so
# every response's Westin segment is unknown and that filter leaves nobody
# (still a filter an analyst can set, read like the others).
FILTERS = {
    "channel": "channel=web",
    "locale": "locale=zh-Hant",
    "age_band": "age_band=a30_44",
    "westin_segment": "westin_segment=pragmatist",
}
# The default view (no filter: answer reads use the day margin), each single
# filter and every two combined (answer reads use the pair margin).
VIEWS = {
    "default": QUERY,
    **{name: f"{QUERY}&{q}" for name, q in FILTERS.items()},
    **{
        f"{a}+{b}": f"{QUERY}&{FILTERS[a]}&{FILTERS[b]}"
        for i, a in enumerate(FILTERS)
        for b in list(FILTERS)[i + 1 :]
    },
}


def load(survey, sets, count: int, start: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """COPY `count` responses in chunks, then vary channel and locale like real traffic."""
    from django.db import connection

    done = 0
    while done < count:
        n = min(20_000, count - done)
        agg.copy_responses(survey, sets, n, start, anywhere=True)
        done += n
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE surveys_response SET"
            " channel = (%s::text[])[1 + abs(hashtext(id::text)) %% 5],"
            " locale = CASE WHEN abs(hashtext(id::text || 'l')) %% 4 = 0"
            " THEN 'zh-Hant' ELSE 'en' END"
            " WHERE aggregated_at IS NULL",
            [CHANNELS],
        )
        # Fresh statistics before the drain, as autovacuum's analyze gives tables
        # that grew this much (without them the answer reads of a drain after a
        # large COPY can take several times as long).
        cursor.execute("ANALYZE surveys_response")
        cursor.execute("ANALYZE surveys_answer")


def time_endpoints(client, bases, repeat: int, query: str = QUERY):  # type: ignore[no-untyped-def]
    """p50 seconds per (survey, endpoint), requests interleaved so machine load hits both alike."""
    times: dict[str, dict[str, list[float]]] = {k: {p: [] for p in PANELS} for k in bases}
    for base in bases.values():
        for panel in PANELS:
            client.get(f"{base}data/{panel}/?{query}")  # warm caches
    for _ in range(repeat):
        for panel in PANELS:
            for key, base in bases.items():
                url = f"{base}data/{panel}/?{query}"
                began = time.perf_counter()
                r = client.get(url)
                times[key][panel].append(time.perf_counter() - began)
                assert r.status_code == 200, (panel, r.status_code)
    return {k: {p: statistics.median(v) for p, v in panels.items()} for k, panels in times.items()}


def rollup_rows(survey) -> str:  # type: ignore[no-untyped-def]
    from dashboards.models import (
        AnswerCellRollup,
        AnswerDayRollup,
        AnswerPairRollup,
        AnswerRollup,
        ResponseRollup,
        ScoreBinRollup,
        ScoreRollup,
    )

    models = (
        ResponseRollup,
        ScoreRollup,
        AnswerRollup,
        AnswerDayRollup,
        AnswerPairRollup,
        AnswerCellRollup,
        ScoreBinRollup,
    )
    return ", ".join(
        f"{m.__name__} {m.objects.filter(version__survey=survey).count():,}" for m in models
    )


def second_survey(survey):  # type: ignore[no-untyped-def]
    """The same definition published again under another slug, for the large load."""
    from surveys.authoring.services.definitions import definition_import, survey_publish

    doc = json.loads((ROOT / "surveys/demo/privacy_comfort.json").read_text())
    doc["slug"] = "privacy-comfort-large"
    version = definition_import(organization=survey.organization, document=doc)
    survey_publish(survey=version.survey)
    version.survey.refresh_from_db()
    return version.survey


def report(
    small: dict[str, float], large: dict[str, float], n_small: int, n_large: int, view: str
) -> float:
    print(f"\n{view}\n\n| endpoint | p50 at {n_small:,} | p50 at {n_large:,} | ratio |")
    print("|---|---:|---:|---:|")
    worst = 0.0
    for panel in PANELS:
        ratio = large[panel] / small[panel]
        worst = max(worst, ratio)
        print(
            f"| {panel} | {small[panel] * 1000:.1f} ms | {large[panel] * 1000:.1f} ms "
            f"| {ratio:.2f} |"
        )
    print(f"\nworst ratio {worst:.2f} ({'at most' if worst <= 1.3 else 'ABOVE'} 1.3)")
    return worst


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--small", type=int, default=10_000, help="responses of the small survey")
    p.add_argument("--large", type=int, default=1_000_000, help="responses of the large survey")
    p.add_argument(
        "--checkpoints",
        default="100000",
        help="also measure when the large survey passes these sizes (comma-separated)",
    )
    p.add_argument("--repeat", type=int, default=15, help="requests per endpoint")
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="aggregating processes while loading (default: CPUs)",
    )
    p.add_argument(
        "--views",
        default=",".join(VIEWS),
        help=f"views to time, comma-separated (default: all of {', '.join(VIEWS)})",
    )
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return p.parse_args()


def analyst_client(small, large):  # type: ignore[no-untyped-def]
    """A signed-in analyst's test client, and the dashboard page of each survey."""
    from django.test import Client

    from surveys.models import Membership, User

    user = User.objects.create_user("bench-analyst", password="x")
    Membership.objects.create(user=user, organization=small.organization, role="analyst")
    client = Client()
    client.force_login(user)
    org = small.organization.slug
    bases = {
        "small": f"/studio/{org}/dashboards/surveys/{small.pk}/",
        "large": f"/studio/{org}/dashboards/surveys/{large.pk}/",
    }
    return client, bases


def report_views(timings: dict[str, Any], args: argparse.Namespace, size: int) -> None:
    """Print each view's endpoints (p50 on both surveys) and its worst ratio (large / small)."""
    worst = {
        v: report(t["small"], t["large"], args.small, size, f"view {v}: {VIEWS[v]}")
        for v, t in timings.items()
    }
    print(f"\nworst ratio per view at {size:,}:")
    for v, w in worst.items():
        print(f"  {v}: {w:.2f}")
    print(f"worst over all views at {size:,}: {max(worst.values()):.2f}", flush=True)


def write_json(path: Path, args: argparse.Namespace, results: dict[int, Any]) -> None:
    views = [v for v in args.views.split(",") if v]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "small": args.small,
                "views": {v: VIEWS[v] for v in views},
                "p50_s": {str(k): v for k, v in results.items()},
            },
            indent=2,
        )
    )


def main() -> int:
    args = arguments()
    agg.DB = DB
    agg.recreate_database()
    try:
        agg.setup_django()
        small = agg.prepare()
        large = second_survey(small)
        client, bases = analyst_client(small, large)
        start = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
        t0 = time.perf_counter()
        load(small, agg.answer_sets(small, 400), args.small, start)
        agg.drain()
        print(
            f"small survey: {args.small:,} responses "
            f"(COPY and aggregation {time.perf_counter() - t0:.0f} s)"
        )
        print("rollup rows of the small survey: " + rollup_rows(small))
        sets = agg.answer_sets(large, 400)
        sizes = sorted({int(c) for c in args.checkpoints.split(",") if c} | {args.large})
        stored, results = 0, {}
        for size in sizes:
            if size > args.large:
                continue
            t0 = time.perf_counter()
            load(large, sets, size - stored, start)
            stored = size
            loaded = time.perf_counter() - t0
            n, took = agg.drain_parallel(args.workers)
            agg.vacuum()
            views = [v for v in args.views.split(",") if v]
            results[size] = {v: time_endpoints(client, bases, args.repeat, VIEWS[v]) for v in views}
            print(
                f"large survey at {size:,} responses (COPY {loaded:.0f} s, aggregated {n:,} "
                f"in {took:.0f} s = {n / took:,.0f}/s)",
                flush=True,
            )
            print("rollup rows of the large survey: " + rollup_rows(large))
            report_views(results[size], args, size)
            if args.json:
                write_json(args.json, args, results)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            subprocess.run(
                ["psql", agg.ADMIN_URL, "-q", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"],
                capture_output=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
