"""Studio pages of research exports: /studio/<org>/exports/…

Admins and researchers list, start, follow (progress bar), cancel and
download exports; admins and authors edit a survey's export settings.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from surveys.enums import VersionStatus
from surveys.models import Survey
from surveys.selectors.texts import localized
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import ServiceValidationError

from ..enums import ExportFormat, ExportLayout, TimeGranularity
from ..models import ExportJob
from . import selectors, services
from .selectors import EXPORT_ROLES, SETTINGS_EDIT_ROLES, SETTINGS_READ_ROLES
from .table import QI_TYPES, RESPONSE_FIELDS, SENSITIVE_TYPES

FIELD_LABELS = {
    "submitted_at": _("Submission time"),
    "locale": _("Language"),
    "channel": _("Channel"),
}


def _surveys(studio: Studio) -> list[Survey]:
    return list(
        Survey.objects.filter(
            organization=studio.organization, versions__status=VersionStatus.PUBLISHED
        )
        .distinct()
        .order_by("-created_at", "-id")
    )


class ExportForm(forms.Form):
    survey = forms.TypedChoiceField(label=_("Survey"), coerce=int)
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)
    layout = forms.ChoiceField(
        label=_("Layout"), choices=ExportLayout.choices, initial=ExportLayout.WIDE
    )
    versions = forms.TypedMultipleChoiceField(
        label=_("Versions"),
        help_text=_("None ticked: every published version."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        help_text=_("None ticked: every question and field."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        help_text=_("What the data will be used for. Recorded in the audit log and codebook."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    k = forms.IntegerField(
        label=_("k (smallest group of look-alike records)"), min_value=2, max_value=1000
    )
    l_diversity = forms.IntegerField(
        label=_("l-diversity of sensitive attributes (optional)"),
        min_value=2,
        max_value=50,
        required=False,
    )
    excel_bom = forms.BooleanField(
        label=_("CSV for Excel (UTF-8 with byte-order mark)"), required=False
    )
    study_key = forms.CharField(
        label=_("Study key (optional)"),
        help_text=_(
            "Reuse the same key only when two exports must be joinable by respondent; "
            "otherwise every export gets unlinkable pseudonyms."
        ),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=True),
    )

    def __init__(self, *args: Any, surveys: list[Survey], survey: Survey | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["survey"].choices = [(s.pk, _title(s)) for s in surveys]
        if survey is None:
            return
        published = survey.versions.filter(status=VersionStatus.PUBLISHED).order_by("number")
        self.fields["versions"].choices = [
            (v.number, _("Version %(n)d, published %(when)s") % _version_label(v))
            for v in published
        ]
        self.fields["columns"].choices = column_choices(survey)


def _title(survey: Survey) -> str:
    """A survey's title in the reader's language when it has it."""
    return localized(survey.title, get_language() or "", survey.default_locale) or survey.slug


def _version_label(version: Any) -> dict[str, Any]:
    when = version.published_at
    return {"n": version.number, "when": when.date().isoformat() if when else "—"}


def _text(text: dict[str, str], survey: Survey) -> str:
    """A question's text in the reader's language when the survey has it."""
    return localized(text, get_language() or "", survey.default_locale)


def column_choices(survey: Survey) -> list[tuple[str, str]]:
    """The response fields, then every question of the published versions, labelled."""
    fields = [(f, str(FIELD_LABELS[f])) for f in RESPONSE_FIELDS]
    questions = [
        (q.code, f"{q.code}: {_text(q.text, survey)}") for q in services.survey_questions(survey)
    ]
    return fields + questions


def _chosen_survey(request: HttpRequest, surveys: list[Survey]) -> Survey | None:
    raw = request.POST.get("survey") or request.GET.get("survey") or ""
    chosen = next((s for s in surveys if str(s.pk) == raw), None)
    return chosen or (surveys[0] if surveys else None)


@studio_view(roles=EXPORT_ROLES, section="exports")
def export_list(request: HttpRequest, studio: Studio) -> HttpResponse:
    jobs = selectors.export_list(actor=studio.actor).filter(organization=studio.organization)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/exports/list.html",
        {"studio": studio, "page": page, "surveys": _surveys(studio)},
    )


@studio_view(roles=EXPORT_ROLES, section="exports")
def export_new(request: HttpRequest, studio: Studio) -> HttpResponse:
    from django.conf import settings

    surveys = _surveys(studio)
    survey = _chosen_survey(request, surveys)
    form = ExportForm(
        request.POST or None,
        initial={"k": settings.EXPORT_K, "survey": survey.pk if survey else None},
        surveys=surveys,
        survey=survey,
    )
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        survey = next(s for s in surveys if s.pk == form.cleaned_data["survey"])
        data = dict(form.cleaned_data)
        data.pop("survey")
        try:
            job = services.export_create(
                survey=survey,
                user=request.user,  # type: ignore[arg-type]
                language=get_language(),
                **data,
            )
        except ServiceValidationError as exc:
            errors = exc.errors
            for e in exc.errors:
                name = e.field.split("[")[0].split(".")[0]  # versions[0] → versions
                form.add_error(name if name in form.fields else None, e.message)
        else:
            messages.success(request, _("Export started."))
            return redirect(
                reverse("exports:detail", kwargs={"org": studio.organization.slug, "pk": job.pk})
            )
    return render(
        request,
        "dashboards/exports/new.html",
        {
            "studio": studio,
            "form": form,
            "surveys": surveys,
            "survey": survey,
            "service_errors": errors,
        },
    )


def _job(studio: Studio, pk: Any) -> ExportJob:
    job = (
        selectors.export_list(actor=studio.actor)
        .filter(organization=studio.organization, pk=pk)
        .first()
    )
    if job is None:
        raise Http404("No such export.")
    return job


@studio_view(roles=EXPORT_ROLES, section="exports")
def export_detail(request: HttpRequest, studio: Studio, pk: Any) -> HttpResponse:
    job = _job(studio, pk)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.export_cancel(job=job, user=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Export cancelled."))
        except ServiceValidationError as exc:
            messages.error(request, exc.errors[0].message)
        return redirect(request.path)
    download = None
    if services.export_downloadable(job):
        url = reverse("exports-api:download", kwargs={"pk": job.pk})
        download = f"{url}?token={services.export_download_token(job)}"
    return render(
        request,
        "dashboards/exports/detail.html",
        {
            "studio": studio,
            "job": job,
            "download": download,
            "api_url": reverse("exports-api:detail", kwargs={"pk": job.pk}),
            "generalizations": _generalizations(job),
        },
    )


def _generalizations(job: ExportJob) -> list[tuple[str, str, str]]:
    """(label in the reader's language, column name, generalization) of each quasi-identifier."""
    labels = {f: str(FIELD_LABELS[f]) for f in RESPONSE_FIELDS}
    labels |= {q.code: _text(q.text, job.survey) for q in services.survey_questions(job.survey)}
    found = job.report.get("generalizations", {})
    return [(labels.get(name, name), name, how) for name, how in sorted(found.items())]


class SettingsForm(forms.Form):
    quasi_identifiers = forms.MultipleChoiceField(
        label=_("Quasi-identifiers"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Generalized until every combination is shared by at least k records."),
    )
    sensitive_attributes = forms.MultipleChoiceField(
        label=_("Sensitive attributes (for l-diversity)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    include_free_text = forms.BooleanField(
        label=_("Include free-text answers (scrubbed of e-mails, phone numbers, URLs and names)"),
        required=False,
    )
    time_granularity = forms.ChoiceField(
        label=_("Finest submission time shown"), choices=TimeGranularity.choices
    )
    epsilon_budget = forms.DecimalField(
        label=_("Differential-privacy budget (total ε)"),
        max_digits=8,
        decimal_places=4,
        min_value=Decimal("0.0001"),
    )


@studio_view(roles=SETTINGS_READ_ROLES, section="exports")
def export_settings(request: HttpRequest, studio: Studio, survey_id: int) -> HttpResponse:
    survey = Survey.objects.filter(organization=studio.organization, pk=survey_id).first()
    if survey is None:
        raise Http404("No such survey.")
    cfg = services.export_settings_get(survey=survey)
    questions = services.survey_questions(survey)
    qi_choices = [(f, FIELD_LABELS[f]) for f in RESPONSE_FIELDS] + [
        (q.code, f"{q.code}: {_text(q.text, survey)}") for q in questions if q.type in QI_TYPES
    ]
    sens_choices = [
        (q.code, f"{q.code}: {_text(q.text, survey)}")
        for q in questions
        if q.type in SENSITIVE_TYPES
    ]
    can_edit = studio.role in SETTINGS_EDIT_ROLES
    initial = {
        "quasi_identifiers": cfg.quasi_identifiers,
        "sensitive_attributes": cfg.sensitive_attributes,
        "include_free_text": cfg.include_free_text,
        "time_granularity": cfg.time_granularity,
        "epsilon_budget": cfg.epsilon_budget,
    }
    form = SettingsForm(
        request.POST if request.method == "POST" and can_edit else None, initial=initial
    )
    form.fields["quasi_identifiers"].choices = qi_choices
    form.fields["sensitive_attributes"].choices = sens_choices
    if not can_edit:
        for f in form.fields.values():
            f.disabled = True
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            services.export_settings_update(survey=survey, user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ServiceValidationError as exc:
            for e in exc.errors:
                name = e.field.split("[")[0]
                form.add_error(name if name in form.fields else None, e.message)
        else:
            messages.success(request, _("Export settings saved."))
            return redirect(request.path)
    return render(
        request,
        "dashboards/exports/settings.html",
        {
            "studio": studio,
            "survey": survey,
            "form": form,
            "can_edit": can_edit,
            "spent": services.epsilon_spent(survey=survey),
        },
    )
