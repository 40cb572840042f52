"""The respondent flow through Django's test client: /s/<slug>/…"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from surveys import selectors
from surveys.authoring.services.definitions import definition_import, survey_close, survey_publish
from surveys.enums import ResponseStatus
from surveys.forms import FieldState, parse_question, posted_state, stored_state
from surveys.models import Answer, Respondent, Response
from surveys.responses.selectors import response_values
from surveys.responses.services.response_flow import response_start
from surveys.responses.services.write import response_submit
from tests.browser.every_type import every_type_survey
from tests.factories import COMFORT_ANSWERS, CONSENT, demo_definition, web_consent

pytestmark = pytest.mark.django_db

ATTITUDES = {
    "shown": ["concern", "trust_brand"],
    "q-concern-worry": "4",
    "q-concern-control": "5",
    "q-concern-no_concern": "2",
    "q-concern-reads_terms": "2",
    "q-trust_brand": "3",
}
HABITS = {
    "shown": ["policy_reading", "protective_actions"],
    "q-policy_reading": "sometimes",
    "q-protective_actions": ["ad_blocker"],
}
RECOMMEND = {"shown": ["nps", "attention"], "q-nps": "7", "q-attention": "blue"}
IMPROVE = {"shown": ["improve_text"], "q-improve_text": "Tell me what you keep."}
ABOUT = {"shown": ["age_band", "shared_newsletter"], "q-age_band": "a30_44"}
# The consent step: the required purpose of the demo notice, nothing optional.
AGREE = {"action": "agree", "purposes": ["survey_research"]}


def url(survey, *parts: str) -> str:
    return "/".join([f"/s/{survey.slug}", *parts]) + "/"


def start(client: Client, survey) -> str:
    """Agree to the required purpose and start; returns the first page's URL."""
    res = client.post(url(survey), AGREE)
    assert res.status_code == 302
    return res["Location"]


def html(res) -> str:
    return res.content.decode()


def the_response() -> Response:
    return Response.objects.get()


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

    # switched_why is not on the page until "switched" is chosen.
    body = html(client.get(url(survey, "p", "habits")))
    assert "What made you switch?" not in body
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


# --- language -----------------------------------------------------------------


def test_traditional_chinese_from_accept_language(client, survey):
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-TW,zh-Hant;q=0.9,en;q=0.5"}
    body = html(client.get(url(survey), **zh))
    assert '<html lang="zh-Hant">' in body
    assert "您對分享個人資料有多放心？" in body
    assert "我同意：了解顧客對隱私的看法" in body
    assert ">同意並開始</button>" in body
    assert ">不用了，謝謝</button>" in body
    res = client.post(url(survey), AGREE, **zh)
    assert the_response().locale == "zh-Hant"
    res = client.post(res["Location"], {"shown": ["concern", "trust_brand"]}, **zh)
    body = html(res)
    assert "第 1 頁，共 5 頁" in body
    assert "有問題需要修正" in body
    assert "此題為必答題。" in body
    assert "您有多同意以下各項陳述？" in body
    assert "非常同意" in body
    assert ">下一頁</button>" in body


def test_language_switch_posts_to_set_language_with_the_survey_locales(client, survey):
    body = html(client.get(url(survey)))
    assert '<form class="lang-switch" action="/i18n/setlang/" method="post">' in body
    assert f'<input type="hidden" name="next" value="{url(survey)}">' in body
    assert 'name="language" value="zh-hant" lang="zh-Hant"' in body
    assert 'value="en" lang="en" class="lang-option is-current" aria-current="true"' in body
    res = client.post("/i18n/setlang/", {"language": "zh-hant", "next": url(survey)})
    assert res["Location"] == url(survey)
    body = html(client.get(url(survey)))
    assert '<html lang="zh-Hant">' in body and "同意並開始" in body


def test_survey_in_one_language_has_no_switch_and_keeps_its_content(client, org):
    doc = demo_definition()
    doc["slug"] = "english-only"
    doc["locales"] = ["en"]

    def only_en(node):
        if isinstance(node, dict):
            return {k: only_en(v) for k, v in node.items() if k != "zh-Hant"}
        if isinstance(node, list):
            return [only_en(v) for v in node]
        return node

    doc = only_en(doc)
    version = definition_import(organization=org, document=doc)
    survey_publish(survey=version.survey)
    body = html(client.get("/s/english-only/", HTTP_ACCEPT_LANGUAGE="zh-Hant"))
    assert 'class="lang-switch"' not in body
    assert '<html lang="zh-Hant">' in body
    assert '<h1 class="title" lang="en">How comfortable are you sharing your data?</h1>' in body
    assert "同意並開始" in body


