"""Purpose-bound collection on screen: what the consent step says each optional purpose
adds, Global Privacy Control, and the builder's preview of hidden questions."""

import pytest

from surveys.models import ConsentRecord, Response
from tests.surveys.test_purpose_bound import NEWSLETTER, html, url

pytestmark = pytest.mark.django_db


# --- the consent screen --------------------------------------------------------------


def test_the_consent_screen_lists_the_questions_each_optional_purpose_unlocks(client, survey):
    body = html(client.get(url(survey)))
    marketing = body[body.index('id="purpose-marketing-desc"') :]
    marketing = marketing[: marketing.index("</div>")]
    assert "Ticking this adds one question; without it, it is not asked:" in marketing
    assert f"<li>{NEWSLETTER}</li>" in marketing
    measurement = body[body.index('id="purpose-behavioural_measurement-desc"') :]
    measurement = measurement[: measurement.index("</div>")]
    assert "Ticking this adds no questions." in measurement
    required = body[body.index('id="purpose-survey_research-desc"') :]
    required = required[: required.index("</div>")]
    assert "Ticking this adds" not in required


def test_with_global_privacy_control_the_screen_says_so_and_sharing_stays_off(client, survey):
    plain = client.get(url(survey))
    assert "Global Privacy Control" not in html(plain)
    assert "Sec-GPC" in plain["Vary"]
    res = client.get(url(survey), headers={"Sec-GPC": "1"})
    body = html(res)
    assert (
        "Your browser sent a Global Privacy Control signal, and we received it: the choices "
        "that share your data with others (Send you our privacy newsletter) stay off. Optional "
        "choices are never ticked in advance here, so nothing is shared unless you tick it "
        "yourself."
    ) in body
    assert 'aria-describedby="optional-hint gpc-note"' in body
    assert 'value="marketing" aria-describedby' in body  # present, not checked
    assert 'value="marketing" checked' not in body


def test_with_global_privacy_control_an_error_does_not_re_tick_sharing(client, survey):
    # Posted without the required purpose: the screen comes back with the error.
    posted = {"action": "agree", "purposes": ["behavioural_measurement", "marketing"]}
    without = html(client.post(url(survey), posted))
    assert 'value="marketing" checked' in without
    assert 'value="behavioural_measurement" checked' in without
    body = html(client.post(url(survey), posted, headers={"Sec-GPC": "1"}))
    assert "Tick “Understand what customers think about privacy” to take part" in body
    assert 'value="marketing" checked' not in body
    assert 'value="behavioural_measurement" checked' in body  # shared with no one
    assert Response.objects.count() == 0


def test_with_global_privacy_control_a_ticked_choice_is_still_the_respondents(client, survey):
    purposes = ["survey_research", "marketing"]
    res = client.post(
        url(survey), {"action": "agree", "purposes": purposes}, headers={"Sec-GPC": "1"}
    )
    assert res.status_code == 302
    assert ConsentRecord.objects.get().purposes_granted == purposes


# --- the builder's preview ------------------------------------------------------------


def test_the_preview_hides_a_question_whose_purpose_was_not_ticked_and_says_why(
    org, survey, users, client
):
    from tests.fixtures import login_verified

    login_verified(client, users["author"])
    frames = f"/studio/{org.slug}/surveys/{survey.pk}/preview/en/"
    before = client.get(frames + "about_you/").content.decode()
    assert NEWSLETTER in before  # the consent step not used yet: every purpose counts
    assert "Hidden in this preview" not in before

    agreed = client.post(frames + "_consent/", {"action": "agree", "purposes": ["survey_research"]})
    assert agreed["Location"] == frames + "attitudes/"
    body = client.get(frames + "about_you/").content.decode()
    assert '<label class="question-text" for="q-shared_newsletter">' not in body
    assert "Hidden in this preview, as respondents would not see them:" in body
    assert (
        f"“{NEWSLETTER}” is asked only with consent to “Send you our privacy newsletter”, "
        "which was not ticked at the consent step."
    ) in body
    assert f'href="{frames}_consent/"' in body
    # The consent step shows what was ticked; ticking marketing brings the question back.
    step = client.get(frames + "_consent/").content.decode()
    assert 'value="marketing" aria-describedby' in step and 'value="marketing" checked' not in step
    client.post(
        frames + "_consent/", {"action": "agree", "purposes": ["survey_research", "marketing"]}
    )
    body = client.get(frames + "about_you/").content.decode()
    assert NEWSLETTER in body and "Hidden in this preview" not in body
    assert Response.objects.count() == 0
