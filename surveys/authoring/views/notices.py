"""Consent notices in the studio (admins): controller, languages, the full text and
each purpose with its legal basis, data, retention and recipients; save a draft,
then publish it. Saving after publishing starts the next version (published
versions never change: consent records point at them)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from surveys.authoring.views.common import loc_field, posted, url
from surveys.authoring.views.forms import EXTRA_ROWS, FormErrors, localized, number
from surveys.consent.services import consent as consent_services
from surveys.consent.services.consent import notice_content, notice_save
from surveys.enums import Role, VersionStatus
from surveys.models import ConsentNotice, ConsentNoticeVersion
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import ServiceValidationError

ADMINS = frozenset({Role.ADMIN})
# The lawful bases of GDPR article 6(1), as the select shows them.
LEGAL_BASES = [
    ("consent", gettext_lazy("Consent (art. 6(1)(a))")),
    ("contract", gettext_lazy("Contract (art. 6(1)(b))")),
    ("legal_obligation", gettext_lazy("Legal obligation (art. 6(1)(c))")),
    ("vital_interests", gettext_lazy("Vital interests (art. 6(1)(d))")),
    ("public_task", gettext_lazy("Public task (art. 6(1)(e))")),
    ("legitimate_interests", gettext_lazy("Legitimate interests (art. 6(1)(f))")),
]
CONTROLLER = ("name", "contact_email", "address", "phone", "url", "dpo_email")


def _split(text: Any) -> list[str]:
    return [part.strip() for part in str(text or "").split(",") if part.strip()]


def _content(post: dict[str, Any]) -> dict[str, Any]:
    """A notice's content (the import format of docs/CONSENT.md) from the editor's POST."""
    locales = _split(post.get("locales"))
    controller = {k: str(post.get(f"controller_{k}") or "").strip() for k in CONTROLLER}
    content: dict[str, Any] = {
        "controller": {k: v for k, v in controller.items() if v or k in ("name", "contact_email")},
        "locales": locales,
        "jurisdiction": str(post.get("jurisdiction") or "").strip(),
        "purposes": [],
    }
    policy = str(post.get("policy_url") or "").strip()
    if policy:
        content["policy_url"] = policy
    full = localized(post, "full_text", locales)
    if full:
        content["full_text"] = full
    i = 0
    while f"p-{i}-id" in post:
        p = f"p-{i}-"
        pid = str(post.get(p + "id") or "").strip()
        if pid and post.get(p + "delete") != "on":
            purpose: dict[str, Any] = {
                "id": pid,
                "title": localized(post, p + "title", locales),
                "description": localized(post, p + "description", locales),
                "required": post.get(p + "required") == "on",
                "legal_basis": str(post.get(p + "legal_basis") or ""),
                "data_categories": _split(post.get(p + "data_categories")),
                "retention_days": number(str(post.get(p + "retention_days") or "")),
                "recipients": _split(post.get(p + "recipients")),
            }
            category = str(post.get(p + "category") or "").strip()
            if category:
                purpose["category"] = category
            content["purposes"].append(purpose)
        i += 1
    return content


def _latest(notice: ConsentNotice) -> ConsentNoticeVersion | None:
    return notice.versions.order_by("-number").first()


def _page(
    request: HttpRequest,
    studio: Studio,
    notice: ConsentNotice | None,
    content: dict[str, Any],
    errors: FormErrors,
    *,
    name: str,
    slug: str,
) -> HttpResponse:
    locales = list(content.get("locales") or ["en"])
    by_key = errors.by_key
    purposes = []
    for i, p in enumerate([*content.get("purposes", []), *([{}] * EXTRA_ROWS)]):
        purposes.append(
            {
                "index": i,
                "id": p.get("id", ""),
                "title": loc_field(f"p-{i}-title", _("Title"), p.get("title"), locales),
                "description": loc_field(
                    f"p-{i}-description",
                    _("Description"),
                    p.get("description"),
                    locales,
                    textarea=True,
                ),
                "required": p.get("required", False),
                "legal_basis": p.get("legal_basis", "consent"),
                "category": p.get("category", ""),
                "data_categories": ", ".join(p.get("data_categories", [])),
                "retention_days": p.get("retention_days", ""),
                "recipients": ", ".join(p.get("recipients", [])),
                "errors": by_key.get(f"p-{i}", []),
                "blank": not p,
            }
        )
    versions = list(notice.versions.order_by("-number")) if notice else []
    return render(
        request,
        "studio/builder/notice_edit.html",
        {
            "studio": studio,
            "notice": notice,
            "name": name,
            "slug": slug,
            "content": content,
            "controller": content.get("controller", {}),
            "locales_text": ", ".join(locales),
            "full_text": loc_field(
                "full_text",
                _("Full notice text"),
                content.get("full_text"),
                locales,
                textarea=True,
                errors=by_key,
            ),
            "purposes": purposes,
            "legal_bases": LEGAL_BASES,
            "errors": errors,
            "by_key": by_key,
            "versions": versions,
            "draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
        },
        status=400 if errors else 200,
    )


@studio_view(roles=ADMINS, section="surveys")
@require_http_methods(["GET"])
def notice_list(request: HttpRequest, studio: Studio) -> HttpResponse:
    notices = (
        ConsentNotice.objects.filter(organization=studio.organization)
        .prefetch_related("versions")
        .order_by("slug")
    )
    rows = []
    for n in notices:
        versions = sorted(n.versions.all(), key=lambda v: -v.number)
        published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
        draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
        rows.append({"notice": n, "published": published, "draft": draft})
    return render(request, "studio/builder/notice_list.html", {"studio": studio, "rows": rows})


def _save(
    request: HttpRequest, studio: Studio, slug: str, name: str
) -> tuple[FormErrors, dict[str, Any]]:
    content = _content(posted(request))
    errors = FormErrors()
    try:
        notice_save(
            organization=studio.organization,
            slug=slug,
            name=name,
            content=content,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServiceValidationError as exc:
        errors.items = exc.errors
    return errors, content


@studio_view(roles=ADMINS, section="surveys")
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, studio: Studio) -> HttpResponse:
    content: dict[str, Any] = {
        "locales": ["en"],
        "jurisdiction": "EU",
        "controller": {"name": studio.organization.name},
        "purposes": [],
    }
    errors = FormErrors()
    name = slug = ""
    if request.method == "POST":
        name = str(request.POST.get("name") or "").strip()
        slug = str(request.POST.get("slug") or "").strip()
        if ConsentNotice.objects.filter(organization=studio.organization, slug=slug).exists():
            from trustpulse.validation import FieldError

            errors.items = [FieldError(field="slug", code="duplicate", message=_("already used"))]
            content = _content(posted(request))
        elif not slug or not slug.replace("-", "").isalnum() or slug != slug.lower():
            from trustpulse.validation import FieldError

            errors.items = [
                FieldError(
                    field="slug",
                    code="invalid_format",
                    message=_("Lower-case letters, digits and hyphens."),
                )
            ]
            content = _content(posted(request))
        else:
            errors, content = _save(request, studio, slug, name)
            if not errors:
                messages.success(request, _("Notice saved as a draft. Publish it to use it."))
                return HttpResponseRedirect(url("notice", studio, slug=slug))
    return _page(request, studio, None, content, errors, name=name, slug=slug)


def _notice(studio: Studio, slug: str) -> ConsentNotice:
    notice = ConsentNotice.objects.filter(organization=studio.organization, slug=slug).first()
    if notice is None:
        raise Http404("No such notice.")
    return notice


@studio_view(roles=ADMINS, section="surveys")
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, studio: Studio, slug: str) -> HttpResponse:
    notice = _notice(studio, slug)
    latest = _latest(notice)
    content = notice_content(latest) if latest else {"purposes": []}
    errors = FormErrors()
    if request.method == "POST":
        errors, content = _save(request, studio, slug, str(request.POST.get("name") or ""))
        if not errors:
            messages.success(request, _("Notice saved as a draft. Publish it to use it."))
            return HttpResponseRedirect(url("notice", studio, slug=slug))
    return _page(request, studio, notice, content, errors, name=notice.name, slug=slug)


@studio_view(roles=ADMINS, section="surveys")
@require_POST
def notice_publish(request: HttpRequest, studio: Studio, slug: str) -> HttpResponse:
    notice = _notice(studio, slug)
    draft = notice.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
    else:
        consent_services.notice_publish(version=draft, actor=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("Version %(number)s of the notice is published.") % {"number": draft.number},
        )
    return HttpResponseRedirect(url("notice", studio, slug=slug))
