"""A quiz whose notice offers the touchpoint purposes, and a follow-up on it."""

import copy

from surveys.consent.services.consent import notice_publish, notice_save
from surveys.enums import PERSONALISED_OFFERS, PRIVACY_REPORT
from surveys.models import Organization
from tests.factories import demo_notice_content, live_survey


def _purpose(base: dict, pid: str, en: str, zh: str) -> dict:
    p = copy.deepcopy(base)
    p.update(id=pid, required=False, retention_days=365)
    p["title"] = {"en": en, "zh-Hant": zh}
    p["description"] = {"en": en + ".", "zh-Hant": zh + "。"}
    return p


def touchpoint_notice(organization: Organization):
    content = demo_notice_content()
    marketing = next(p for p in content["purposes"] if p["id"] == "marketing")
    content["purposes"] += [
        _purpose(
            marketing,
            PERSONALISED_OFFERS,
            "Send you offers that fit your result",
            "寄送符合您結果的優惠",
        ),
        _purpose(
            marketing,
            PRIVACY_REPORT,
            "Send you a privacy report each quarter",
            "每季寄送隱私報告給您",
        ),
    ]
    version = notice_save(
        organization=organization, slug="privacy-notice", name="Privacy notice", content=content
    )
    return notice_publish(version=version)


def touchpoint_quiz(organization: Organization):
    touchpoint_notice(organization)
    return live_survey(organization, "privacy_quiz")


def follow_up_data(**overrides) -> dict:
    data = {
        "name": "Pro offer",
        "purpose": PERSONALISED_OFFERS,
        "condition": {"question": "$outcome", "op": "eq", "value": 2},
        "subject": {"en": "Your pragmatist offer", "zh-Hant": "您的務實派優惠"},
        "body": {"en": "Thanks for scoring so well.", "zh-Hant": "謝謝您的好成績。"},
        "reward_kind": "code",
        "holdout_percent": 0,
    }
    data.update(overrides)
    return data
