"""What publishing a survey checks, before anything is frozen.

The definition rules first (`surveys.definition`), then the consent notice: a
published one, in every language of the survey, naming a purpose for every
question. The publish service refuses on these errors; the builder shows them
beforehand (writing nothing).
"""

from typing import Any

from django.utils.translation import gettext

from trustpulse.validation import FieldError

from ..consent.selectors import notice_current_version
from ..definition import definition_errors
from ..models import Survey


def publish_errors(*, survey: Survey, doc: dict[str, Any]) -> list[FieldError]:
    """Every error publishing `doc` as `survey`'s next version would report; [] when none."""
    return definition_errors(doc) or consent_errors(survey, doc)


def consent_errors(survey: Survey, doc: dict[str, Any]) -> list[FieldError]:
    """Publishing needs a published consent notice covering every question's purpose."""
    if survey.consent_notice_id is None:
        return [
            FieldError(
                field="consent_notice",
                code="required",
                message=gettext(
                    "Attach a consent notice before publishing: respondents must see "
                    "what they agree to before the first question."
                ),
            )
        ]
    version = notice_current_version(survey.consent_notice)
    if version is None:
        return [
            FieldError(
                field="consent_notice",
                code="unpublished",
                message=gettext("Publish the consent notice first."),
            )
        ]
    purposes = set(version.purpose_ids)
    errors = []
    missing = [locale for locale in doc["locales"] if locale not in version.locales]
    if missing:
        errors.append(
            FieldError(
                field="consent_notice",
                code="missing_locale",
                message=gettext("The consent notice has no text in: %(languages)s")
                % {"languages": ", ".join(missing)},
            )
        )
    for si, s in enumerate(doc["sections"]):
        for qi, q in enumerate(s["questions"]):
            purpose = q.get("purpose", "")
            if purpose not in purposes:
                errors.append(
                    FieldError(
                        field=f"sections[{si}].questions[{qi}].purpose",
                        code="required" if not purpose else "invalid_reference",
                        message=gettext(
                            "Name the consent purpose that covers this question: %(purposes)s"
                        )
                        % {"purposes": ", ".join(version.purpose_ids)},
                    )
                )
    return errors
