"""The respondent flow through Django's test client: /s/<slug>/…"""

import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from surveys.authoring.services.definitions import definition_import, survey_close
from surveys.enums import ResponseStatus
from surveys.models import Answer, Respondent, Response
from surveys.responses.selectors import response_values
from surveys.responses.services.response_flow import response_start
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, demo_definition, web_consent
from tests.surveys.public_flow import (
    ABOUT,
    AGREE,
    ATTITUDES,
    HABITS,
    IMPROVE,
    RECOMMEND,
    html,
    start,
    the_response,
    url,
)

pytestmark = pytest.mark.django_db

# --- landing and availability -------------------------------------------------


def test_landing_shows_title_intro_and_the_consent_step_and_stores_nothing(client, survey):
    res = client.get(url(survey))
    body = html(res)
    assert res.status_code == 200
    assert "<title>How comfortable are you sharing your data?</title>" in body
    assert "Five short pages about privacy and trust." in body
    assert 'id="purpose-survey_research" name="purposes" value="survey_research"' in body
    assert "I agree: Understand what customers think about privacy" in body
    assert 'name="action" value="agree">Agree and start</button>' in body
    assert 'name="action" value="decline">No thanks</button>' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "5 pages" in body
    assert res["Cache-Control"].startswith("max-age=0")
    assert (Respondent.objects.count(), Response.objects.count()) == (0, 0)


def test_start_requires_the_required_purpose_and_stores_nothing_without_it(client, survey):
    res = client.post(url(survey), {"action": "agree"})
    body = html(res)
    assert res.status_code == 200
    assert 'role="alert"' in body
    assert (
        '<a href="#purpose-survey_research">Tick “Understand what customers think about '
        "privacy” to take part: the survey needs it.</a>"
    ) in body
    assert 'aria-describedby="purpose-survey_research-error purpose-survey_research-desc"' in body
    assert 'aria-invalid="true"' in body
    assert (Respondent.objects.count(), Response.objects.count()) == (0, 0)
    res = client.post(url(survey), {"action": "agree", "purposes": ["marketing"]})
    assert res.status_code == 200
    assert (Respondent.objects.count(), Response.objects.count()) == (0, 0)


def test_start_creates_the_response_and_goes_to_the_first_page(client, survey):
    location = start(client, survey)
    response = the_response()
    assert location == url(survey, "p", "attitudes")
    assert (response.status, response.channel, response.locale) == ("partial", "web", "en")
    assert response.section_path == ["attitudes"]
    assert Respondent.objects.count() == 1


def test_start_keeps_a_known_channel_from_the_link(client, survey):
    body = html(client.get(url(survey) + "?channel=qr"))
    assert '<input type="hidden" name="channel" value="qr">' in body
    client.post(url(survey), {**AGREE, "channel": "qr"})
    assert the_response().channel == "qr"


def test_unknown_and_draft_surveys_are_404(client, org):
    res = client.get("/s/no-such-survey/")
    assert res.status_code == 404
    assert "Survey not found" in html(res)
    doc = demo_definition()
    doc["slug"] = "a-draft"
    definition_import(organization=org, document=doc)
    res = client.get("/s/a-draft/")
    assert res.status_code == 404
    assert "We could not find a survey at this address." in html(res)
    assert client.post("/s/a-draft/", AGREE).status_code == 404
    assert Response.objects.count() == 0


def test_closed_survey_is_410(client, survey):
    survey_close(survey=survey)
    res = client.get(url(survey))
    assert res.status_code == 410
    assert "This survey has closed" in html(res)


def test_not_yet_open_survey_is_403(client, survey):
    survey.opens_at = timezone.now() + dt.timedelta(days=2)
    survey.save()
    res = client.get(url(survey))
    assert res.status_code == 403
    assert "This survey is not open yet" in html(res)
    assert client.post(url(survey), AGREE).status_code == 403
    assert Response.objects.count() == 0


def test_survey_over_quota_is_403_but_a_started_respondent_may_finish(client, survey):
    start(client, survey)
    survey.response_quota = 1
    survey.save()
    response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    res = Client().get(url(survey))
    assert res.status_code == 403
    assert "This survey is full" in html(res)
    assert client.get(url(survey, "p", "attitudes")).status_code == 200


def test_closing_a_survey_stops_respondents_in_progress(client, survey):
    start(client, survey)
    survey_close(survey=survey)
    assert client.get(url(survey, "p", "attitudes")).status_code == 410


