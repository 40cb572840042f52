"""Render a stored report to self-contained HTML and print it to PDF (called by the task).

The report is printed once per language of the site (settings.LANGUAGES), each
PDF in the report's field for that language (REPORT_PDF_FIELDS). The page
declares its language, so Chromium picks the Noto CJK face for zh-Hant text
and embeds it.
"""

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from ..models import REPORT_PDF_FIELDS, TransparencyReport
from ..staticfiles import plotly_js_path
from .pdf import print_pdf
from .render import report_context

PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def paper_size() -> str:
    """The CSS page size of printed reports (TRANSPARENCY_PDF_PAPER: A4 or Letter)."""
    from django.conf import settings

    return PAPER_SIZES.get(str(settings.TRANSPARENCY_PDF_PAPER).lower(), "A4")


def pdf_languages() -> list[str]:
    """The languages a report is printed in: those of the site that have a PDF field."""
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES if code in REPORT_PDF_FIELDS]


def standalone_html(report: TransparencyReport, *, language: str = "en") -> str:
    from django.contrib.staticfiles import finders

    def read(path: str) -> str:
        found = finders.find(path)
        if not found:
            return ""
        with open(str(found), encoding="utf-8") as fh:
            return fh.read()

    from .views import charts_json

    inline = {
        "css": "\n".join(
            read(p) for p in ("css/trustpulse.css", "css/studio.css", "css/dashboards.css")
        ),
        "js": read("js/dashboards.js"),
        "plotly_uri": plotly_js_path().as_uri(),
        "paper": paper_size(),
    }
    with translation.override(language):
        ctx = report_context(report)  # chart titles, labels and dates in that language
        return render_to_string(
            "dashboards/report_public.html",
            {
                **ctx,
                "charts_json": charts_json(ctx["charts"]),
                "inline": inline,
                "LANGUAGE_CODE": translation.get_language(),
            },
        )


def report_print(*, report_id: int) -> bool:
    report = TransparencyReport.objects.select_related("organization").filter(pk=report_id).first()
    if report is None:
        return False
    from django.conf import settings

    if not settings.TRANSPARENCY_PDF:
        error = gettext_noop("PDF printing is switched off on this server (TRANSPARENCY_PDF).")
        TransparencyReport.objects.filter(pk=report.pk).update(pdf_error=error)
        return False
    printed: dict[str, bytes] = {}
    for language in pdf_languages():
        pdf, error = print_pdf(standalone_html(report, language=language))
        if pdf is None:
            TransparencyReport.objects.filter(pk=report.pk).update(pdf_error=error[:300])
            return False
        printed[language] = pdf
    stored = {}
    for language, pdf in printed.items():
        name = REPORT_PDF_FIELDS[language]
        field = getattr(report, name)
        suffix = "" if language == "en" else f"-{language}"
        if field:
            field.delete(save=False)
        filename = f"{report.organization.slug}-{report.label}{suffix}.pdf"
        field.save(filename, ContentFile(pdf), save=False)
        stored[name] = field.name
    TransparencyReport.objects.filter(pk=report.pk).update(**stored, pdf_error="")
    return True
