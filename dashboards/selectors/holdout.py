"""Does a touchpoint build trust? The holdout comparison (docs/TOUCHPOINTS.md).

Population: people first eligible for a follow-up in a complete calendar month
(the current month is left out: too new for later responses, and its count
would withhold the month grid). Unit: the respondent reference. A person is
*touched* when any follow-up reached them (sent, or a reward shown), *held
out* when every follow-up they were eligible for kept them back by the draw. Compared, on responses
the same person submitted *after* their first eligibility: the mean Trust
Index (0–1, the `trust_brand` construct of each later clean response, one
mean per person), and the share who withdrew the follow-up's purpose or
everything since (an erased person's delivery row stays, anonymous, with its
withdrawal time).

Disclosure (docs/DISCLOSURE.md): people are counted per calendar month of
their first eligibility; a group is withheld unless each month has nobody or
at least ``min_cell`` of its people (rule 7; so must each month's people
behind a mean, and each month's withdrawals and their rest), a mean needs
``min_cell`` people behind it (rule 1), a share passes ``proportion`` (rule
2), and a difference is withheld with either side (rule 3).
"""

import datetime as dt
import math
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone

from surveys.enums import DeliveryGroup, ResponseStatus
from surveys.models import FollowUpDelivery, Organization, Response

from ..models import ResponseScore
from ..services.disclosure import WITHHELD, Figure, derived, proportion, small, suppress

Z = 1.96
TRUST = "trust_brand"


@dataclass(frozen=True, kw_only=True)
class Arm:
    group: str
    people: Figure
    trust: Figure  # mean Trust Index on later responses, 0–1, with its 95 % CI
    withdrawal: Figure  # share who withdrew since, with its 95 % (Wilson) CI


@dataclass(frozen=True, kw_only=True)
class HoldoutComparison:
    touched: Arm
    holdout: Arm
    trust_difference: Figure  # touched − holdout
    withdrawal_difference: Figure
    eligible: int  # whether there is anything to show at all (not a disclosed count)


@dataclass(kw_only=True)
class _Person:
    group: str
    first: dt.datetime
    withdrawn: bool


def _month_start(organization_id: int, now: dt.datetime) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(Organization.objects.get(pk=organization_id).timezone)
    local = now.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _people(organization_id: int, before: dt.datetime) -> tuple[dict[Any, _Person], list[_Person]]:
    """Known people by respondent id, and the anonymous (erased) ones, eligible before `before`."""
    known: dict[Any, _Person] = {}
    anonymous: list[_Person] = []
    rows = FollowUpDelivery.objects.filter(
        follow_up__survey__organization_id=organization_id, created_at__lt=before
    ).values_list("respondent_key", "group", "created_at", "withdrawn_at")
    for key, group, created, withdrawn in rows:
        if key is None:
            anonymous.append(_Person(group=group, first=created, withdrawn=True))
            continue
        person = known.get(key)
        if person is None:
            known[key] = _Person(group=group, first=created, withdrawn=withdrawn is not None)
            continue
        if group == DeliveryGroup.TOUCHED:
            person.group = DeliveryGroup.TOUCHED
        person.first = min(person.first, created)
        person.withdrawn = person.withdrawn or withdrawn is not None
    return known, anonymous


def _later_trust(known: dict[Any, _Person]) -> dict[Any, float]:
    """Each person's mean Trust Index on clean responses submitted after first eligibility."""
    if not known:
        return {}
    responses = Response.objects.filter(
        respondent_id__in=list(known), status=ResponseStatus.COMPLETE, is_test=False
    ).values_list("pk", "respondent_id", "submitted_at")
    later = {pk: rid for pk, rid, at in responses if at is not None and at > known[rid].first}
    scores: dict[Any, list[float]] = defaultdict(list)
    for response_id, constructs in ResponseScore.objects.filter(
        response_id__in=list(later), flagged=False
    ).values_list("response_id", "constructs"):
        mean = (constructs or {}).get(TRUST, {}).get("mean")
        if mean is not None:
            scores[later[response_id]].append(float(Decimal(mean)))
    return {rid: sum(v) / len(v) for rid, v in scores.items()}


Month = tuple[int, int]


def _month(at: dt.datetime) -> Month:
    return (at.year, at.month)


