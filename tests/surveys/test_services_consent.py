import datetime as dt

import pytest
from django.apps import apps
from django.db.models import F, ForeignKey

from surveys.consent.selectors import notice_current_version, portal_lookup
from surveys.consent.services.consent import (
    consent_counter_bump,
    consent_give,
    consent_receipt,
    consent_receipt_errors,
    notice_content_errors,
    notice_publish,
    notice_save,
    notice_text,
    notice_text_hash,
)
from surveys.consent.services.response_consent import ConsentInput
from surveys.consent.services.rights import (
    consent_withdraw,
    portal_token_issue,
    purge_expired,
    respondent_data,
    respondent_erase,
)
from surveys.enums import CollectionMethod
from surveys.models import (
    Answer,
    AuditEvent,
    BehaviourEvent,
    ConsentCounter,
    ConsentRecord,
    Respondent,
    Response,
    Tombstone,
)
from surveys.responses.services.respondents import respondent_create
from surveys.responses.services.response_flow import response_start
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, demo_notice_content, published_notice
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db


def test_notice_content_errors_have_paths(org):
    content = demo_notice_content()
    content["purposes"][1]["required"] = True  # behavioural_measurement cannot be required
    content["purposes"][2]["id"] = "survey_research"
    del content["purposes"][0]["title"]["zh-Hant"]
    content["controller"]["colour"] = "red"
    errors = notice_content_errors(content)
    assert [(e.field, e.code) for e in errors] == [("controller", "additionalProperties")]
    del content["controller"]["colour"]
    errors = notice_content_errors(content)
    assert [(e.field, e.code) for e in errors] == [
        ("purposes[0].title.zh-Hant", "required"),
        ("purposes[1].required", "invalid"),
        ("purposes[2].id", "duplicate"),
    ]


def test_notice_versions_freeze_on_publish(org):
    v1 = published_notice(org)
    assert (v1.number, v1.is_frozen) == (1, True)
    content = demo_notice_content()
    content["purposes"][0]["retention_days"] = 30
    v2 = notice_save(
        organization=org, slug="privacy-notice", name="Privacy notice", content=content
    )
    assert v2.number == 2 and not v2.is_frozen
    assert notice_current_version(v1.notice) == v1
    notice_publish(version=v2)
    assert notice_current_version(v1.notice) == v2
    v1.refresh_from_db()
    assert v1.purposes[0]["retention_days"] == 365


def test_text_hash_is_stable_and_follows_the_text(org):
    v1 = published_notice(org)
    h_en = notice_text_hash(v1, "en")
    assert h_en == notice_text_hash(v1, "en")
    assert h_en != notice_text_hash(v1, "zh-Hant")
    assert len(h_en) == 64
    content = demo_notice_content()
    content["full_text"]["en"] += " Changed."
    v2 = notice_save(
        organization=org, slug="privacy-notice", name="Privacy notice", content=content
    )
    assert notice_text_hash(v2, "en") != h_en
    # The version's identity is part of what is hashed: v2 differs in every locale.
    assert notice_text(v2, "zh-Hant")["full_text"] == notice_text(v1, "zh-Hant")["full_text"]


def respondent_with_consent(org, survey, purposes):
    response = response_submit(
        survey=survey,
        answers=COMFORT_ANSWERS,
        consent={"notice_version": 1, "purposes": purposes},
    )
    respondent = response.respondent
    record = ConsentRecord.objects.get(response=response)
    token = portal_token_issue(respondent=respondent)
    BehaviourEvent.objects.create(
        organization=org,
        respondent=respondent,
        response=response,
        kind="notice_opened",
        value=True,
        occurred_at=response.submitted_at,
        source="in_survey",
        idempotency_id="e1",
    )
    return respondent, record, token


def test_consent_requires_required_purposes(org, survey):
    version = published_notice(org)
    respondent = respondent_create(organization=org)
    with pytest.raises(ServiceValidationError) as err:
        consent_give(
            respondent=respondent,
            version=version,
            locale="en",
            purposes=["marketing", "nope"],
            method=CollectionMethod.API,
        )
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("purposes", "invalid_choice"),
        ("purposes", "required_purpose"),
    ]
    assert ConsentRecord.objects.count() == 0


