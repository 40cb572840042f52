"""Dashboard data endpoints at 10k and 1M responses: p50 server time and the ratio, in one run.

Against a PostgreSQL database of its own (recreated: ``trustpulse_bench_dash``):

1. prepares an organization, the demo consent notice, the live demo
   privacy-comfort survey and an analyst;
2. loads completed responses with ``COPY`` (bench/aggregate.py's loader: valid
   answer sets in the real row shapes, spread over 90 days, several channels
   and locales) until ``--small`` responses are stored, aggregates them with
   the workers' code (``aggregate_batch``), vacuums, and times every data
   endpoint of the survey dashboard (``--repeat`` requests each, through
   Django's test client in this process: the server time, no network);
3. loads more until ``--large`` responses are stored, aggregates, vacuums and
   times the same endpoints again;
4. prints p50 per endpoint at both sizes and the ratio (target: p50 at 1M ≤
   1.3 × p50 at 10k), and with ``--json FILE`` writes the figures.

    python bench/dashboard.py [--small 10000] [--large 1000000] [--json var/bench/dashboard.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.aggregate as agg  # noqa: E402

DB = "trustpulse_bench_dash"
PANELS = ["kpis", "trends", "paradox", "segments", "items", "funnel", "crosstab"]
CHANNELS = ["web", "email", "in_app", "qr", "kiosk"]


def load(survey, sets, count: int, start: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """COPY `count` responses in chunks, then vary channel and locale like real traffic."""
    from django.db import connection

    done = 0
    while done < count:
        n = min(20_000, count - done)
        agg.copy_responses(survey, sets, n, start)
        done += n
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE surveys_response SET channel = (ARRAY%s)[1 + abs(hashtext(id::text)) %% 5],"
            " locale = CASE WHEN abs(hashtext(id::text || 'l')) %% 4 = 0 THEN 'zh-Hant' ELSE 'en' END"
            " WHERE aggregated_at IS NULL",
            [CHANNELS],
        )


def time_endpoints(client, base: str, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    out = {}
    for panel in PANELS:
        url = f"{base}data/{panel}/?period=all&granularity=week"
        client.get(url)  # warm caches (spec, plotly validators)
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            r = client.get(url)
            times.append(time.perf_counter() - began)
            assert r.status_code == 200, (panel, r.status_code)
        out[panel] = statistics.median(times)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--small", type=int, default=10_000, help="responses at the first measure")
    p.add_argument("--large", type=int, default=1_000_000, help="responses at the second")
    p.add_argument("--repeat", type=int, default=15, help="requests per endpoint")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args()
    agg.DB = DB
    agg.recreate_database()
    try:
        agg.setup_django()
        from django.test import Client

        from dashboards.views import data  # noqa: F401  (registers the URLs' views)
        from surveys.models import Membership, User

        survey = agg.prepare()
        user = User.objects.create_user("bench-analyst", password="x")
        Membership.objects.create(user=user, organization=survey.organization, role="analyst")
        client = Client()
        client.force_login(user)
        base = f"/studio/{survey.organization.slug}/dashboards/surveys/{survey.pk}/"
        sets = agg.answer_sets(survey, 400)
        start = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
        results = {}
        stored = 0
        for size in (args.small, args.large):
            t0 = time.perf_counter()
            load(survey, sets, size - stored, start)
            stored = size
            loaded = time.perf_counter() - t0
            n, took = agg.drain()
            agg.vacuum()
            results[size] = time_endpoints(client, base, args.repeat)
            print(
                f"{size:,} responses (COPY {loaded:.0f} s, aggregated {n:,} in {took:.0f} s): "
                + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in results[size].items())
            )
        small, large = results[args.small], results[args.large]
        print(f"\n| endpoint | p50 at {args.small:,} | p50 at {args.large:,} | ratio |")
        print("|---|---:|---:|---:|")
        worst = 0.0
        for panel in PANELS:
            ratio = large[panel] / small[panel]
            worst = max(worst, ratio)
            print(
                f"| {panel} | {small[panel] * 1000:.1f} ms | {large[panel] * 1000:.1f} ms "
                f"| {ratio:.2f} |"
            )
        print(f"\nworst ratio {worst:.2f} ({'meets' if worst <= 1.3 else 'ABOVE'} the 1.3 target)")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(
                json.dumps({"small": args.small, "large": args.large, "p50_s": results}, indent=2)
            )
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
