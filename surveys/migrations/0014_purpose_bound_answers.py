"""Remove answers stored under a consent purpose their respondent never granted.

Answers used to be stored whatever the consent said; a question is now
collected only under its granted purpose. This removes the answers already
stored against that rule (only optional purposes can be missing: a consent
always includes the required ones) and appends one ``data.deleted`` audit
event per respondent, with the reason, the purposes and the number of answers.

Rollups counted those answers: rebuild the surveys named on the console
(``python manage.py rebuild_rollups <slug>``), see docs/CONSENT.md.
"""

from collections import defaultdict

from django.db import migrations

REASON = "purpose_not_granted"


def _optional_purposes(apps) -> set[str]:
    version_model = apps.get_model("surveys", "ConsentNoticeVersion")
    return {
        p["id"]
        for purposes in version_model.objects.values_list("purposes", flat=True)
        for p in purposes or []
        if not p.get("required")
    }


def remove_ungranted_answers(apps, schema_editor=None) -> dict[str, object]:
    """Delete the answers under purposes never granted; audit per respondent.

    Returns ``{"answers": n, "respondents": n, "surveys": [slug, …]}``.
    """
    answer_model = apps.get_model("surveys", "Answer")
    record_model = apps.get_model("surveys", "ConsentRecord")
    audit_model = apps.get_model("surveys", "AuditEvent")
    optional = _optional_purposes(apps)
    candidates = answer_model.objects.filter(question__purpose__in=optional).values_list(
        "pk", "response_id", "response__respondent_id", "response__survey__slug", "question__purpose"
    )
    by_response: dict = defaultdict(list)
    for pk, response_id, respondent_id, slug, purpose in candidates.iterator(chunk_size=2000):
        by_response[response_id].append((pk, respondent_id, slug, purpose))
    if not by_response:
        return {"answers": 0, "respondents": 0, "surveys": []}
    granted: dict = defaultdict(set)
    receipts: dict = {}
    records = (
        record_model.objects.filter(response_id__in=list(by_response))
        .order_by("given_at", "pk")
        .values_list("response_id", "respondent_id", "receipt_id", "purposes_granted")
    )
    for response_id, respondent_id, receipt_id, purposes in records.iterator(chunk_size=2000):
        granted[response_id].update(purposes or [])
        receipts.setdefault(respondent_id, str(receipt_id))
    doomed: list = []
    surveys: set = set()
    per_respondent: dict = defaultdict(lambda: {"purposes": set(), "answers": 0})
    for response_id, rows in by_response.items():
        if response_id not in granted:
            continue  # no consent governs it (a survey without a notice)
        for pk, respondent_id, slug, purpose in rows:
            if purpose not in granted[response_id]:
                doomed.append(pk)
                surveys.add(slug)
                per_respondent[respondent_id]["purposes"].add(purpose)
                per_respondent[respondent_id]["answers"] += 1
    for start in range(0, len(doomed), 500):
        answer_model.objects.filter(pk__in=doomed[start : start + 500]).delete()
    respondent_model = apps.get_model("surveys", "Respondent")
    orgs = dict(
        respondent_model.objects.filter(pk__in=list(per_respondent)).values_list(
            "pk", "organization_id"
        )
    )
    audit_model.objects.bulk_create(
        [
            audit_model(
                organization_id=orgs[respondent_id],
                actor_label="system",
                action="data.deleted",
                data={
                    "receipt_id": receipts[respondent_id],
                    "reason": REASON,
                    "purposes": sorted(found["purposes"]),
                    "answers": found["answers"],
                },
            )
            for respondent_id, found in per_respondent.items()
        ]
    )
    return {
        "answers": len(doomed),
        "respondents": len(per_respondent),
        "surveys": sorted(surveys),
    }


def forwards(apps, schema_editor) -> None:
    result = remove_ungranted_answers(apps, schema_editor)
    if result["answers"]:
        print(  # noqa: T201 - the operator must rebuild these surveys' rollups
            f"\n  Removed {result['answers']} answers under purposes never granted "
            f"({result['respondents']} respondents). Rebuild the rollups of: "
            + ", ".join(result["surveys"])  # type: ignore[arg-type]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0013_submission_inbox"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
