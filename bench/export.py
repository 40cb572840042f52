"""Research-export throughput and memory at 100k and 1M responses, in one run.

Against a PostgreSQL database of its own (recreated: ``trustpulse_bench_export``):

1. prepares an organization, the demo consent notice and the live 20-question
   benchmark survey (bench/survey_20q.json), with export settings declaring
   four quasi-identifiers (age, device, submission month, channel);
2. loads synthetic completed responses with ``COPY`` (valid answer sets from
   the real answer checker, through bench/aggregate.py's loader) until
   ``--small`` responses are stored, then runs an anonymized CSV and an
   anonymized Parquet export;
3. loads more until ``--large`` responses are stored and runs the same two
   exports again.

Each export runs in a fresh worker process (``python bench/export.py --worker
JOB``, the code the Celery task runs: dashboards.exports.run.export_run),
which reports its peak RSS (``VmHWM``); the parent prints the job's
progress field while it runs. Targets: peak RSS at 1M ≤ 1.2 × at 100k, and ≤
300 MB.

    python bench/export.py [--small 100000] [--large 1000000] [--json FILE]
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DB = os.environ.get("BENCH_EXPORT_DB", "trustpulse_bench_export")
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
QUASI = ["q09_age", "q03_device", "submitted_at", "channel"]
CHANNELS = ["web", "email", "in_app", "qr", "api"]


def setup_django(migrate: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "trustpulse.settings.test"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("EXPORTS_ROOT", str(ROOT / "var" / "bench" / "exports"))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def recreate_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        subprocess.run(
            ["psql", ADMIN_URL, "-q", "-c", sql], check=True, capture_output=True, text=True
        )


def prepare():  # type: ignore[no-untyped-def]
    from dashboards.exports.services import export_settings_get, export_settings_update
    from surveys.authoring.services.definitions import definition_import, survey_publish
    from surveys.consent.services.consent import notice_publish, notice_save
    from surveys.models import Organization

    org = Organization.objects.create(name="Bench", slug="bench", timezone="Europe/Amsterdam")
    notice = json.loads((ROOT / "surveys/demo/consent_notice.json").read_text())
    notice_publish(
        version=notice_save(organization=org, slug="privacy-notice", name="N", content=notice)
    )
    doc = json.loads((HERE / "survey_20q.json").read_text())
    version = definition_import(organization=org, document=doc)
    survey_publish(survey=version.survey)
    survey = version.survey
    survey.refresh_from_db()
    cfg = export_settings_get(survey=survey)
    export_settings_update(
        survey=survey,
        user=None,
        quasi_identifiers=QUASI,
        sensitive_attributes=[],
        include_free_text=False,
        time_granularity="month",
        epsilon_budget=cfg.epsilon_budget,
    )
    return survey


def answer_sets(survey, n: int, seed: int = 11):  # type: ignore[no-untyped-def]
    """`n` valid answer sets of the 20-question survey, as Answer row dicts."""
    from bench.submit import answer_value
    from surveys.answers import answer_rows, clean_answers
    from surveys.selectors import version_question_ids, version_spec

    definition = json.loads((HERE / "survey_20q.json").read_text())
    questions = [q for s in definition["sections"] for q in s["questions"]]
    spec = version_spec(survey.live_version)
    ids = version_question_ids(survey.live_version)
    rng = random.Random(seed)
    sets = []
    while len(sets) < n:
        raw = {q["code"]: answer_value(q, rng) for q in questions}
        cleaned = clean_answers(spec, raw)
        if cleaned.problems:
            continue
        rows = []
        for code, value in cleaned.values.items():
            for cells in answer_rows(spec.question(code), value):
                rows.append((ids[code], code, cells))
        sets.append((rows, cleaned.path))
    return sets


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def load(survey, sets, count: int, start: dt.datetime) -> int:  # type: ignore[no-untyped-def]
    """COPY `count` completed responses (respondent, response, answer rows) in text format.

    Each answer set is rendered once as COPY text with a placeholder for the
    response id, so loading a million responses costs one string replace each.
    """
    import uuid

    from django.db import connection

    org_id, version_id = survey.organization_id, survey.live_version_id
    templates = [
        "".join(
            "RID\t"
            + "\t".join(
                _copy_text(v)
                for v in (
                    qid,
                    code,
                    cells.get("item", ""),
                    cells.get("choice", ""),
                    cells.get("number"),
                    cells.get("text", ""),
                    cells.get("date"),
                    cells.get("boolean"),
                )
            )
            + "\n"
            for qid, code, cells in rows
        )
        for rows, _ in sets
    ]
    paths = [json.dumps(path) for _, path in sets]
    answers = 0
    done = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        while done < count:
            n = min(50_000, count - done)
            people, responses, cells = [], [], []
            for i in range(done, done + n):
                rid, resp = uuid.uuid4(), str(uuid.uuid4())
                at = (start + dt.timedelta(seconds=i * 37 % (300 * 86400))).isoformat()
                channel = CHANNELS[i % len(CHANNELS)]
                people.append(f"{rid}\t{org_id}\tb_{rid.hex[:24]}\t{at}\n")
                responses.append(
                    f"{resp}\t{rid}\t{survey.pk}\t{version_id}\tcomplete\ten\t{channel}\tf\t"
                    f"{at}\t{at}\t{at}\t\t{_copy_text(paths[i % len(sets)])}\t[]\n"
                )
                t = templates[i % len(templates)]
                answers += t.count("\n")
                cells.append(t.replace("RID", resp))
            with raw.copy(
                "COPY surveys_respondent (id, organization_id, respondent_ref, created_at)"
                " FROM STDIN"
            ) as copy:
                copy.write("".join(people))
            with raw.copy(
                "COPY surveys_response (id, respondent_id, survey_id, version_id, status,"
                " locale, channel, is_test, started_at, updated_at, submitted_at,"
                " current_section, section_path, quality_flags) FROM STDIN"
            ) as copy:
                copy.write("".join(responses))
            with raw.copy(
                "COPY surveys_answer (response_id, question_id, question_code, item,"
                " choice, number, text, date, boolean) FROM STDIN"
            ) as copy:
                for block in range(0, len(cells), 5000):
                    copy.write("".join(cells[block : block + 5000]))
            done += n
    return answers


def peak_rss_kb(pid: int) -> int:
    """The process's peak resident set so far (VmHWM), in kB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_exports(survey, formats: list[str], *, parallel: bool) -> list[dict]:  # type: ignore[no-untyped-def]
    """Create the jobs (no task queued) and run each in a fresh worker process.

    Sequentially, or side by side (`parallel`: as two Celery workers would).
    """
    from django.db import transaction

    from dashboards.exports.services import export_create
    from dashboards.models import ExportJob

    def start(fmt: str):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            job = export_create(survey=survey, user=None, format=fmt, purpose="Benchmark")
            # The benchmark runs the task itself, in its own process: drop the queued call.
            transaction.get_connection().run_on_commit = []
        proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(job.pk)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )
        return {"fmt": fmt, "job": job, "proc": proc, "began": time.perf_counter(), "seen": -1}

    def wait(runs) -> None:  # type: ignore[no-untyped-def]
        while any(r["proc"].poll() is None and "seconds" not in r for r in runs):
            time.sleep(2)
            for r in runs:
                if "seconds" in r:
                    continue
                if r["proc"].poll() is not None:
                    r["seconds"] = time.perf_counter() - r["began"]
                    continue
                pk = r["job"].pk
                progress, written = ExportJob.objects.filter(pk=pk).values_list(
                    "progress", "rows_written"
                )[0]
                hwm = peak_rss_kb(r["proc"].pid)
                if progress != r["seen"]:
                    elapsed = time.perf_counter() - r["began"]
                    print(
                        f"    {r['fmt']}: {progress}% ({written:,} rows written, "
                        f"{elapsed:.0f} s, peak RSS so far {hwm / 1024:.1f} MB)",
                        flush=True,
                    )
                    r["seen"] = progress
        for r in runs:
            r.setdefault("seconds", time.perf_counter() - r["began"])

    runs = []
    if parallel:
        runs = [start(fmt) for fmt in formats]
        wait(runs)
    else:
        for fmt in formats:
            runs.append(start(fmt))
            wait(runs[-1:])
    results = []
    for r in runs:
        job, seconds = r["job"], r["seconds"]
        job.refresh_from_db()
        out = r["proc"].stdout.read() if r["proc"].stdout else ""
        worker_out = json.loads(out.strip().splitlines()[-1])
        results.append(
            {
                "format": r["fmt"],
                "parallel": parallel,
                "status": job.status,
                "rows": job.rows_written,
                "seconds": round(seconds, 1),
                "rows_per_s": round(job.rows_written / seconds),
                "peak_rss_mb": round(worker_out["peak_rss_kb"] / 1024, 1),
                "file_mb": round((job.file_size or 0) / 1e6, 1),
                "k_achieved": job.report.get("k_achieved"),
                "records_dropped": job.report.get("records_dropped"),
                "generalizations": job.report.get("generalizations"),
            }
        )
    return results


