"""Purpose-bound collection: a question is asked, taken and stored only under its granted purpose.

The demo survey's last page holds ``age_band`` (survey_research, required to
take part) and ``shared_newsletter`` (marketing, optional).
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from surveys.answers import clean_answers
from surveys.authoring.services.definitions import definition_import, survey_publish
from surveys.consent.services.rights import consent_withdraw, portal_token_issue
from surveys.enums import ApiScope, ResponseStatus
from surveys.logic import section_path
from surveys.models import (
    Answer,
    ConsentRecord,
    Respondent,
    Response,
    SubmissionInbox,
)
from surveys.responses.services import inbox
from surveys.responses.services.events import behaviour_kind_create, events_ingest
from surveys.responses.services.response_flow import (
    response_complete,
    response_save_section,
    response_start,
)
from surveys.responses.services.write import response_submit
from surveys.spec import spec_from_definition
from tests.api.helpers import errors_of, key_client
from tests.factories import COMFORT_ANSWERS, CONSENT, demo_definition
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db

NEWSLETTER = "Would you like our privacy newsletter?"
FOLLOW_UP = "May we write to you about this survey’s results?"
PAGES = [
    (
        "attitudes",
        {
            "q-concern-worry": "4",
            "q-concern-control": "5",
            "q-concern-no_concern": "2",
            "q-concern-reads_terms": "2",
            "q-trust_brand": "3",
        },
    ),
    ("habits", {"q-policy_reading": "sometimes", "q-protective_actions": ["ad_blocker"]}),
    ("recommend", {"q-nps": "9", "q-attention": "blue"}),
]
ABOUT = {"q-age_band": "a30_44", "q-shared_newsletter": "yes"}
NEWSLETTER_ANSWER = {"question": "shared_newsletter", "value": True}


def bound_definition() -> dict:
    """The demo survey with the newsletter question required and a question whose
    display logic refers to it (shown while the newsletter question is unanswered)."""
    doc = demo_definition()
    doc.pop("slug", None)
    about = next(s for s in doc["sections"] if s["code"] == "about_you")
    newsletter = next(q for q in about["questions"] if q["code"] == "shared_newsletter")
    newsletter["required"] = True
    about["questions"].append(
        {
            "code": "results_contact",
            "type": "yes_no",
            "text": {"en": FOLLOW_UP, "zh-Hant": "我們可以寫信告訴您本調查的結果嗎？"},
            "display_logic": {"question": "shared_newsletter", "op": "not_answered"},
            "required": True,
            "purpose": "survey_research",
        }
    )
    return doc


@pytest.fixture
def bound_survey(org):
    version = definition_import(organization=org, document=bound_definition())
    survey_publish(survey=version.survey)
    version.survey.refresh_from_db()
    return version.survey


def url(survey, *parts: str) -> str:
    return "/".join([f"/s/{survey.slug}", *parts]) + "/"


def html(res) -> str:
    return res.content.decode()


def start(client: Client, survey, purposes: list[str]) -> None:
    """Consent to `purposes` and answer up to the last page (nps 9 skips "improve")."""
    res = client.post(url(survey), {"action": "agree", "purposes": purposes})
    assert res.status_code == 302, html(res)
    for section, data in PAGES:
        res = client.post(url(survey, "p", section), data)
        assert res.status_code == 302, section
    assert res["Location"] == url(survey, "p", "about_you")


def codes_stored() -> set[str]:
    return set(Answer.objects.values_list("question_code", flat=True))


# --- the rule --------------------------------------------------------------------------


def test_spec_withholds_exactly_the_questions_under_purposes_not_granted():
    spec = spec_from_definition(demo_definition())
    assert spec.withheld(["survey_research"]) == frozenset({"shared_newsletter"})
    assert spec.withheld(["survey_research", "behavioural_measurement"]) == {"shared_newsletter"}
    assert spec.withheld(["survey_research", "marketing"]) == frozenset()
    assert spec.withheld(None) == frozenset()  # no consent notice governs: nothing withheld


def test_a_section_whose_every_question_is_withheld_is_skipped():
    spec = spec_from_definition(demo_definition())
    answers = {"nps": 9}
    assert section_path(spec.rules(), answers)[-1] == "about_you"
    withheld = {"age_band", "shared_newsletter"}
    assert section_path(spec.rules(withheld), answers) == ["attitudes", "habits", "recommend"]
    # One withheld question among others: the section stays.
    assert section_path(spec.rules({"shared_newsletter"}), answers)[-1] == "about_you"


def test_clean_answers_refuses_a_withheld_answer_and_logic_reads_it_as_unanswered():
    spec = spec_from_definition(bound_definition())
    raw = {"age_band": "a30_44", "shared_newsletter": True}
    cleaned = clean_answers(spec, raw, sections=["about_you"], withheld={"shared_newsletter"})
    assert cleaned.values == {"age_band": "a30_44"}
    assert [(p.question, p.code, p.subfield) for p in cleaned.problems] == [
        ("shared_newsletter", "purpose_not_granted", "question"),
        # shown because its condition reads the withheld question as unanswered
        ("results_contact", "required", "value"),
    ]
    assert "“marketing”" in cleaned.problems[0].message
    # The required newsletter question does not block when withheld.
    ok = clean_answers(
        spec,
        {"age_band": "a30_44", "results_contact": False},
        sections=["about_you"],
        withheld={"shared_newsletter"},
    )
    assert (ok.problems, ok.values) == ([], {"age_band": "a30_44", "results_contact": False})
    # Granted: the newsletter question is required; answering it hides the follow-up.
    granted = clean_answers(spec, {"age_band": "a30_44"}, sections=["about_you"])
    assert [(p.question, p.code) for p in granted.problems] == [
        ("shared_newsletter", "required"),
        ("results_contact", "required"),
    ]
    answered = clean_answers(spec, raw, sections=["about_you"])
    assert (answered.problems, answered.values) == ([], raw)


# --- the web flow ----------------------------------------------------------------------


def test_refused_purpose_hides_its_question_and_a_crafted_post_stores_nothing(client, survey):
    start(client, survey, ["survey_research"])
    body = html(client.get(url(survey, "p", "about_you")))
    assert "Your age" in body
    assert NEWSLETTER not in body
    assert 'name="shown" value="shared_newsletter"' not in body
    crafted = dict(ABOUT, shown=["age_band", "shared_newsletter"])
    res = client.post(url(survey, "p", "about_you"), crafted)
    assert res["Location"] == url(survey, "thanks")
    response = Response.objects.get()
    assert response.status == ResponseStatus.COMPLETE
    assert "shared_newsletter" not in codes_stored()
    assert Answer.objects.filter(question_code="age_band").count() == 1


def test_granted_purpose_shows_and_stores_its_question(client, survey):
    start(client, survey, ["survey_research", "marketing"])
    assert NEWSLETTER in html(client.get(url(survey, "p", "about_you")))
    client.post(url(survey, "p", "about_you"), ABOUT)
    assert Answer.objects.get(question_code="shared_newsletter").boolean is True


def test_a_required_question_under_a_refused_purpose_does_not_block_completion(
    client, bound_survey
):
    start(client, bound_survey, ["survey_research"])
    body = html(client.get(url(bound_survey, "p", "about_you")))
    assert NEWSLETTER not in body
    assert FOLLOW_UP in body  # its condition reads the newsletter question as unanswered
    res = client.post(
        url(bound_survey, "p", "about_you"),
        {
            "shown": ["age_band", "results_contact"],
            "q-age_band": "a30_44",
            "q-results_contact": "no",
        },
    )
    assert res["Location"] == url(bound_survey, "thanks")
    assert Response.objects.get().status == ResponseStatus.COMPLETE
    assert "shared_newsletter" not in codes_stored()
    assert Answer.objects.get(question_code="results_contact").boolean is False


def test_withdrawing_the_purpose_mid_flow_hides_the_question_from_then_on(client, survey):
    start(client, survey, ["survey_research", "marketing"])
    assert NEWSLETTER in html(client.get(url(survey, "p", "about_you")))
    consent_withdraw(respondent=Respondent.objects.get(), purposes=["marketing"])
    assert NEWSLETTER not in html(client.get(url(survey, "p", "about_you")))
    res = client.post(url(survey, "p", "about_you"), ABOUT)  # the page shown before withdrawal
    assert res["Location"] == url(survey, "thanks")
    assert "shared_newsletter" not in codes_stored()


def test_behaviour_is_not_recorded_at_completion_after_its_purpose_was_withdrawn(client, survey):
    from surveys.models import BehaviourEvent

    start(client, survey, ["survey_research", "behavioural_measurement"])
    assert BehaviourEvent.objects.filter(kind="notice_opened").count() == 1
    consent_withdraw(respondent=Respondent.objects.get(), purposes=["behavioural_measurement"])
    client.post(url(survey, "p", "about_you"), {"q-age_band": "a30_44"})
    assert Response.objects.get().status == ResponseStatus.COMPLETE
    assert BehaviourEvent.objects.count() == 0  # no optional_field_disclosed for age_band


def test_a_second_consent_in_another_tab_does_not_grant_the_purpose(client, survey):
    start(client, survey, ["survey_research"])
    # The consent screen posted again (an old tab, or going back to it) ticking marketing.
    res = client.post(
        url(survey), {"action": "agree", "purposes": ["survey_research", "marketing"]}
    )
    assert res["Location"] == url(survey, "p", "about_you")
    assert ConsentRecord.objects.get().purposes_granted == ["survey_research"]
    assert NEWSLETTER not in html(client.get(url(survey, "p", "about_you")))
    client.post(url(survey, "p", "about_you"), ABOUT)
    assert "shared_newsletter" not in codes_stored()


def test_stale_answers_under_a_withdrawn_purpose_are_not_submitted(client, survey):
    """An answer that got in before a withdrawal (a race) is dropped at completion."""
    start(client, survey, ["survey_research", "marketing"])
    client.get(url(survey, "p", "about_you"))
    response = Response.objects.get()
    response_save_section(response=response, section_code="about_you", raw={"age_band": "a30_44"})
    record = ConsentRecord.objects.get()
    record.purposes_withdrawn = {"marketing": timezone.now().isoformat()}
    record.save(update_fields=["purposes_withdrawn"])
    question = response.version.questions.get(code="shared_newsletter")
    Answer.objects.create(
        response=response, question=question, question_code="shared_newsletter", boolean=True
    )
    response_complete(response=response)
    assert "shared_newsletter" not in codes_stored()
    assert Response.objects.get().status == ResponseStatus.COMPLETE


def test_the_page_service_refuses_a_withheld_answer(survey, org):
    from tests.factories import web_consent

    response, _token = response_start(survey=survey, locale="en", consent=web_consent(org))
    result = response_save_section(
        response=response,
        section_code="about_you",
        raw={"age_band": "a30_44", "shared_newsletter": True},
    )
    assert [(p.question, p.code) for p in result.problems] == [
        ("shared_newsletter", "purpose_not_granted")
    ]
    assert result.next_section == "about_you"
    assert Answer.objects.count() == 0


# --- headless submission ------------------------------------------------------------


def submit(client, survey, answers, consent=CONSENT, key="k-1"):
    body = {"answers": answers, "locale": "en", "consent": consent}
    return client.post(
        f"/api/v1/surveys/{survey.pk}/responses/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def nothing_written() -> bool:
    return (
        Response.objects.count(),
        Respondent.objects.count(),
        Answer.objects.count(),
        ConsentRecord.objects.count(),
        SubmissionInbox.objects.count(),
    ) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("deferred", [False, True], ids=["written-at-once", "deferred"])
def test_the_api_refuses_an_answer_under_an_ungranted_purpose(
    org, survey, settings, monkeypatch, deferred
):
    if deferred:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.SUBMISSION_DEFERRED_WRITE = True
        monkeypatch.setattr(inbox, "inbox_dispatch", lambda: None)
    client = key_client(org, ApiScope.values)
    reply = submit(client, survey, [*COMFORT_ANSWERS, NEWSLETTER_ANSWER])
    assert reply.status_code == 400
    index = len(COMFORT_ANSWERS)
    assert errors_of(reply) == [(f"answers[{index}].question", "purpose_not_granted")]
    message = reply.json()["errors"][0]["message"]
    assert message == (
        "This question is asked only with consent to the purpose “marketing”, which was not given."
    )
    assert nothing_written()


def test_the_api_takes_the_answer_when_its_purpose_is_granted(org, survey):
    client = key_client(org, ApiScope.values)
    consent = {"notice_version": 1, "purposes": ["survey_research", "marketing"]}
    reply = submit(client, survey, [*COMFORT_ANSWERS, NEWSLETTER_ANSWER], consent=consent)
    assert reply.status_code == 201, reply.json()
    assert Answer.objects.get(question_code="shared_newsletter").boolean is True


def test_response_submit_refuses_with_a_field_error(survey):
    with pytest.raises(ServiceValidationError) as exc:
        response_submit(
            survey=survey, answers=[NEWSLETTER_ANSWER, *COMFORT_ANSWERS], consent=CONSENT
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("answers[0].question", "purpose_not_granted")
    ]
    assert nothing_written()


def test_a_headless_submission_is_not_blocked_by_a_required_withheld_question(bound_survey):
    answers = [*COMFORT_ANSWERS, {"question": "results_contact", "value": True}]
    response = response_submit(survey=bound_survey, answers=answers, consent=CONSENT)
    assert response.status == ResponseStatus.COMPLETE
    assert "shared_newsletter" not in codes_stored()
    # Its follow-up reads it as unanswered: required, and refused when missing.
    with pytest.raises(ServiceValidationError) as exc:
        response_submit(survey=bound_survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    assert [(e.field, e.code) for e in exc.value.errors] == [("answers", "required")]
    assert "results_contact" in exc.value.errors[0].message


def test_the_inbox_write_out_never_stores_an_answer_under_an_ungranted_purpose(org, survey):
    """A row accepted before answers were bound to purposes: written without that answer."""
    received = timezone.now() - dt.timedelta(minutes=1)
    row = SubmissionInbox.objects.create(
        organization_id=org.pk,
        survey=survey,
        version=survey.live_version,
        idempotency_key="k-old",
        request_hash="0" * 64,
        respondent_ref="r_0123456789abcdef",
        payload={
            "answers": [*COMFORT_ANSWERS, NEWSLETTER_ANSWER],
            "locale": "en",
            "channel": "api",
            "is_test": False,
            "consent": CONSENT,
        },
        result={},
        received_at=received,
    )
    response = inbox.inbox_materialize(row_id=row.pk)
    assert response is not None and response.pk == row.pk
    row.refresh_from_db()
    assert (row.materialized_at is not None, row.last_error) == (True, "")
    assert "shared_newsletter" not in codes_stored()
    assert codes_stored() == {a["question"] for a in COMFORT_ANSWERS}


# --- withdrawing one purpose ----------------------------------------------------------


def test_withdrawing_one_purpose_erases_exactly_its_answers_and_events(
    org, survey, django_capture_on_commit_callbacks
):
    from dashboards.models import AnswerRollup, ResponseRollup
    from surveys.models import BehaviourEvent

    behaviour_kind_create(
        organization=org,
        code="newsletter_opened",
        description="Opened a newsletter",
        value_schema={"type": "boolean"},
        direction="less_protective",
        transform={"op": "bool"},
        purpose="marketing",
    )
    consent = {
        "notice_version": 1,
        "purposes": ["survey_research", "behavioural_measurement", "marketing"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(
            survey=survey, answers=[*COMFORT_ANSWERS, NEWSLETTER_ANSWER], consent=consent
        )
        respondent = response.respondent
        events_ingest(
            organization=org,
            events=[
                {
                    "id": f"e-{kind}",
                    "kind": kind,
                    "value": True,
                    "occurred_at": "2026-11-30T10:00:00+00:00",
                    "respondent_ref": respondent.respondent_ref,
                }
                for kind in ("newsletter_opened", "marketing_opt_out")
            ],
        )
    events_before = set(BehaviourEvent.objects.values_list("kind", flat=True))
    assert {"newsletter_opened", "marketing_opt_out", "optional_purpose_granted"} <= events_before
    assert AnswerRollup.objects.filter(question_code="shared_newsletter").exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = consent_withdraw(respondent=respondent, purposes=["marketing"])

    assert (result.answers_deleted, result.events_deleted) == (1, 1)
    assert codes_stored() == {a["question"] for a in COMFORT_ANSWERS}
    assert set(BehaviourEvent.objects.values_list("kind", flat=True)) == events_before - {
        "newsletter_opened"
    }
    # The rollups that counted the answer are recomputed, as for any withdrawal.
    assert not AnswerRollup.objects.filter(question_code="shared_newsletter").exists()
    assert AnswerRollup.objects.filter(question_code="trust_brand").exists()
    assert ResponseRollup.objects.get().n == 1


# --- the data migration ---------------------------------------------------------------


def test_the_migration_removes_answers_under_purposes_never_granted(survey):
    import importlib

    from django.apps import apps

    from surveys.models import AuditEvent

    migration = importlib.import_module("surveys.migrations.0014_purpose_bound_answers")
    marketing = {"notice_version": 1, "purposes": ["survey_research", "marketing"]}
    refused = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    agreed = response_submit(
        survey=survey, answers=[*COMFORT_ANSWERS, NEWSLETTER_ANSWER], consent=marketing
    )
    untouched = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    # Stored the way answers were before they were bound to their purpose.
    question = survey.live_version.questions.get(code="shared_newsletter")
    Answer.objects.create(
        response=refused, question=question, question_code="shared_newsletter", boolean=True
    )
    answers = Answer.objects.count()
    audits = AuditEvent.objects.count()

    result = migration.remove_ungranted_answers(apps)

    assert result == {"answers": 1, "respondents": 1, "surveys": [survey.slug]}
    assert Answer.objects.count() == answers - 1
    assert not refused.answers.filter(question_code="shared_newsletter").exists()
    assert agreed.answers.get(question_code="shared_newsletter").boolean is True
    assert untouched.answers.count() == refused.answers.count() == agreed.answers.count() - 1
    event = AuditEvent.objects.get(action="data.deleted")
    assert AuditEvent.objects.count() == audits + 1
    assert (event.organization_id, event.actor_label) == (survey.organization_id, "system")
    assert event.data == {
        "receipt_id": str(refused.consents.get().receipt_id),
        "reason": "purpose_not_granted",
        "purposes": ["marketing"],
        "answers": 1,
    }
    # The respondent's own history says what went and why.
    token = portal_token_issue(respondent=refused.respondent)
    portal = Client().get(f"/me/{token}/").content.decode()
    assert "Answers kept for a purpose you had not agreed to were deleted" in portal
    assert NEWSLETTER not in portal
    # Run again: nothing left to remove, no new audit event.
    assert migration.remove_ungranted_answers(apps) == {
        "answers": 0,
        "respondents": 0,
        "surveys": [],
    }
    assert AuditEvent.objects.filter(action="data.deleted").count() == 1
