"""Every page type under the Content-Security-Policy in Debian's Chromium: no violation.

Respondent pages (with the survey's own branding), the studio, the builder
(its preview frames included), dashboards with every chart drawn by the
strict plotly.js, the reports (studio and public) and the API docs. Each
page answers with the policy, and the browser reports no violation: neither
a `securitypolicyviolation` event nor a console message.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dashboards.reports.periods import quarter_of
from dashboards.reports.services import report_generate
from surveys.authoring.services.builder import branding_save
from tests.browser.helpers import sign_in_verified
from tests.browser.test_dashboards import wait_drawn
from tests.dashboards.dashdata import fill
from tests.factories import OrganizationFactory, live_survey, member, published_notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
BRAND = {
    "accent": "#7a1f5c",
    "accent_text": "#ffffff",
    "text": "#1a1a1a",
    "background": "#fbf7f2",
    "font": "serif",
    "logo_alt": "",
}


class Watch:
    """The violations the browser reported on the current page, and each answer's policy."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        self.unprotected: list[str] = []
        page.set_default_navigation_timeout(30_000)  # plotly.js is 5 MB, the machine may be busy
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def _response(self, response) -> None:
        if response.request.resource_type == "document":
            policy = response.headers.get("content-security-policy", "")
            if "default-src 'self'" not in policy:
                self.unprotected.append(response.url)

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def violations(self) -> list[str]:
        found = self.page.evaluate("window.__csp") + self.console
        self.console = []
        return found


@pytest.fixture
def world(settings, tmp_path):
    settings.TRANSPARENCY_PDF = False
    settings.MEDIA_ROOT = str(tmp_path)
    org = OrganizationFactory(slug="acme-csp", name="Acme CSP", transparency_report_public=True)
    published_notice(org)
    survey = live_survey(org)
    branding_save(organization=org, survey=survey, values=BRAND)
    now = timezone.now()
    plan = [
        (now - dt.timedelta(days=7 + 25 * i), 12, "web", {"trust_brand": 3 + i % 2, "nps": 4 + i})
        for i in range(3)
    ]
    fill(survey, plan)
    period = quarter_of(timezone.localdate())
    report_generate(organization=org, period=period)
    return org, survey, period.label


def test_every_page_type_loads_without_a_csp_violation(page: Page, live_server, world):
    org, survey, label = world
    base = live_server.url
    watch = Watch(page)

    # Respondent: the consent step and the first page, in the survey's branding.
    watch.visit(f"{base}/s/{survey.slug}/")
    expect(page.locator("html")).to_have_css("--brand", re.compile("#7a1f5c"))
    assert watch.violations() == []
    page.get_by_role("checkbox", name=re.compile("^I agree")).check()
    page.get_by_role("button", name=re.compile("Agree and start")).click()
    expect(page).to_have_url(re.compile(r"/p/[\w-]+/$"))
    assert watch.violations() == []

    # Studio and builder (the branding sample; the preview's two frames).
    sign_in_verified(page, base, member(org, "author"))
    studio = f"{base}/studio/{org.slug}"
    for path in ("/", f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/branding/"):
        watch.visit(studio + path)
        assert watch.violations() == [], path
    expect(page.locator(".brand-sample")).to_have_css("background-color", "rgb(251, 247, 242)")
    watch.visit(f"{studio}/surveys/{survey.pk}/preview/")
    frames = page.locator("iframe")
    expect(frames).to_have_count(2)
    for i in range(2):
        expect(frames.nth(i).content_frame.locator("main")).to_be_visible()
    assert watch.violations() == []

    # Dashboards and reports, every chart drawn.
    sign_in_verified(page, base, member(org, "analyst"))
    dashboards = f"{studio}/dashboards"
    for path, least in (("/", 3), (f"/surveys/{survey.pk}/", 15), (f"/reports/{label}/", 1)):
        watch.visit(dashboards + path)
        assert wait_drawn(page) >= least, path
        assert watch.violations() == [], path
    heatmap = page.locator(".plot .heatmaplayer image, .plot rect.cbfill")
    watch.visit(f"{dashboards}/surveys/{survey.pk}/")
    wait_drawn(page)
    assert heatmap.count() >= 1
    assert watch.violations() == []

    watch.visit(f"{base}/transparency/{org.slug}/{label}/")
    assert wait_drawn(page) >= 1
    assert watch.violations() == []

    # The API's documentation page.
    watch.visit(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("TrustPulse API")
    assert watch.violations() == []

    assert watch.unprotected == []
