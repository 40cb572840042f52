"""What every builder page shares: who may build, the survey in the address, form helpers."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import get_language_info

from surveys.authoring.selectors.builder import builder_survey_get
from surveys.enums import Role
from surveys.models import Survey
from surveys.responses.views.display import bcp47
from trustpulse.studio import Studio

BUILDERS = frozenset({Role.ADMIN, Role.AUTHOR})


def survey_or_404(studio: Studio, pk: int) -> Survey:
    survey = builder_survey_get(organization=studio.organization, pk=pk)
    if survey is None:
        raise Http404("No such survey in this organization.")
    return survey


def url(name: str, studio: Studio, **kwargs: Any) -> str:
    return reverse(f"builder:{name}", kwargs={"org": studio.organization.slug, **kwargs})


def title_of(survey: Survey) -> str:
    return survey.title_for(survey.default_locale) or survey.slug


@dataclass(frozen=True, kw_only=True)
class LocValue:
    locale: str
    name: str  # the input's name: <field>__<locale>
    value: str
    missing: bool  # another locale has text and this one has none
    stale: bool = False  # the default-language text changed after this one was written


@dataclass(frozen=True, kw_only=True)
class LocField:
    """One localized text: an input per survey locale, side by side."""

    name: str
    label: str
    values: list[LocValue]
    textarea: bool = False
    required: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [v.locale for v in self.values if v.missing]


def loc_field(
    name: str,
    label: str,
    value: Any,
    locales: Sequence[str],
    *,
    textarea: bool = False,
    required: bool = False,
    errors: Mapping[str, list[str]] | None = None,
    error_key: str = "",
    stale: Sequence[str] = (),
) -> LocField:
    value = value if isinstance(value, Mapping) else {}
    filled = any(str(v).strip() for v in value.values())
    return LocField(
        name=name,
        label=label,
        textarea=textarea,
        required=required,
        errors=list((errors or {}).get(error_key or name, [])),
        values=[
            LocValue(
                locale=lc,
                name=f"{name}__{lc}",
                value=str(value.get(lc, "")),
                missing=filled and not str(value.get(lc, "")).strip(),
                stale=lc in stale and bool(str(value.get(lc, "")).strip()),
            )
            for lc in locales
        ],
    )


def posted(request: HttpRequest) -> dict[str, Any]:
    """The POST as a plain dict of single values (the builder's forms have no lists)."""
    return {k: request.POST.get(k) for k in request.POST}


def posted_locales(request: HttpRequest) -> str:
    """The ticked languages (a group of checkboxes named "locales"), as "en, zh-Hant"."""
    return ", ".join(v.strip() for v in request.POST.getlist("locales") if v.strip())


def language_choices(selected: Sequence[str], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The languages a survey may have: the site's, then any it already has, labelled."""
    codes = [bcp47(code) for code, _name in settings.LANGUAGES]
    for code in [*extra, *selected]:
        if code not in codes:
            codes.append(code)
    out = []
    for i, code in enumerate(codes):
        try:
            name = str(get_language_info(code.lower())["name_local"])
        except KeyError:
            name = code
        out.append(
            {
                "id": f"id_locales_{i}",
                "code": code,
                "label": code if name == code else f"{name} ({code})",
                "checked": code in selected,
            }
        )
    return out
