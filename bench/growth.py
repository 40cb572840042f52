"""Does the cost of the hot paths grow with the tables that grow without bound?

The tables that only grow (answers, behaviour events, audit events, consent
records, responses; the submission inbox is purged after
IDEMPOTENCY_TTL_HOURS) are filled to each size in turn with rows in the real
shapes — copies of a real response's answer rows, five behaviour events and
one audit event per respondent, spread over a year — and at each size the
operations that touch them on every request or task are timed through the
real services:

* ``submit``: a complete response written and aggregated (respondent,
  response, answers, consent record, audit event, rollups; Celery eager);
* ``events``: a batch of 5 behaviour events ingested for one respondent
  (idempotency check, insert, enacted-score refresh);
* ``portal``: one respondent's data read (what the portal download reads);
* ``erase``: one respondent erased (cascade through answers, events,
  consent; rollups recomputed for its days);
* ``audit``: the newest 50 audit events of the organization (audit log).

Prints the p50 of each per size and the ratio largest / smallest. Uses a
PostgreSQL database of its own (``--database-url``, recreated, dropped at the
end unless ``--keep``)::

    python bench/growth.py --database-url postgres://postgres@127.0.0.1:5432/tp_growth \
        --sizes 10000,100000,400000 --json var/bench/growth.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 30


def recreate(url: str, drop_only: bool = False) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run(
        ["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True
    )
    if not drop_only:
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def grow(*, survey: Any, template_response_id: str, start: int, stop: int) -> None:
    """Add respondents start..stop-1, each with a complete response like the template."""
    from django.db import connection

    org_id = survey.organization_id
    with connection.cursor() as c:
        c.execute(
            """
            INSERT INTO surveys_respondent (id, organization_id, respondent_ref,
                external_id_hmac, portal_token_hash, created_at)
            SELECT md5('respondent' || g)::uuid, %s, 'g' || g, NULL, NULL,
                   now() - (g %% 365) * interval '1 day'
            FROM generate_series(%s, %s) g
            """,
            [org_id, start, stop - 1],
        )
        c.execute(
            """
            INSERT INTO surveys_response (id, respondent_id, survey_id, version_id, status,
                locale, channel, channel_link_id, is_test, started_at, updated_at, submitted_at,
                current_section, section_path, resume_token_hash, score, max_score,
                outcome_index, quality_flags, aggregated_at)
            SELECT md5('response' || g)::uuid, md5('respondent' || g)::uuid, t.survey_id,
                   t.version_id, t.status, t.locale, t.channel, NULL, t.is_test,
                   now() - (g %% 365) * interval '1 day', now(),
                   now() - (g %% 365) * interval '1 day', t.current_section, t.section_path,
                   NULL, t.score, t.max_score, t.outcome_index, t.quality_flags, now()
            FROM generate_series(%s, %s) g, surveys_response t WHERE t.id = %s
            """,
            [start, stop - 1, template_response_id],
        )
        c.execute(
            """
            INSERT INTO surveys_answer (response_id, question_id, question_code, item, choice,
                number, text, date, boolean)
            SELECT md5('response' || g)::uuid, a.question_id, a.question_code, a.item,
                   a.choice, a.number, a.text, a.date, a.boolean
            FROM generate_series(%s, %s) g, surveys_answer a WHERE a.response_id = %s
            """,
            [start, stop - 1, template_response_id],
        )
        c.execute(
            """
            INSERT INTO surveys_behaviourevent (organization_id, respondent_id, response_id,
                kind, value, occurred_at, source, idempotency_id, created_at)
            SELECT %s, md5('respondent' || g)::uuid, NULL, 'notice_opened', 'true'::jsonb,
                   now() - (g %% 365) * interval '1 day', 'api', 'e' || g || '-' || k, now()
            FROM generate_series(%s, %s) g, generate_series(1, 5) k
            """,
            [org_id, start, stop - 1],
        )
        c.execute(
            """
            INSERT INTO surveys_auditevent (organization_id, actor_id, actor_label, action,
                target_type, target_id, data, created_at)
            SELECT %s, NULL, '', 'consent.given', 'respondent', 'g' || g, '{}'::jsonb,
                   now() - (g %% 365) * interval '1 day'
            FROM generate_series(%s, %s) g
            """,
            [org_id, start, stop - 1],
        )
        c.execute("VACUUM ANALYZE")


def timed(fn: Callable[[int], Any], repeat: int = REPEAT) -> float:
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def measure(*, survey: Any, size: int, salt: str) -> dict[str, Any]:
    from surveys.consent.services.rights import respondent_erase
    from surveys.models import AuditEvent, Respondent, Response
    from surveys.responses.selectors import response_values
    from surveys.responses.services.events import events_ingest
    from surveys.responses.services.write import response_submit
    from tests.factories import COMFORT_ANSWERS, CONSENT

    BOTH = {**CONSENT, "purposes": [*CONSENT["purposes"], "behavioural_measurement"]}
    org = survey.organization
    submitted: list[Response] = []

    def submit(i: int) -> None:
        submitted.append(response_submit(consent=BOTH, survey=survey, answers=COMFORT_ANSWERS))

    def events(i: int) -> None:
        ref = submitted[i].respondent.respondent_ref
        events_ingest(
            organization=org,
            events=[
                {"respondent_ref": ref, "kind": "notice_opened", "value": True,
                 "occurred_at": "2026-11-30T10:00:00Z", "id": f"{salt}-{i}-{k}"}
                for k in range(5)
            ],
        )  # fmt: skip

    def portal(i: int) -> None:
        # An old respondent, found by reference, with everything the download reads.
        respondent = Respondent.objects.get(
            organization=org, respondent_ref=f"g{(i * 7919) % size}"
        )
        for response in Response.objects.filter(respondent=respondent):
            response_values(response)
        list(respondent.behaviour_events.all())
        list(respondent.consent_records.all())

    def erase(i: int) -> None:
        respondent_erase(respondent=submitted[i].respondent)

    def audit(i: int) -> None:
        list(AuditEvent.objects.filter(organization=org).order_by("-created_at", "-id")[:50])

    def slowest(fn: Callable[[int], Any], i: int) -> list[list[Any]]:
        """The three slowest SQL statements of one more call (where the time goes)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            fn(i)
        ranked = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        return [[float(q["time"]) * 1000, q["sql"][:160]] for q in ranked[:3]]

    found: dict[str, Any] = {
        "submit_ms": timed(submit),
        "events_ms": timed(events),
        "portal_ms": timed(portal),
        "erase_ms": timed(erase),
        "audit_ms": timed(audit),
    }
    found["slowest_submit"] = slowest(submit, REPEAT)
    found["slowest_erase"] = slowest(erase, REPEAT)
    return found


