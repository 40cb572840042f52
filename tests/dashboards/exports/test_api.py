"""The exports API: roles, other organizations, signed downloads, settings, DP, queries."""

import pytest
from django.urls import reverse

from dashboards.models import ExportJob
from surveys.models import AuditEvent
from tests.factories import member
from tests.fixtures import login_verified

from .conftest import run

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/"


def body(survey, **kw):
    return {"survey": survey.pk, "format": "csv", "purpose": "Replication", **kw}


@pytest.fixture
def start(client, django_capture_on_commit_callbacks):
    """POST an export and run its task (queued after commit), then read the job back."""

    def go(data):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(URL, data, content_type="application/json")
        if r.status_code != 202:
            return r, None
        return r, client.get(f"{URL}{r.json()['id']}/").json()

    return go


@pytest.mark.parametrize(
    "role, status",
    [("researcher", 202), ("admin", 202), ("analyst", 403), ("author", 403)],
)
def test_create_by_role(client, org, filled, role, status, start):
    login_verified(client, member(org, role))
    r, job = start(body(filled))
    assert r.status_code == status, r.content
    if status == 202:
        assert r.json()["status"] == "queued"
        assert job["status"] == "succeeded"  # eager Celery in tests
        assert job["progress"] == 100
        assert job["report"]["k_achieved"] == 10
        assert job["download_url"].startswith(f"{URL}{job['id']}/download/?token=")


def test_other_organization_gets_404(client, org, filled, other_org):
    job = run(filled)
    login_verified(client, member(other_org, "researcher"))
    assert client.post(URL, body(filled), content_type="application/json").status_code == 404
    assert client.get(f"{URL}{job.pk}/").status_code == 404
    assert client.post(f"{URL}{job.pk}/cancel/").status_code == 404
    assert client.get(f"{URL}surveys/{filled.pk}/settings/").status_code == 404
    assert client.get(f"{URL}surveys/{filled.pk}/dp-releases/").status_code == 404
    assert client.get(URL).json()["count"] == 0


def test_analyst_gets_403_on_every_endpoint(client, org, filled):
    job = run(filled)
    login_verified(client, member(org, "analyst"))
    assert client.get(f"{URL}{job.pk}/").status_code == 403
    assert client.get(f"{URL}surveys/{filled.pk}/settings/").status_code == 403
    assert client.get(f"{URL}surveys/{filled.pk}/dp-releases/").status_code == 403
    assert client.get(URL).json()["count"] == 0


def test_api_keys_and_anonymous_are_refused(client, filled, api_key):
    assert client.get(URL).status_code == 401
    r = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {api_key[1]}")
    assert r.status_code == 403


def test_errors_have_field_paths_and_write_nothing(client, org, filled):
    login_verified(client, member(org, "researcher"))
    r = client.post(
        URL, body(filled, purpose="", versions=[7], k=2), content_type="application/json"
    )
    assert r.status_code == 400
    assert {e["field"]: e["code"] for e in r.json()["errors"]} == {
        "purpose": "required",
        "k": "out_of_range",
        "versions[0]": "unknown",
    }
    assert not ExportJob.objects.exists()


def test_signed_download(client, org, filled, settings, start):
    user = member(org, "researcher")
    login_verified(client, user)
    _, job = start(body(filled))
    r = client.get(job["download_url"])
    assert r.status_code == 200
    assert r["Content-Type"] == "application/zip"
    assert b"".join(r.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export.downloaded").count() == 1
    assert client.get(f"{URL}{job['id']}/download/?token=forged").status_code == 403
    settings.EXPORT_LINK_MAX_AGE = -1
    assert client.get(job["download_url"]).status_code == 403


def test_cancel_finished_is_400(client, org, filled, start):
    login_verified(client, member(org, "researcher"))
    _, job = start(body(filled))
    r = client.post(f"{URL}{job['id']}/cancel/")
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "finished"


def test_settings_read_and_edit_by_role(client, org, filled):
    url = f"{URL}surveys/{filled.pk}/settings/"
    login_verified(client, member(org, "researcher"))
    got = client.get(url).json()
    assert got["quasi_identifiers"] == ["age_band", "submitted_at", "locale", "channel"]
    assert got["include_free_text"] is False
    assert got["epsilon_spent"] == "0"
    new = {**got, "sensitive_attributes": ["trust_brand"], "include_free_text": True}
    assert client.put(url, new, content_type="application/json").status_code == 403
    login_verified(client, member(org, "author"))
    r = client.put(url, new, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["sensitive_attributes"] == ["trust_brand"]
    bad = {**got, "quasi_identifiers": ["concern", "nope"]}
    r = client.put(url, bad, content_type="application/json")
    assert {e["field"]: e["code"] for e in r.json()["errors"]} == {
        "quasi_identifiers[0]": "unsupported_type",
        "quasi_identifiers[1]": "unknown",
    }


def test_dp_release_api(client, org, filled):
    login_verified(client, member(org, "researcher"))
    url = f"{URL}surveys/{filled.pk}/dp-releases/"
    data = {
        "purpose": "Trust by age",
        "mechanism": "laplace",
        "epsilon": "1.5",
        "segment_by": "age_band",
        "variables": [{"code": "trust_brand", "lower": 1, "upper": 5}],
    }
    r = client.post(url, data, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["noise"]["statistics"][0]["scale"] == pytest.approx(2 / 1.5)
    r = client.post(url, {**data, "epsilon": "2"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "budget_exceeded"
    assert client.get(url).json()["count"] == 1


def test_list_query_count_does_not_grow(client, org, filled, django_assert_max_num_queries):
    user = member(org, "researcher")
    for _ in range(3):
        run(filled, user=user)
    login_verified(client, user)
    with django_assert_max_num_queries(6):
        r = client.get(URL)
    assert r.json()["count"] == 3
    for _ in range(3):
        run(filled, user=user)
    with django_assert_max_num_queries(6):
        assert client.get(URL).json()["count"] == 6


def test_schema_has_the_endpoints(client):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/v1/exports/{id}/download/" in paths
    assert "/api/v1/exports/surveys/{survey_id}/dp-releases/" in paths
    assert reverse("exports-api:list") == URL