def show(target: int, r: dict) -> None:
    print(
        f"  {r['format']} at {target:,}{' (side by side)' if r['parallel'] else ''}: "
        f"{r['rows']:,} rows in {r['seconds']} s = {r['rows_per_s']:,} rows/s, "
        f"peak RSS {r['peak_rss_mb']} MB, file {r['file_mb']} MB, k={r['k_achieved']}, "
        f"dropped {r['records_dropped']}",
        flush=True,
    )


def worker(job_id: str) -> None:
    setup_django(migrate=False)
    from dashboards.exports.run import export_run

    job = export_run(job_id=job_id)
    # VmHWM, not getrusage's ru_maxrss: that one starts from the parent's peak at fork.
    peak = peak_rss_kb(os.getpid())
    print(json.dumps({"status": job.status if job else None, "peak_rss_kb": peak}))


def exports_only(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from django.db import connection

    from surveys.models import Response, Survey

    survey = Survey.objects.get(slug="bench-20q")
    n = Response.objects.filter(survey=survey).count()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
        cursor.execute("VACUUM ANALYZE surveys_answer")
    results = run_exports(survey, args.formats.split(","), parallel=args.parallel)
    for r in results:
        show(n, r)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({str(n): results}, indent=2))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--small", type=int, default=100_000, help="responses at the first measure")
    p.add_argument("--large", type=int, default=1_000_000, help="responses at the second")
    p.add_argument("--formats", default="csv,parquet")
    p.add_argument("--json", type=Path, help="write the results here too")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--parallel", action="store_true", help="run the formats side by side")
    p.add_argument(
        "--exports-only",
        action="store_true",
        help="reuse the database as it is (no loading) and run the exports once",
    )
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    if args.exports_only:
        return exports_only(args)
    recreate_database()
    results: dict[str, list[dict]] = {}
    try:
        setup_django(migrate=True)
        survey = prepare()
        sets = answer_sets(survey, 500)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        stored = 0
        for target in sorted({args.small, args.large}):
            t0 = time.perf_counter()
            answers = load(survey, sets, target - stored, start)
            stored = target
            print(
                f"loaded to {stored:,} responses ({answers:,} answer rows this step) with COPY "
                f"in {time.perf_counter() - t0:.0f} s",
                flush=True,
            )
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE surveys_response")
                cursor.execute("VACUUM ANALYZE surveys_answer")
            results[str(target)] = run_exports(
                survey, args.formats.split(","), parallel=args.parallel
            )
            for r in results[str(target)]:
                show(target, r)
        for fmt in args.formats.split(",") if args.large > args.small else []:
            small = next(r for r in results[str(args.small)] if r["format"] == fmt)
            large = next(r for r in results[str(args.large)] if r["format"] == fmt)
            ratio = large["peak_rss_mb"] / small["peak_rss_mb"]
            ok = ratio <= 1.2 and large["peak_rss_mb"] <= 300
            print(
                f"{fmt}: peak RSS {small['peak_rss_mb']} MB → {large['peak_rss_mb']} MB "
                f"({ratio:.2f}×; target ≤ 1.2× and ≤ 300 MB: {'met' if ok else 'NOT met'})"
            )
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            subprocess.run(
                ["psql", ADMIN_URL, "-q", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"],
                check=False,
                capture_output=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