def counts() -> dict[str, int]:
    from django.db import connection

    found = {}
    with connection.cursor() as c:
        for table in ("surveys_answer", "surveys_behaviourevent", "surveys_auditevent",
                      "surveys_response", "surveys_consentrecord"):  # fmt: skip
            c.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            found[table.removeprefix("surveys_")] = c.fetchone()[0]
    return found


def sizes_mb() -> dict[str, dict[str, float]]:
    """Heap and index megabytes of the growing tables."""
    from django.db import connection

    found = {}
    with connection.cursor() as c:
        for table in ("surveys_answer", "surveys_behaviourevent", "surveys_auditevent",
                      "surveys_response", "surveys_respondent"):  # fmt: skip
            c.execute(
                "SELECT pg_relation_size(%s::regclass), pg_indexes_size(%s::regclass)",
                [table, table],
            )
            heap, indexes = c.fetchone()
            found[table.removeprefix("surveys_")] = {
                "table_mb": round(heap / 2**20, 1),
                "indexes_mb": round(indexes / 2**20, 1),
            }
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sizes", default="10000,100000,400000", help="respondents per step")
    parser.add_argument("--json", default="")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    recreate(args.database_url)
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="trustpulse.settings.test",
        CELERY_TASK_ALWAYS_EAGER="true",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from surveys.responses.services.write import response_submit
    from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey

    survey = live_survey(OrganizationFactory(slug="growth"))
    template = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    results = []
    have = 0
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            started = time.perf_counter()
            grow(survey=survey, template_response_id=str(template.pk), start=have, stop=size)
            have = size
            loaded = round(time.perf_counter() - started, 1)
            row = {"respondents": size, "rows": counts(), "mb": sizes_mb(), "load_s": loaded}
            row.update(measure(survey=survey, size=size, salt=f"s{size}"))
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate(args.database_url, drop_only=True)
    first, last = results[0], results[-1]
    ratios = {k: round(last[k] / first[k], 2) for k in first if k.endswith("_ms") and first[k]}
    summary = {"steps": results, "ratio_largest_smallest": ratios}
    print(json.dumps({"ratio_largest_smallest": ratios}))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