def _mean_ci(values: list[float]) -> tuple[float, float, float, float]:
    """Mean, its standard error, and the normal 95 % interval."""
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    se = math.sqrt(var / n)
    return mean, se, mean - Z * se, mean + Z * se


def _wilson(part: int, whole: int) -> tuple[float, float]:
    p = part / whole
    denom = 1 + Z * Z / whole
    centre = (p + Z * Z / (2 * whole)) / denom
    half = Z * math.sqrt(p * (1 - p) / whole + Z * Z / (4 * whole * whole)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _grid_small(months: Counter, min_cell: int) -> bool:
    """Rule 7: a count over months is shown only if every month's count is 0 or large enough."""
    return any(small(n, min_cell=min_cell) for n in months.values())


def _arm(group: str, people: list[_Person], trust: list[tuple[Month, float]], min_cell: int) -> Arm:
    months = Counter(_month(p.first) for p in people)
    if _grid_small(months, min_cell) or len(people) < min_cell:
        return Arm(group=group, people=WITHHELD, trust=WITHHELD, withdrawal=WITHHELD)
    withdrawn = sum(p.withdrawn for p in people)
    gone = Counter(_month(p.first) for p in people if p.withdrawn)
    share = proportion(withdrawn, len(people), min_cell=min_cell)
    if _grid_small(gone, min_cell) or _grid_small(months - gone, min_cell):
        share = WITHHELD  # a month's withdrawals, or its rest, would be small
    if not share.suppressed:
        low, high = _wilson(withdrawn, len(people))
        share = replace(share, ci_low=low, ci_high=high)
    mean = WITHHELD
    values = [v for _, v in trust]
    if len(values) >= min_cell and not _grid_small(Counter(m for m, _ in trust), min_cell):
        m, _se, lo, hi = _mean_ci(values)
        mean = suppress(len(values), min_cell, m, (lo, hi))
    size = Figure(n=len(people), value=float(len(people)))
    return Arm(group=group, people=size, trust=mean, withdrawal=share)


def _difference(a: Figure, b: Figure, se: float) -> Figure:
    if a.suppressed or b.suppressed or a.value is None or b.value is None:
        return WITHHELD
    d = derived(a.value - b.value, a, b)
    return replace(d, ci_low=d.value - Z * se, ci_high=d.value + Z * se)  # type: ignore[operator]


def holdout_comparison(
    *, organization_id: int, min_cell: int, now: dt.datetime | None = None
) -> HoldoutComparison:
    """Touched versus held out, among people first eligible in complete calendar months."""
    before = _month_start(organization_id, now or timezone.now())
    known, anonymous = _people(organization_id, before)
    trust = _later_trust(known)
    groups: dict[str, list[_Person]] = {DeliveryGroup.TOUCHED: [], DeliveryGroup.HOLDOUT: []}
    scores: dict[str, list[tuple[Month, float]]] = {
        DeliveryGroup.TOUCHED: [],
        DeliveryGroup.HOLDOUT: [],
    }
    for rid, person in known.items():
        groups[person.group].append(person)
        if rid in trust:
            scores[person.group].append((_month(person.first), trust[rid]))
    for person in anonymous:
        groups[person.group].append(person)
    touched = _arm(DeliveryGroup.TOUCHED, groups["touched"], scores["touched"], min_cell)
    holdout = _arm(DeliveryGroup.HOLDOUT, groups["holdout"], scores["holdout"], min_cell)
    trust_se = 0.0
    if not touched.trust.suppressed and not holdout.trust.suppressed:
        trust_se = math.sqrt(
            sum(
                _mean_ci([v for _, v in scores[g]])[1] ** 2
                for g in (DeliveryGroup.TOUCHED, DeliveryGroup.HOLDOUT)
            )
        )
    share_se = 0.0
    for arm in (touched, holdout):
        w = arm.withdrawal
        if not w.suppressed and w.value is not None and w.n:
            share_se += w.value * (1 - w.value) / w.n
    return HoldoutComparison(
        touched=touched,
        holdout=holdout,
        trust_difference=_difference(touched.trust, holdout.trust, trust_se),
        withdrawal_difference=_difference(
            touched.withdrawal, holdout.withdrawal, math.sqrt(share_se)
        ),
        eligible=len(known) + len(anonymous),
    )
