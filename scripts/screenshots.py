"""Screenshots: every respondent page type, and every dashboard panel, phone and desktop,
English and Traditional Chinese.

Run: ``.venv/bin/python scripts/screenshots.py`` (needs Debian's ``chromium``);
``… scripts/screenshots.py dashboards`` (or ``respondent``) for one half.
Writes ``var/screenshots/<lang>-<device>-<nn>-<page>.png`` (full page) for the
respondent pages, and ``docs/screenshots/dashboards/<lang>-<device>-<panel>.png``
(each panel of the demo's privacy-comfort dashboard, seeded by ``seed_demo``,
in its default period, the last three complete months, plus the overview) for
the dashboards: those are committed, and the README links the main ones.

It is a pytest module run on its own (not part of the suite), so it gets a
throwaway test database and Django's live server from pytest-django.
"""

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screenshots"
DASHBOARD_OUT = ROOT / "docs" / "screenshots" / "dashboards"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
LANGUAGES = {"en": "en-GB,en;q=0.9", "zh": "zh-Hant,zh-TW;q=0.9"}
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Labels of the buttons in both languages.
NEXT = re.compile("^(Next|下一頁)$")
SUBMIT = re.compile("^(Submit|送出)$")
START = re.compile("^(Agree and start|同意並開始)$")
DECLINE = re.compile("^(No thanks|不用了，謝謝)$")
AGREE = re.compile("^(I agree|我同意)")
FULL_NOTICE = re.compile("^(Read the full privacy notice|閱讀完整隱私聲明)$")
OPTIONAL = ("#purpose-behavioural_measurement", "#purpose-marketing")


@pytest.mark.django_db(transaction=True)
def test_dashboard_screenshots(live_server):
    """Each panel of the demo dashboard as its own PNG; the overview as a page."""
    from playwright.sync_api import sync_playwright

    from dashboards.services import rollups_rebuild
    from surveys.demo.seed import seed_demo
    from surveys.models import User
    from tests.browser.helpers import sign_in_verified, wait_until

    result = seed_demo(responses=1200)
    org = result.organization
    for survey in org.surveys.all():
        rollups_rebuild(survey_id=survey.pk)
    survey = org.surveys.get(slug="privacy-comfort")
    analyst = User.objects.get(username="demo-analyst")
    base = live_server.url
    dashboards = f"{base}/studio/{org.slug}/dashboards/"
    DASHBOARD_OUT.mkdir(parents=True, exist_ok=True)
    for old in DASHBOARD_OUT.glob("*.png"):
        old.unlink()
    drawn = (
        "[...document.querySelectorAll('[data-panel]')]"
        ".every(p => p.getAttribute('data-loaded') === 'true') && "
        "[...document.querySelectorAll('.plot, .spark')]"
        ".every(p => p.getAttribute('data-drawn') === 'true')"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for lang, accept in LANGUAGES.items():
            for device, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    extra_http_headers={"Accept-Language": accept},
                    device_scale_factor=1,
                )
                page = context.new_page()
                sign_in_verified(page, base, analyst)
                page.goto(dashboards)
                wait_until(page, drawn, timeout_ms=60_000)
                page.screenshot(path=str(DASHBOARD_OUT / f"{lang}-{device}-overview.png"))
                # The default period: every count over all time is judged month by
                # month (docs/DISCLOSURE.md), so a small early month withholds its groups.
                page.goto(f"{dashboards}surveys/{survey.pk}/")
                wait_until(page, drawn, timeout_ms=60_000)
                page.wait_for_timeout(500)  # plotly's responsive relayout
                page.locator(".dash-filters").screenshot(
                    path=str(DASHBOARD_OUT / f"{lang}-{device}-filters.png")
                )
                for section in page.locator("section.dash-panel").all():
                    key = section.locator("[data-panel]").get_attribute("data-panel")
                    section.screenshot(path=str(DASHBOARD_OUT / f"{lang}-{device}-{key}.png"))
                context.close()
        browser.close()
    print(f"\ndashboard screenshots in {DASHBOARD_OUT}")


