"""Dashboards and the public transparency report in Debian's Chromium, with axe and screenshots.

Every page draws all its charts with no console error; filters change the
URL and the charts, and the back button restores both; axe finds nothing
serious or critical. Screenshots at desktop (1280) and phone (390) width go
to var/screenshots/dashboards/.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dashboards.reports.periods import quarter_of
from dashboards.reports.services import report_generate
from surveys.enums import AuditAction
from surveys.services import audit_log
from tests.browser.helpers import assert_accessible, wait_until
from tests.dashboards.dashdata import fill
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, live_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "dashboards"
PASSWORD = "pass-word-123"


@pytest.fixture
def demo(settings, tmp_path):
    settings.TRANSPARENCY_PDF = False
    settings.MEDIA_ROOT = str(tmp_path)
    org = OrganizationFactory(slug="acme-browser", name="Acme Browser")
    from tests.factories import published_notice

    published_notice(org)
    survey = live_survey(org)
    now = timezone.now()
    plan = []
    for month_ago, (trust, channel, n) in enumerate(
        [(4, "web", 14), (3, "email", 12), (2, "web", 13), (5, "qr", 11)]
    ):
        when = now - dt.timedelta(days=7 + 25 * month_ago)
        plan.append((when, n, channel, {"trust_brand": trust, "nps": 2 + 2 * month_ago}))
    fill(survey, plan)
    for _ in range(12):
        audit_log(organization=org, action=AuditAction.EXPORT_CREATED, data={"purpose": "Study"})
    analyst = UserFactory(username="browser-analyst")
    MembershipFactory(user=analyst, organization=org, role="analyst")
    return org, survey


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("browser-analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/studio/"))


def watch_console(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return problems


def wait_drawn(page: Page) -> int:
    """Wait until every panel loaded and every plot drew; returns how many plots.

    Seven panels load at once; on a loaded 2-core machine that can take longer
    than the usual 10 s.
    """
    wait_until(
        page,
        "[...document.querySelectorAll('[data-panel], #report-charts')]"
        ".every(p => p.getAttribute('data-loaded') === 'true')",
        timeout_ms=30_000,
    )
    wait_until(
        page,
        "[...document.querySelectorAll('.plot, .spark')]"
        ".every(p => p.getAttribute('data-drawn') === 'true')",
        timeout_ms=30_000,
    )
    return page.locator(".plot, .spark").count()


OVERLAPS = """() => {
  const box = (el) => el.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 &&
    a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  document.querySelectorAll('.plot[data-drawn]').forEach((plot) => {
    const name = plot.closest('figure').getAttribute('data-chart');
    const labels = [...plot.querySelectorAll('g.ytick text')].map(box);
    labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
      if (meet(a, b)) found.push(name + ': category labels');
    }));
    const legend = plot.querySelector('g.legend');
    if (!legend) return;
    plot.querySelectorAll('.g-xtitle, .g-ytitle, g.xtick text').forEach((t) => {
      if (meet(box(legend), box(t))) found.push(name + ': legend on axis text');
    });
  });
  return found;
}"""


def overlapping_text(page: Page) -> list[str]:
    """Charts whose category labels overprint each other or whose legend sits on axis text."""
    return page.evaluate(OVERLAPS)


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, label in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)  # plotly's responsive relayout
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)


def test_overview_and_survey_dashboard(page: Page, live_server, demo):
    org, survey = demo
    base = live_server.url
    problems = watch_console(page)
    sign_in(page, base)

    page.goto(f"{base}/studio/{org.slug}/dashboards/")
    expect(page.get_by_role("heading", name="Dashboards", exact=True)).to_be_visible()
    assert wait_drawn(page) >= 3
    expect(page.locator("[data-kpi=trust_index] .kpi-value")).not_to_have_text("withheld")
    assert_accessible(page, "dashboards overview")
    shoot(page, "overview")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=re.compile("Open the .* dashboard")).first.click()
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.pk}/$"))
    plots = wait_drawn(page)
    assert plots >= 15
    # Every chart is drawn or says why not, and carries its sentence and table.
    figures = page.locator("figure.chart")
    assert figures.count() == page.locator("figure.chart .chart-summary").count()
    assert figures.count() == page.locator("figure.chart details.chart-table").count()
    expect(page.locator("#chart-stated_vs_enacted .plot")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#chart-privacy_actives_trend")).to_be_visible()
    assert_accessible(page, "survey dashboard")
    assert overlapping_text(page) == []
    shoot(page, "survey")  # ends at phone width
    page.wait_for_timeout(400)
    assert overlapping_text(page) == []

    # A filter changes the URL and the charts; the back button restores both.
    page.set_viewport_size({"width": 1280, "height": 900})
    trend_rows = page.locator("#chart-responses_trend tbody th")
    months = trend_rows.all_text_contents()
    assert all(re.fullmatch(r"\d{4}-\d\d", m) for m in months)
    page.get_by_label("Time steps").select_option("week")
    expect(page).to_have_url(re.compile(r"\?granularity=week$"))
    expect(trend_rows.first).to_have_text(re.compile(r"\d{4}-W\d\d"))
    wait_drawn(page)
    page.get_by_label("Channel").select_option("web")
    expect(page).to_have_url(re.compile(r"\?granularity=week&channel=web$"))
    wait_drawn(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?granularity=week$"))
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"granularity"))
    expect(page.get_by_label("Time steps")).to_have_value("month")
    expect(trend_rows.first).to_have_text(re.compile(r"^\d{4}-\d\d$"))
    wait_drawn(page)

    # View as table, and the CSV of the same numbers.
    chart = page.locator("#chart-responses_trend")
    chart.get_by_text("View as table").click()
    expect(chart.locator("table")).to_be_visible()
    with page.expect_download() as download:
        chart.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"{survey.slug}-responses_trend.csv"
    assert problems == []


def test_public_transparency_report(page: Page, live_server, demo):
    org, _survey = demo
    org.transparency_report_public = True
    org.save()
    period = quarter_of(timezone.localdate())
    report_generate(organization=org, period=period)
    problems = watch_console(page)
    page.goto(f"{live_server.url}/transparency/{org.slug}/{period.label}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(period.label)
    assert wait_drawn(page) >= 2
    expect(page.locator("#chart-exports .plot")).to_have_attribute("data-drawn", "true")
    assert_accessible(page, "public transparency report")
    shoot(page, "report")
    assert problems == []
