"""Reading a version's definition: its document, its spec, its question ids.

A published version is frozen: its spec and question ids are built once per
process and reused.
"""

import functools
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from ..definition import SCHEMA_VERSION
from ..models import Choice, Question, Section, Survey, SurveyVersion
from ..spec import VersionSpec, spec_from_definition


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _prune(d: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is the default, so exports stay short and stable."""
    return {k: v for k, v in d.items() if k not in defaults or v != defaults[k]}


Q_DEFAULTS: dict[str, Any] = {
    "help_text": {},
    "required": False,
    "settings": {},
    "display_logic": None,
    "allow_other": False,
    "randomize_choices": False,
    "construct": "",
    "reverse_coded": False,
    "points": 0,
    "purpose": "",
    "quasi_identifier": False,
    "segment_attribute": "",
    "choices": [],
}
C_DEFAULTS: dict[str, Any] = {
    "value": None,
    "is_correct": False,
    "feedback": {},
    "exclusive": False,
}
S_DEFAULTS: dict[str, Any] = {
    "title": {},
    "description": {},
    "display_logic": None,
    "skip_logic": [],
    "randomize_questions": False,
}


def _version_rows(version: SurveyVersion) -> list[Section]:
    return list(
        version.sections.prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position", "id").prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
                ),
            )
        ).order_by("position", "id")
    )


def definition_export(*, version: SurveyVersion) -> dict[str, Any]:
    """The definition document of a version (JSON-ready; import of it is lossless)."""
    if version.is_frozen and version.snapshot:
        snapshot: dict[str, Any] = version.snapshot
        return snapshot
    survey = Survey.objects.select_related("consent_notice").get(pk=version.survey_id)
    sections = []
    for s in _version_rows(version):
        questions = []
        for q in s.questions.all():
            choices = [
                _prune(
                    {
                        "code": c.code,
                        "label": c.label,
                        "value": _num(c.value),
                        "is_correct": c.is_correct,
                        "feedback": c.feedback,
                        "exclusive": c.exclusive,
                    },
                    C_DEFAULTS,
                )
                for c in q.choices.all()
            ]
            questions.append(
                _prune(
                    {
                        "code": q.code,
                        "type": q.type,
                        "text": q.text,
                        "help_text": q.help_text,
                        "required": q.required,
                        "settings": q.settings,
                        "display_logic": q.display_logic,
                        "allow_other": q.allow_other,
                        "randomize_choices": q.randomize_choices,
                        "construct": q.construct,
                        "reverse_coded": q.reverse_coded,
                        "points": _num(q.points),
                        "purpose": q.purpose,
                        "quasi_identifier": q.quasi_identifier,
                        "segment_attribute": q.segment_attribute,
                        "choices": choices,
                    },
                    Q_DEFAULTS,
                )
            )
        sections.append(
            _prune(
                {
                    "code": s.code,
                    "title": s.title,
                    "description": s.description,
                    "display_logic": s.display_logic,
                    "skip_logic": s.skip_logic,
                    "randomize_questions": s.randomize_questions,
                    "questions": questions,
                },
                S_DEFAULTS,
            )
        )
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": survey.kind,
        "slug": survey.slug,
        "title": survey.title,
        "default_locale": survey.default_locale,
        "locales": survey.locales,
        "opens_at": survey.opens_at.isoformat() if survey.opens_at else None,
        "closes_at": survey.closes_at.isoformat() if survey.closes_at else None,
        "response_quota": survey.response_quota,
        "consent_notice": survey.consent_notice.slug if survey.consent_notice else None,
        "texts": version.texts,
        "outcomes": version.outcomes,
        "sections": sections,
        "analysis": version.analysis,
    }
    return _prune(
        doc,
        {
            "opens_at": None,
            "closes_at": None,
            "response_quota": None,
            "consent_notice": None,
            "texts": {},
            "outcomes": [],
            "analysis": {},
        },
    )


_SPECS: dict[tuple[int, str], VersionSpec] = {}


def version_spec(version: SurveyVersion) -> VersionSpec:
    """The spec of a version; a published (frozen) one is built once per process."""
    if version.is_frozen:
        # Looked up before the snapshot is touched: callers may defer loading it.
        key = (version.pk, str(version.published_at))
        spec = _SPECS.get(key)
        if spec is None and version.snapshot:
            if len(_SPECS) > 512:
                _SPECS.clear()
            spec = _SPECS[key] = spec_from_definition(version.snapshot)
        if spec is not None:
            return spec
    return spec_from_definition(definition_export(version=version))


@functools.lru_cache(maxsize=256)
def _frozen_question_ids(version_id: int, published_at: str) -> dict[str, int]:
    return dict(Question.objects.filter(version_id=version_id).values_list("code", "id"))


def version_question_ids(version: SurveyVersion) -> dict[str, int]:
    """Question code → id of a version (cached per process once published)."""
    if version.is_frozen:
        return _frozen_question_ids(version.pk, str(version.published_at))
    return dict(Question.objects.filter(version=version).values_list("code", "id"))