def test_landing_offers_to_continue_a_response_in_progress(client, survey):
    start(client, survey)
    body = html(client.get(url(survey)))
    assert "Continue where you left off" in body
    assert f'href="{url(survey, "p", "attitudes")}"' in body
    assert 'name="purposes"' not in body


# --- pages --------------------------------------------------------------------


def test_page_shows_progress_questions_and_resume_link(client, survey):
    start(client, survey)
    res = client.get(url(survey, "p", "attitudes"))
    body = html(res)
    assert res.status_code == 200
    assert '<p class="progress-text" id="progress-label">Page 1 of 5</p>' in body
    assert '<progress class="progress" max="5" value="1" aria-labelledby="progress-label">' in body
    assert '<legend class="question-text">How much do you agree with each statement?' in body
    assert '<legend class="matrix-row-text">I worry about what happens to my data online.' in body
    assert 'name="q-concern-worry" value="4"' in body
    assert '<label for="q-trust_brand-4">Strongly agree</label>' in body
    assert "Save and continue later" in body
    assert re.search(r'href="http://testserver/s/[\w-]+/resume/[\w-]+/"', body)
    assert "Back</button>" not in body  # the first page has nowhere to go back to
    assert ">Next</button>" in body


def test_page_errors_are_summarized_and_tied_to_controls_and_nothing_is_saved(client, survey):
    start(client, survey)
    data = dict(ATTITUDES)
    del data["q-concern-control"]
    data["q-trust_brand"] = "9"
    res = client.post(url(survey, "p", "attitudes"), data)
    body = html(res)
    assert res.status_code == 200
    assert '<div class="error-summary" role="alert"' in body
    assert body.count('class="error-summary-question"') == 2
    assert '<a href="#q-concern-worry-0">' in body
    assert '<a href="#q-trust_brand-0">' in body
    assert "Please answer every row." in body
    assert "Not one of the scale points." in body
    assert '<fieldset class="fieldset" aria-describedby="q-concern-error">' in body
    assert '<p class="field-error" id="q-concern-error">' in body
    assert 'id="q-concern-control-0" name="q-concern-control" value="1" aria-invalid="true"' in body
    # What the respondent gave is kept on the page.
    assert 'id="q-concern-worry-3" name="q-concern-worry" value="4" checked' in body
    assert "<title>Error: Page 1 of 5" in body
    assert Answer.objects.count() == 0
    assert the_response().section_path == ["attitudes"]


def test_required_other_text_error_goes_to_the_text_input(client, survey):
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    data = dict(HABITS, **{"q-protective_actions": ["_other"]})
    body = html(client.post(url(survey, "p", "habits"), data))
    assert '<a href="#q-protective_actions-other">' in body
    assert 'aria-invalid="true" aria-describedby="q-protective_actions-other-error"' in body
    assert "Please specify." in body


def test_exclusive_choice_cannot_be_combined(client, survey):
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    data = dict(HABITS, **{"q-protective_actions": ["ad_blocker", "none"]})
    body = html(client.post(url(survey, "p", "habits"), data))
    assert "This choice cannot be combined with others." in body
    assert 'value="none" checked aria-invalid="true" data-exclusive' in body