# --- escaping -----------------------------------------------------------------


def test_respondent_text_is_escaped_everywhere(client, survey):
    evil = '<script>alert("x")</script>'
    start(client, survey)
    client.post(url(survey, "p", "attitudes"), ATTITUDES)
    data = dict(HABITS, **{"q-protective_actions": ["_other"], "q-protective_actions-other": evil})
    client.post(url(survey, "p", "habits"), data)
    client.post(url(survey, "p", "recommend"), RECOMMEND)
    # On a page with errors, the posted text comes back escaped.
    res = client.post(
        url(survey, "p", "improve"), {"shown": ["improve_text"], "q-improve_text": "x" * 201 + evil}
    )
    assert "At most 200 characters." in html(res)
    assert "<script>alert" not in html(res)
    client.post(url(survey, "p", "improve"), dict(IMPROVE, **{"q-improve_text": evil}))
    for page in ("habits", "improve"):
        body = html(client.get(url(survey, "p", page)))
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


# --- every question type ----------------------------------------------------------


@pytest.fixture
def every(org):
    return every_type_survey(org)


def test_every_type_renders_accessible_controls(client, every):
    start(client, every)
    body = html(client.get(url(every, "p", "numbers")))
    assert '<legend class="question-text">How would you rate our privacy settings?' in body
    assert '<span class="scale-end scale-low">1: Lowest</span>' in body
    assert (
        '<input type="number" class="input input-number" id="q-apps" name="q-apps" '
        'inputmode="decimal" min="0" max="200" step="1" value="" aria-describedby="q-apps-hint">'
    ) in body
    assert '<span class="unit">apps</span>' in body
    assert 'type="range" class="range" id="q-hours" name="q-hours" min="0" max="16"' in body
    assert '<output class="slider-value" id="q-hours-output" for="q-hours">8</output>' in body
    assert 'type="date" class="input input-date" id="q-last_review"' in body
    assert 'min="2015-01-01" max="2030-12-31"' in body
    assert "Rough answers are <em>fine</em>." in body  # sanitized definition markup
    client.post(
        url(every, "p", "numbers"),
        {
            "shown": ["rating", "apps", "hours", "last_review"],
            "q-rating": "4",
            "q-apps": "12",
            "q-hours": "5",
            "q-last_review": "2024-02-03",
        },
    )
    body = html(client.get(url(every, "p", "choices")))
    assert '<label class="rank-label" for="q-priorities-rank-1">Rank 1</label>' in body
    assert body.count('<select class="select"') == 3
    assert '<option value="privacy">Privacy</option>' in body
    assert "Select from 1 to 2 options." in body
    assert '<label for="q-vpn-0">Yes</label>' in body
    assert 'value="_other"' in body and 'id="q-source-other" name="q-source-other"' in body
    assert '<input type="checkbox" id="q-confirm" name="q-confirm" value="on">' in body
    assert 'maxlength="40"' in body and 'placeholder="e.g. work phone"' in body


def test_randomized_choices_keep_their_order_on_reload(client, every):
    start(client, every)
    client.post(
        url(every, "p", "numbers"),
        {"shown": ["rating", "hours"], "q-rating": "3", "q-hours": "2"},
    )

    def order(body: str, name: str) -> list[str]:
        return re.findall(rf'name="{name}" value="(\w+)"', body)

    first = html(client.get(url(every, "p", "choices")))
    again = html(client.get(url(every, "p", "choices")))
    assert order(first, "q-source") == order(again, "q-source")
    assert sorted(order(first, "q-source")) == ["_other", "friends", "news", "social"]
    assert order(first, "q-source")[-1] == "_other"


