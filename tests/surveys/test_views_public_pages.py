"""The respondent flow through Django's test client: languages, escaping, every question
type, the form helpers."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from surveys import selectors
from surveys.authoring.services.definitions import definition_import, survey_publish
from surveys.forms import FieldState, parse_question, posted_state, stored_state
from surveys.models import Respondent, Response
from surveys.responses.selectors import response_values
from tests.browser.every_type import every_type_survey
from tests.factories import demo_definition
from tests.surveys.public_flow import (
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
