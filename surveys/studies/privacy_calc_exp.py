"""Load the privacy-calculus field experiment as a TrustPulse survey.

Dienlin, Braeunlich & Trepte, "How Do Like and Dislike Buttons Affect
Communication? A Privacy Calculus Approach to Understanding Self-Disclosure
Online in a One-Week Field Experiment" (public data, file data/data.csv).

The questionnaire's batteries become matrix questions on their 1–7 scales
(codes from the study's own variable names); the logged behaviour on the
study's website becomes behaviour events of the participant: words posted
(built-in `content_posted_words`) and organization kinds `posts_written`,
`self_disclosure_log`, `posts_read`. Construct `privacy_concern` is items
1, 2, 4, 5, 6, 7 of PC01; item 3 ("no concerns") is imported, marked
reverse-coded and left out of the construct, as in the published analysis.
Every answer goes through the same validation as a real submission.
"""

import csv
import datetime as dt
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..answers import answer_rows, clean_answers
from ..authoring.services.definitions import definition_import, survey_publish
from ..consent.selectors import notice_current_version
from ..consent.services.consent import notice_publish, notice_save, notice_text_hash
from ..enums import (
    BEHAVIOURAL_MEASUREMENT,
    CollectionMethod,
    EventSource,
    ResponseStatus,
)
from ..models import (
    Answer,
    BehaviourEvent,
    BehaviourKindDefinition,
    ConsentNoticeVersion,
    ConsentRecord,
    Organization,
    Respondent,
    Response,
    Survey,
)
from ..quality import quality_flags
from ..responses.services.respondents import external_id_hmac, new_ref
from ..selectors import version_question_ids, version_spec
from ..spec import VersionSpec

SLUG = "privacy-calc-exp"
TZ = zoneinfo.ZoneInfo("Europe/Berlin")

AGREE_7 = [
    {"code": f"p{v}", "value": v, "label": {"en": label}}
    for v, label in enumerate(
        [
            "Completely disagree",
            "Disagree",
            "Somewhat disagree",
            "Neither",
            "Somewhat agree",
            "Agree",
            "Strongly agree",
        ],
        start=1,
    )
]
PC_TEXTS = [
    "concerns about what happens to my data",
    "concerns about disclosing information about myself",
    "no concerns",
    "concerns that others could discover my real identity",
    "concerns that information about myself could fall into wrong hands",
    "concerns that others could discover what my political views are",
    "concerns about my privacy",
]
BATTERIES = [
    # (question code, column prefix, items, construct of every item, title)
    ("TR01", "TR01", 12, "trust_site", "Trust in the platform, its community and provider"),
    ("GR01", "GR01", 15, "gratifications", "Gratifications of using the platform"),
    ("GR02", "GR02", 5, "gratifications_specific", "Specific gratifications"),
    ("PD01", "PD01", 5, "privacy_deliberation", "Privacy deliberation"),
    ("SE01", "SE01", 6, "self_efficacy", "Self-efficacy"),
]
# The study's age groups (column `age_grp`) → choice code and label; the file
# writes the oldest group as ">59". 60+ is `a60`, the code the demo survey
# gives its own oldest band, so an `age_band=a60` filter means the same in both.
AGE_BANDS = {
    "a_lt30": "<30",
    "a30_39": "30-39",
    "a40_49": "40-49",
    "a50_59": "50-59",
    "a60": "60+",
}
AGE_GROUPS = {
    **{label: code for code, label in AGE_BANDS.items()},
    ">59": "a60",
    ">=60": "a60",
}
KINDS = [
    # (code, column, direction, transform, value schema)
    (
        "posts_written",
        "post_count",
        "less_protective",
        {"op": "cap", "cap": 20},
        {"type": "integer", "minimum": 0},
    ),
    (
        "self_disclosure_log",
        "self_dis_log",
        "less_protective",
        {"op": "cap", "cap": 10},
        {"type": "number", "minimum": 0},
    ),
    (
        "posts_read",
        "posts_read_count",
        "more_protective",
        {"op": "const", "value": 0.5},
        {"type": "integer", "minimum": 0},
    ),
]
NOTICE = {
    "controller": {
        "name": "Study team (University of Hohenheim)",
        "contact_email": "study@example.org",
    },
    "jurisdiction": "DE",
    "locales": ["en"],
    "purposes": [
        {
            "id": "survey_research",
            "title": {"en": "Take part in the study"},
            "description": {"en": "Answers to the study questionnaire."},
            "required": True,
            "legal_basis": "consent",
            "category": "Research",
            "data_categories": ["survey answers"],
            "retention_days": 3650,
        },
        {
            "id": BEHAVIOURAL_MEASUREMENT,
            "title": {"en": "Log activity on the study website"},
            "description": {"en": "Posts, words and reading on the discussion website."},
            "required": False,
            "legal_basis": "consent",
            "category": "Research",
            "data_categories": ["website activity"],
            "retention_days": 3650,
        },
    ],
}


