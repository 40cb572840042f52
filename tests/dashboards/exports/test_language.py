"""An export is written in its requester's language: the codebooks, labels and notes."""

import csv
import io
import json

import pytest
from django.utils import translation

from dashboards.exports.run import export_run
from dashboards.models import ExportJob
from tests.factories import member
from tests.fixtures import login_verified

from .conftest import bundle

pytestmark = pytest.mark.django_db


def request_export(client, org, survey, language: str | None) -> ExportJob:
    """Ask for an export through the API in `language` (the task is not run)."""
    login_verified(client, member(org, "researcher"))
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    r = client.post(
        "/api/v1/exports/",
        {"survey": survey.pk, "format": "csv", "purpose": "Replication", "k": 5},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 202, r.content
    return ExportJob.objects.get(pk=r.json()["id"])


def worker_run(job: ExportJob) -> ExportJob:
    """The task in a worker: no request, the site's language active."""
    with translation.override("en"):
        done = export_run(job_id=job.pk)
    assert done is not None and done.status == "succeeded", done and done.error
    return done


def test_an_export_requested_in_zh_hant_writes_its_codebooks_in_chinese(client, org, filled):
    job = request_export(client, org, filled, "zh-TW")
    assert job.language == "zh-hant"
    files = bundle(worker_run(job))

    md = files.read("codebook.md").decode()
    assert md.startswith(f"# 編碼簿：{filled.title['zh-Hant']}\n")
    assert "- 目的：Replication" in md
    assert "## 匿名化報告" in md
    assert "- 準識別碼的 k-匿名：要求 **k = 5**" in md
    assert "- 自由填答：不納入" in md
    assert "| 變數 | 標籤 | 類型 | 值 | 附註 |" in md
    assert "| `respondent_id` | 受訪者假名識別碼（僅限此匯出） | 文字 |" in md
    assert "| `version` | 問卷版本 | 整數 |" in md
    for english in ("Codebook", "Anonymization report", "Pseudonymous", "Variables"):
        assert english not in md

    package = json.loads(files.read("datapackage.json"))
    assert package["description"].startswith(
        f"問卷「{filled.title['zh-Hant']}」的匿名化匯出（寬格式"
    )
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert fields["respondent_id"]["title"] == "受訪者假名識別碼（僅限此匯出）"
    assert "此匯出的目的：Replication" in files.read("codebook.xml").decode()

    # The data keeps its codes as column names.
    header = next(csv.reader(io.StringIO(files.read("data.csv").decode("utf-8-sig"))))
    assert header[:2] == ["respondent_id", "version"]


def test_the_same_export_in_english(client, org, filled):
    job = request_export(client, org, filled, None)
    assert job.language == "en"
    md = bundle(worker_run(job)).read("codebook.md").decode()
    assert md.startswith(f"# Codebook: {filled.title['en']}\n")
    assert "| `respondent_id` | Pseudonymous respondent id (this export only) | text |" in md
    assert "編碼簿" not in md


def test_the_page_stores_the_requesters_language_and_shows_labels(
    client, org, filled, django_capture_on_commit_callbacks
):
    login_verified(client, member(org, "researcher"))
    data = {"survey": filled.pk, "format": "csv", "layout": "wide", "k": 5, "purpose": "x"}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/studio/{org.slug}/exports/new/", data, HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert r.status_code == 302
    assert ExportJob.objects.get().language == "zh-hant"
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert f"<h1>「{filled.title['zh-Hant']}」的匯出</h1>" in page
    assert "<dd>10（要求 5）</dd>" in page
    assert "<dd>CSV（UTF-8）（寬格式：每筆回覆一列）</dd>" in page
    assert '<th scope="row">提交時間 <code>submitted_at</code></th>' in page
    listing = client.get(f"/studio/{org.slug}/exports/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert "CSV（UTF-8） · 寬格式：每筆回覆一列" in listing.content.decode()