@pytest.mark.django_db(transaction=True)
def test_screenshots(live_server):
    from playwright.sync_api import expect, sync_playwright

    from surveys.authoring.services.definitions import survey_close
    from tests.browser.every_type import every_type_survey
    from tests.factories import OrganizationFactory, live_survey

    org = OrganizationFactory(name="Acme Privacy Co.")
    live_survey(org, slug="privacy-comfort")
    live_survey(org, "privacy_quiz", slug="privacy-quiz")
    every_type_survey(org, slug="every-type")
    closed = live_survey(org, slug="closed-survey")
    survey_close(survey=closed)
    base = live_server.url
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for lang, accept in LANGUAGES.items():
            for device, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    extra_http_headers={"Accept-Language": accept},
                    device_scale_factor=1,
                )
                page = context.new_page()
                shots = iter(range(1, 100))

                def shot(name: str, page=page, lang=lang, device=device, shots=shots) -> None:
                    page.wait_for_load_state()
                    path = OUT / f"{lang}-{device}-{next(shots):02d}-{name}.png"
                    page.screenshot(path=str(path), full_page=True)

                def start(slug: str, optional: tuple[str, ...] = (), page=page) -> None:
                    page.goto(f"{base}/s/{slug}/")
                    page.get_by_role("checkbox", name=AGREE).check()
                    for box in optional:
                        page.locator(box).check()
                    page.get_by_role("button", name=START).click()
                    expect(page).to_have_url(re.compile(r"/p/\w+/$"))

                def privacy_links(page=page) -> tuple[str, str]:
                    box = page.locator(".privacy-box")
                    portal = box.locator(".resume-link a").get_attribute("href")
                    receipt = box.get_by_role("link", name=re.compile("^(view it|查看)$"))
                    return portal, receipt.get_attribute("href")

                def next_page(page=page) -> None:
                    page.get_by_role("button", name=NEXT).click()
                    page.wait_for_load_state()

                page.goto(f"{base}/s/privacy-comfort/")
                shot("consent")
                page.get_by_role("button", name=START).click()
                shot("consent-error")
                page.get_by_role("button", name=FULL_NOTICE).click()
                shot("consent-notice-open")
                page.goto(f"{base}/s/privacy-comfort/notice/")
                shot("notice")
                page.goto(f"{base}/s/privacy-comfort/")
                page.get_by_role("button", name=DECLINE).click()
                shot("declined")
                start("privacy-comfort", OPTIONAL)
                shot("page-matrix")
                next_page()
                shot("page-matrix-errors")
                for row in ("worry", "control", "no_concern", "reads_terms"):
                    # On desktop the whole cell is the radio's label.
                    page.locator(f"label[for=q-concern-{row}-3]").click()
                    expect(page.locator(f"#q-concern-{row}-3")).to_be_checked()
                page.locator("#q-trust_brand-3").check()
                next_page()
                page.locator("#q-policy_reading-2").check()
                page.locator("#q-protective_actions-2").check()
                page.locator("#q-protective_actions-4").check()
                page.locator("#q-protective_actions-other").fill("Use a VPN")
                next_page()
                shot("page-follow-up-question")
                page.locator("#q-switched_why").fill("They sold my data to advertisers.")
                next_page()
                page.locator("#q-nps-6").check()
                shot("page-nps")
                page.locator("#q-attention-1").check()
                next_page()
                page.locator("#q-improve_text").fill("Say what you keep & why <in plain words>.")
                next_page()
                page.locator("#q-age_band-1").check()
                shot("page-last")
                page.get_by_role("button", name=SUBMIT).click()
                shot("thanks-survey")
                portal, receipt = privacy_links()
                page.goto(f"{base}{receipt}")
                shot("receipt")
                page.goto(portal)
                shot("portal")
                page.locator(".purpose-status a[href*='/withdraw/marketing/']").click()
                shot("withdraw-purpose-confirm")
                page.locator(".confirm-form button[type=submit]").click()
                shot("portal-after-withdrawing-one")
                page.goto(portal + "withdraw/")
                shot("withdraw-all-confirm")
                page.locator(".confirm-form button[type=submit]").click()
                shot("withdrawn-erased")
                page.goto(portal)
                shot("tombstone")
                page.goto(f"{base}/me/not-a-real-token/")
                shot("portal-not-found")

                start("privacy-quiz")
                page.locator("#q-q_access-0").check()
                page.locator("#q-q_cookies-1").check()
                next_page()
                page.locator("#q-q_pii-0").check()
                page.locator("#q-q_pii-1").check()
                page.locator("#q-q_password-1").check()
                page.get_by_role("button", name=SUBMIT).click()
                shot("thanks-quiz")
                portal, _receipt = privacy_links()
                page.goto(portal + "delete/")
                shot("delete-confirm")

                start("every-type")
                page.locator("#q-rating-3").check()
                page.locator("#q-apps").fill("12")
                page.locator("#q-last_review").fill("2024-02-03")
                shot("page-number-slider-date")
                next_page()
                page.locator("#q-priorities-rank-1").select_option("privacy")
                page.locator("#q-source-3").check()
                page.get_by_role("button", name=SUBMIT).click()
                shot("page-ranking-other-errors")

                page.goto(f"{base}/s/closed-survey/")
                shot("unavailable-closed")
                page.goto(f"{base}/s/every-type/resume/not-a-token/")
                shot("unavailable-bad-resume-link")
                context.close()
        browser.close()
    print(f"\nscreenshots in {OUT}")


if __name__ == "__main__":
    only = {"dashboards": ["-k", "dashboard"], "respondent": ["-k", "not dashboard"]}
    sys.exit(
        pytest.main(
            [
                __file__,
                *only.get(sys.argv[1] if len(sys.argv) > 1 else "", []),
                "-q",
                "-p",
                "no:cacheprovider",
                "-s",
                "-o",
                "addopts=",
                "--rootdir",
                str(ROOT),
            ]
        )
    )
