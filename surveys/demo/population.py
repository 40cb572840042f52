"""The demo's synthetic population: people drawn from a calibration (a published
data set when present), their answers, their consent choices and behaviour, and
when they respond. Pure functions of a seeded random generator."""

from __future__ import annotations

import csv
import math
import random
import statistics
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from ..enums import (
    BEHAVIOURAL_MEASUREMENT,
    EventSource,
)
from ..spec import OTHER

DAYS = 90


# Weak correlation of the latent "stated concern" and "enacted protection";
# replaced by the one measured in the calibration data set when it is present.
DEFAULT_LATENT_R = 0.15


DATASET_NAME = "privacy_calc_exp.csv"


# Local hour of day (organization time zone) → relative weight.
HOUR_WEIGHTS = (
    (0, 0.3),
    (1, 0.15),
    (2, 0.1),
    (3, 0.05),
    (4, 0.05),
    (5, 0.1),
    (6, 0.4),
    (7, 0.9),
    (8, 1.3),
    (9, 1.2),
    (10, 1.0),
    (11, 1.0),
    (12, 1.4),
    (13, 1.3),
    (14, 0.9),
    (15, 0.9),
    (16, 1.0),
    (17, 1.1),
    (18, 1.2),
    (19, 1.6),
    (20, 1.8),
    (21, 1.6),
    (22, 1.0),
    (23, 0.6),
)


SWITCHED_WHY = {
    "en": [
        "They sold my data to advertisers.",
        "A data breach, and they told us weeks later.",
        "The new terms let them share my location.",
        "Too many marketing emails after I said no.",
        "A competitor explained clearly what they keep.",
    ],
    "zh-Hant": [
        "他們把我的資料賣給廣告商。",
        "發生資料外洩，幾週後才通知我們。",
        "新條款允許他們分享我的位置。",
        "我拒絕後仍收到太多行銷郵件。",
        "另一家公司清楚說明了他們保存哪些資料。",
    ],
}


IMPROVE = {
    "en": [
        "Tell me what you keep and for how long.",
        "Make it easy to delete my account.",
        "Stop sharing data with partners.",
        "Shorter privacy notices in plain language.",
        "Ask before using my data for ads.",
        "Let me download my data.",
    ],
    "zh-Hant": [
        "告訴我你們保存什麼、保存多久。",
        "讓刪除帳號更容易。",
        "停止與合作夥伴分享資料。",
        "用淺白的語言寫更短的隱私權聲明。",
        "在用我的資料投放廣告前先問我。",
        "讓我能下載自己的資料。",
    ],
}


OTHER_ACTIONS = {
    "en": ["Used a VPN", "Turned off location history", "Used a privacy-friendly browser"],
    "zh-Hant": ["使用 VPN", "關閉位置紀錄", "使用注重隱私的瀏覽器"],
}


_NORMAL = statistics.NormalDist()


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """How the synthetic stated/enacted relationship was set."""

    latent_r: float
    source: str
    # Empirical distribution (sorted) of words posted in a week, or None.
    words: tuple[int, ...] | None = None
    rows: int = 0
    spearman: float | None = None


def default_dataset_path() -> Path:
    """`../shared/datasets/privacy_calc_exp.csv`, beside the repository (may be absent)."""
    return Path(settings.BASE_DIR).parent / "shared" / "datasets" / DATASET_NAME


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def load_calibration(path: Path | None) -> Calibration:
    """Calibrate from the privacy-calculus field experiment when its CSV is present.

    Stated concern is the mean of PC01_01…PC01_07 (item 3 reversed on its
    7-point scale); enacted protection is the negative of the words a person
    actually posted during the study week. Their Spearman correlation becomes
    the latent Pearson correlation through the Gaussian-copula relation
    r = 2·sin(π·ρ/6); the words column gives the distribution of
    `content_posted_words`. Without the file: r = DEFAULT_LATENT_R.
    """
    fallback = Calibration(latent_r=DEFAULT_LATENT_R, source="built-in default")
    if path is None or not path.is_file():
        return fallback
    concern: list[float] = []
    words: list[float] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                try:
                    items = [float(row[f"PC01_0{i}"]) for i in range(1, 8)]
                    posted = float(row["words"])
                except (KeyError, TypeError, ValueError):
                    continue  # NA or a missing column: leave the row out
                items[2] = 8 - items[2]
                concern.append(sum(items) / len(items))
                words.append(posted)
    except (OSError, UnicodeDecodeError, csv.Error):
        return fallback
    if len(concern) < 30 or len(set(words)) < 2 or len(set(concern)) < 2:
        return fallback
    rho = statistics.correlation(_ranks(concern), _ranks([-w for w in words]))
    r = 2 * math.sin(math.pi * rho / 6)
    r = max(-0.3, min(0.6, r))
    return Calibration(
        latent_r=r,
        source=f"{path.name} (n={len(concern)})",
        words=tuple(sorted(int(w) for w in words)),
        rows=len(concern),
        spearman=rho,
    )


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _point(x: float, lo: int = 1, hi: int = 5) -> int:
    return max(lo, min(hi, int(round(x))))


