"""`make run` without Redis: long work leaves the request, and the browser sees it progress.

The test starts scripts/run.sh for real, in embedded mode (no REDIS_URL, a
scratch SQLite file, a broker folder of its own), whatever the environment of
the suite (CI has Redis and PostgreSQL): migrate, seed the demo, runserver and
the local Celery worker. A researcher requests an export of the demo survey;
the page first shows it queued or running and busy, its progress rises, then
it is ready. An analyst generates a transparency report: its PDF line is busy
until the worker has printed it. Ctrl-C (SIGINT to the script) then stops
every process it started.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 300  # migrate + seed of 2,000 responses on a busy CI machine
# Set by the test runner or CI, and never meant for the embedded site.
DROPPED = ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session_pids(sid: int) -> list[int]:
    """Processes (other than zombies) of session `sid`: everything run.sh started."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as r:  # noqa: S310 (our own local server)
            return bool(r.status == 200)
    except OSError:
        return False


@pytest.fixture
def embedded_site(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        PORT=str(port),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        CELERY_BROKER_DIR=str(tmp_path / "broker"),
        MEDIA_ROOT=str(tmp_path / "media"),
        EXPORTS_ROOT=str(tmp_path / "exports"),
    )
    log_path = tmp_path / "run.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "run.sh")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _up(base + "/"):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"scripts/run.sh did not serve {base}:\n{tail}")
            time.sleep(1)
        assert "Celery worker and beat" in log_path.read_text(errors="replace")
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        left = _session_pids(proc.pid)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _sign_in(page: Page, base: str, role: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(f"demo-{role}")
    page.get_by_label("Password").fill(f"trustpulse-{role}")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_export_progress_and_report_pdf_with_the_embedded_worker(page: Page, embedded_site):
    base, proc = embedded_site
    _sign_in(page, base, "researcher")
    page.goto(f"{base}/studio/acme-privacy/exports/new/")
    # An Excel file in the long layout (one row per answer): several seconds of work.
    page.get_by_label("Format").select_option("xlsx")
    page.get_by_label("Layout").select_option("long")
    page.get_by_label("Purpose").fill("Embedded worker check")
    started = time.monotonic()
    page.get_by_role("button", name="Start export").click()
    assert time.monotonic() - started < 10, "the export ran inside the request"

    status = page.locator("#status-text")
    first = status.inner_text()
    assert first in {"Queued", "Running"}, f"first view says {first!r}"
    expect(page.locator("#export-status")).to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()

    # What the page shows, and what the page's own status URL answers at the
    # same moments (a fast machine may finish between two of the page's polls).
    api = base + page.locator("#export-status").get_attribute("data-api")
    seen: list[int] = []
    answered: list[int] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if status.inner_text() == "Ready":
            break
        try:
            texts = page.locator("#progress-text").all_inner_texts()
        except PlaywrightError:  # the page reloads itself when the export is ready
            continue
        if texts and texts[0].endswith("%"):
            value = int(texts[0].rstrip("%"))
            if not seen or seen[-1] != value:
                seen.append(value)
        progress = page.request.get(api).json().get("progress")
        if isinstance(progress, int) and (not answered or answered[-1] != progress):
            answered.append(progress)
        time.sleep(0.05)
    expect(status).to_have_text("Ready")
    expect(page.get_by_role("link", name="Download (zip: data and codebooks)")).to_be_visible()
    expect(page.locator("#export-status")).to_have_attribute("aria-busy", "false")

    assert seen == sorted(seen), f"progress went back: {seen}"
    assert answered == sorted(answered), f"progress went back: {answered}"
    assert any(0 < v < 100 for v in seen + answered), (
        f"no progress before ready: page {seen}, status {answered}"
    )
    assert len(set(seen + answered)) >= 2, f"progress never rose: {seen} {answered}"

    # A transparency report's PDF is printed by the worker too: the line is busy
    # on first view, then offers the PDF without a reload.
    _sign_in(page, base, "analyst")
    page.goto(f"{base}/studio/acme-privacy/dashboards/reports/")
    page.get_by_role("button", name="Generate report").click()
    line = page.locator("#report-pdf")
    expect(line).to_contain_text("The PDF is being printed")
    expect(line).to_have_attribute("aria-busy", "true")
    expect(line.get_by_role("link", name="Download PDF")).to_be_visible(timeout=120_000)
    expect(line).to_have_attribute("aria-busy", "false")

    # Ctrl-C stops the server, the worker and beat: nothing of the session is left.
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert _session_pids(proc.pid) == []