def test_receipt_matches_the_schema(org, survey):
    _, record, _ = respondent_with_consent(org, survey, ["survey_research", "marketing"])
    receipt = consent_receipt(record)
    assert consent_receipt_errors(receipt) == []
    assert receipt["consentReceiptID"] == str(record.receipt_id)
    assert receipt["piiPrincipalId"] == record.respondent.respondent_ref
    assert [p["purposeCategory"] for p in receipt["services"][0]["purposes"]] == [
        ["Research"],
        ["Marketing"],
    ]
    assert receipt["trustpulse"]["noticeTextSha256"] == notice_text_hash(
        record.notice_version, "en"
    )
    assert consent_receipt_errors({**receipt, "version": "1"}) != []


def test_counters(org):
    version = published_notice(org)
    for field in ["shown", "shown", "declined", "consented"]:
        consent_counter_bump(version=version, field=field)
    c = ConsentCounter.objects.get()
    assert (c.shown, c.declined, c.consented) == (2, 1, 1)


def related_rows(respondent_id):
    """Rows in every model that points at a respondent, directly or via a response."""
    counts = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, ForeignKey) and f.related_model in (Respondent, Response):
                lookup = f.name if f.related_model is Respondent else f"{f.name}__respondent"
                counts[f"{model.__name__}.{f.name}"] = model.objects.filter(
                    **{lookup: respondent_id}
                ).count()
    return counts


def test_full_withdrawal_erases_every_row_and_keeps_a_tombstone(org, survey):
    respondent, record, token = respondent_with_consent(
        org, survey, ["survey_research", "behavioural_measurement"]
    )
    rid = respondent.pk
    assert related_rows(rid)["Answer.response"] == 11
    result = consent_withdraw(respondent=respondent)
    assert result.erased_everything and result.answers_deleted == 11
    # e1, plus what the consent step recorded: behavioural_measurement granted,
    # the optional age band disclosed
    assert result.events_deleted == 3
    assert set(related_rows(rid).values()) == {0}
    assert not Respondent.objects.filter(pk=rid).exists()
    tomb = Tombstone.objects.get()
    assert tomb.receipt_ids == [str(record.receipt_id)]
    lookup = portal_lookup(token=token)
    assert lookup.respondent is None and lookup.tombstone == tomb
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions[-2:] == ["consent.given", "consent.withdrawn"]


def test_withdrawing_one_optional_purpose_erases_only_what_it_covers(org, survey):
    respondent, record, _ = respondent_with_consent(
        org, survey, ["survey_research", "behavioural_measurement", "marketing"]
    )
    from surveys.models import Question

    Question.objects.filter(code="shared_newsletter").update(purpose="marketing")
    Answer.objects.create(
        response=respondent.responses.get(),
        question=Question.objects.get(code="shared_newsletter", version=survey.live_version),
        question_code="shared_newsletter",
        boolean=True,
    )
    result = consent_withdraw(respondent=respondent, purposes=["behavioural_measurement"])
    # e1, two optional purposes granted, the optional age band disclosed
    assert (result.erased_everything, result.events_deleted, result.answers_deleted) == (
        False,
        4,
        0,
    )
    result = consent_withdraw(respondent=respondent, purposes=["marketing"])
    assert result.answers_deleted == 1
    assert Answer.objects.filter(response__respondent=respondent).count() == 11
    record.refresh_from_db()
    assert record.active_purposes == ["survey_research"]
    assert sorted(record.purposes_withdrawn) == ["behavioural_measurement", "marketing"]
    with pytest.raises(ServiceValidationError) as err:
        consent_withdraw(respondent=respondent, purposes=["marketing"])
    assert err.value.errors[0].code == "already_withdrawn"


def test_erasure_and_export(org, survey):
    respondent, record, token = respondent_with_consent(org, survey, ["survey_research"])
    data = respondent_data(respondent=respondent)
    assert data["respondent_ref"] == respondent.respondent_ref
    assert len(data["responses"][0]["answers"]) == 11
    assert data["consents"][0]["consentReceiptID"] == str(record.receipt_id)
    assert data["history"][0]["action"] == "consent.given"
    respondent_erase(respondent=respondent)
    assert Tombstone.objects.get().reason == "erased"
    assert portal_lookup(token="forged-token").found is False


def test_retention_purge(org, survey):
    respondent, record, _ = respondent_with_consent(
        org, survey, ["survey_research", "behavioural_measurement"]
    )
    submitted = respondent.responses.get().submitted_at
    soon = submitted + dt.timedelta(days=200)
    plan = purge_expired(now=soon, dry_run=True)
    assert [(i.purposes, i.whole_response, i.events) for i in plan] == [
        (["behavioural_measurement"], False, 3)
    ]
    assert BehaviourEvent.objects.count() == 3
    purge_expired(now=soon)
    assert BehaviourEvent.objects.count() == 0 and Answer.objects.count() == 11
    assert purge_expired(now=soon) == []
    purge_expired(now=submitted + dt.timedelta(days=366))
    assert (Respondent.objects.count(), Answer.objects.count()) == (0, 0)
    assert Tombstone.objects.get().reason == "expired"