def definition(age_codes: list[str]) -> dict[str, Any]:
    pc_rows = [
        {
            "code": f"PC01_0{i}",
            "text": {"en": f"Using the platform I had {t}."},
            **({"reverse_coded": True} if i == 3 else {"construct": "privacy_concern"}),
        }
        for i, t in enumerate(PC_TEXTS, start=1)
    ]
    sections = [
        {
            "code": "concerns",
            "title": {"en": "Privacy concerns"},
            "questions": [
                {
                    "code": "PC01",
                    "type": "matrix",
                    "purpose": "survey_research",
                    "text": {"en": "Using the participation platform I had …"},
                    "settings": {"rows": pc_rows},
                    "choices": AGREE_7,
                }
            ],
        },
    ]
    for code, prefix, n, construct, title in BATTERIES:
        rows = [
            {
                "code": f"{prefix}_{i:02d}",
                "text": {"en": f"{title}, item {i}"},
                "construct": construct,
            }
            for i in range(1, n + 1)
        ]
        sections.append(
            {
                "code": code.lower(),
                "title": {"en": title},
                "questions": [
                    {
                        "code": code,
                        "type": "matrix",
                        "purpose": "survey_research",
                        "text": {"en": title},
                        "settings": {"rows": rows},
                        "choices": AGREE_7,
                    }
                ],
            }
        )
    sections.append(
        {
            "code": "about",
            "title": {"en": "About you"},
            "questions": [
                {
                    "code": "age_grp",
                    "type": "single_choice",
                    "purpose": "survey_research",
                    "text": {"en": "Age group"},
                    "quasi_identifier": True,
                    "segment_attribute": "age_band",
                    "choices": [
                        {"code": c, "label": {"en": label}}
                        for c, label in AGE_BANDS.items()
                        if c in age_codes
                    ],
                }
            ],
        }
    )
    return {
        "schema_version": "1.0",
        "kind": "survey",
        "slug": SLUG,
        "title": {"en": "Privacy calculus field experiment (Dienlin, Braeunlich & Trepte)"},
        "default_locale": "en",
        "locales": ["en"],
        "consent_notice": "study",
        "sections": sections,
    }


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _num(value: str) -> float | None:
    return None if value in ("", "NA") else float(value)


def _speeder_below(rows: list[dict[str, str]]) -> float:
    """Seconds under which a participant is a speeder: the platform's rule
    (QUALITY_SPEEDER_FRACTION of the median completion time), on the study's
    own questionnaire times."""
    times = sorted(t for r in rows if (t := _num(r["TIME_SUM_t2"])) is not None)
    if not times:
        return 0.0
    mid = len(times) // 2
    median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
    return float(settings.QUALITY_SPEEDER_FRACTION) * median


def raw_answers(spec: VersionSpec, row: dict[str, str]) -> dict[str, Any]:
    """One participant's questionnaire answers, as a submission would carry them."""
    raw: dict[str, Any] = {}
    for q in spec.questions:
        if q.type == "matrix":
            cells = {r["code"]: _num(row.get(r["code"], "NA")) for r in q.rows}
            raw[q.code] = {k: int(v) for k, v in cells.items() if v is not None}
    if row["age_grp"] in AGE_GROUPS:
        raw["age_grp"] = AGE_GROUPS[row["age_grp"]]
    return raw


def _notice_and_kinds(org: Organization) -> ConsentNoticeVersion:
    notice = notice_current_version(org.consent_notices.filter(slug="study").first())
    if notice is None:
        notice = notice_publish(
            version=notice_save(
                organization=org, slug="study", name="Study consent", content=NOTICE
            )
        )
    for code, _col, direction, transform, schema in KINDS:
        BehaviourKindDefinition.objects.get_or_create(
            organization=org,
            code=code,
            defaults={
                "description": f"From the study's log ({code})",
                "value_schema": schema,
                "direction": direction,
                "transform": transform,
            },
        )
    return notice


