"""Print a report page to PDF with headless Chromium (the one the browser tests use).

The page is rendered to a self-contained HTML file (styles inline, plotly.js
from the installed package by file URL), so Chromium needs no session and no
running server. ``--virtual-time-budget`` lets the charts draw before printing;
the page lays itself out for paper (A4 or Letter, see printing.py) and draws
its charts static at their cards' width.
Where Chromium is absent or fails, the report keeps a one-line reason that
its PDF link shows instead.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

TIMEOUT_SECONDS = 60
# The window the page is laid out in before printing: wider than the printed
# column (186 mm, about 703 CSS pixels; see dashboards.css, .print-doc), so
# the charts are drawn at the width of their cards on paper.
WINDOW_SIZE = "800,1130"


def chromium_path() -> str | None:
    configured = getattr(settings, "CHROMIUM_PATH", "") or os.environ.get("CHROMIUM_PATH", "")
    if configured and Path(configured).exists():
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html: str) -> tuple[bytes | None, str]:
    """(PDF bytes, "") or (None, why not)."""
    binary = chromium_path()
    if binary is None:
        return None, gettext_noop(
            "Chromium is not installed on this server, so no PDF can be printed."
        )
    with tempfile.TemporaryDirectory(prefix="tp-report-") as tmp:
        page = Path(tmp) / "report.html"
        out = Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--allow-file-access-from-files",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=15000",
            f"--window-size={WINDOW_SIZE}",
            "--hide-scrollbars",
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"Chromium could not print the report ({type(exc).__name__})."
        if not out.exists() or out.stat().st_size == 0:
            return None, gettext_noop("Chromium ran but produced no PDF.")
        return out.read_bytes(), ""
