"""Render a stored report to self-contained HTML and print it to PDF (called by the task)."""

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from ..models import TransparencyReport
from ..staticfiles import plotly_js_path
from .pdf import print_pdf
from .render import report_context

PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def paper_size() -> str:
    """The CSS page size of printed reports (TRANSPARENCY_PDF_PAPER: A4 or Letter)."""
    from django.conf import settings

    return PAPER_SIZES.get(str(settings.TRANSPARENCY_PDF_PAPER).lower(), "A4")


def standalone_html(report: TransparencyReport) -> str:
    from django.contrib.staticfiles import finders

    def read(path: str) -> str:
        found = finders.find(path)
        if not found:
            return ""
        with open(str(found), encoding="utf-8") as fh:
            return fh.read()

    from .views import charts_json

    ctx = report_context(report)
    inline = {
        "css": "\n".join(
            read(p) for p in ("css/trustpulse.css", "css/studio.css", "css/dashboards.css")
        ),
        "js": read("js/dashboards.js"),
        "plotly_uri": plotly_js_path().as_uri(),
        "paper": paper_size(),
    }
    with translation.override("en"):
        return render_to_string(
            "dashboards/report_public.html",
            {**ctx, "charts_json": charts_json(ctx["charts"]), "inline": inline},
        )


def report_print(*, report_id: int) -> bool:
    report = TransparencyReport.objects.select_related("organization").filter(pk=report_id).first()
    if report is None:
        return False
    from django.conf import settings

    if not settings.TRANSPARENCY_PDF:
        pdf, error = (
            None,
            gettext_noop("PDF printing is switched off on this server (TRANSPARENCY_PDF)."),
        )
    else:
        pdf, error = print_pdf(standalone_html(report))
    if pdf is None:
        TransparencyReport.objects.filter(pk=report.pk).update(pdf_error=error[:300])
        return False
    name = f"{report.organization.slug}-{report.label}.pdf"
    if report.pdf:
        report.pdf.delete(save=False)
    report.pdf.save(name, ContentFile(pdf), save=False)
    TransparencyReport.objects.filter(pk=report.pk).update(pdf=report.pdf.name, pdf_error="")
    return True
