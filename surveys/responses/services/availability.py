"""Whether a survey takes responses now, and the one mapping of why not to an error."""

from trustpulse.validation import FieldError, ServiceValidationError

from ...models import Survey
from ..selectors import availability

AVAILABILITY_MESSAGES = {
    "not_published": "This survey is not published.",
    "closed": "This survey is closed.",
    "not_yet_open": "This survey is not open yet.",
    "quota_reached": "This survey has received all the responses it needs.",
}


def survey_accepting(survey: Survey) -> None:
    """Raise `survey`-field errors unless it takes responses now (locks it under a quota)."""
    if survey.response_quota is not None:
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
    availability_check(survey)


def availability_check(survey: Survey) -> None:
    """Raise the `survey`-field error of why it takes no responses now (the one mapping)."""
    avail = availability(survey)
    if not avail.ok:
        raise ServiceValidationError(
            [
                FieldError(
                    field="survey", code=avail.reason, message=AVAILABILITY_MESSAGES[avail.reason]
                )
            ]
        )