def test_complete_demo_survey_with_skip_and_display_logic(client, survey):
    start(client, survey)
    res = client.post(url(survey, "p", "attitudes"), ATTITUDES)
    assert res["Location"] == url(survey, "p", "habits")

    # switched_why is sent hidden (for the page's script) until "switched" is chosen;
    # without the script it is not shown, and its "shown" marker is not posted.
    body = html(client.get(url(survey, "p", "habits")))
    follow_up = body.split('<div class="follow-up" ', 1)[1].split("</fieldset>", 1)[0]
    condition = re.match(r'data-show-if="([^"]*)" hidden>', follow_up)
    assert condition is not None and "What made you switch?" in follow_up
    assert json.loads(unescape(condition.group(1))) == {
        "question": "protective_actions",
        "op": "eq",
        "value": "switched",
        "type": "multiple_choice",
    }
    assert '<input type="hidden" name="shown" value="switched_why" disabled>' in follow_up
    assert "Page 2 of 5" in body
    data = dict(HABITS, **{"q-protective_actions": ["switched", "_other"]})
    data["q-protective_actions-other"] = "Use a VPN"
    res = client.post(url(survey, "p", "habits"), data)
    body = html(res)
    assert res.status_code == 200
    assert "Your answer added a question to this page." in body
    assert '<label class="question-text" for="q-switched_why">What made you switch?' in body
    assert 'class="question is-new"' in body and "autofocus" in body
    assert 'value="Use a VPN"' in body
    assert Answer.objects.count() == 5  # only page 1 so far (4 matrix rows + 1)

    data.update({"shown": [*HABITS["shown"], "switched_why"], "q-switched_why": "Leaks."})
    res = client.post(url(survey, "p", "habits"), data)
    assert res["Location"] == url(survey, "p", "recommend")

    # nps >= 9 skips the "improve" page.
    body = html(client.get(url(survey, "p", "recommend")))
    assert "Page 3 of 5" in body
    assert '<span class="scale-end scale-low">0: Not at all likely</span>' in body
    res = client.post(url(survey, "p", "recommend"), dict(RECOMMEND, **{"q-nps": "9"}))
    assert res["Location"] == url(survey, "p", "about_you")
    body = html(client.get(url(survey, "p", "about_you")))
    assert "Page 4 of 4" in body
    assert ">Submit</button>" in body
    res = client.post(url(survey, "p", "about_you"), dict(ABOUT, **{"q-shared_newsletter": "no"}))
    assert res["Location"] == url(survey, "thanks")

    response = the_response()
    assert response.status == ResponseStatus.COMPLETE
    assert response.section_path == ["attitudes", "habits", "recommend", "about_you"]
    assert response.resume_token_hash is None
    values, other = response_values(response)
    assert values["protective_actions"] == ["switched", "_other"]
    assert other == {"protective_actions": "Use a VPN"}
    assert values["switched_why"] == "Leaks."
    assert values["nps"] == 9
    # The newsletter question's purpose (marketing) was not granted: the posted answer is dropped.
    assert "shared_newsletter" not in values
    assert values["concern"] == {
        "worry": Decimal(4),
        "control": Decimal(5),
        "no_concern": Decimal(2),
        "reads_terms": Decimal(2),
    }
    assert "improve_text" not in values

    res = client.get(url(survey, "thanks"))
    body = html(res)
    assert res.status_code == 200
    assert "Thank you. Your answers help us handle data the way you expect." in body
    # The flow is over: pages now go back to the landing page.
    assert client.get(url(survey, "p", "habits"))["Location"] == url(survey)


def test_display_logic_question_stays_hidden_without_its_answer(client, survey):
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    res = client.post(url(survey, "p", "habits"), HABITS)
    assert res["Location"] == url(survey, "p", "recommend")
    assert not Answer.objects.filter(question_code="switched_why").exists()


def test_a_hidden_follow_up_answer_is_not_saved(client, survey):
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    data = dict(HABITS, **{"q-switched_why": "sneaked in"})
    data["shown"] = [*HABITS["shown"], "switched_why"]
    assert client.post(url(survey, "p", "habits"), data).status_code == 302
    assert not Answer.objects.filter(question_code="switched_why").exists()


def test_nps_below_9_goes_through_improve(client, survey):
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    client.post(url(survey, "p", "habits"), HABITS)
    res = client.post(url(survey, "p", "recommend"), RECOMMEND)
    assert res["Location"] == url(survey, "p", "improve")
    assert "Page 4 of 5" in html(client.get(url(survey, "p", "improve")))
    assert client.post(url(survey, "p", "improve"), IMPROVE)["Location"] == url(
        survey, "p", "about_you"
    )


def test_back_keeps_the_saved_answers(client, survey):
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    client.post(url(survey, "p", "habits"), HABITS)
    body = html(client.get(url(survey, "p", "recommend")))
    assert f'<form id="back-form" method="get" action="{url(survey, "p", "habits")}">' in body
    assert 'form="back-form"' in body
    body = html(client.get(url(survey, "p", "habits")))
    assert 'name="q-policy_reading" value="sometimes" checked' in body
    assert 'name="q-protective_actions" value="ad_blocker" checked' in body
    assert f'action="{url(survey, "p", "attitudes")}"' in body
    body = html(client.get(url(survey, "p", "attitudes")))
    assert 'id="q-concern-control-4" name="q-concern-control" value="5" checked' in body
    assert 'id="q-trust_brand-2" name="q-trust_brand" value="3" checked' in body
    # Saving an earlier page again keeps the later pages' answers.
    client.post(url(survey, "p", "attitudes"), dict(ATTITUDES, **{"q-trust_brand": "4"}))
    values, _ = response_values(the_response())
    assert values["trust_brand"] == Decimal(4)
    assert values["policy_reading"] == "sometimes"


