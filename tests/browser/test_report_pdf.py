"""The transparency report on paper (A4 and Letter), in Debian's Chromium.

The page pdf.py prints is opened in Chromium with print media, at the
window size pdf.py uses: every chart's drawing stays inside its card, no
Plotly toolbar exists and the charts are static. Then the report is printed
for real (report_print, Chromium's --print-to-pdf): the paper is the one
asked for, the charts start a new page, the fonts (CJK ones too, for the
organization's Chinese name and an export purpose) are embedded, and the
pages are rendered with pdftoppm to var/screenshots/reports/. The report is
printed in each language of the site: the zh-Hant PDF reads in Chinese
(headings, chart titles), on the same paper, with a Noto CJK face embedded.
"""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from dashboards.reports.pdf import WINDOW_SIZE
from dashboards.reports.periods import quarter_of
from dashboards.reports.printing import report_print, standalone_html
from dashboards.reports.services import report_generate
from surveys.enums import AuditAction
from surveys.services import audit_log
from tests.conftest import require_service
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "reports"
# Paper in PDF points (1/72 in) and the printed column's limit in CSS pixels.
POPPLER_MISSING = "pdfinfo/pdftotext are not installed (apt-get install poppler-utils)"
PAPER = {"A4": (595, 842), "Letter": (612, 792)}
COLUMN_MAX_PX = 186 / 25.4 * 96 + 1


def _log(org, action, n, **data):
    when = timezone.now() - dt.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=when):
        for _ in range(n):
            audit_log(organization=org, action=action, actor_label="respondent", data=data)