def pick_weighted(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights=weights, k=1)[0]


@dataclass(frozen=True, kw_only=True)
class Person:
    """One synthetic respondent: latent traits, standard normal each."""

    concern: float  # stated privacy concern
    protection: float  # enacted protection (what they do)
    knowledge: float  # privacy knowledge (quiz)


def person_draw(rng: random.Random, r: float) -> Person:
    concern = rng.gauss(0, 1)
    protection = r * concern + math.sqrt(1 - r * r) * rng.gauss(0, 1)
    knowledge = 0.3 * concern + math.sqrt(1 - 0.09) * rng.gauss(0, 1)
    return Person(concern=concern, protection=protection, knowledge=knowledge)


def comfort_answers(rng: random.Random, p: Person, locale: str) -> list[dict[str, Any]]:
    """A complete privacy-comfort response (API shape) that follows the survey's logic."""
    c, e = p.concern, p.protection
    reads = _point(3.3 + 0.75 * c + 0.25 * e + rng.gauss(0, 0.8))
    trust = _point(3.3 - 0.35 * c + rng.gauss(0, 0.9))
    answers: list[dict[str, Any]] = [
        {
            "question": "concern",
            "value": {
                "worry": _point(3.85 + 0.85 * c + rng.gauss(0, 0.5)),
                "control": _point(4.1 + 0.7 * c + rng.gauss(0, 0.5)),
                "no_concern": _point(2.3 - 0.8 * c + rng.gauss(0, 0.6)),
                "reads_terms": reads,
            },
        },
        {"question": "trust_brand", "value": trust},
    ]
    habit = reads + rng.gauss(0, 0.7)
    if habit >= 4.6:
        reading = "always"
    elif habit >= 3.5:
        reading = "often"
    elif habit >= 2.3:
        reading = "sometimes"
    else:
        reading = "never"
    answers.append({"question": "policy_reading", "value": reading})
    # Stated protective actions follow stated concern more than actual habits.
    actions = [
        code
        for code, x in (
            ("ad_blocker", -0.5 + 0.5 * c + 0.6 * e),
            ("deleted_account", -1.3 + 0.5 * c + 0.3 * e),
            ("switched", -2.0 + 0.5 * c + 0.3 * e),
        )
        if rng.random() < _sigmoid(x)
    ]
    other = ""
    if rng.random() < 0.03:
        actions.append(OTHER)
        other = rng.choice(OTHER_ACTIONS[locale])
    if not actions and rng.random() < 0.85:
        actions = ["none"]
    if actions:
        item: dict[str, Any] = {"question": "protective_actions", "value": actions}
        if other:
            item["other"] = other
        answers.append(item)
    if "switched" in actions and rng.random() < 0.8:
        answers.append({"question": "switched_why", "value": rng.choice(SWITCHED_WHY[locale])})
    nps = _point(6.3 + 1.3 * (trust - 3) + rng.gauss(0, 1.8), 0, 10)
    answers.append({"question": "nps", "value": nps})
    attention = "blue" if rng.random() < 0.96 else rng.choice(["red", "green"])
    answers.append({"question": "attention", "value": attention})
    if nps < 9 and rng.random() < 0.45:  # the "improve" section is skipped when nps ≥ 9
        answers.append({"question": "improve_text", "value": rng.choice(IMPROVE[locale])})
    if rng.random() < 0.93:
        band = pick_weighted(
            rng, (("a18_29", 0.27), ("a30_44", 0.3), ("a45_59", 0.25), ("a60", 0.18))
        )
        answers.append({"question": "age_band", "value": band})
    if rng.random() < 0.8:
        wants = rng.random() < _sigmoid(-0.3 - 0.5 * e)
        answers.append({"question": "shared_newsletter", "value": wants})
    return answers


def quiz_answers(rng: random.Random, p: Person, locale: str) -> list[dict[str, Any]]:
    """A complete privacy-quiz response (API shape); better scores with more knowledge."""
    k = p.knowledge
    pii_options = (
        (["email", "ip"], _sigmoid(0.0 + 0.9 * k)),
        (["email"], 0.45),
        (["ip"], 0.08),
        (["email", "ip", "weather"], 0.12),
    )
    correct = rng.random() < pii_options[0][1]
    pii = pii_options[0][0] if correct else pick_weighted(rng, [(v, w) for v, w in pii_options[1:]])
    access = "yes" if rng.random() < _sigmoid(0.9 + 0.8 * k) else rng.choice(["fee", "no"])
    cookies = "yes" if rng.random() < _sigmoid(0.2 + 0.8 * k) else "no"
    if rng.random() < _sigmoid(0.6 + 0.9 * k):
        password = "mfa"
    else:
        password = pick_weighted(rng, (("long", 0.7), ("same", 0.3)))
    return [
        {"question": "q_access", "value": access},
        {"question": "q_cookies", "value": cookies},
        {"question": "q_pii", "value": pii},
        {"question": "q_password", "value": password},
    ]


