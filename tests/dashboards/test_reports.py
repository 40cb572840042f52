"""Transparency reports: periods, figures from the audit log, suppression, pages, PDF, schedule."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from dashboards.models import TransparencyReport
from dashboards.reports.periods import ReportPeriod, parse_label, quarter_of
from dashboards.reports.services import report_figures, report_generate
from dashboards.tasks import report_pdf, reports_refresh
from surveys.enums import AuditAction
from surveys.models import AuditEvent
from surveys.services import audit_log
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

Q2 = ReportPeriod(year=2026, quarter=2)
WHEN = dt.datetime(2026, 5, 6, 10, 0, tzinfo=dt.UTC)


def log(org, action, n, when=WHEN, **data):
    with mock.patch("django.utils.timezone.now", return_value=when):
        for _ in range(n):
            audit_log(organization=org, action=action, actor_label="respondent", data=data)


@pytest.fixture
def activity(org):
    log(org, AuditAction.CONSENT_GIVEN, 40, purposes=["survey_research", "marketing"])
    log(org, AuditAction.CONSENT_GIVEN, 25, purposes=["survey_research"])
    log(org, AuditAction.CONSENT_WITHDRAWN, 12, purposes=["marketing"])
    log(org, AuditAction.CONSENT_WITHDRAWN, 3, purposes="all", erased=True)
    log(
        org,
        AuditAction.DATA_DOWNLOADED,
        11,
        requested_at=(WHEN - dt.timedelta(hours=30)).isoformat(),
    )
    log(org, AuditAction.DATA_DELETED, 4)
    log(org, AuditAction.EXPORT_CREATED, 12, purpose="Academic study")
    log(org, AuditAction.EXPORT_CREATED, 3, purpose="Ad-hoc")
    log(org, AuditAction.RETENTION_PURGED, 10, purposes=["marketing"])
    # Outside the quarter (next day after it ends, Amsterdam time): never counted.
    log(org, AuditAction.EXPORT_CREATED, 20, when=dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC))
    return org


def test_periods():
    assert Q2.label == "2026-Q2"
    assert (Q2.first_day, Q2.last_day) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    start, end = Q2.bounds("Europe/Amsterdam")
    assert start.isoformat() == "2026-04-01T00:00:00+02:00"
    assert end.isoformat() == "2026-07-01T00:00:00+02:00"
    assert ReportPeriod(year=2026, quarter=1).previous().label == "2025-Q4"
    assert ReportPeriod(year=2026, quarter=0).label == "2026"
    assert ReportPeriod(year=2026, quarter=0).last_day == dt.date(2026, 12, 31)
    assert parse_label("2026-Q3") == ReportPeriod(year=2026, quarter=3)
    assert parse_label("2026") == ReportPeriod(year=2026, quarter=0)
    assert parse_label("2026-Q5") is None and parse_label("../etc") is None
    assert quarter_of(dt.date(2026, 11, 29)).label == "2026-Q4"


def test_figures_from_the_audit_log_all_suppressed(activity):
    d = report_figures(organization=activity, period=Q2)
    c = d["consents"]
    assert c["purposes"] == ["all", "marketing", "survey_research"]
    # all: 0 given / 3 withdrawn (withheld), so a rectangle through it goes too.
    assert [g["n"] for g in c["given"]] == [None, None, 65]
    assert [w["n"] for w in c["withdrawn"]] == [None, None, 0]
    assert c["withdrawn_total"]["n"] == 15 and c["given_total"]["n"] == 105
    r = d["requests"]
    assert r["access"]["n"] == 11 and r["access_median_seconds"] == 30 * 3600
    assert r["deletion"]["suppressed"] and r["deletion_median_seconds"] is None
    assert d["exports"]["rows"] == [
        [
            "Academic study",
            {"n": None, "value": None, "ci_low": None, "ci_high": None, "suppressed": True},
        ],
        ["Ad-hoc", {"n": None, "value": None, "ci_low": None, "ci_high": None, "suppressed": True}],
    ]
    assert d["exports"]["total"]["n"] == 15
    assert d["purges"]["rows"][0][0] == "marketing" and d["purges"]["total"]["n"] == 10
    assert [s["key"] for s in d["safeguards"]][:3] == ["min_cell", "export_k", "retention"]
    assert d["safeguards"][0]["value"] == "10 people"


@override_settings(TRANSPARENCY_PDF=False)
def test_generate_stores_audits_and_refreshes(activity, users):
    with mock.patch("django.utils.timezone.now", return_value=WHEN + dt.timedelta(days=70)):
        report = report_generate(organization=activity, period=Q2, actor=users["analyst"])
        again = report_generate(organization=activity, period=Q2, actor=users["analyst"])
    assert again.pk == report.pk
    assert report.data["period"] == {
        "label": "2026-Q2",
        "first_day": "2026-04-01",
        "last_day": "2026-06-30",
        "to_date": False,
    }
    assert AuditEvent.objects.filter(action=AuditAction.REPORT_GENERATED).count() == 2


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("analyst", 200), ("author", 403), ("researcher", 403)]
)
@override_settings(TRANSPARENCY_PDF=False)
def test_roles(client, activity, role, status):
    report_generate(organization=activity, period=Q2)
    login_verified(client, member(activity, role))
    base = f"/studio/{activity.slug}/dashboards/reports/"
    assert client.get(base).status_code == status
    assert client.get(base + "2026-Q2/").status_code == status
    assert client.post(base + "generate/", {"period": "2026-Q2"}).status_code == (
        302 if status == 200 else 403
    )


@override_settings(TRANSPARENCY_PDF=False)
def test_other_org_and_unknown_report_404(client, activity, other_org):
    report_generate(organization=activity, period=Q2)
    login_verified(client, member(other_org, "admin"))
    assert client.get(f"/studio/{activity.slug}/dashboards/reports/2026-Q2/").status_code == 404
    assert client.get(f"/studio/{other_org.slug}/dashboards/reports/2026-Q2/").status_code == 404
    assert client.get(f"/studio/{other_org.slug}/dashboards/reports/nonsense/").status_code == 404


@override_settings(TRANSPARENCY_PDF=False)
def test_generate_on_demand_and_errors(client, activity, django_capture_on_commit_callbacks):
    login_verified(client, member(activity, "analyst"))
    base = f"/studio/{activity.slug}/dashboards/reports/"
    r = client.post(base + "generate/", {"period": "2026-Q5"})
    assert r.status_code == 400
    assert "Choose a quarter or a year from the list." in r.content.decode()
    r = client.post(base + "generate/", {"period": "2099-Q1"})
    assert r.status_code == 400 and "This period has not started yet." in r.content.decode()
    assert TransparencyReport.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(base + "generate/", {"period": "2026-Q2"})
    assert r["Location"] == base + "2026-Q2/"
    page = client.get(base + "2026-Q2/").content.decode()
    assert "PDF printing is switched off on this server (TRANSPARENCY_PDF)." in page
    assert 'data-charts-for="report-charts"' in page
    assert "Consents given and withdrawn, by purpose" in page
    assert '<li id="report-pdf" aria-live="polite" aria-busy="false">' in page


def test_pdf_line_is_busy_until_a_worker_printed_it(client, activity):
    """Generated, its print task not run yet: the line says so, busy, and follows it."""
    report_generate(organization=activity, period=Q2)
    login_verified(client, member(activity, "analyst"))
    page = client.get(f"/studio/{activity.slug}/dashboards/reports/2026-Q2/").content.decode()
    assert '<li id="report-pdf" aria-live="polite" aria-busy="true" data-pending>' in page
    assert "The PDF is being printed; this line updates when it is ready." in page
    assert "js/report-status.js" in page


@override_settings(TRANSPARENCY_PDF=False)
def test_publishing_is_for_admins_and_opens_the_public_page(client, activity):
    report_generate(organization=activity, period=Q2)
    public = f"/transparency/{activity.slug}/2026-Q2/"
    assert client.get(public).status_code == 404
    login_verified(client, member(activity, "analyst"))
    url = f"/studio/{activity.slug}/dashboards/reports/publishing/"
    assert client.post(url, {"public": "1"}).status_code == 403
    login_verified(client, member(activity, "admin"))
    assert client.post(url, {"public": "1"}).status_code == 302
    activity.refresh_from_db()
    assert activity.transparency_report_public is True
    event = AuditEvent.objects.get(action=AuditAction.REPORT_PUBLISHED)
    assert event.data == {"public": True}
    client.logout()
    r = client.get(public)
    assert r.status_code == 200 and "Privacy transparency report" in r.content.decode()
    assert client.get(f"/transparency/{activity.slug}/").status_code == 200
    assert client.get(f"/transparency/{activity.slug}/2026-Q2/pdf/").status_code == 404


def test_pdf_printed_by_chromium(activity, chromium_path, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    report = report_generate(organization=activity, period=Q2)
    assert report_pdf(report.pk) is True
    report.refresh_from_db()
    assert report.pdf_error == ""
    for stored in (report.pdf, report.pdf_zh_hant):
        with stored.open("rb") as fh:
            assert fh.read(5) == b"%PDF-"
        stored.delete(save=False)


def _fake_print(html):
    """Chromium stands in: the "PDF" says which language its page declared and its title."""
    lang = re.search(r'<html lang="([^"]+)">', html).group(1)
    title = re.search(r"<title>([^·]+)", html).group(1).strip()
    return f"%PDF-{lang} {title}".encode(), ""


def _pdf_links(base, label, also, first, other):
    """The PDF line: the viewer's language first, then the other named in itself."""
    names = {"en": "English", "zh-hant": "繁體中文"}
    return (
        f'<a href="{base}pdf/{first}/" hreflang="{first}">{label}</a> · {also}'
        f' <a href="{base}pdf/{other}/" hreflang="{other}" lang="{other}">{names[other]}</a>'
    )


