"""The import report speaks the author's language: Chinese for zh-Hant, English for en."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from surveys.importers import import_file
from tests.fixtures import login_verified

FIXTURES = Path(__file__).parent / "fixtures"
CJK = re.compile(r"[\u4e00-\u9fff]")


def upload(name: str) -> dict:
    return {"file": SimpleUploadedFile(name, (FIXTURES / name).read_bytes())}


@pytest.mark.parametrize(
    "name",
    [
        "limesurvey.lss",
        "limesurvey5.lss",
        "qualtrics.qsf",
        "surveyjs_quiz.json",
        "xlsform.csv",
        "xlsform.xls",
    ],
)
def test_every_report_message_is_chinese_under_zh_hant(name):
    raw = (FIXTURES / name).read_bytes()
    with translation.override("zh-hant"):
        result = import_file(raw, name)
    assert result.items
    english = [i.message for i in result.items if not CJK.search(i.message)]
    assert english == []


@pytest.mark.django_db
def test_the_studio_preview_of_a_qualtrics_file_in_chinese_then_in_english(users, org, client):
    login_verified(client, users["author"])
    url = f"/studio/{org.slug}/import/"
    page = client.post(
        url, {"action": "preview", **upload("qualtrics.qsf")}, HTTP_ACCEPT_LANGUAGE="zh-TW"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "未匯入內嵌資料欄位：source, campaign" in html
    assert "不匯入垃圾桶中的題目" in html
    assert "embedded data fields not imported" not in html
    unconfirmed = client.post(
        url,
        {"action": "confirm", "payload": page.context["payload"]},
        HTTP_ACCEPT_LANGUAGE="zh-TW",
    )
    assert "個項目經近似轉換或略過：請檢查報告後確認。" in unconfirmed.content.decode()

    page = client.post(url, {"action": "preview", **upload("qualtrics.qsf")})
    html = page.content.decode()
    assert "embedded data fields not imported: source, campaign" in html
    assert "questions in the trash are not imported" in html
    assert "未匯入內嵌資料欄位" not in html


@pytest.mark.django_db
def test_the_api_dry_run_reports_in_the_requests_language(as_role):
    client = as_role("author")
    url = "/api/v1/surveys/import/?dry_run=true"
    zh = client.post(
        url, upload("limesurvey.lss"), format="multipart", HTTP_ACCEPT_LANGUAGE="zh-TW"
    )
    messages = {i["location"]: i["message"] for i in zh.json()["report"]}
    assert messages["assessments"] == "不匯入評量（分數及其訊息）"
    assert messages["question qid=19 (D1)"] == "文字顯示（固定文字）改為區段說明"
    en = client.post(url, upload("limesurvey.lss"), format="multipart")
    messages = {i["location"]: i["message"] for i in en.json()["report"]}
    assert messages["assessments"] == "assessments (scores and their messages) are not imported"
