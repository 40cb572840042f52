"""The import API (file upload, dry run, confirm), the exports, and the studio page."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from surveys.models import ConsentNotice, Survey
from tests.api.helpers import errors_of, user_client
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def upload(name: str, raw: bytes | None = None) -> dict:
    data = raw if raw is not None else (FIXTURES / name).read_bytes()
    return {"file": SimpleUploadedFile(name, data)}


def test_dry_run_returns_the_report_and_writes_nothing(as_role, org):
    client = as_role("author")
    response = client.post(
        "/api/v1/surveys/import/?dry_run=true", upload("limesurvey.lss"), format="multipart"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["format"] == "limesurvey"
    assert [i["location"] for i in body["report"]] == [
        "assessments",
        "surveys_languagesettings policy notice",
        "question qid=11 (Q2)",
        "question qid=12 (Q3) attributes",
        "question qid=15 (Q6)",
        "question qid=15 (Q6) validation",
        "question qid=16 (Q7) relevance",
        "question qid=19 (D1)",
        "question qid=20 (Q10)",
    ]
    assert body["consent_notice"]["name"] == "Privacy check (data policy)"
    assert body["definition"]["sections"][0]["code"] == "About_you"
    assert Survey.objects.count() == 0


def test_commit_needs_confirmation_then_creates_draft_and_notice(as_role, org):
    client = as_role("author")
    response = client.post("/api/v1/surveys/import/", upload("limesurvey.lss"), format="multipart")
    assert response.status_code == 400
    assert errors_of(response) == [("confirm", "confirmation_required")]
    assert Survey.objects.count() == 0
    assert ConsentNotice.objects.filter(organization=org).count() == 1  # the demo notice only
    response = client.post(
        "/api/v1/surveys/import/?confirm=true", upload("limesurvey.lss"), format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["format"] == "limesurvey"
    assert body["consent_notice"] == "privacy-check-data-policy"
    assert body["survey"]["status"] == "draft"
    survey = Survey.objects.get()
    assert survey.consent_notice.slug == "privacy-check-data-policy"
    notice = survey.consent_notice.versions.get()
    assert notice.status == "draft"
    assert notice.controller == {"name": "Acme Research", "contact_email": "privacy@acme.example"}
    assert set(survey.versions.get().questions.values_list("purpose", flat=True)) == {
        "survey_research"
    }


@pytest.mark.parametrize(
    "name", ["surveyjs_quiz.json", "qualtrics.qsf", "xlsform.csv", "xlsform.xls"]
)
def test_every_format_imports_through_the_api(as_role, org, name):
    response = as_role("admin").post(
        "/api/v1/surveys/import/?confirm=true", upload(name), format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert Survey.objects.count() == 1


def test_broken_file_is_refused_with_nothing_written(as_role, org):
    response = as_role("author").post(
        "/api/v1/surveys/import/?confirm=true",
        upload("bad.lss", b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY b 'c'>]><document/>"),
        format="multipart",
    )
    assert response.status_code == 400
    assert errors_of(response) == [("file", "unsafe_xml")]
    assert Survey.objects.count() == 0


def test_missing_file(as_role, org):
    response = as_role("author").post("/api/v1/surveys/import/", {}, format="multipart")
    assert errors_of(response) == [("file", "required")]


@pytest.mark.parametrize(("role", "status"), [("analyst", 403), ("researcher", 403)])
def test_roles_that_cannot_import(as_role, org, role, status):
    response = as_role(role).post(
        "/api/v1/surveys/import/?dry_run=true", upload("qualtrics.qsf"), format="multipart"
    )
    assert response.status_code == status


def test_exports_and_round_trip_through_the_api(as_role, org, survey):
    client = as_role("analyst")
    sj = client.get(f"/api/v1/surveys/{survey.pk}/definition/surveyjs/")
    assert sj.status_code == 200
    assert sj.json()["pages"][0]["name"] == "attitudes"
    xlsx = client.get(f"/api/v1/surveys/{survey.pk}/definition/xlsform/")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    original = client.get(f"/api/v1/surveys/{survey.pk}/definition/").json()
    author = as_role("author")
    for name, raw in (("x.json", sj.content), ("x.xlsx", xlsx.content)):
        dry = author.post(
            "/api/v1/surveys/import/?dry_run=true", upload(name, raw), format="multipart"
        ).json()
        assert dry["report"] == [
            {
                "action": "approximated",
                "location": "slug",
                "message": f"the link {survey.slug!r} is already used: a new one is made"
                " from the title",
            }
        ]
        assert dry["definition"] == {k: v for k, v in original.items() if k != "slug"}


def test_exports_of_another_organization_are_404(other_org, survey):
    outsider = user_client(member(other_org, "admin"))
    for kind in ("surveyjs", "xlsform"):
        assert outsider.get(f"/api/v1/surveys/{survey.pk}/definition/{kind}/").status_code == 404


# -- studio ------------------------------------------------------------------------


def test_studio_page_roles(users, org, other_org):
    url = f"/studio/{org.slug}/import/"
    assert user_client(users["author"]).get(url).status_code == 200
    admin = Client()
    login_verified(admin, users["admin"])
    assert admin.get(url).status_code == 200
    assert user_client(users["analyst"]).get(url).status_code == 403
    outsider = user_client(member(other_org, "author"))
    assert outsider.get(url).status_code == 404
    home = f"/studio/{org.slug}/"
    assert f'href="{url}"' in user_client(users["author"]).get(home).content.decode()
    assert f'href="{url}"' not in user_client(users["analyst"]).get(home).content.decode()


def test_studio_preview_then_confirm(users, org, client):
    login_verified(client, users["author"])
    url = f"/studio/{org.slug}/import/"
    page = client.post(url, {"action": "preview", **upload("qualtrics.qsf")})
    assert page.status_code == 200
    html = page.content.decode()
    assert "block BL_3 (trash)" in html
    assert "embedded data fields not imported: source, campaign" in html
    payload = page.context["payload"]
    unconfirmed = client.post(url, {"action": "confirm", "payload": payload})
    assert unconfirmed.status_code == 400
    assert Survey.objects.count() == 0
    done = client.post(url, {"action": "confirm", "payload": payload, "confirm": "yes"})
    assert done.status_code == 200
    assert "Draft survey created" in done.content.decode()
    assert Survey.objects.get().title == {"en": "Brand trust"}


def test_studio_broken_file_and_tampered_payload(users, org, client):
    login_verified(client, users["author"])
    url = f"/studio/{org.slug}/import/"
    page = client.post(url, {"action": "preview", **upload("empty.csv", b"")})
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()
    page = client.post(url, {"action": "confirm", "payload": "x:y:z", "confirm": "yes"})
    assert page.status_code == 400
    assert Survey.objects.count() == 0


def test_api_key_scopes(org):
    from tests.api.helpers import key_client

    reader = key_client(org, ["surveys:read"])
    response = reader.post(
        "/api/v1/surveys/import/?dry_run=true", upload("qualtrics.qsf"), format="multipart"
    )
    assert response.status_code == 403
    writer = key_client(org, ["surveys:write"])
    response = writer.post(
        "/api/v1/surveys/import/?confirm=true", upload("surveyjs_quiz.json"), format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["survey"]["kind"] == "quiz"


def test_file_size_limit(as_role, org, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = as_role("author").post(
        "/api/v1/surveys/import/?dry_run=true", upload("limesurvey.lss"), format="multipart"
    )
    assert response.status_code == 413
    assert errors_of(response) == [("file", "too_large")]


def test_xlsx_by_media_type(as_role, survey):
    client = as_role("author")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = client.get(f"/api/v1/surveys/{survey.pk}/definition/xlsform/", HTTP_ACCEPT=xlsx)
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx
    missing = client.get("/api/v1/surveys/999999/definition/xlsform/", HTTP_ACCEPT=xlsx)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "not_found"


QUERIES = 8  # session, user, memberships, survey, version, audit event…


@pytest.mark.parametrize("kind", ["surveyjs", "xlsform"])
def test_export_query_count(as_role, survey, kind, django_assert_num_queries):
    """A published version exports from its snapshot: the same few queries for any size."""
    client = as_role("analyst")
    with django_assert_num_queries(QUERIES):
        response = client.get(f"/api/v1/surveys/{survey.pk}/definition/{kind}/")
    assert response.status_code == 200


def test_format_comes_from_the_content_not_the_name(as_role, org):
    raw = (FIXTURES / "limesurvey.lss").read_bytes()
    response = as_role("author").post(
        "/api/v1/surveys/import/?dry_run=true", upload("survey.json", raw), format="multipart"
    )
    assert response.json()["format"] == "limesurvey"


def test_a_trustpulse_definition_file_needs_no_confirmation(as_role, org):
    from tests.factories import demo_definition

    raw = json.dumps(demo_definition()).encode()
    response = as_role("author").post(
        "/api/v1/surveys/import/", upload("comfort.json", raw), format="multipart"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["format"], body["report"], body["consent_notice"]) == ("trustpulse", [], None)
    assert body["survey"]["consent_notice"] == "privacy-notice"
