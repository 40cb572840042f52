"""The instrument library: validated question sets an author inserts as a section.

Each instrument is a function returning a section in the definition format
(codes, constructs, reverse coding, scoring included), in English and
Traditional Chinese. Sources and scoring: docs/INSTRUMENTS.md.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AGREE_4 = [
    ("sd", 1, "Strongly disagree", "非常不同意"),
    ("d", 2, "Somewhat disagree", "有點不同意"),
    ("a", 3, "Somewhat agree", "有點同意"),
    ("sa", 4, "Strongly agree", "非常同意"),
]
AGREE_5 = [
    ("sd", 1, "Strongly disagree", "非常不同意"),
    ("d", 2, "Disagree", "不同意"),
    ("n", 3, "Neither agree nor disagree", "普通"),
    ("a", 4, "Agree", "同意"),
    ("sa", 5, "Strongly agree", "非常同意"),
]
AGREE_7 = [
    ("p1", 1, "Strongly disagree", "非常不同意"),
    ("p2", 2, "Disagree", "不同意"),
    ("p3", 3, "Somewhat disagree", "有點不同意"),
    ("p4", 4, "Neutral", "中立"),
    ("p5", 5, "Somewhat agree", "有點同意"),
    ("p6", 6, "Agree", "同意"),
    ("p7", 7, "Strongly agree", "非常同意"),
]


def _choices(points: list[tuple[str, int, str, str]]) -> list[dict[str, Any]]:
    return [{"code": c, "value": v, "label": {"en": en, "zh-Hant": zh}} for c, v, en, zh in points]


def _t(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-Hant": zh}


def _matrix(
    code: str, text: dict[str, str], rows: list[tuple[str, str, str, str]], points: list
) -> dict[str, Any]:
    return {
        "code": code,
        "type": "matrix",
        "text": text,
        "required": True,
        "settings": {
            "rows": [
                {"code": rc, "text": _t(en, zh), "construct": construct}
                for rc, construct, en, zh in rows
            ]
        },
        "choices": _choices(points),
    }


def westin(prefix: str, brand: str) -> dict[str, Any]:
    return {
        "code": f"{prefix}westin",
        "title": _t("Privacy and companies", "隱私與企業"),
        "questions": [
            _matrix(
                f"{prefix}westin",
                _t("How much do you agree with each statement?", "您有多同意以下各項陳述？"),
                [
                    (
                        "w1",
                        "westin_1",
                        "Consumers have lost all control over how personal information is "
                        "collected and used by companies.",
                        "消費者已完全失去對企業如何蒐集及使用個人資料的控制。",
                    ),
                    (
                        "w2",
                        "westin_2",
                        "Most businesses handle the personal information they collect about "
                        "consumers in a proper and confidential way.",
                        "大多數企業都以適當且保密的方式處理所蒐集的消費者個人資料。",
                    ),
                    (
                        "w3",
                        "westin_3",
                        "Existing laws and organizational practices provide a reasonable level "
                        "of protection for consumer privacy today.",
                        "現行法律與組織做法對消費者隱私提供了合理程度的保護。",
                    ),
                ],
                AGREE_4,
            )
        ],
    }


def iuipc10(prefix: str, brand: str) -> dict[str, Any]:
    rows = [
        (
            "ctrl1",
            "iuipc_control",
            "Consumer online privacy is really a matter of consumers' right to exercise control "
            "and autonomy over decisions about how their information is collected, used, and "
            "shared.",
            "消費者的網路隱私，其實是消費者有權自主決定其資訊如何被蒐集、使用與分享。",
        ),
        (
            "ctrl2",
            "iuipc_control",
            "Consumer control of personal information lies at the heart of consumer privacy.",
            "消費者對個人資料的控制是消費者隱私的核心。",
        ),
        (
            "ctrl3",
            "iuipc_control",
            "I believe that online privacy is invaded when control is lost or unwillingly reduced "
            "as a result of a marketing transaction.",
            "我認為當控制權因行銷交易而喪失或被迫減少時，網路隱私就受到侵犯。",
        ),
        (
            "awa1",
            "iuipc_awareness",
            "Companies seeking information online should disclose the way the data are "
            "collected, processed, and used.",
            "在網路上蒐集資訊的公司應揭露資料的蒐集、處理與使用方式。",
        ),
        (
            "awa2",
            "iuipc_awareness",
            "A good consumer online privacy policy should have a clear and conspicuous disclosure.",
            "良好的消費者網路隱私政策應有清楚且明顯的揭露。",
        ),
        (
            "awa3",
            "iuipc_awareness",
            "It is very important to me that I am aware and knowledgeable about how my personal "
            "information will be used.",
            "了解並知道我的個人資料將如何被使用，對我來說非常重要。",
        ),
        (
            "coll1",
            "iuipc_collection",
            "It usually bothers me when online companies ask me for personal information.",
            "網路公司向我索取個人資料時，我通常會感到困擾。",
        ),
        (
            "coll2",
            "iuipc_collection",
            "When online companies ask me for personal information, I sometimes think twice "
            "before providing it.",
            "網路公司向我索取個人資料時，我有時會三思而後才提供。",
        ),
        (
            "coll3",
            "iuipc_collection",
            "It bothers me to give personal information to so many online companies.",
            "要把個人資料提供給這麼多網路公司讓我感到困擾。",
        ),
        (
            "coll4",
            "iuipc_collection",
            "I'm concerned that online companies are collecting too much personal information "
            "about me.",
            "我擔心網路公司蒐集了太多關於我的個人資料。",
        ),
    ]
    return {
        "code": f"{prefix}iuipc",
        "title": _t("Your privacy concerns online", "您在網路上的隱私顧慮"),
        "questions": [
            _matrix(
                f"{prefix}iuipc",
                _t("How much do you agree with each statement?", "您有多同意以下各項陳述？"),
                rows,
                AGREE_7,
            )
        ],
    }


def brand_trust(prefix: str, brand: str) -> dict[str, Any]:
    rows = [
        (
            "responsible",
            "trust_brand",
            f"I trust {brand} to use my personal data responsibly.",
            f"我相信 {brand} 會負責任地使用我的個人資料。",
        ),
        (
            "open",
            "trust_brand",
            f"{brand} is open about how it uses my personal data.",
            f"{brand} 公開說明如何使用我的個人資料。",
        ),
        (
            "protects",
            "trust_brand",
            f"{brand} protects my personal data from misuse.",
            f"{brand} 會保護我的個人資料不被濫用。",
        ),
    ]
    return {
        "code": f"{prefix}trust",
        "title": _t(f"Trust in {brand}", f"對 {brand} 的信任"),
        "questions": [
            _matrix(
                f"{prefix}trust",
                _t("How much do you agree with each statement?", "您有多同意以下各項陳述？"),
                rows,
                AGREE_5,
            )
        ],
    }


def policy_reading(prefix: str, brand: str) -> dict[str, Any]:
    return {
        "code": f"{prefix}policy",
        "title": _t("Privacy policies", "隱私權政策"),
        "questions": [
            {
                "code": f"{prefix}policy_reading",
                "type": "single_choice",
                "text": _t(
                    "How often do you read a company's privacy policy before agreeing to it?",
                    "您在同意公司的隱私權政策前，多常會先閱讀它？",
                ),
                "required": True,
                "construct": "reads_terms_stated",
                "choices": _choices(
                    [
                        ("always", 4, "Always or almost always", "總是或幾乎總是"),
                        ("often", 3, "Often", "經常"),
                        ("sometimes", 2, "Sometimes", "有時"),
                        ("never", 1, "Never", "從不"),
                    ]
                ),
            }
        ],
    }


def privacy_actives(prefix: str, brand: str) -> dict[str, Any]:
    return {
        "code": f"{prefix}actives",
        "title": _t("Acting on privacy", "為隱私採取行動"),
        "questions": [
            {
                "code": f"{prefix}pa_cares",
                "type": "yes_no",
                "text": _t("Do you care about data privacy?", "您在乎資料隱私嗎？"),
                "required": True,
                "construct": "privacy_actives_cares",
            },
            {
                "code": f"{prefix}pa_willing",
                "type": "yes_no",
                "text": _t(
                    "Are you willing to act to protect your data, for example by spending "
                    "time or money?",
                    "您願意為保護自己的資料採取行動嗎？例如花費時間或金錢。",
                ),
                "required": True,
                "construct": "privacy_actives_willing",
            },
            {
                "code": f"{prefix}pa_acted",
                "type": "yes_no",
                "text": _t(
                    "Have you switched companies or providers over their data policies or "
                    "data-sharing practices?",
                    "您是否曾因公司或服務提供者的資料政策或資料分享做法而更換？",
                ),
                "required": True,
                "construct": "privacy_actives_acted",
            },
        ],
    }


def attention_check(prefix: str, brand: str) -> dict[str, Any]:
    return {
        "code": f"{prefix}attention",
        "title": _t("A quick check", "快速確認"),
        "questions": [
            {
                "code": f"{prefix}attention",
                "type": "attention_check",
                "text": _t(
                    "To show you are reading carefully, please choose “Somewhat disagree”.",
                    "為確認您有仔細閱讀，請選擇「有點不同意」。",
                ),
                "required": True,
                "choices": [
                    dict(c, is_correct=c["code"] == "d") if c["code"] == "d" else c
                    for c in _choices(AGREE_4)
                ],
            }
        ],
    }


def _quiz_q(code, en, zh, options, correct, feedback) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "code": code,
        "type": "single_choice",
        "text": _t(en, zh),
        "required": True,
        "points": 1,
        "choices": [
            {
                "code": oc,
                "label": _t(oen, ozh),
                **({"is_correct": True} if oc == correct else {}),
                "feedback": feedback,
            }
            for oc, oen, ozh in options
        ],
    }


def privacy_knowledge(prefix: str, brand: str) -> dict[str, Any]:
    yes_no = [("yes", "Yes", "是"), ("no", "No", "否")]
    return {
        "code": f"{prefix}knowledge",
        "title": _t("What do you know about privacy?", "您對隱私了解多少？"),
        "questions": [
            _quiz_q(
                f"{prefix}k_access",
                "Can you ask a company for a copy of the personal data it holds about you?",
                "您可以要求公司提供其持有的您的個人資料副本嗎？",
                yes_no,
                "yes",
                _t(
                    "Yes: the right of access (GDPR Art. 15).",
                    "可以：這是查閱權（GDPR 第 15 條）。",
                ),
            ),
            _quiz_q(
                f"{prefix}k_ip",
                "Is an IP address personal data in the EU?",
                "在歐盟，IP 位址屬於個人資料嗎？",
                yes_no,
                "yes",
                _t(
                    "Yes: the EU Court of Justice held so (Breyer, C-582/14).",
                    "是的：歐盟法院如此認定（Breyer 案，C-582/14）。",
                ),
            ),
            _quiz_q(
                f"{prefix}k_incognito",
                "Does private (incognito) browsing hide your activity from websites you visit?",
                "無痕（私密）瀏覽能向您造訪的網站隱藏您的活動嗎？",
                yes_no,
                "no",
                _t(
                    "No: it only keeps history off your own device.",
                    "不能：它只是不在您自己的裝置上保留紀錄。",
                ),
            ),
        ],
    }


@dataclass(frozen=True, kw_only=True)
class Instrument:
    code: str
    name: str
    source: str
    build: Callable[[str, str], dict[str, Any]]
    quiz_only: bool = False


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i
    for i in [
        Instrument(
            code="westin",
            name="Westin Privacy Segmentation Index",
            source="Westin (Harris-Equifax surveys); Kumaraguru & Cranor 2005",
            build=westin,
        ),
        Instrument(
            code="iuipc10",
            name="IUIPC-10",
            source="Malhotra, Kim & Agarwal 2004, Information Systems Research 15(4)",
            build=iuipc10,
        ),
        Instrument(
            code="brand_trust",
            name="Trust in the brand's data handling",
            source="TrustPulse; item 1 as in Cisco Consumer Privacy Survey",
            build=brand_trust,
        ),
        Instrument(
            code="policy_reading",
            name="Privacy-policy reading (stated)",
            source="Pew Research Center 2019, Americans and Privacy",
            build=policy_reading,
        ),
        Instrument(
            code="privacy_actives",
            name="Privacy Actives",
            source="Cisco Consumer Privacy Survey 2019–2021",
            build=privacy_actives,
        ),
        Instrument(
            code="attention_check",
            name="Attention check",
            source="Instructed-response item (Meade & Craig 2012)",
            build=attention_check,
        ),
        Instrument(
            code="privacy_knowledge",
            name="Privacy-knowledge quiz",
            source="TrustPulse",
            build=privacy_knowledge,
            quiz_only=True,
        ),
    ]
}