def _events(
    org: Organization, respondent: Respondent, row: dict[str, str], at: dt.datetime
) -> list[BehaviourEvent]:
    events = []
    logged = [("content_posted_words", "words")] + [(k, col) for k, col, *_ in KINDS]
    for kind, column in logged:
        value = _num(row[column])
        if value is None:
            continue
        events.append(
            BehaviourEvent(
                organization=org,
                respondent=respondent,
                kind=kind,
                value=value if kind == "self_disclosure_log" else int(value),
                occurred_at=at,
                source=EventSource.API,
                idempotency_id=f"{row['case_token']}:{kind}",
            )
        )
    return events


def _consent(response: Response, notice: ConsentNoticeVersion, text_hash: str) -> ConsentRecord:
    return ConsentRecord(
        respondent=response.respondent,
        response=response,
        notice_version=notice,
        text_hash=text_hash,
        locale="en",
        purposes_granted=["survey_research", BEHAVIOURAL_MEASUREMENT],
        collection_method=CollectionMethod.WEB_FORM,
        given_at=response.started_at,
    )


@transaction.atomic
def load(path: Path, *, organization: Organization | None = None) -> Survey:
    """Load the CSV (once: a second run finds the survey and returns it).

    Quality flags are computed as for a submission: the straight-lining rule
    of `surveys.quality` on the answers, and the speeder rule on the study's
    own questionnaire times.
    """
    existing = Survey.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    rows = list(_rows(path))
    org = (
        organization
        or Organization.objects.get_or_create(
            slug="privacy-calc-study",
            defaults={"name": "Privacy calculus study", "timezone": "Europe/Berlin"},
        )[0]
    )
    notice = _notice_and_kinds(org)
    ages = sorted({AGE_GROUPS[r["age_grp"]] for r in rows if r["age_grp"] in AGE_GROUPS})
    survey = definition_import(organization=org, document=definition(ages)).survey
    version = survey_publish(survey=survey)
    spec = version_spec(version)
    ids = version_question_ids(version)
    text_hash = notice_text_hash(notice, "en")
    respondents, responses, answers, consents, events = [], [], [], [], []
    now = timezone.now()
    speeder_below = _speeder_below(rows)
    for row in rows:
        cleaned = clean_answers(spec, raw_answers(spec, row))
        if cleaned.problems:  # pragma: no cover - the data is checked by the tests
            raise ValueError(f"row {row['case_token']}: {cleaned.problems[:3]}")
        started = dt.datetime.fromisoformat(row["STARTED_t2"]).replace(tzinfo=TZ)
        taken = _num(row["TIME_SUM_t2"]) or 0
        submitted = started + dt.timedelta(seconds=taken)
        flags = quality_flags(spec, cleaned.values)
        if taken < speeder_below:
            flags.append("speeder")
        respondent = Respondent(
            organization=org,
            respondent_ref=new_ref(),
            external_id_hmac=external_id_hmac(row["case_token"]),
            created_at=now,
        )
        response = Response(
            respondent=respondent,
            survey=survey,
            version=version,
            status=ResponseStatus.COMPLETE,
            locale="en",
            channel="web",
            started_at=started,
            submitted_at=submitted,
            section_path=cleaned.path,
            quality_flags=flags,
        )
        respondents.append(respondent)
        responses.append(response)
        for code, value in cleaned.values.items():
            q = spec.question(code)
            assert q is not None
            for cells in answer_rows(q, value):
                answers.append(
                    Answer(response=response, question_id=ids[code], question_code=code, **cells)
                )
        consents.append(_consent(response, notice, text_hash))
        events.extend(_events(org, respondent, row, submitted))
    Respondent.objects.bulk_create(respondents, batch_size=1000)
    Response.objects.bulk_create(responses, batch_size=1000)
    # started_at is auto_now_add: set the study's own times afterwards.
    Response.objects.bulk_update(responses, ["started_at"], batch_size=1000)
    Answer.objects.bulk_create(answers, batch_size=5000)
    ConsentRecord.objects.bulk_create(consents, batch_size=1000)
    BehaviourEvent.objects.bulk_create(events, batch_size=5000)
    return survey
