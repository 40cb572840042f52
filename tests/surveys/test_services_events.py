import pytest

from surveys import selectors
from surveys.consent.services.rights import consent_withdraw
from surveys.models import BehaviourEvent
from surveys.responses.services.events import behaviour_kind_create, events_ingest
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, published_notice
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db

AT = "2026-11-20T12:00:00+00:00"


@pytest.fixture
def respondents(org, survey):
    survey.consent_notice = published_notice(org).notice
    survey.save()
    with_bm = response_submit(
        survey=survey,
        answers=COMFORT_ANSWERS,
        external_id="cust-1",
        consent={"notice_version": 1, "purposes": ["survey_research", "behavioural_measurement"]},
    ).respondent
    without = response_submit(
        survey=survey,
        answers=COMFORT_ANSWERS,
        consent={"notice_version": 1, "purposes": ["survey_research"]},
    ).respondent
    return with_bm, without


def test_batch_is_stored_once_per_event_id(org, respondents, django_capture_on_commit_callbacks):
    ok, _ = respondents
    batch = [
        {
            "id": "e1",
            "kind": "marketing_opt_out",
            "value": True,
            "occurred_at": AT,
            "respondent_ref": ok.respondent_ref,
        },
        {
            "id": "e2",
            "kind": "content_posted_words",
            "value": 120,
            "occurred_at": AT,
            "external_id": "cust-1",
        },
    ]
    result = events_ingest(organization=org, events=batch)
    assert (result.created, result.duplicates) == (2, 0)
    again = events_ingest(organization=org, events=batch + [dict(batch[0])])
    assert (again.created, again.duplicates) == (0, 3)
    stored = BehaviourEvent.objects.filter(source="api").order_by("idempotency_id")
    assert [(e.idempotency_id, e.kind, e.value, e.respondent_id) for e in stored] == [
        ("e1", "marketing_opt_out", True, ok.pk),
        ("e2", "content_posted_words", 120, ok.pk),
    ]


def test_any_bad_event_stores_none(org, respondents):
    ok, without = respondents
    batch = [
        {
            "id": "a",
            "kind": "marketing_opt_out",
            "value": True,
            "occurred_at": AT,
            "respondent_ref": ok.respondent_ref,
        },
        {
            "id": "b",
            "kind": "teleported",
            "value": 1,
            "occurred_at": AT,
            "respondent_ref": ok.respondent_ref,
        },
        {
            "id": "c",
            "kind": "notice_dwell_ms",
            "value": -4,
            "occurred_at": "soon",
            "respondent_ref": "r_nobody",
        },
        {
            "id": "d",
            "kind": "notice_opened",
            "value": True,
            "occurred_at": AT,
            "respondent_ref": without.respondent_ref,
        },
        {
            "id": "e",
            "kind": "notice_opened",
            "value": True,
            "occurred_at": AT,
            "portal_token": "abc",
        },
    ]
    with pytest.raises(ServiceValidationError) as err:
        events_ingest(organization=org, events=batch)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("events[1].kind", "unknown_kind"),
        ("events[2].value", "invalid_value"),
        ("events[2].occurred_at", "invalid"),
        ("events[2].respondent_ref", "unknown_respondent"),
        ("events[3].respondent_ref", "no_consent"),
        ("events[4].portal_token", "unknown_field"),
        ("events[4].respondent_ref", "required"),
    ]
    assert BehaviourEvent.objects.filter(source="api").count() == 0


def test_withdrawn_respondents_refuse_events(org, respondents):
    ok, _ = respondents
    consent_withdraw(respondent=ok, purposes=["behavioural_measurement"])
    with pytest.raises(ServiceValidationError) as err:
        events_ingest(
            organization=org,
            events=[
                {
                    "id": "x",
                    "kind": "notice_opened",
                    "value": True,
                    "occurred_at": AT,
                    "respondent_ref": ok.respondent_ref,
                }
            ],
        )
    assert err.value.errors[0].code == "no_consent"


def test_other_orgs_respondents_are_unknown(other_org, respondents):
    ok, _ = respondents
    with pytest.raises(ServiceValidationError) as err:
        events_ingest(
            organization=other_org,
            events=[
                {
                    "id": "x",
                    "kind": "notice_opened",
                    "value": True,
                    "occurred_at": AT,
                    "respondent_ref": ok.respondent_ref,
                }
            ],
        )
    assert err.value.errors[0].code == "unknown_respondent"


def test_org_kinds_and_fixed_transforms(org, respondents):
    kind = behaviour_kind_create(
        organization=org,
        code="cookie_banner_rejected",
        description="Rejected all cookies",
        value_schema={"type": "boolean"},
        direction="more_protective",
        transform={"op": "bool"},
    )
    assert kind.as_kind().protection(True) == 1.0
    with pytest.raises(ServiceValidationError) as err:
        behaviour_kind_create(
            organization=org,
            code="notice_opened",
            description="x",
            value_schema=[],
            direction="sideways",
            transform={"op": "log"},
        )
    assert [e.field for e in err.value.errors] == ["code", "direction", "value_schema", "transform"]
    ok, _ = respondents
    events_ingest(
        organization=org,
        events=[
            {
                "id": "k",
                "kind": "cookie_banner_rejected",
                "value": True,
                "occurred_at": AT,
                "respondent_ref": ok.respondent_ref,
            }
        ],
    )
    kinds = selectors.kinds_for(org)
    assert kinds["notice_dwell_ms"].protection(15000) == 0.5
    assert kinds["notice_dwell_ms"].protection(90000) == 1.0
    assert kinds["content_posted_words"].protection(125) == 0.75
    assert kinds["optional_field_disclosed"].protection("") == 1.0
    assert kinds["optional_purpose_granted"].protection("marketing") == 0.0
