"""What each event carries: ids and respondent_ref, answers only where the notice allows."""

import pytest
from standardwebhooks import Webhook

from surveys.authoring.services.definitions import survey_close
from surveys.consent.services.rights import consent_withdraw, portal_token_issue, respondent_erase
from surveys.integrations import services as webhooks
from surveys.models import Respondent, WebhookDelivery, WebhookEvent
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, OrganizationFactory, live_survey

pytestmark = pytest.mark.django_db

BOTH = {"notice_version": 1, "purposes": ["survey_research", "marketing"]}
NEWSLETTER = [*COMFORT_ANSWERS, {"question": "shared_newsletter", "value": True}]


def _listening(org, receiver, types, **kw):
    endpoint, secret = webhooks.endpoint_create(
        organization=org, actor=None, url=receiver.url, event_types=types, **kw
    )
    receiver.server.webhooks[:] = [Webhook(secret)]
    return endpoint


def _payloads(receiver, type_):
    return [r.payload for r in receiver.received if r.verified and r.type == type_]


@pytest.mark.parametrize(
    ("recipient", "purposes", "expected"),
    [
        ("Acme mailing provider", ["marketing"], {"shared_newsletter": True}),
        ("Some other CRM", ["marketing"], None),  # the notice does not name it
        ("Acme mailing provider", ["survey_research"], None),  # not a recipient of research
        ("", [], None),
    ],
)
def test_answers_only_for_purposes_whose_notice_names_the_endpoint(
    receiver_factory, django_capture_on_commit_callbacks, recipient, purposes, expected
):
    org = OrganizationFactory()
    survey = live_survey(org)
    receiver = receiver_factory()
    _listening(org, receiver, ["response.completed"], recipient=recipient, answer_purposes=purposes)
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(consent=BOTH, survey=survey, answers=NEWSLETTER)
    [payload] = _payloads(receiver, "response.completed")
    assert payload["data"].get("answers") == expected
    assert payload["version"] == 1


def test_withdrawn_purpose_answers_are_not_sent(receiver_factory):
    org = OrganizationFactory()
    survey = live_survey(org)
    receiver = receiver_factory()
    _listening(
        org,
        receiver,
        ["response.completed"],
        recipient="Acme mailing provider",
        answer_purposes=["marketing"],
    )
    response = response_submit(consent=BOTH, survey=survey, answers=NEWSLETTER)
    consent_withdraw(respondent=response.respondent, purposes=["marketing"])
    delivery = WebhookDelivery.objects.get(event__type="response.completed")
    assert webhooks.delivery_attempt(delivery_id=delivery.pk).state == "delivered"
    [payload] = _payloads(receiver, "response.completed")
    assert "answers" not in payload["data"]


def test_consent_events_carry_the_ref_and_receipts_never_tokens(
    receiver_factory, django_capture_on_commit_callbacks
):
    org = OrganizationFactory()
    survey = live_survey(org)
    receiver = receiver_factory()
    _listening(org, receiver, ["consent.given", "consent.withdrawn", "respondent.erased"])
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(
            consent=BOTH, survey=survey, answers=NEWSLETTER, external_id="crm-4711"
        )
    respondent = Respondent.objects.get(pk=response.respondent_id)
    token = portal_token_issue(respondent=respondent)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=respondent, purposes=["marketing"])
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=respondent)
    given, partial, whole, erased = [r.payload for r in receiver.received if r.verified]
    assert given["type"] == "consent.given"
    assert given["data"]["purposes"] == ["survey_research", "marketing"]
    assert given["data"]["respondent_ref"] == respondent.respondent_ref
    assert partial["type"] == "consent.withdrawn"
    assert (partial["data"]["purposes"], partial["data"]["erased_everything"]) == (
        ["marketing"],
        False,
    )
    assert whole["type"] == "consent.withdrawn"
    assert (whole["data"]["purposes"], whole["data"]["erased_everything"]) == (
        ["survey_research"],
        True,
    )
    assert erased["type"] == "respondent.erased"
    assert erased["data"]["reason"] == "withdrawn"
    assert erased["data"]["response_ids"] == [str(response.pk)]
    everything = str([r.payload for r in receiver.received])
    assert token not in everything
    assert "crm-4711" not in everything
    assert respondent.external_id_hmac not in everything


def test_every_event_type_has_a_schema_and_payloads_validate(
    receiver_factory, django_capture_on_commit_callbacks
):
    import json
    from pathlib import Path

    from jsonschema import Draft202012Validator

    from surveys.enums import WebhookEventType

    folder = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "webhooks"
    schemas = {
        t: json.loads((folder / f"{t}.v1.schema.json").read_text()) for t in WebhookEventType.values
    }
    org = OrganizationFactory()
    survey = live_survey(org)
    receiver = receiver_factory()
    endpoint = _listening(org, receiver, webhooks.SUBSCRIBABLE)
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(consent=BOTH, survey=survey, answers=NEWSLETTER)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=response.respondent, purposes=["marketing"])
    with django_capture_on_commit_callbacks(execute=True):
        respondent_erase(respondent=response.respondent)
    with django_capture_on_commit_callbacks(execute=True):
        survey_close(survey=survey)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.endpoint_test_send(endpoint=endpoint, actor=None)
    seen = set()
    for record in receiver.received:
        assert record.verified
        Draft202012Validator(schemas[record.type]).validate(record.payload)
        seen.add(record.type)
    assert seen == {
        "response.completed",
        "consent.given",
        "consent.withdrawn",
        "respondent.erased",
        "survey.closed",
        "webhook.test",
    }
    assert WebhookEvent.objects.count() == len(receiver.received)
