"""Writes of the survey builder that the authoring API has no verb for.

The builder writes sections and questions through `authoring` (the same
checks and error paths as a JSON import); this module adds what a web author
also needs: the texts around the questions and a quiz's score bands, the
organization's and a survey's branding (WCAG AA contrast enforced), and test
mode (a signed preview link whose responses are marked test, and deleting
them in one go).
"""

from collections.abc import Mapping
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...branding import COLOUR, CONTRAST_PAIRS, MAX_LOGO_BYTES, contrast, logo_type
from ...enums import AuditAction, BrandFont
from ...models import Branding, Organization, Respondent, Response, Survey, User
from ...services.audit import audit_log
from ..selectors.authoring import version_document
from .content import write_draft
from .definitions import survey_draft_version

TEST_LINK_SALT = "trustpulse.survey-test-link"
TEST_LINK_MAX_AGE = 30 * 24 * 3600  # a test link works for 30 days
BRAND_FIELDS = ("accent", "accent_text", "text", "background")


# Texts around the questions, and quiz outcomes ------------------------------------------


@transaction.atomic
def survey_content_update(
    *, survey: Survey, changes: Mapping[str, Any], actor: User | None = None
) -> Survey:
    """Replace the draft's `texts` ({"intro", "thanks"}) and/or quiz `outcomes`.

    Checked as the whole definition document, like every authoring edit;
    errors carry the import's paths (``outcomes[1].min``, ``texts.intro.en``).
    """
    unknown = [k for k in changes if k not in ("texts", "outcomes")]
    if unknown:
        raise ServiceValidationError(
            [
                FieldError(field=k, code="unknown_field", message=gettext("unknown field"))
                for k in unknown
            ]
        )
    draft = survey_draft_version(survey=survey)
    doc = version_document(draft, survey)
    for key, value in changes.items():
        doc[key] = value
    if survey.kind != "quiz" and not doc.get("outcomes"):
        doc.pop("outcomes", None)
    write_draft(draft, doc)
    audit_log(
        organization=survey.organization,
        action=AuditAction.SURVEY_UPDATED,
        actor=actor,
        target=survey,
        data={"fields": sorted(changes)},
    )
    return survey


# Branding ---------------------------------------------------------------------------


def branding_errors(values: Mapping[str, Any]) -> list[FieldError]:
    """Colour format, font choice and WCAG AA contrast of every pair respondents read."""
    errors = []
    for key in BRAND_FIELDS:
        value = values.get(key)
        if not isinstance(value, str) or not COLOUR.match(value):
            errors.append(
                FieldError(
                    field=key,
                    code="invalid_format",
                    message=gettext("A colour as #rrggbb, e.g. #0b5394."),
                )
            )
    if values.get("font") not in BrandFont.values:
        errors.append(
            FieldError(
                field="font",
                code="invalid_choice",
                message=gettext("One of: %(choices)s.") % {"choices": ", ".join(BrandFont)},
            )
        )
    if errors:
        return errors
    colours = {**{k: str(values[k]).lower() for k in BRAND_FIELDS}, "#ffffff": "#ffffff"}
    for fg, bg, what in CONTRAST_PAIRS:
        ratio = contrast(colours[fg], colours.get(bg, bg))
        if ratio < 4.5:
            errors.append(
                FieldError(
                    field=fg,
                    code="low_contrast",
                    message=gettext(
                        "Contrast of %(what)s is %(ratio).2f:1; WCAG AA needs at least 4.5:1."
                    )
                    % {"what": gettext(what), "ratio": ratio},
                )
            )
    return errors


