"""Export jobs: what is (never) exported, pseudonyms, free text, limits, cancellation, audit."""

import csv
import io

import pytest
from django.core import signing

from dashboards.enums import ExportStatus
from dashboards.exports import services as ex
from dashboards.exports.run import export_run
from surveys.consent.services.rights import consent_withdraw
from surveys.models import AuditEvent, Response
from surveys.responses.services.write import response_submit
from tests.factories import member
from trustpulse.validation import ServiceValidationError

from .conftest import bundle, comfort_answers, run

pytestmark = pytest.mark.django_db

CONSENT = {"notice_version": 1, "purposes": ["survey_research"]}


def rows(job):
    return list(csv.DictReader(io.StringIO(bundle(job).read("data.csv").decode())))


def test_withdrawn_test_and_partial_responses_never_appear(filled, org):
    gone = response_submit(
        survey=filled, answers=comfort_answers(0, trust_brand=5), consent=CONSENT
    )
    response_submit(survey=filled, answers=comfort_answers(1), consent=CONSENT, is_test=True)
    before = rows(run(filled))
    assert len(before) == 41
    consent_withdraw(respondent=gone.respondent)
    after = rows(run(filled))
    assert len(after) == 40
    assert Response.objects.filter(survey=filled, is_test=True).count() == 1


def test_no_direct_identifiers_and_pseudonyms_differ_between_exports(filled):
    a, b = rows(run(filled)), rows(run(filled))
    refs = set(Response.objects.values_list("respondent__respondent_ref", flat=True))
    ids = {str(i) for i in Response.objects.values_list("respondent_id", flat=True)}
    text = bundle(run(filled)).read("data.csv").decode()
    assert not any(ref in text for ref in refs) and not any(i in text for i in ids)
    assert {r["respondent_id"] for r in a}.isdisjoint({r["respondent_id"] for r in b})
    assert len({r["respondent_id"] for r in a}) == 40
    # A deliberately reused study key makes two exports joinable.
    c = rows(run(filled, study_key="panel-2026"))
    d = rows(run(filled, study_key="panel-2026"))
    assert [r["respondent_id"] for r in c] == [r["respondent_id"] for r in d]


def test_free_text_only_when_allowed_and_then_scrubbed(filled, org):
    response_submit(
        survey=filled,
        answers=comfort_answers(
            0, improve_text="Email me at ann@example.org, I'm Ann", trust_brand=3
        ),
        consent=CONSENT,
    )
    assert "improve_text" not in rows(run(filled))[0]
    cfg = ex.export_settings_get(survey=filled)
    ex.export_settings_update(
        survey=filled,
        user=None,
        quasi_identifiers=cfg.quasi_identifiers,
        sensitive_attributes=[],
        include_free_text=True,
        time_granularity="month",
        epsilon_budget=cfg.epsilon_budget,
    )
    texts = {r["improve_text"] for r in rows(run(filled))}
    assert "Email me at [email], I'm [name]" in texts
    assert not any("ann@example.org" in t for t in texts)


def test_small_groups_are_generalized_or_dropped(filled):
    # One respondent aged 60+ more than the others would still be fine (11 ≥ 5); with k=11
    # the 10-person bands must merge into pairs.
    job = run(filled, k=11)
    assert job.report["generalizations"]["age_band"] == "bands of 2 adjacent choices"
    assert job.report["k_achieved"] == 20
    counts = {}
    for r in rows(job):
        key = (r["age_band"], r["submitted_at"], r["locale"], r["channel"])
        counts[key] = counts.get(key, 0) + 1
    assert min(counts.values()) >= 11


def test_validation_writes_nothing(filled):
    with pytest.raises(ServiceValidationError) as exc:
        ex.export_create(
            survey=filled,
            user=None,
            format="nope",
            purpose=" ",
            k=1,
            versions=[9],
            columns=["nope"],
        )
    fields = {e.field: e.code for e in exc.value.errors}
    assert fields == {
        "purpose": "required",
        "format": "invalid",
        "k": "out_of_range",
        "versions[0]": "unknown",
        "columns[0]": "unknown",
    }
    assert not AuditEvent.objects.filter(action="export.created").exists()


def test_size_limits_are_checked_up_front(filled, settings, monkeypatch):
    settings.EXPORT_STATS_MAX_ROWS = 39
    with pytest.raises(ServiceValidationError) as exc:
        ex.export_create(survey=filled, user=None, format="sav", purpose="x")
    assert exc.value.errors[0].code == "too_many_rows"
    assert "Parquet or CSV" in exc.value.errors[0].message
    monkeypatch.setattr(ex, "XLSX_MAX_ROWS", 10)
    with pytest.raises(ServiceValidationError) as exc:
        ex.export_create(survey=filled, user=None, format="xlsx", purpose="x")
    assert "at most 10 rows" in exc.value.errors[0].message


def test_audit_records_parameters_purpose_and_guarantees(filled, org):
    user = member(org, "researcher")
    job = run(filled, user=user, purpose="Trust and age")
    events = list(AuditEvent.objects.filter(action="export.created").order_by("id"))
    assert [e.data["stage"] for e in events] == ["requested", "completed"]
    assert events[0].data["purpose"] == "Trust and age"
    assert events[0].actor == user
    assert events[1].data["guarantees"]["k_achieved"] == job.report["k_achieved"] == 10
    assert events[1].data["quasi_identifiers"] == ["age_band", "submitted_at", "locale", "channel"]


def test_cancel_stops_the_run_and_is_audited(filled):
    job = ex.export_create(survey=filled, user=None, format="csv", purpose="x")
    ex.export_cancel(job=job, user=None)
    assert export_run(job_id=job.pk).status == ExportStatus.CANCELLED
    with pytest.raises(ServiceValidationError):
        ex.export_cancel(job=job, user=None)
    assert AuditEvent.objects.filter(action="export.cancelled").count() == 1


def test_download_tokens_expire(filled, settings):
    job = run(filled)
    token = ex.export_download_token(job)
    assert ex.export_download_token_valid(job, token)
    assert not ex.export_download_token_valid(job, token + "x")
    settings.EXPORT_LINK_MAX_AGE = -1
    assert not ex.export_download_token_valid(job, token)
    other = signing.dumps("another", salt=ex.DOWNLOAD_SALT)
    settings.EXPORT_LINK_MAX_AGE = 3600
    assert not ex.export_download_token_valid(job, other)


def test_progress_reaches_100_and_files_expire(filled):
    import datetime as dt

    job = run(filled)
    assert (job.status, job.progress, job.rows_total, job.rows_written) == (
        "succeeded",
        100,
        40,
        40,
    )
    assert ex.exports_purge(now=job.expires_at + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.file_name == "" and not ex.export_downloadable(job)


def test_reading_chunks_costs_two_queries_per_chunk(filled, django_assert_num_queries):
    from surveys.selectors.exports import export_response_chunks

    with django_assert_num_queries(3):  # responses + 2 chunks of answers
        chunks = list(export_response_chunks(survey=filled, chunk_size=20))
    assert [len(c) for c in chunks] == [20, 20]
    assert len(chunks[0][0].answers) == 11  # the matrix has 4 rows
