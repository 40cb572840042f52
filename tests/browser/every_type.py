"""A small definition with every question type the demo surveys do not use.

Shared by the view tests, the browser test and scripts/screenshots.py.
"""

import copy
from typing import Any

from surveys.authoring.services.definitions import definition_import, survey_publish

EVERY_TYPE: dict[str, Any] = {
    "schema_version": "1.0",
    "kind": "survey",
    "slug": "every-type",
    "title": {"en": "Your online habits", "zh-Hant": "您的上網習慣"},
    "default_locale": "en",
    "locales": ["en", "zh-Hant"],
    "texts": {
        "intro": {"en": "Two short pages.", "zh-Hant": "兩個簡短頁面。"},
        "thanks": {"en": "All done, thank you.", "zh-Hant": "完成了，謝謝您。"},
    },
    "sections": [
        {
            "code": "numbers",
            "title": {"en": "Numbers and dates", "zh-Hant": "數字與日期"},
            "description": {
                "en": "Rough answers are <em>fine</em>.",
                "zh-Hant": "大概的答案就<em>可以</em>。",
            },
            "questions": [
                {
                    "code": "rating",
                    "type": "rating",
                    "required": True,
                    "text": {
                        "en": "How would you rate our privacy settings?",
                        "zh-Hant": "您如何評價我們的隱私設定？",
                    },
                },
                {
                    "code": "apps",
                    "type": "number",
                    "text": {
                        "en": "How many apps on your phone have access to your location?",
                        "zh-Hant": "您手機上有多少個應用程式可以存取您的位置？",
                    },
                    "settings": {
                        "min": 0,
                        "max": 200,
                        "step": 1,
                        "unit": {"en": "apps", "zh-Hant": "個"},
                    },
                },
                {
                    "code": "hours",
                    "type": "number",
                    "required": True,
                    "text": {
                        "en": "Hours a day you spend online",
                        "zh-Hant": "您每天上網的時數",
                    },
                    "settings": {"min": 0, "max": 16, "step": 1, "widget": "slider"},
                },
                {
                    "code": "last_review",
                    "type": "date",
                    "text": {
                        "en": "When did you last review your privacy settings?",
                        "zh-Hant": "您上次檢查隱私設定是什麼時候？",
                    },
                    "settings": {"min": "2015-01-01", "max": "2030-12-31"},
                },
            ],
        },
        {
            "code": "choices",
            "title": {"en": "Priorities", "zh-Hant": "優先順序"},
            "questions": [
                {
                    "code": "priorities",
                    "type": "ranking",
                    "required": True,
                    "randomize_choices": True,
                    "text": {
                        "en": "Rank what matters most to you in an app",
                        "zh-Hant": "請排列您最重視的應用程式特點",
                    },
                    "choices": [
                        {"code": "privacy", "label": {"en": "Privacy", "zh-Hant": "隱私"}},
                        {"code": "price", "label": {"en": "Price", "zh-Hant": "價格"}},
                        {"code": "features", "label": {"en": "Features", "zh-Hant": "功能"}},
                    ],
                },
                {
                    "code": "source",
                    "type": "single_choice",
                    "allow_other": True,
                    "randomize_choices": True,
                    "text": {
                        "en": "Where do you learn about privacy?",
                        "zh-Hant": "您從哪裡了解隱私相關資訊？",
                    },
                    "choices": [
                        {"code": "news", "label": {"en": "The news", "zh-Hant": "新聞"}},
                        {"code": "friends", "label": {"en": "Friends", "zh-Hant": "朋友"}},
                        {"code": "social", "label": {"en": "Social media", "zh-Hant": "社群媒體"}},
                    ],
                },
                {
                    "code": "devices",
                    "type": "multiple_choice",
                    "text": {
                        "en": "Which devices do you use?",
                        "zh-Hant": "您使用哪些裝置？",
                    },
                    "settings": {"min_selections": 1, "max_selections": 2},
                    "choices": [
                        {"code": "phone", "label": {"en": "Phone", "zh-Hant": "手機"}},
                        {"code": "laptop", "label": {"en": "Laptop", "zh-Hant": "筆電"}},
                        {"code": "tablet", "label": {"en": "Tablet", "zh-Hant": "平板"}},
                    ],
                },
                {
                    "code": "vpn",
                    "type": "yes_no",
                    "text": {"en": "Do you use a VPN?", "zh-Hant": "您使用 VPN 嗎？"},
                },
                {
                    "code": "nickname",
                    "type": "short_text",
                    "text": {"en": "A nickname for this device", "zh-Hant": "這個裝置的暱稱"},
                    "settings": {
                        "max_length": 40,
                        "placeholder": {"en": "e.g. work phone", "zh-Hant": "例如：公務手機"},
                    },
                },
                {
                    "code": "confirm",
                    "type": "acknowledgement",
                    "required": True,
                    "text": {
                        "en": "I answered these questions honestly.",
                        "zh-Hant": "我誠實回答了這些問題。",
                    },
                },
            ],
        },
    ],
}


def every_type_definition() -> dict[str, Any]:
    """The definition, attached to the demo notice; every question serves its main purpose."""
    doc = copy.deepcopy(EVERY_TYPE)
    doc["consent_notice"] = "privacy-notice"
    for section in doc["sections"]:
        for question in section["questions"]:
            question.setdefault("purpose", "survey_research")
    return doc


def every_type_survey(organization, slug: str = "every-type"):
    """The every-type definition, imported into `organization` and published."""
    from tests.factories import published_notice

    published_notice(organization)
    doc = every_type_definition()
    doc["slug"] = slug
    version = definition_import(organization=organization, document=doc)
    survey_publish(survey=version.survey)
    version.survey.refresh_from_db()
    return version.survey