def test_every_type_completes_with_typed_values(client, every):
    start(client, every)
    numbers = {
        "shown": ["rating", "apps", "hours", "last_review"],
        "q-rating": "4",
        "q-apps": "1e3",
        "q-hours": "5",
        "q-last_review": "2024-02-30",
    }
    body = html(client.post(url(every, "p", "numbers"), numbers))
    assert "Must be between 0 and 200." in body
    assert "Must be a date as YYYY-MM-DD." in body
    numbers.update({"q-apps": "12", "q-last_review": "2024-02-03"})
    assert client.post(url(every, "p", "numbers"), numbers)["Location"] == url(
        every, "p", "choices"
    )
    choices = {
        "shown": ["priorities", "source", "devices", "vpn", "nickname", "confirm"],
        "q-priorities-rank-1": "price",
        "q-priorities-rank-2": "price",
        "q-devices": ["phone", "laptop", "tablet"],
    }
    body = html(client.post(url(every, "p", "choices"), choices))
    assert "Rank every choice exactly once." in body
    assert "Select at most 2." in body
    assert "This question is required." in body  # the acknowledgement
    assert '<option value="price" selected>Price</option>' in body
    choices.update(
        {
            "q-priorities-rank-2": "privacy",
            "q-priorities-rank-3": "features",
            "q-devices": ["phone"],
            "q-vpn": "no",
            "q-source": "_other",
            "q-source-other": "Podcasts",
            "q-confirm": "on",
        }
    )
    assert client.post(url(every, "p", "choices"), choices)["Location"] == url(every, "thanks")
    values, other = response_values(the_response())
    assert values == {
        "rating": 4,
        "apps": Decimal(12),
        "hours": Decimal(5),
        "last_review": dt.date(2024, 2, 3),
        "priorities": ["price", "privacy", "features"],
        "source": "_other",
        "devices": ["phone"],
        "vpn": False,
        "confirm": True,
    }
    assert other == {"source": "Podcasts"}
    assert "All done, thank you." in html(client.get(url(every, "thanks")))


# --- form helpers -------------------------------------------------------------------


class Post(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def test_parse_question_types(survey):
    spec = selectors.version_spec(survey.live_version)
    q = spec.question
    assert parse_question(q("nps"), Post({"q-nps": "10"})) == (10, None)
    assert parse_question(q("nps"), Post({"q-nps": "ten"})) == ("ten", None)
    assert parse_question(q("trust_brand"), Post({"q-trust_brand": "3"})) == (Decimal(3), None)
    assert parse_question(q("concern"), Post({"q-concern-worry": "1"})) == (
        {"worry": Decimal(1)},
        None,
    )
    assert parse_question(q("protective_actions"), Post({"q-protective_actions": []})) == (
        None,
        "",
    )
    assert parse_question(q("shared_newsletter"), Post({"q-shared_newsletter": "yes"})) == (
        True,
        None,
    )
    assert parse_question(q("shared_newsletter"), Post({})) == (None, None)
    assert parse_question(q("improve_text"), Post({"q-improve_text": "a\r\nb"})) == ("a\nb", None)


def test_form_state_round_trip(survey):
    spec = selectors.version_spec(survey.live_version)
    nps, concern = spec.question("nps"), spec.question("concern")
    assert stored_state(nps, 7).selected == {"7"}
    assert stored_state(concern, {"worry": Decimal("4.0")}).rows == {"worry": "4"}
    assert posted_state(nps, Post({"q-nps": " 7 "})) == FieldState(selected={"7"})


def test_quiz_result_in_chinese(client, quiz):
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-Hant"}
    client.post(url(quiz), AGREE, **zh)
    client.post(url(quiz, "p", "quiz1"), {"q-q_access": "no", "q-q_cookies": "yes"}, **zh)
    client.post(url(quiz, "p", "quiz2"), {"q-q_pii": ["email", "ip"], "q-q_password": "mfa"}, **zh)
    body = html(client.get(url(quiz, "thanks"), **zh))
    assert "您答對了 3 題，共 4 題" in body
    assert "隱私務實派" in body
    assert "電子郵件地址、IP 位址" in body  # a Chinese list separator
    assert "可以的：這是查閱權（第 15 條）。" in body


def test_the_old_plain_agreement_no_longer_starts_a_survey(client, survey):
    res = client.post(url(survey), {"agree": "yes"})
    assert res.status_code == 200
    assert "to take part: the survey needs it." in html(res)
    assert (Respondent.objects.count(), Response.objects.count()) == (0, 0)
