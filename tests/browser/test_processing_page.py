"""The studio's processing page as an admin reaches it: from the settings, under the CSP."""

import datetime as dt
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from surveys.models import SubmissionInbox
from tests.browser.helpers import sign_in_verified
from tests.browser.test_csp import Watch
from tests.factories import OrganizationFactory, live_survey, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_finds_the_backlog_from_the_settings(page: Page, live_server):
    org = OrganizationFactory()
    survey = live_survey(org)
    SubmissionInbox.objects.create(
        organization_id=org.pk,
        survey=survey,
        version=survey.live_version,
        idempotency_key="waiting",
        request_hash="0" * 64,
        respondent_ref="r1",
        received_at=timezone.now() - dt.timedelta(seconds=90),
    )
    watch = Watch(page)
    sign_in_verified(page, live_server.url, member(org, "admin"))
    watch.visit(f"{live_server.url}/studio/{org.slug}/settings/")
    page.get_by_role(
        "link", name="Processing: submissions and responses waiting for the workers"
    ).click()
    expect(page.get_by_role("heading", name="Processing", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Your organization")
    row = table.get_by_role("row", name="API submissions to write out")
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")
    expect(row.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^9\d s$"))  # 90 s and on
    expect(page.get_by_role("table", name="All organizations (staff)")).to_have_count(0)
    assert watch.violations() == []
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "processing.png"))
