"""Editing the default-language text marks its translations out of date, shown in the builder."""

import pytest

from surveys.authoring.selectors.authoring import working_version
from surveys.authoring.services.translations import localized_texts, stale_after_edit
from tests.surveys.builder.helpers import add_scale, add_section, base

pytestmark = pytest.mark.django_db


def doc(text_en, text_zh, label_zh="同意", locales=("en", "zh-Hant")):
    return {
        "default_locale": "en",
        "locales": list(locales),
        "sections": [
            {
                "code": "intro",
                "title": {"en": "About", "zh-Hant": "關於"},
                "questions": [
                    {
                        "code": "trust",
                        "text": {"en": text_en, "zh-Hant": text_zh},
                        "choices": [{"value": 1, "label": {"en": "Agree", "zh-Hant": label_zh}}],
                        "display_logic": {"question": "x", "op": "answered"},
                    }
                ],
            }
        ],
    }


def test_keys_survive_moves_and_skip_logic():
    assert sorted(localized_texts(doc("A", "甲"))) == [
        "sections[intro].questions[trust].choices[1].label",
        "sections[intro].questions[trust].text",
        "sections[intro].title",
    ]


def test_marks_follow_the_default_text_and_clear_when_translated():
    key = "sections[intro].questions[trust].text"
    marks = stale_after_edit(before=doc("A", "甲"), after=doc("B", "甲"), stale={})
    assert marks == {key: ["zh-Hant"]}
    # Another edit elsewhere keeps the mark; translating again clears it.
    marks = stale_after_edit(before=doc("B", "甲"), after=doc("B", "甲", "好"), stale=marks)
    assert marks == {key: ["zh-Hant"]}
    assert stale_after_edit(before=doc("B", "甲"), after=doc("B", "乙"), stale=marks) == {}
    # Changing both at once: the translation was written with the new text.
    assert stale_after_edit(before=doc("A", "甲"), after=doc("B", "乙"), stale={}) == {}
    # An empty translation is missing, not out of date; a dropped locale drops its marks.
    assert stale_after_edit(before=doc("A", ""), after=doc("B", ""), stale={}) == {}
    one = doc("B", "甲", locales=("en",))
    assert stale_after_edit(before=doc("B", "甲"), after=one, stale={key: ["zh-Hant"]}) == {}


def question_post(**texts):
    data = {
        "code": "trust",
        "type": "scale",
        "required": "on",
        "purpose": "survey_research",
        "construct": "trust_brand",
        **texts,
    }
    for i, (c, v, en) in enumerate([("d", 1, "Disagree"), ("n", 2, "Neither"), ("a", 3, "Agree")]):
        data.update(
            {
                f"c-{i}-code": c,
                f"c-{i}-value": str(v),
                f"c-{i}-order": str(i + 1),
                f"c-{i}-label__en": en,
                f"c-{i}-label__zh-Hant": en + "（中）",
            }
        )
    return data


def test_builder_shows_and_clears_the_mark(client, org, author, draft):  # noqa: F811
    add_section(client, org, draft)
    add_scale(client, org, draft)
    url = base(org, draft.pk) + "questions/trust/"
    page = client.get(base(org, draft.pk)).content.decode()
    assert "Every translation is as new as its default-language text." in page

    changed = question_post(
        **{"text__en": "I trust this shop.", "text__zh-Hant": "我信任這個品牌。"}
    )
    assert client.post(url, changed).status_code == 302
    key = "sections[intro].questions[trust].text"
    assert working_version(survey=draft).stale_translations == {key: ["zh-Hant"]}
    page = client.get(base(org, draft.pk)).content.decode()
    assert f"<li><code>{key}</code>: zh-Hant</li>" in page
    edit = client.get(url).content.decode()
    assert edit.count('<span class="stale-tag">out of date</span>') == 1
    assert 'class="loc-column is-stale"' in edit

    again = question_post(**{"text__en": "I trust this shop.", "text__zh-Hant": "我信任這家店。"})
    assert client.post(url, again).status_code == 302
    assert working_version(survey=draft).stale_translations == {}
    assert "stale-tag" not in client.get(url).content.decode()


def test_survey_title_change_marks_its_translation(client, org, author, draft):  # noqa: F811
    add_section(client, org, draft)

    def save(title_en):
        data = {
            "title__en": title_en,
            "title__zh-Hant": "資料安心度",
            "locales": ["en", "zh-Hant"],
            "default_locale": "en",
            "consent_notice": "privacy-notice",
        }
        assert client.post(base(org, draft.pk), data).status_code == 302

    save("Comfort with data")
    assert working_version(survey=draft).stale_translations == {}
    save("Comfort with your data")
    assert working_version(survey=draft).stale_translations == {"title": ["zh-Hant"]}
    page = client.get(base(org, draft.pk)).content.decode()
    assert '<span class="stale-tag">out of date</span>' in page