def _words(calibration: Calibration, protection: float, rng: random.Random) -> int:
    """Words posted in a week: few for the protective (quantile at Φ(−protection))."""
    u = _NORMAL.cdf(-protection)
    if calibration.words:
        data = calibration.words
        return data[min(len(data) - 1, int(u * len(data)))]
    if u < 0.55:
        return 0
    return int(math.exp(3.2 + 1.3 * _NORMAL.inv_cdf(min(0.999, (u - 0.55) / 0.45))))


@dataclass(frozen=True, kw_only=True)
class Event:
    kind: str
    value: Any
    source: str
    at: datetime
    key: str  # idempotency id (unique per organization)
    linked: bool  # attached to the response (captured in the survey flow)


def consent_purposes(rng: random.Random, p: Person, purpose_ids: Sequence[str]) -> list[str]:
    """What a person grants on the consent screen: optional purposes, mostly yes."""
    e = p.protection
    chance = {
        BEHAVIOURAL_MEASUREMENT: _sigmoid(1.7 - 0.5 * e),
        "marketing": _sigmoid(0.3 - 0.8 * e),
    }
    granted = []
    for pid in purpose_ids:
        if pid not in chance or rng.random() < chance[pid]:
            granted.append(pid)
    return granted


def consent_screen(rng: random.Random, p: Person) -> tuple[bool, int]:
    """Whether the full notice was opened, and the milliseconds spent on the screen."""
    e = p.protection
    opened = rng.random() < _sigmoid(-1.6 + 0.9 * e)
    if opened:
        return True, int(rng.lognormvariate(math.log(9000) + 0.4 * e, 0.7))
    return False, int(rng.lognormvariate(math.log(1200), 0.6))


def behaviour_events(
    rng: random.Random,
    p: Person,
    *,
    response_id: str,
    ref: str,
    screen: tuple[bool, int],
    granted: Sequence[str],
    optional: Sequence[str],
    consent_at: datetime,
    submitted: datetime,
    now: datetime,
    calibration: Calibration,
    disclosure: dict[str, bool],
    brand_channels: bool,
) -> list[Event]:
    """What one person did, recorded only with consent to behavioural measurement.

    The consent step and disclosure events have the shapes (kinds, values,
    idempotency ids) that `response_start`/`response_submit` write; the
    brand's own channels (``api``) add the later ones.
    """
    if BEHAVIOURAL_MEASUREMENT not in granted:
        return []
    e = p.protection
    opened, dwell = screen
    events: list[Event] = []

    def in_survey(kind: str, value: Any, suffix: str = "", at: datetime = consent_at) -> None:
        key = f"{response_id}:{kind}:{suffix}"
        events.append(
            Event(kind=kind, value=value, source=EventSource.IN_SURVEY, at=at, key=key, linked=True)
        )

    in_survey("notice_opened", opened)
    if not opened:
        in_survey("terms_accepted_unread", True)
    in_survey("notice_dwell_ms", dwell)
    for purpose in optional:
        if purpose in granted:
            in_survey("optional_purpose_granted", purpose, purpose)
    for code, answered in disclosure.items():
        in_survey("optional_field_disclosed", code if answered else "", code, submitted)
    if not brand_channels:
        return events

    def later(kind: str, value: Any) -> None:
        when = submitted + timedelta(hours=rng.uniform(2, 24 * 21))
        if when >= now:
            when = now - timedelta(minutes=rng.uniform(5, 600))
        when = max(when, submitted)
        key = f"demo:{ref}:{kind}"
        events.append(
            Event(kind=kind, value=value, source=EventSource.API, at=when, key=key, linked=False)
        )

    later("ad_blocker_detected", rng.random() < _sigmoid(-1.5 + 0.9 * e))
    if rng.random() < _sigmoid(-2.2 + 0.9 * e):
        later("marketing_opt_out", True)
    if rng.random() < _sigmoid(-3.5 + 0.9 * e):
        later("data_access_request", True)
    if rng.random() < _sigmoid(-4.0 + 0.8 * e):
        later("account_deleted", True)
    later("content_posted_words", _words(calibration, e, rng))
    return events


def response_moments(
    rng: random.Random, n: int, now: datetime, tz: zoneinfo.ZoneInfo
) -> list[datetime]:
    """`n` submission times over the last DAYS days: growing, quieter at weekends and nights."""
    today = now.astimezone(tz).date()
    days = []
    for d in range(DAYS):
        day = today - timedelta(days=d)
        weight = (1 + 0.6 * (1 - d / DAYS)) * (0.75 if day.weekday() >= 5 else 1.0)
        days.append((day, weight))
    out = []
    for _ in range(n):
        day = pick_weighted(rng, days)
        hour = pick_weighted(rng, HOUR_WEIGHTS)
        local = datetime(
            day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz
        )
        moment = local.astimezone(UTC)
        if moment >= now:
            moment -= timedelta(days=1)
        out.append(moment)
    return sorted(out)