@transaction.atomic
def branding_save(
    *,
    organization: Organization,
    survey: Survey | None = None,
    values: Mapping[str, Any],
    logo: bytes | None = None,
    remove_logo: bool = False,
    actor: User | None = None,
) -> Branding:
    """Set the organization's branding, or `survey`'s own (overriding the organization's).

    `values` holds accent, accent_text, text, background (``#rrggbb``), font
    and logo_alt. A logo is a PNG, JPEG or WebP image of at most 200 kB and
    needs its alternative text. Nothing is written when anything is wrong.
    """
    if survey is not None and survey.organization_id != organization.pk:
        raise ValueError("The survey belongs to another organization.")
    errors = branding_errors(values)
    alt = str(values.get("logo_alt") or "").strip()
    if len(alt) > 200:
        errors.append(
            FieldError(field="logo_alt", code="too_long", message=gettext("At most 200."))
        )
    rows = Branding.objects.select_for_update()
    existing = (
        rows.filter(survey=survey) if survey else rows.filter(organization=organization)
    ).first()
    kind = None
    if logo is not None:
        kind = logo_type(logo)
        if kind is None:
            errors.append(
                FieldError(
                    field="logo", code="invalid_format", message=gettext("A PNG, JPEG or WebP.")
                )
            )
        elif len(logo) > MAX_LOGO_BYTES:
            errors.append(
                FieldError(field="logo", code="too_large", message=gettext("At most 200 kB."))
            )
    has_logo = logo is not None or (existing is not None and existing.logo and not remove_logo)
    if has_logo and not alt:
        errors.append(
            FieldError(
                field="logo_alt",
                code="required",
                message=gettext(
                    "Describe the logo for people who cannot see it (e.g. the brand's name)."
                ),
            )
        )
    if errors:
        raise ServiceValidationError(errors)
    branding = existing or Branding(organization=None if survey else organization, survey=survey)
    for key in BRAND_FIELDS:
        setattr(branding, key, str(values[key]).lower())
    branding.font = str(values["font"])
    branding.logo_alt = alt if has_logo else ""
    if logo is not None and kind is not None:
        branding.logo, branding.logo_type = logo, kind
    elif remove_logo:
        branding.logo, branding.logo_type = None, ""
    branding.save()
    audit_log(
        organization=organization,
        action=AuditAction.BRANDING_CHANGED,
        actor=actor,
        target=survey or organization,
        data={"scope": "survey" if survey else "organization"},
    )
    return branding


@transaction.atomic
def branding_reset(*, survey: Survey, actor: User | None = None) -> None:
    """Drop a survey's own branding: it uses its organization's again."""
    deleted, _ = Branding.objects.filter(survey=survey).delete()
    if deleted:
        audit_log(
            organization=survey.organization,
            action=AuditAction.BRANDING_CHANGED,
            actor=actor,
            target=survey,
            data={"scope": "survey", "reset": True},
        )


# Test mode ----------------------------------------------------------------------------


def test_link_token(*, survey: Survey) -> str:
    """A signed token that opens `survey` in test mode (valid for 30 days)."""
    return signing.TimestampSigner(salt=TEST_LINK_SALT).sign(f"{survey.pk}:{survey.slug}")


def test_link_valid(*, survey: Survey, token: str) -> bool:
    """Whether `token` is an unexpired test link of `survey` (tampered ones are not)."""
    try:
        value = signing.TimestampSigner(salt=TEST_LINK_SALT).unsign(
            token, max_age=TEST_LINK_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return value == f"{survey.pk}:{survey.slug}"


@transaction.atomic
def test_responses_delete(*, survey: Survey, actor: User | None = None) -> int:
    """Delete every test response of `survey` with its respondent; returns how many.

    Test respondents are created for one test response each, so deleting them
    removes their answers, consent records and behaviour events too. Test
    responses never reach rollups, so nothing needs recomputing.
    """
    count = Response.objects.filter(survey=survey, is_test=True).count()
    respondents = Respondent.objects.filter(
        responses__survey=survey, responses__is_test=True
    ).exclude(responses__is_test=False)
    Respondent.objects.filter(pk__in=list(respondents.values_list("pk", flat=True))).delete()
    # A respondent who also answered for real keeps that; only the test rows go.
    Response.objects.filter(survey=survey, is_test=True).delete()
    audit_log(
        organization=survey.organization,
        action=AuditAction.TEST_RESPONSES_DELETED,
        actor=actor,
        target=survey,
        data={"deleted": count},
    )
    return count


__all__ = [
    "branding_errors",
    "branding_reset",
    "branding_save",
    "survey_content_update",
    "test_link_token",
    "test_link_valid",
    "test_responses_delete",
]
