"""Dashboard pages: the organization overview and one page per survey.

Pages render the frame (filters, panel placeholders, tables' headings); the
charts arrive from the data endpoints (``data.py``), which read rollups only.
Analysts and admins see them; other roles get a 403, other organizations a 404.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.enums import Role
from surveys.models import Survey
from surveys.selectors.texts import localized
from trustpulse.studio import Studio, studio_view

from ..models import ResponseRollup
from ..panels import DIMENSION_LABELS, crosstab_questions, survey_spec, text
from ..panels.labels import survey_labels
from ..selectors.filters import SEGMENTS
from ..selectors.holdout import holdout_comparison
from ..selectors.trends import GRANULARITIES
from .filters import CROSSTAB_COLUMNS, PERIODS, parse

DASHBOARD_ROLES = frozenset({Role.ADMIN, Role.ANALYST})


PANEL_TITLES = [
    ("kpis", gettext_lazy("Headline figures")),
    ("trends", gettext_lazy("Trends")),
    ("paradox", gettext_lazy("Stated versus actual")),
    ("segments", gettext_lazy("Segments")),
    ("items", gettext_lazy("Questions")),
    ("funnel", gettext_lazy("Consent funnel and quiz")),
    ("crosstab", gettext_lazy("Cross-tab")),
]


def org_surveys(studio: Studio) -> list[Survey]:
    return list(
        Survey.objects.filter(organization=studio.organization)
        .select_related("organization", "live_version")
        .order_by("-created_at", "-id")
    )


def survey_title(survey: Survey, locale: str) -> str:
    # Titles are plain text (surveys.text): the template escapes them.
    return localized(survey.title, locale, survey.default_locale) or survey.slug


def survey_in_org(studio: Studio, survey_id: int) -> Survey:
    survey = (
        Survey.objects.filter(organization=studio.organization, pk=survey_id)
        .select_related("organization", "live_version")
        .first()
    )
    if survey is None:
        raise Http404("No such survey.")
    return survey


@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def overview(request: HttpRequest, studio: Studio) -> HttpResponse:
    """Every survey of the organization with its headline figures (loaded per survey)."""
    locale = request.LANGUAGE_CODE
    org = studio.organization.slug
    rows = [
        {
            "survey": s,
            "title": survey_title(s, locale),
            "url": reverse("dashboards:survey", kwargs={"org": org, "survey_id": s.pk}),
            "kpis": reverse(
                "dashboards:data", kwargs={"org": org, "survey_id": s.pk, "panel": "kpis"}
            ),
        }
        for s in org_surveys(studio)
    ]
    return render(
        request,
        "dashboards/overview.html",
        {
            "studio": studio,
            "rows": rows,
            "min_cell": studio.organization.min_cell,
            "holdout": holdout_comparison(
                organization_id=studio.organization.pk, min_cell=studio.organization.min_cell
            ),
        },
    )


def _segment_options(survey: Survey, values: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """Each segment dimension with the values the survey's rollups hold (code and label)
    and the one chosen in `values`."""
    combos = list(
        ResponseRollup.objects.filter(version__survey=survey).values(*SEGMENTS).distinct()
    )
    labels = survey_labels(survey, locale)
    return [
        {
            "name": dim,
            "label": _(DIMENSION_LABELS[dim]),
            # (code, label): the code goes in the URL, the label is what a person reads.
            "values": [
                (v, labels.segment(dim, v)) for v in sorted({c[dim] for c in combos if c[dim]})
            ],
            "current": values.get(dim, ""),
        }
        for dim in SEGMENTS
    ]


def _crosstab_questions(survey: Survey, locale: str) -> list[dict[str, Any]]:
    """The questions a cross-tab can take as its rows, with their matrix rows, labelled."""
    return [
        {
            "code": q.code,
            "label": text(q.text, locale) or q.code,
            "rows": [{"code": r["code"], "label": text(r.get("text", {}), locale)} for r in q.rows],
        }
        for q in crosstab_questions(survey_spec(survey))
    ]


def _filter_choices() -> dict[str, Any]:
    """The fixed choices of the filter form: periods, trend granularities, dimensions."""
    return {
        "periods": [
            ("last_3_months", _("Last 3 complete months")),
            ("last_month", _("Last complete month")),
            ("last_12_months", _("Last 12 complete months")),
            ("this_month", _("This month so far")),
            ("all", _("All time")),
            ("custom", _("Custom dates")),
        ],
        "period_keys": list(PERIODS),
        "granularities": [
            (g, {"week": _("Week"), "month": _("Month"), "quarter": _("Quarter")}[g])
            for g in GRANULARITIES
        ],
        "dimensions": [(d, _(DIMENSION_LABELS[d])) for d in SEGMENTS],
        "crosstab_columns": [(c, _(DIMENSION_LABELS[c[8:]])) for c in CROSSTAB_COLUMNS],
    }


def _survey_links(studio: Studio, survey: Survey, locale: str) -> list[dict[str, Any]]:
    """The organization's surveys for the switcher, the one shown marked current."""
    org = studio.organization.slug
    return [
        {
            "title": survey_title(s, locale),
            "url": reverse("dashboards:survey", kwargs={"org": org, "survey_id": s.pk}),
            "current": s.pk == survey.pk,
        }
        for s in org_surveys(studio)
    ]


@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def survey_page(request: HttpRequest, studio: Studio, survey_id: int) -> HttpResponse:
    """A survey's dashboard: the filter form and the panels, each loaded from its data URL."""
    locale = request.LANGUAGE_CODE
    survey = survey_in_org(studio, survey_id)
    parsed = parse(survey, request.GET, locale=locale)
    org = studio.organization.slug
    segment_options = _segment_options(survey, parsed.values, locale)
    questions = _crosstab_questions(survey, locale)
    versions = list(
        survey.versions.filter(status="published")
        .order_by("number")
        .values_list("number", flat=True)
    )
    panels = [
        {
            "key": key,
            "title": title,
            "url": reverse(
                "dashboards:data", kwargs={"org": org, "survey_id": survey.pk, "panel": key}
            ),
        }
        for key, title in PANEL_TITLES
    ]
    return render(
        request,
        "dashboards/survey.html",
        {
            "studio": studio,
            "survey": survey,
            "title": survey_title(survey, locale),
            "surveys": _survey_links(studio, survey, locale),
            "parsed": parsed,
            "values": parsed.values,
            "errors": parsed.errors,
            **_filter_choices(),
            "segments": segment_options,
            "questions": questions,
            "versions": versions,
            "panels": panels,
            "min_cell": studio.organization.min_cell,
        },
    )