def test_a_page_off_the_path_redirects_to_the_current_page(client, survey):
    start(client, survey)
    res = client.get(url(survey, "p", "about_you"))
    assert res["Location"] == url(survey, "p", "attitudes")
    assert client.get(url(survey, "p", "nope"))["Location"] == url(survey, "p", "attitudes")
    assert client.post(url(survey, "p", "recommend"), RECOMMEND).status_code == 302
    assert Answer.objects.count() == 0


def test_pages_without_a_started_response_go_to_the_landing_page(client, survey):
    assert client.get(url(survey, "p", "attitudes"))["Location"] == url(survey)


def test_answers_posted_before_consent_are_refused_and_nothing_is_written(client, survey):
    res = client.post(url(survey, "p", "attitudes"), ATTITUDES)
    body = html(res)
    assert res.status_code == 200
    assert '<div class="error-summary" role="alert"' in body
    assert "Your answers were not saved: the survey has not started yet." in body
    assert f'<form method="post" action="{url(survey)}" class="consent-form"' in body
    assert (Respondent.objects.count(), Response.objects.count(), Answer.objects.count()) == (
        0,
        0,
        0,
    )


def test_resume_link_works_in_a_fresh_client(client, survey):
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    body = html(client.get(url(survey, "p", "habits")))
    link = re.search(r'href="http://testserver(/s/[\w-]+/resume/[\w-]+/)"', body).group(1)
    other = Client()
    res = other.get(link)
    assert res["Location"] == url(survey, "p", "habits")
    body = html(other.get(url(survey, "p", "habits")))
    assert "Page 2 of 5" in body
    assert link in body
    body = html(other.get(url(survey, "p", "attitudes")))
    assert 'name="q-concern-worry" value="4" checked' in body
    assert other.post(url(survey, "p", "habits"), HABITS)["Location"] == url(
        survey, "p", "recommend"
    )


def test_bad_resume_link_is_a_friendly_404(client, survey):
    res = client.get(url(survey, "resume", "not-a-token"))
    assert res.status_code == 404
    assert "This link does not work" in html(res)
    assert client.get("/s/nope/resume/abc/").status_code == 404


def test_resume_link_of_another_survey_is_404(client, survey, quiz, org):
    _, token = response_start(survey=quiz, locale="en", consent=web_consent(org))
    assert client.get(url(survey, "resume", token)).status_code == 404
    assert client.get(url(quiz, "resume", token)).status_code == 302


# --- quiz ---------------------------------------------------------------------


def test_quiz_thanks_shows_score_outcome_and_feedback_once(client, quiz):
    assert start(client, quiz) == url(quiz, "p", "quiz1")
    res = client.post(
        url(quiz, "p", "quiz1"),
        {"shown": ["q_access", "q_cookies"], "q-q_access": "yes", "q-q_cookies": "no"},
    )
    assert res["Location"] == url(quiz, "p", "quiz2")
    body = html(client.get(url(quiz, "p", "quiz2")))
    assert ">Submit</button>" in body
    res = client.post(
        url(quiz, "p", "quiz2"),
        {"shown": ["q_pii", "q_password"], "q-q_pii": ["email", "ip"], "q-q_password": "mfa"},
    )
    assert res["Location"] == url(quiz, "thanks")
    res = client.get(url(quiz, "thanks"))
    body = html(res)
    assert res.status_code == 200
    assert '<p class="score" id="score-text">You scored 3 of 4</p>' in body
    assert '<h2 class="outcome-title">Privacy pragmatist</h2>' in body
    assert "You know the basics well." in body
    assert "Right: the right of access (Article 15)." in body
    assert "They do: only strictly necessary cookies are exempt." in body
    assert body.count("badge-correct") == 3 and body.count("badge-wrong") == 1
    assert '<span class="label">Correct answer:</span> <span>Yes</span>' in body
    assert "An email address, An IP address" in body
    response = the_response()
    assert (response.score, response.max_score, response.outcome_index) == (
        Decimal(3),
        Decimal(4),
        1,
    )
    # Shown once; a reload shows plain thanks.
    body = html(client.get(url(quiz, "thanks")))
    assert "You scored" not in body
    assert "Thanks for playing!" in body


def test_a_follow_up_posted_while_its_condition_is_false_is_not_stored(client, survey):
    """A forged post (the hidden follow-up's marker enabled by hand) stores nothing for it."""
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    forged = dict(HABITS)
    forged.update({"shown": [*HABITS["shown"], "switched_why"], "q-switched_why": "Forged."})
    res = client.post(url(survey, "p", "habits"), forged)
    assert res["Location"] == url(survey, "p", "recommend")
    assert not Answer.objects.filter(question_code="switched_why").exists()
    assert Answer.objects.filter(question_code="protective_actions").count() == 1
