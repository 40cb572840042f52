"""Recompute the quality flags of stored responses (after the rule changed)."""

from django.db import transaction
from django.db.models import Prefetch

from ...answers import clean_answers, values_from_rows
from ...enums import ResponseStatus
from ...models import Answer, Response, Survey
from ...quality import quality_flags
from ...selectors.definitions import version_spec

ANSWER_FIELDS = ("question_code", "item", "choice", "number", "text", "date", "boolean")
# Flags decided by something other than the answers, kept as they are.
KEPT = ("speeder",)
BATCH = 500


@transaction.atomic
def response_quality_recompute(*, survey: Survey) -> int:
    """Recompute the answer-decided flags of a survey's complete responses.

    Attention checks and straight-lining are decided again from the stored
    answers with the survey's current rule (surveys/quality.py); a speeder
    flag is kept. Returns how many responses changed; their rollups must then
    be rebuilt (`manage.py recompute_quality` does both).
    """
    responses = (
        Response.objects.filter(survey=survey, status=ResponseStatus.COMPLETE)
        .select_related("version")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("id")))
        .order_by("pk")
    )
    changed: list[Response] = []
    for response in responses.iterator(chunk_size=BATCH):
        spec = version_spec(response.version)
        rows = [{f: getattr(a, f) for f in ANSWER_FIELDS} for a in response.answers.all()]
        values, other = values_from_rows(spec, rows)
        flags = quality_flags(spec, clean_answers(spec, values, other).values)
        flags += [f for f in response.quality_flags if f in KEPT]
        if flags != response.quality_flags:
            response.quality_flags = flags
            changed.append(response)
    Response.objects.bulk_update(changed, ["quality_flags"], batch_size=BATCH)
    return len(changed)