@pytest.fixture
def report(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.TRANSPARENCY_PDF = True
    org = OrganizationFactory(slug="acme-paper", name="艾克米隱私 Acme Privacy")
    _log(org, AuditAction.CONSENT_GIVEN, 40, purposes=["survey_research", "marketing"])
    _log(org, AuditAction.CONSENT_GIVEN, 25, purposes=["behavioural_measurement"])
    _log(org, AuditAction.CONSENT_WITHDRAWN, 12, purposes=["marketing"])
    _log(org, AuditAction.CONSENT_WITHDRAWN, 11, purposes="all", erased=True)
    _log(org, AuditAction.DATA_DOWNLOADED, 11)
    _log(org, AuditAction.DATA_DELETED, 10)
    _log(org, AuditAction.EXPORT_CREATED, 12, purpose="Academic study of the privacy paradox")
    _log(org, AuditAction.EXPORT_CREATED, 10, purpose="隱私悖論的學術研究")
    _log(org, AuditAction.RETENTION_PURGED, 10, purposes=["marketing"])
    _log(org, AuditAction.RETENTION_PURGED, 10, purposes=["behavioural_measurement"])
    return report_generate(organization=org, period=quarter_of(timezone.localdate()))


MEASURE = """() => {
  // Plotly keeps an empty toolbar holder; a drawn toolbar has buttons and a size.
  const shown = e => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
  const out = {
    charts: [],
    toolbars: [...document.querySelectorAll('.modebar')].filter(shown).length,
    buttons: [...document.querySelectorAll('.modebar-btn')].filter(shown).length,
  };
  for (const card of document.querySelectorAll('figure.chart')) {
    const c = card.getBoundingClientRect();
    const plot = card.querySelector('.plot');
    const boxes = [...card.querySelectorAll('.plot svg.main-svg, .plot .svg-container')].map(e => {
      const r = e.getBoundingClientRect();
      return [r.left, r.top, r.right, r.bottom];
    });
    out.charts.push({
      key: card.dataset.chart,
      card: [c.left, c.top, c.right, c.bottom],
      boxes,
      static: plot ? !!(plot._context && plot._context.staticPlot) : null,
    });
  }
  out.column = document.querySelector('main').getBoundingClientRect().width;
  return out;
}"""


def _pdf_text(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_report_pdf_charts_fit_their_cards(page: Page, report, settings, tmp_path, paper):
    require_service("poppler-utils", shutil.which("pdfinfo") is not None, POPPLER_MISSING)
    settings.TRANSPARENCY_PDF_PAPER = paper
    html = tmp_path / "report.html"
    html.write_text(standalone_html(report), encoding="utf-8")
    width, height = (int(x) for x in WINDOW_SIZE.split(","))
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(media="print")
    page.goto(html.as_uri(), timeout=60_000)  # plotly.js (4.6 MB) parsed from a file URL
    page.wait_for_function(
        "document.querySelectorAll('.plot').length > 0 && "
        "[...document.querySelectorAll('.plot')].every(p => p.dataset.drawn === 'true')",
        timeout=60_000,
    )
    m = page.evaluate(MEASURE)
    assert (m["toolbars"], m["buttons"]) == (0, 0)
    assert m["column"] <= COLUMN_MAX_PX
    drawn = [c for c in m["charts"] if c["boxes"]]
    assert len(drawn) == 4
    for chart in drawn:
        left, top, right, bottom = chart["card"]
        assert chart["static"] is True, chart["key"]
        for b in chart["boxes"]:
            inside = b[0] >= left - 0.5 and b[2] <= right + 0.5
            inside = inside and b[1] >= top - 0.5 and b[3] <= bottom + 0.5
            assert inside, f"{chart['key']}: drawing {b} outside its card {chart['card']}"

    # The real thing: Chromium prints the same page to PDF, once per language.
    assert report_print(report_id=report.pk) is True
    report.refresh_from_db()
    pdf = _stored(report.pdf, tmp_path / "report.pdf")
    assert _paper(pdf) == PAPER[paper]
    assert "In charts" not in _pdf_text(pdf, 1)
    assert _pdf_text(pdf, 2).lstrip().startswith("In charts")
    # Every font is embedded, and the Chinese text is drawn with real glyphs
    # (Chromium embeds the CFF-based Noto CJK faces as Type 3 fonts).
    rows = _fonts(pdf)
    assert any("Type 3" in line or "CJK" in line for line in rows), rows
    # The Chinese names are drawn in the Traditional Chinese face, never the Japanese one.
    assert {f for f in _font_names(pdf) if "CJK" in f} <= {
        "NotoSansCJKtc-Regular",
        "NotoSansCJKtc-Bold",
    }
    text = _pdf_text(pdf, 1) + _pdf_text(pdf, 2)
    assert "艾克米隱私" in text and "隱私悖論的學術研究" in text
    assert "隱私透明度報告" not in text and "PRIVACY TRANSPARENCY REPORT" in text

    zh = _stored(report.pdf_zh_hant, tmp_path / "report-zh-hant.pdf")
    assert _paper(zh) == PAPER[paper]
    assert "圖表" not in _pdf_text(zh, 1).split("\n", 1)[0]
    assert _pdf_text(zh, 2).lstrip().startswith("圖表")  # "In charts": the charts' own page
    rows = _fonts(zh)
    assert any("Type 3" in line for line in rows), rows
    # pdffonts names no Type 3 font; their descriptors name the face: Noto Sans CJK TC.
    assert {"NotoSansCJKtc-Regular", "NotoSansCJKtc-Bold"} <= _font_names(zh)
    text = _pdf_text(zh, 1) + _pdf_text(zh, 2)
    assert "隱私透明度報告" in text  # "Privacy transparency report"
    assert "依目的區分的同意與撤回" in text  # a chart title, drawn by Plotly
    assert "PRIVACY TRANSPARENCY REPORT" not in text and "In charts" not in text
    if shutil.which("pdftoppm"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        for name, printed in (("report", pdf), ("report-zh-hant", zh)):
            prefix = SHOTS / f"{name}-{paper.lower()}"
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(printed), str(prefix)], check=True)
    report.pdf.delete(save=False)
    report.pdf_zh_hant.delete(save=False)


def _stored(field, path: Path) -> Path:
    with field.open("rb") as fh:
        path.write_bytes(fh.read())
    return path


def _paper(pdf: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (round(float(x)) for x in size.split(":")[1].split("pts")[0].split(" x "))
    return w, h


def _font_names(pdf: Path) -> set[str]:
    """The faces the PDF's font descriptors name, without their subset tags (ABCDEF+)."""
    return {m.decode() for m in re.findall(rb"/FontName */[A-Z]{6}\+([\w-]+)", pdf.read_bytes())}


def _fonts(pdf: Path) -> list[str]:
    """pdffonts' rows, after checking that every font is embedded."""
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(line.split()[-5] == "yes" for line in rows), fonts
    return rows


def test_browser_print_of_the_report_page_matches(page: Page, report, tmp_path):
    """The report as a page (no data-print): Print redraws the charts for paper, then back."""
    html = tmp_path / "report.html"
    text = standalone_html(report).replace(' print-doc"', '"').replace(" data-print>", ">")
    html.write_text(text, encoding="utf-8")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(html.as_uri(), timeout=60_000)
    page.wait_for_function(
        "document.querySelectorAll('.plot').length > 0 && "
        "[...document.querySelectorAll('.plot')].every(p => p.dataset.drawn === 'true')",
        timeout=60_000,
    )
    widths = "[...document.querySelectorAll('.plot')].map(p => Math.round(p._fullLayout.width))"
    on_screen = page.evaluate(widths)
    assert page.locator(".modebar").count() == 4  # the toolbars of the page on screen

    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    m = page.evaluate(MEASURE)
    assert (m["toolbars"], m["buttons"]) == (0, 0)
    assert m["column"] <= COLUMN_MAX_PX
    for chart in [c for c in m["charts"] if c["boxes"]]:
        left, top, right, bottom = chart["card"]
        assert chart["static"] is True, chart["key"]
        for b in chart["boxes"]:
            assert left - 0.5 <= b[0] and b[2] <= right + 0.5, (chart["key"], b, chart["card"])
            assert top - 0.5 <= b[1] and b[3] <= bottom + 0.5, (chart["key"], b, chart["card"])

    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.wait_for_function(f"JSON.stringify({widths}) === JSON.stringify({on_screen})")
