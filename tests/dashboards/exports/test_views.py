"""Studio pages of exports: roles, other organizations, the form, progress and report."""

import pytest

from dashboards.models import ExportJob
from tests.factories import member
from tests.fixtures import login_verified

from .conftest import run

pytestmark = pytest.mark.django_db


def base(org):
    return f"/studio/{org.slug}/exports/"


@pytest.mark.parametrize(
    "role, status", [("researcher", 200), ("admin", 200), ("analyst", 403), ("author", 403)]
)
def test_list_by_role(client, org, filled, role, status):
    login_verified(client, member(org, role))
    r = client.get(base(org))
    assert r.status_code == status
    if status == 200:
        assert "No exports yet" in r.content.decode()
        assert f'href="{base(org)}"' in r.content.decode()  # the navigation entry


def test_other_organization_is_404(client, org, filled, other_org):
    job = run(filled)
    login_verified(client, member(other_org, "researcher"))
    assert client.get(base(org)).status_code == 404
    login_verified(client, member(org, "researcher"))
    assert client.get(f"/studio/{other_org.slug}/exports/").status_code == 404
    # A job id of another organization under one's own address is 404 too.
    other_user = member(other_org, "researcher")
    login_verified(client, other_user)
    assert client.get(f"/studio/{other_org.slug}/exports/{job.pk}/").status_code == 404


def test_form_errors_write_nothing_then_start(
    client, org, filled, django_capture_on_commit_callbacks
):
    login_verified(client, member(org, "researcher"))
    r = client.get(base(org) + "new/")
    assert r.status_code == 200
    data = {"survey": filled.pk, "format": "sav", "layout": "wide", "k": 5, "purpose": ""}
    r = client.post(base(org) + "new/", data)
    assert r.status_code == 200
    assert "State what the data will be used for." in r.content.decode()
    assert not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(base(org) + "new/", {**data, "purpose": "Replication"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"{base(org)}{job.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert "Anonymization report" in page
    assert "Download (zip: data and codebooks)" in page
    assert "bands" not in page and "exact answer" in page


def test_progress_bar_and_cancel(client, org, filled):
    from dashboards.exports import services as ex

    user = member(org, "researcher")
    job = ex.export_create(survey=filled, user=user, format="csv", purpose="x")
    login_verified(client, user)
    page = client.get(f"{base(org)}{job.pk}/").content.decode()
    assert '<progress id="export-progress" max="100" value="0">' in page
    r = client.post(f"{base(org)}{job.pk}/", {"action": "cancel"})
    assert r.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled"


def test_settings_page_roles(client, org, filled):
    url = f"{base(org)}surveys/{filled.pk}/settings/"
    login_verified(client, member(org, "analyst"))
    assert client.get(url).status_code == 403
    login_verified(client, member(org, "researcher"))
    page = client.get(url).content.decode()
    assert "Only admins and authors can change these settings." in page
    login_verified(client, member(org, "author"))
    r = client.post(
        url,
        {
            "quasi_identifiers": ["age_band", "submitted_at"],
            "time_granularity": "quarter",
            "epsilon_budget": "2",
            "include_free_text": "on",
        },
    )
    assert r.status_code == 302
    filled.export_settings.refresh_from_db()
    assert filled.export_settings.quasi_identifiers == ["age_band", "submitted_at"]
    assert filled.export_settings.include_free_text is True


def test_versions_and_columns_from_the_form(
    client, org, filled, django_capture_on_commit_callbacks
):
    login_verified(client, member(org, "researcher"))
    page = client.get(base(org) + f"new/?survey={filled.pk}").content.decode()
    # Ticked from the survey's own lists, each with a label, not typed as codes.
    assert 'type="checkbox" name="versions" value="1"' in page
    assert 'type="checkbox" name="columns" value="trust_brand"' in page
    assert "trust_brand: " in page and "Submission time" in page
    data = {"survey": filled.pk, "format": "csv", "layout": "wide", "k": 5, "purpose": "x"}
    r = client.post(base(org) + "new/", {**data, "versions": ["1", "9"], "columns": ["nope"]})
    page = r.content.decode()
    assert r.status_code == 200 and not ExportJob.objects.exists()
    assert "Select a valid choice. 9 is not one of the available choices." in page
    assert "Select a valid choice. nope is not one of the available choices." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            base(org) + "new/", {**data, "versions": ["1"], "columns": ["trust_brand", "nps"]}
        )
    job = ExportJob.objects.get()
    assert (job.versions, job.columns) == ([1], ["trust_brand", "nps"])