def test_audit_events_cannot_change(org):
    published_notice(org)
    event = AuditEvent.objects.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_audit_log_is_append_only_below_the_orm(org):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL; SQLite relies on the model")
    published_notice(org)
    for sql in ("UPDATE surveys_auditevent SET action = 'x'", "DELETE FROM surveys_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.filter(action="notice.published").count() == 1


@pytest.fixture
def consented_survey(org, survey):
    survey.consent_notice = published_notice(org).notice
    survey.save()
    return survey


def test_web_start_needs_consent_and_records_the_consent_step(org, consented_survey):
    version = published_notice(org)
    with pytest.raises(ServiceValidationError) as err:
        response_start(survey=consented_survey, locale="en")
    assert [(e.field, e.code) for e in err.value.errors] == [("consent", "required")]
    assert (Respondent.objects.count(), Response.objects.count()) == (0, 0)
    bad = ConsentInput(version=version, purposes=["marketing"], locale="en")
    with pytest.raises(ServiceValidationError) as err:
        response_start(survey=consented_survey, locale="en", consent=bad)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("consent.purposes", "required_purpose")
    ]
    assert Respondent.objects.count() == 0
    consent = ConsentInput(
        version=version,
        purposes=["survey_research", "behavioural_measurement", "marketing"],
        locale="en",
        notice_opened=False,
        notice_dwell_ms=1200,
    )
    response, _ = response_start(survey=consented_survey, locale="en", consent=consent)
    record = ConsentRecord.objects.get()
    assert record.response == response and record.collection_method == "web_form"
    assert record.text_hash == notice_text_hash(version, "en")
    assert sorted(BehaviourEvent.objects.values_list("kind", "value")) == [
        ("notice_dwell_ms", 1200),
        ("notice_opened", False),
        ("optional_purpose_granted", "behavioural_measurement"),
        ("optional_purpose_granted", "marketing"),
        ("terms_accepted_unread", True),
    ]
    assert portal_lookup(token=response.portal_token).respondent == response.respondent
    assert ConsentCounter.objects.get().consented == 1


def test_no_behaviour_is_recorded_without_behavioural_consent(org, consented_survey):
    consent = ConsentInput(
        version=published_notice(org),
        purposes=["survey_research"],
        locale="en",
        notice_opened=True,
        notice_dwell_ms=9000,
    )
    response_start(survey=consented_survey, locale="en", consent=consent)
    assert BehaviourEvent.objects.count() == 0


def test_headless_submission_carries_consent(org, consented_survey):
    with pytest.raises(ServiceValidationError) as err:
        response_submit(survey=consented_survey, answers=COMFORT_ANSWERS)
    assert [(e.field, e.code) for e in err.value.errors] == [("consent", "required")]
    with pytest.raises(ServiceValidationError) as err:
        response_submit(
            survey=consented_survey,
            answers=COMFORT_ANSWERS,
            consent={"notice_version": 7, "purposes": [], "timestamp": "yesterday", "x": 1},
        )
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("consent.x", "unknown_field"),
        ("consent.notice_version", "invalid"),
        ("consent.timestamp", "invalid"),
    ]
    assert Response.objects.count() == 0
    response = response_submit(
        survey=consented_survey,
        answers=COMFORT_ANSWERS,
        locale="zh-Hant",
        consent={
            "notice_version": 1,
            "purposes": ["survey_research"],
            "timestamp": "2026-11-01T10:00:00+01:00",
        },
    )
    record = ConsentRecord.objects.get()
    assert (record.response, record.collection_method, record.locale) == (
        response,
        "api",
        "zh-Hant",
    )
    assert record.given_at.isoformat() == "2026-11-01T09:00:00+00:00"
    assert response.respondent.portal_token_hash is None  # the brand never gets a portal link


def test_purge_command_dry_run_lists_and_changes_nothing(org, survey):
    import io

    from django.core.management import call_command

    respondent_with_consent(org, survey, ["survey_research"])
    out = io.StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "0 consent record(s) would purge."
    Response.objects.update(submitted_at=F("submitted_at") - dt.timedelta(days=400))
    out = io.StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "would purge" in out.getvalue() and "whole response (11 answers" in out.getvalue()
    assert Answer.objects.count() == 11
    call_command("purge_expired", stdout=io.StringIO())
    assert Answer.objects.count() == 0
