"""The deployment test's checks against the deployed database (run by scripts/deploy_test.py).

Run with the deployment's environment (production settings, DATABASE_URL of
the database host). Subcommands print one JSON object:

* ``prepare``: the API survey (bench/survey_20q.json, an API key) and the
  demo organization with its respondent survey (`seed_demo`).
* ``verify ACCEPTED_JSON``: given what clients were told (API response ids by
  idempotency key, respondents who reached the thank-you page), counts what
  is stored: lost, duplicated, unexpected; then compares the incremental
  rollups with a full recompute of each survey.
"""

import json
import os
import secrets
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent


def prepare() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    from django.core.management import call_command
    from prepare import prepare as bench_prepare  # bench/prepare.py

    from surveys.models import Response

    call_command(
        "seed_demo", "--responses", "60", "--password", secrets.token_urlsafe(24), verbosity=0
    )
    demo = Response.objects.filter(
        survey__organization__slug="acme-privacy", survey__slug="privacy-comfort", status="complete"
    )
    return {**bench_prepare(), "web_complete_before": demo.count()}


def snapshot(survey_id: int) -> dict[str, dict[tuple[Any, ...], tuple[Decimal, ...]]]:
    """Every rollup row of the survey: its key (all but decimal sums) -> its decimal sums."""
    from django.db.models import DecimalField, FloatField

    from dashboards.services.aggregation import DERIVED

    found = {}
    for model in DERIVED:
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in ("id", "updated_at", "created_at", "computed_at")
        ]
        sums = [f.attname for f in fields if isinstance(f, DecimalField | FloatField)]
        keys = [f.attname for f in fields if f.attname not in sums]
        qs = model.objects.all()
        if "version_id" in keys:
            qs = qs.filter(version__survey_id=survey_id)
        else:
            continue
        rows = {}
        for row in qs.values(*keys, *sums):
            key = tuple(str(row[k]) for k in keys)
            assert key not in rows, f"{model.__name__}: two rows of one key {key}"
            rows[key] = tuple(Decimal(str(row[k] or 0)) for k in sums)
        found[model.__name__] = rows
    return found


def compare(
    incremental: dict[str, dict[tuple[Any, ...], tuple[Decimal, ...]]],
    rebuilt: dict[str, dict[tuple[Any, ...], tuple[Decimal, ...]]],
    *,
    terms: int,
) -> dict[str, Any]:
    """Same rows, same counts; decimal sums equal up to their stored rounding.

    Sums are stored with 6 decimals and the incremental path adds rounded
    terms batch by batch, so a sum of n terms may differ from a recompute by
    up to n x 0.5e-6 (seen: the sums of squares of scores); `terms` bounds n.
    """
    tolerance = Decimal("0.0000005") * max(1, terms)
    differ: dict[str, Any] = {}
    largest = Decimal(0)
    for table, rows in incremental.items():
        other = rebuilt[table]
        if rows.keys() != other.keys():
            differ[table] = {
                "only_incremental": [list(k) for k in sorted(rows.keys() - other.keys())[:3]],
                "only_recomputed": [list(k) for k in sorted(other.keys() - rows.keys())[:3]],
            }
            continue
        for key, sums in rows.items():
            for a, b in zip(sums, other[key], strict=True):
                gap = abs(a - b)
                largest = max(largest, gap)
                if gap > tolerance:
                    differ.setdefault(table, []).append([list(key), str(a), str(b)])
    return {
        "equal": not differ,
        "exact": not differ and largest == 0,
        "largest_rounding_gap": str(largest),
        "rows": {t: len(r) for t, r in incremental.items()},
        "differ": differ,
    }


def verify(accepted_path: str) -> dict[str, Any]:
    from dashboards.services import rollups_rebuild
    from surveys.models import Response, SubmissionInbox, Survey

    told = json.loads(Path(accepted_path).read_text())
    api_survey = int(told["api_survey_id"])
    by_key: dict[str, str] = told["api"]  # idempotency key -> response id answered
    stored = list(Response.objects.filter(survey_id=api_survey).values_list("pk", flat=True))
    stored_ids = [str(i) for i in stored]
    told_ids = set(by_key.values())
    inbox_pending = SubmissionInbox.objects.filter(materialized_at__isnull=True).count()
    demo = Survey.objects.get(organization__slug="acme-privacy", slug="privacy-comfort")
    web_complete = Response.objects.filter(survey=demo, status="complete").count()
    result: dict[str, Any] = {
        "api_accepted": len(told_ids),
        "api_keys_answered_twice_differently": len(by_key) - len(told_ids),
        "api_stored": len(stored_ids),
        "api_lost": len(told_ids - set(stored_ids)),
        "api_duplicated": len(stored_ids) - len(set(stored_ids)),
        "api_unexpected": len(set(stored_ids) - told_ids),
        "inbox_pending": inbox_pending,
        "web_thanked": int(told["web_thanked"]),
        "web_complete_stored": web_complete,
        "unaggregated": Response.objects.filter(
            status="complete", aggregated_at__isnull=True, is_test=False
        ).count(),
    }
    for name, survey_id in (("api", api_survey), ("web", demo.pk)):
        incremental = snapshot(survey_id)
        rollups_rebuild(survey_id=survey_id)
        terms = Response.objects.filter(survey_id=survey_id, status="complete").count()
        result[f"rollups_{name}"] = compare(incremental, snapshot(survey_id), terms=terms)
    return result


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustpulse.settings.production")
    import django

    django.setup()
    command = sys.argv[1]
    if command == "prepare":
        print(json.dumps(prepare()))
    elif command == "verify":
        print(json.dumps(verify(sys.argv[2])))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
