import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from surveys.enums import ResponseStatus
from surveys.models import Answer, Respondent, Response
from surveys.responses.selectors import availability, response_resume
from surveys.responses.services import respondents
from surveys.responses.services.response_flow import (
    response_complete,
    response_save_section,
    response_start,
)
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, QUIZ_ANSWERS, web_consent
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db


def test_submit_stores_typed_answer_rows(survey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(
            consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS, locale="zh-Hant"
        )
    assert response.status == ResponseStatus.COMPLETE
    assert response.locale == "zh-Hant" and response.channel == "api"
    assert response.version == survey.live_version
    assert response.quality_flags == []
    rows = {
        (a.question_code, a.item, a.choice): (a.number, a.text)
        for a in Answer.objects.filter(response=response)
    }
    assert rows[("concern", "worry", "a")] == (Decimal(4), "")
    assert rows[("trust_brand", "", "n")] == (Decimal(3), "")
    assert rows[("policy_reading", "", "sometimes")] == (Decimal(2), "")
    assert rows[("improve_text", "", "")] == (None, "Tell me what you keep.")
    assert len(rows) == 11
    assert Response.objects.get(pk=response.pk).aggregated_at is not None  # signal → task


def test_invalid_submission_writes_nothing(survey):
    answers = [dict(a) for a in COMFORT_ANSWERS]
    answers[1]["value"] = 9
    answers[4]["value"] = "ten"
    answers.append({"question": "nope", "value": 1})
    answers.append({"value": 1})
    with pytest.raises(ServiceValidationError) as err:
        response_submit(consent=CONSENT, survey=survey, answers=answers, locale="fr")
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("locale", "invalid_choice"),
        ("answers[9].question", "required"),
        ("answers[8].question", "unknown_question"),
        ("answers[1].value", "invalid_choice"),
        ("answers[4].value", "invalid_type"),
    ]
    assert (Respondent.objects.count(), Response.objects.count(), Answer.objects.count()) == (
        0,
        0,
        0,
    )


def test_quiz_submission_scores(quiz):
    response = response_submit(consent=CONSENT, survey=quiz, answers=QUIZ_ANSWERS)
    assert (response.score, response.max_score, response.outcome_index) == (
        Decimal(3),
        Decimal(4),
        1,
    )


def test_attention_check_failure_is_a_quality_flag(survey):
    answers = [dict(a) for a in COMFORT_ANSWERS]
    answers[5]["value"] = "red"
    response = response_submit(consent=CONSENT, survey=survey, answers=answers)
    assert response.quality_flags == ["attention_check_failed:attention"]


def test_external_id_is_stored_only_as_hmac(survey):
    r1 = response_submit(
        consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS, external_id="cust-42"
    )
    r2 = response_submit(
        consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS, external_id="cust-42"
    )
    assert r1.respondent_id == r2.respondent_id
    respondent = Respondent.objects.get(pk=r1.respondent_id)
    assert respondent.external_id_hmac == respondents.external_id_hmac("cust-42")
    assert "cust-42" not in respondent.external_id_hmac


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"status": "draft", "live_version": None}, "not_published"),
        ({"status": "closed"}, "closed"),
        ({"opens_at": timezone.now() + dt.timedelta(days=1)}, "not_yet_open"),
        ({"closes_at": timezone.now() - dt.timedelta(days=1)}, "closed"),
        ({"response_quota": 1}, "quota_reached"),
    ],
)
def test_unavailable_surveys_refuse(survey, change, reason):
    response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    for key, value in change.items():
        setattr(survey, key, value)
    survey.save()
    with pytest.raises(ServiceValidationError) as err:
        response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    assert err.value.errors[0].code == reason
    assert availability(survey).reason == reason


def test_web_flow_pages_back_and_branch_change(survey):
    response, token = response_start(
        survey=survey, locale="en", consent=web_consent(survey.organization)
    )
    assert response.current_section == "attitudes"
    page = response_save_section(
        response=response, section_code="attitudes", raw={"concern": {"worry": 4}}
    )
    assert [(p.question, p.code) for p in page.problems] == [
        ("concern", "required"),
        ("trust_brand", "required"),
    ]
    assert Answer.objects.count() == 0
    raw = {a["question"]: a["value"] for a in COMFORT_ANSWERS}
    for code, keys in [
        ("attitudes", ["concern", "trust_brand"]),
        ("habits", ["policy_reading", "protective_actions"]),
        ("recommend", ["nps", "attention"]),
        ("improve", ["improve_text"]),
        ("about_you", ["age_band"]),
    ]:
        result = response_save_section(
            response=response, section_code=code, raw={k: raw[k] for k in keys}
        )
        assert result.problems == []
    assert result.next_section is None
    # Back to "recommend": a promoter skips "improve", whose answer is then dropped.
    result = response_save_section(
        response=response, section_code="recommend", raw={"nps": 10, "attention": "blue"}
    )
    assert result.next_section == "about_you"
    assert response_resume(token=token) == response
    done = response_complete(response=response)
    assert done.status == ResponseStatus.COMPLETE
    assert done.section_path == ["attitudes", "habits", "recommend", "about_you"]
    assert not Answer.objects.filter(response=done, question_code="improve_text").exists()
    assert response_resume(token=token) is None


def test_complete_refuses_missing_required(survey):
    response, _ = response_start(
        survey=survey, locale="en", consent=web_consent(survey.organization)
    )
    with pytest.raises(ServiceValidationError) as err:
        response_complete(response=response)
    assert [e.field for e in err.value.errors] == [
        "concern",
        "trust_brand",
        "policy_reading",
        "nps",
        "attention",
    ]


def test_speeders_are_flagged_against_the_running_median(survey):
    from django.db.models import F

    base = timezone.now()
    for i in range(21):
        r = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
        Response.objects.filter(pk=r.pk).update(
            started_at=base - dt.timedelta(seconds=300 + i), submitted_at=base
        )
    response, _ = response_start(
        survey=survey, locale="en", consent=web_consent(survey.organization)
    )
    Response.objects.filter(pk=response.pk).update(
        started_at=F("started_at") - dt.timedelta(seconds=10)
    )
    raw = {a["question"]: a["value"] for a in COMFORT_ANSWERS}
    for code, keys in [
        ("attitudes", ["concern", "trust_brand"]),
        ("habits", ["policy_reading", "protective_actions"]),
        ("recommend", ["nps", "attention"]),
        ("improve", ["improve_text"]),
        ("about_you", ["age_band"]),
    ]:
        response_save_section(response=response, section_code=code, raw={k: raw[k] for k in keys})
    done = response_complete(response=response)
    assert done.quality_flags == ["speeder"]  # ~10 s against a median of ~310 s
