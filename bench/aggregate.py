"""Aggregation throughput and cost at 10k and 1M stored answers, in one run.

Against a PostgreSQL database of its own (recreated: ``trustpulse_bench_agg``, or
``BENCH_AGG_DB``):

1. prepares an organization, the demo consent notice and the live demo
   privacy-comfort survey;
2. loads synthetic completed responses with ``COPY`` (not the ORM) — valid
   answer sets, cleaned by the real answer checker, in the real row shapes —
   until 10k answers are stored, and times the aggregation code the Celery
   workers run (``dashboards.services.aggregate_batch``, batches of 500) over
   them: responses per second, and the cost per response;
3. loads more until 1M answers are stored, aggregates them with ``--workers``
   processes side by side (default: one per CPU, as a Celery worker's prefork
   pool runs; this is the throughput compared with the API's), then loads
   the same number of new responses as at step 2 and times their aggregation
   again: the cost per response at 1M, to compare with
   the cost at 10k (target: at most 1.2×);
4. times the floor: PostgreSQL's own GROUP BY over the raw answers at the
   rollups' grain (one query, no Python);
5. with ``--submit-json FILE`` (the ``--json`` output of bench/submit.py from
   the same machine), prints the aggregation throughput against the API's
   submission throughput (target: at least 10×).

    python bench/aggregate.py [--large 1000000] [--submit-json var/bench/submit.json]

Freshness under submission load (submit → visible in metrics) is measured by
bench/freshness.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_AGG_DB", "trustpulse_bench_agg")
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def recreate_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        subprocess.run(
            ["psql", ADMIN_URL, "-q", "-c", sql], check=True, capture_output=True, text=True
        )


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "trustpulse.settings.test"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare():  # type: ignore[no-untyped-def]
    from surveys.authoring.services.definitions import definition_import, survey_publish
    from surveys.consent.services.consent import notice_publish, notice_save
    from surveys.models import Organization

    org = Organization.objects.create(name="Bench", slug="bench", timezone="Europe/Amsterdam")
    notice = json.loads((ROOT / "surveys/demo/consent_notice.json").read_text())
    notice_publish(
        version=notice_save(organization=org, slug="privacy-notice", name="N", content=notice)
    )
    doc = json.loads((ROOT / "surveys/demo/privacy_comfort.json").read_text())
    version = definition_import(organization=org, document=doc)
    survey_publish(survey=version.survey)
    version.survey.refresh_from_db()
    return version.survey


def answer_sets(survey, n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """`n` distinct valid answer sets as Answer row dicts (through the real checker)."""
    from surveys.answers import answer_rows, clean_answers
    from surveys.selectors import version_question_ids, version_spec

    spec = version_spec(survey.live_version)
    ids = version_question_ids(survey.live_version)
    rng = random.Random(seed)
    sets = []
    while len(sets) < n:
        nps = rng.randint(0, 10)
        raw = {
            "concern": {
                r: rng.randint(1, 5) for r in ("worry", "control", "no_concern", "reads_terms")
            },
            "trust_brand": rng.randint(1, 5),
            "policy_reading": rng.choice(["always", "often", "sometimes", "never"]),
            "protective_actions": rng.sample(["ad_blocker", "deleted_account"], rng.randint(0, 2)),
            "nps": nps,
            "attention": "blue",
            "age_band": rng.choice(["a18_29", "a30_44", "a45_59", "a60"]),
        }
        if nps < 9:
            raw["improve_text"] = "Be clear."
        cleaned = clean_answers(spec, raw)
        assert not cleaned.problems, cleaned.problems
        rows = []
        for code, value in cleaned.values.items():
            q = spec.question(code)
            for cells in answer_rows(q, value):
                rows.append((ids[code], code, cells))
        sets.append((rows, cleaned.path))
    return sets


_CLOCK = [0]  # responses loaded so far (their submission times follow on)


def copy_responses(survey, sets, count: int, start: dt.datetime, *, anywhere: bool = False) -> int:  # type: ignore[no-untyped-def]
    """COPY `count` completed, unaggregated responses; returns answers written."""
    from django.db import connection

    org_id, version_id = survey.organization_id, survey.live_version_id
    respondents, responses, answers = [], [], []
    for i in range(count):
        rid, resp = uuid.uuid4(), uuid.uuid4()
        # One response every 37 s, the clock running on from the previous call and
        # wrapping after 90 days: batches hold neighbours in time, as live traffic
        # does, and a large load covers every day.
        # With `anywhere`, a random second of the 90 days (every load spans them all).
        second = resp.int if anywhere else (_CLOCK[0] + i) * 37
        at = start + dt.timedelta(seconds=second % (90 * 86400))
        respondents.append((str(rid), org_id, f"b_{resp.hex[:20]}", at.isoformat()))
        rows, path = sets[i % len(sets)]
        responses.append(
            (
                str(resp),
                str(rid),
                survey.pk,
                version_id,
                "complete",
                "en",
                "web",
                "f",
                at.isoformat(),
                at.isoformat(),
                at.isoformat(),
                "",
                json.dumps(path),
                "[]",
            )
        )
        for question_id, code, cells in rows:
            answers.append(
                (
                    str(resp),
                    question_id,
                    code,
                    cells.get("item", ""),
                    cells.get("choice", ""),
                    cells.get("number"),
                    cells.get("text", ""),
                    cells.get("date"),
                    cells.get("boolean"),
                )
            )
    _CLOCK[0] += count
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY surveys_respondent (id, organization_id, respondent_ref, created_at) FROM STDIN"
        ) as copy:
            for row in respondents:
                copy.write_row(row)
        with raw.copy(
            "COPY surveys_response (id, respondent_id, survey_id, version_id, status,"
            " locale, channel, is_test, started_at, updated_at, submitted_at,"
            " current_section, section_path, quality_flags) FROM STDIN"
        ) as copy:
            for row in responses:
                copy.write_row(row)
        with raw.copy(
            "COPY surveys_answer (response_id, question_id, question_code, item,"
            " choice, number, text, date, boolean) FROM STDIN"
        ) as copy:
            for row in answers:
                copy.write_row(row)
    return len(answers)


def drain() -> tuple[int, float]:
    from dashboards.services import aggregate_batch

    done, began = 0, time.perf_counter()
    while (n := aggregate_batch(limit=500)) > 0:
        done += n
    return done, time.perf_counter() - began


def _drain_child(_: int) -> int:
    from django.db import connections

    try:
        return drain()[0]
    finally:
        connections.close_all()


def drain_parallel(workers: int) -> tuple[int, float]:
    """`workers` processes draining side by side, as a Celery worker's prefork pool does.

    Returns (responses aggregated, wall-clock seconds from the first claim to the last commit).
    """
    if workers <= 1:
        return drain()
    import multiprocessing

    from django.db import connections

    connections.close_all()  # children open their own connections
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        began = time.perf_counter()
        done = sum(pool.map(_drain_child, range(workers)))
        took = time.perf_counter() - began
    return done, took


class _Rollback(Exception):
    pass


def vacuum() -> None:
    """What autovacuum does in production between bursts: drop dead rows, refresh stats.

    Aggregation marks claimed rows; their old versions stay in the partial
    index of unaggregated responses until a vacuum, so a measurement right
    after a burst of 90k would time the burst's leftovers, not the store's size.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "surveys_response",
            "surveys_answer",
            "dashboards_answerrollup",
            "dashboards_answerdayrollup",
            "dashboards_answerpairrollup",
            "dashboards_responserollup",
            "dashboards_scorerollup",
            "dashboards_responsescore",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def cost_per_response(survey, sets, start, *, n: int = 300, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    """Median seconds per response of aggregating `n` new responses, `repeat` times.

    Each repetition loads and aggregates inside a transaction that is rolled
    back, so the store keeps its size while it is measured. Both measuring
    points start from a vacuumed store.
    """
    from django.db import transaction

    vacuum()
    times = []
    for _ in range(repeat):
        try:
            with transaction.atomic():
                copy_responses(survey, sets, n, start)
                done, took = drain()
                assert done == n
                times.append(took / n)
                raise _Rollback
        except _Rollback:
            pass
    return sorted(times)[len(times) // 2]


def floor_group_by() -> float:
    from django.db import connection

    sql = """
        SELECT r.version_id, a.question_code, a.item, a.choice,
               (r.submitted_at AT TIME ZONE 'Europe/Amsterdam')::date, r.locale, r.channel,
               count(*), sum(a.number), sum(a.number * a.number)
        FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        return time.perf_counter() - began


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--small", type=int, default=10_000, help="answers stored at the first measure")
    p.add_argument("--large", type=int, default=1_000_000, help="answers stored at the second")
    p.add_argument("--submit-json", type=Path, help="bench/submit.py --json output")
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="aggregating processes for the throughput phase (default: CPUs, as Celery's pool)",
    )
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args()
    recreate_database()
    try:
        setup_django()
        survey = prepare()
        sets = answer_sets(survey, 400)
        per = sum(len(r) for r, _ in sets) / len(sets)
        start = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
        batch_n = int(args.small / per)
        stored = copy_responses(survey, sets, batch_n, start)
        n_small, t_small = drain()
        cost_small = cost_per_response(survey, sets, start)
        print(
            f"at {stored:,} answers: {cost_small * 1000:.3f} ms per new response "
            "(median of 7 batches of 300, each rolled back)"
        )
        t0 = time.perf_counter()
        while stored < args.large - batch_n * per:
            chunk = min(20_000, int((args.large - stored) / per) - batch_n)
            stored += copy_responses(survey, sets, max(chunk, 1), start)
        load_s = time.perf_counter() - t0
        vacuum()
        n_bulk, t_bulk = drain_parallel(args.workers)
        print(
            f"loaded to {stored:,} answers with COPY in {load_s:.1f} s; {args.workers} worker "
            f"process(es) aggregated {n_bulk:,} responses in {t_bulk:.1f} s = "
            f"{n_bulk / t_bulk:,.0f} responses/s"
        )
        stored += copy_responses(survey, sets, batch_n, start)
        n_large, t_large = drain()
        cost_large = cost_per_response(survey, sets, start)
        print(
            f"at {stored:,} answers: {cost_large * 1000:.3f} ms per new response "
            "(median of 7 batches of 300, each rolled back)"
        )
        ratio = cost_large / cost_small
        print(
            f"cost per response at {stored:,} / at {args.small:,} answers: {ratio:.2f} "
            f"({'meets' if ratio <= 1.2 else 'ABOVE'} the 1.2 target)"
        )
        floor = floor_group_by()
        print(
            f"floor: one PostgreSQL GROUP BY over all {stored:,} raw answers: {floor:.2f} s; "
            f"aggregating them all in batches took {t_small + t_bulk + t_large:.1f} s"
        )
        agg_rate = n_bulk / t_bulk
        if args.submit_json:
            submit = json.loads(args.submit_json.read_text())
            api = next(r for r in submit["results"] if r["endpoint"] == "api")["responses_per_s"]
            print(
                f"aggregation {agg_rate:,.0f} responses/s vs API submission {api:,.1f} "
                f"responses/s: {agg_rate / api:.1f}x (target 10x)"
            )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            subprocess.run(
                ["psql", ADMIN_URL, "-q", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"],
                capture_output=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