def test_one_pdf_per_language_the_viewers_first(client, activity, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.TRANSPARENCY_PDF = True
    report = report_generate(organization=activity, period=Q2)
    with mock.patch("dashboards.reports.printing.print_pdf", side_effect=_fake_print):
        assert report_pdf(report.pk) is True
    report.refresh_from_db()
    slug = activity.slug
    assert report.pdf.name == f"transparency/{slug}-2026-Q2.pdf"
    assert report.pdf_zh_hant.name == f"transparency/{slug}-2026-Q2-zh-hant.pdf"

    login_verified(client, member(activity, "analyst"))
    base = f"/studio/{slug}/dashboards/reports/2026-Q2/"
    zh = client.get(base, HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert _pdf_links(base, "下載 PDF", "另有：", "zh-hant", "en") in zh
    en = client.get(base, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _pdf_links(base, "Download PDF", "Also in:", "en", "zh-hant") in en
    listing = client.get(base.rsplit("2026-Q2/", 1)[0], HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert f'<a href="{base}pdf/zh-hant/" hreflang="zh-hant">2026-Q2 的 PDF</a>' in (
        listing.content.decode()
    )

    r = client.get(base + "pdf/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert r.content == "%PDF-zh-hant 隱私透明度報告".encode()
    assert r["Content-Language"] == "zh-hant"
    assert r["Content-Disposition"] == f'inline; filename="{slug}-transparency-2026-Q2-zh-hant.pdf"'
    assert client.get(base + "pdf/", HTTP_ACCEPT_LANGUAGE="en").content == (
        b"%PDF-en Privacy transparency report"
    )
    r = client.get(base + "pdf/en/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert r.content == b"%PDF-en Privacy transparency report"
    assert client.get(base + "pdf/fr/").status_code == 404

    activity.transparency_report_public = True
    activity.save(update_fields=["transparency_report_public"])
    client.logout()
    public = f"/transparency/{slug}/2026-Q2/"
    page = client.get(public, HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert _pdf_links(public, "下載此報告的 PDF", "另有：", "zh-hant", "en") in page
    r = client.get(public + "pdf/zh-hant/")
    assert r.content == "%PDF-zh-hant 隱私透明度報告".encode()
    report.pdf.delete(save=False)
    report.pdf_zh_hant.delete(save=False)


@override_settings(TRANSPARENCY_PDF=False)
def test_schedule_refreshes_current_last_quarter_and_last_year(activity, other_org):
    with mock.patch("django.utils.timezone.now", return_value=WHEN):
        assert reports_refresh() == 6
    labels = sorted(
        TransparencyReport.objects.filter(organization=activity).values_list("year", "quarter")
    )
    assert labels == [(2025, 0), (2026, 1), (2026, 2)]


@override_settings(TRANSPARENCY_PDF=False)
def test_demo_activity_shows_in_the_current_quarter(org, survey):
    from surveys.demo.transparency import seed_transparency_activity
    from tests.dashboards.dashdata import fill

    fill(survey, [(timezone.now(), 30, "web", {})])
    result = seed_transparency_activity(organization=org)
    assert (result.withdrawals_marketing, result.withdrawals_all) == (0, 14)
    assert (result.downloads, result.erasures, result.exports) == (16, 0, 22)
    assert seed_transparency_activity(organization=org).created is False
    d = report_generate(organization=org, period=quarter_of(timezone.localdate())).data
    assert d["consents"]["withdrawn_total"]["n"] == 14
    assert d["requests"]["access"]["n"] == 16
    assert d["exports"]["total"]["n"] == 22
    assert [row[0] for row in d["exports"]["rows"]] == [
        "Academic study of the privacy paradox",
        "Product research on consent design",
    ]


def test_report_charts_name_purposes_by_their_notice_titles(activity):
    from django.utils import translation

    from dashboards.reports.render import report_charts
    from tests.factories import published_notice

    published_notice(activity)
    report = report_generate(organization=activity, period=Q2)
    with translation.override("en"):
        consents = next(c for c in report_charts(report) if c.key == "consents")
    assert consents.figure["data"][0]["x"] == [
        "All purposes (full withdrawal)",
        "Send you our privacy newsletter",
        "Understand what customers think about privacy",
    ]
    with translation.override("zh-hant"):
        purges = next(c for c in report_charts(report) if c.key == "purges")
    assert [row[0] for row in purges.rows] == ["寄送我們的隱私電子報"]
    assert purges.codes == ["marketing"]
