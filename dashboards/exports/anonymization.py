"""Anonymization of research exports: generalization hierarchies, k-anonymity, l-diversity.

Pure functions, no database. An export reads its records twice: the first pass
counts the records per combination of quasi-identifier values (at their
finest allowed level, "level 0") and, when l-diversity is asked for, the
sensitive values per combination; ``plan_anonymity`` then chooses one
generalization level per quasi-identifier (the least generalization that
loses at most ``max_suppression`` of the records), applies local suppression
(a quasi-identifier value replaced by "*") to the classes still smaller than
k, and drops what still cannot reach k (or l). The second pass maps every
record's level-0 tuple through the plan's ``mapping``. Memory grows with the
number of distinct quasi-identifier combinations, never with the number of
records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.utils.translation import gettext, gettext_lazy

from ..enums import TimeGranularity

ANY = "*"  # a value generalized or suppressed away
TIME_ORDER = [g.value for g in TimeGranularity]
# A period, in the words of the codebooks' "generalized: …".
PERIODS = {
    "day": gettext_lazy("day"),
    "week": gettext_lazy("week"),
    "month": gettext_lazy("month"),
    "quarter": gettext_lazy("quarter"),
    "year": gettext_lazy("year"),
    "decade": gettext_lazy("decade"),
}


def period_words(period: str) -> str:
    """`month` → "month" in the active language."""
    return str(PERIODS.get(period, period))


@dataclass(frozen=True, kw_only=True)
class Hierarchy:
    """How one quasi-identifier generalizes: level 0 (finest allowed) … top ("*")."""

    field: str
    kind: str  # choice | time | locale | exact | number | date
    codes: tuple[str, ...] = ()  # choice: ordered choice codes
    labels: tuple[str, ...] = ()  # choice: labels, same order
    base: str = TimeGranularity.MONTH  # time: finest granularity

    @property
    def top(self) -> int:
        """The level at which every value is "*"."""
        if self.kind == "choice":
            n, level = max(len(self.codes), 1), 0
            while (1 << level) < n:
                level += 1
            return level + 1 if level == 0 else level
        if self.kind == "time":
            return len(TIME_ORDER) - TIME_ORDER.index(self.base)
        if self.kind in ("locale", "date"):
            return 3 if self.kind == "date" else 2
        if self.kind == "number":
            return len(NUMBER_BANDS) + 1
        return 1

    def level0(self, raw: Any) -> Hashable:
        """The finest value an export may hold (what the first pass counts)."""
        if raw is None or raw == "":
            return None
        if self.kind == "time":
            return _period_start(raw, self.base)
        if self.kind == "date":
            return dt.date(raw.year, raw.month, 1)
        if self.kind == "number":
            return Decimal(raw)
        return cast(Hashable, raw)

    def generalize(self, value: Hashable, level: int) -> Hashable:
        """A level-0 value at `level` (None stays None: a missing answer is no value)."""
        if value is None:
            return None
        if level >= self.top:
            return ANY
        if level == 0 and self.kind not in ("time", "choice"):
            return value
        if self.kind == "choice":
            try:
                return self.codes.index(str(value)) >> level
            except ValueError:
                return ANY
        if self.kind == "time":
            return _period_label(value, TIME_ORDER[TIME_ORDER.index(self.base) + level])  # type: ignore[arg-type]
        if self.kind == "locale":
            return str(value).split("-")[0]
        if self.kind == "date":
            year = value.year  # type: ignore[attr-defined]
            return str(year) if level == 1 else f"{year // 10 * 10}s"
        if self.kind == "number":
            width = NUMBER_BANDS[level - 1]
            low = (Decimal(value) // width) * width  # type: ignore[arg-type]
            return f"{low}–{low + width - 1}" if width > 1 else str(low)
        return ANY

    def describe(self, level: int) -> str:
        """Plain words for the generalization applied at `level`."""
        if level >= self.top:
            return gettext("removed (every value shown as missing)")
        if self.kind == "choice" and level == 0:
            return gettext("exact answer")
        if self.kind == "choice":
            return gettext("bands of %(n)s adjacent choices") % {"n": 1 << level}
        if self.kind == "time":
            return period_words(TIME_ORDER[TIME_ORDER.index(self.base) + level])
        if self.kind == "locale":
            return gettext("exact locale") if level == 0 else gettext("language only")
        if self.kind == "date":
            return period_words(["month", "year", "decade"][level])
        if self.kind == "number" and level > 0:
            return gettext("bands of %(n)s") % {"n": NUMBER_BANDS[level - 1]}
        return gettext("exact value")

    def choice_groups(self, level: int) -> list[tuple[int, str]]:
        """Choice QIs: (group number, label) at `level`; group number g is output as g + 1."""
        groups: dict[int, list[str]] = defaultdict(list)
        for i, label in enumerate(self.labels):
            groups[i >> level].append(label)
        return [(g, " / ".join(labels)) for g, labels in sorted(groups.items())]


NUMBER_BANDS = [Decimal(5), Decimal(10), Decimal(25), Decimal(100)]


def _period_start(value: dt.datetime | dt.date, granularity: str) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if granularity == TimeGranularity.DAY:
        return day
    if granularity == TimeGranularity.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if granularity == TimeGranularity.MONTH:
        return day.replace(day=1)
    if granularity == TimeGranularity.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def _period_label(day: dt.date, granularity: str) -> str:
    if granularity == TimeGranularity.DAY:
        return day.isoformat()
    if granularity == TimeGranularity.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == TimeGranularity.MONTH:
        return f"{day.year}-{day.month:02d}"
    if granularity == TimeGranularity.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


@dataclass(frozen=True, kw_only=True)
class AnonymityPlan:
    """The chosen generalization and what it achieved."""

    levels: dict[str, int]
    # level-0 tuple → the tuple written (None: the records are dropped)
    mapping: dict[tuple, tuple | None]
    k: int
    l_diversity: int | None
    achieved_k: int | None
    achieved_l: int | None
    records_in: int
    records_kept: int
    records_dropped: int
    values_suppressed: int
    generalizations: dict[str, str] = field(default_factory=dict)

    def as_report(self) -> dict[str, Any]:
        return {
            "k_requested": self.k,
            "k_achieved": self.achieved_k,
            "l_requested": self.l_diversity,
            "l_achieved": self.achieved_l,
            "records_in": self.records_in,
            "records_kept": self.records_kept,
            "records_dropped": self.records_dropped,
            "values_suppressed": self.values_suppressed,
            "generalizations": dict(self.generalizations),
        }


@dataclass(frozen=True, kw_only=True)
class _Outcome:
    mapping: dict[tuple, tuple | None]
    dropped: int
    suppressed: int
    achieved_k: int | None
    achieved_l: int | None


def _apply(
    counts: Mapping[tuple, int],
    sensitive: Mapping[tuple, Sequence[Counter]] | None,
    hierarchies: Sequence[Hierarchy],
    levels: Sequence[int],
    k: int,
    l_div: int | None,
) -> _Outcome:
    nq = len(hierarchies)
    # 1. generalize
    to_gen: dict[tuple, tuple] = {}
    gen_counts: Counter[tuple] = Counter()
    for raw, n in counts.items():
        g = tuple(h.generalize(raw[i], levels[i]) for i, h in enumerate(hierarchies))
        to_gen[raw] = g
        gen_counts[g] += n
    # 2. local suppression: classes below k lose one more quasi-identifier value per
    # round (the one with the most distinct values first) until they reach k.
    order = sorted(range(nq), key=lambda i: -len({g[i] for g in gen_counts}))
    final: dict[tuple, tuple] = {g: g for g in gen_counts}
    for i in order:
        sizes: Counter[tuple] = Counter()
        for g, n in gen_counts.items():
            sizes[final[g]] += n
        small = [g for g in gen_counts if sizes[final[g]] < k]
        if not small:
            break
        for g in small:
            f = final[g]
            if f[i] is not None:
                final[g] = f[:i] + (ANY,) + f[i + 1 :]
    sizes = Counter()
    for g, n in gen_counts.items():
        sizes[final[g]] += n
    keep = {f for f, n in sizes.items() if n >= k}
    # 3. l-diversity over each sensitive attribute (distinct non-missing values)
    diversity: dict[tuple, int] = {}
    if l_div and sensitive is not None:
        per_class: dict[tuple, list[set]] = {}
        for raw, sens in sensitive.items():
            f = final[to_gen[raw]]
            sets = per_class.setdefault(f, [set() for _ in sens])
            for j, c in enumerate(sens):
                sets[j].update(v for v, n in c.items() if n and v is not None)
        for f in list(keep):
            sets = per_class.get(f, [])
            diversity[f] = min((len(s) for s in sets), default=0) if sets else 0
            if sets and diversity[f] < l_div:
                keep.discard(f)
    mapping: dict[tuple, tuple | None] = {}
    dropped = suppressed = 0
    for raw, n in counts.items():
        f = final[to_gen[raw]]
        if f in keep:
            mapping[raw] = f
            g = to_gen[raw]
            suppressed += n * sum(1 for a, b in zip(g, f, strict=True) if a != b)
        else:
            mapping[raw] = None
            dropped += n
    achieved_k = min((sizes[f] for f in keep), default=None)
    achieved_l = min((diversity[f] for f in keep if f in diversity), default=None)
    return _Outcome(
        mapping=mapping,
        dropped=dropped,
        suppressed=suppressed,
        achieved_k=achieved_k,
        achieved_l=achieved_l if l_div else None,
    )


MAX_LATTICE = 4096


def plan_anonymity(
    *,
    counts: Mapping[tuple, int],
    hierarchies: Sequence[Hierarchy],
    k: int,
    l_diversity: int | None = None,
    sensitive: Mapping[tuple, Sequence[Counter]] | None = None,
    max_suppression: float = 0.05,
) -> AnonymityPlan:
    """Choose the least generalization that keeps all but `max_suppression` of the records.

    Every level vector of the hierarchies' lattice is tried (up to
    MAX_LATTICE of them, coarsest last); among those dropping at most
    `max_suppression` of the records, the one with the least information loss
    (normalized levels plus the share of suppressed values) wins; when none
    does, the one dropping the fewest records.
    """
    total = sum(counts.values())
    if not hierarchies:
        return AnonymityPlan(
            levels={},
            mapping={(): ()} if total else {},
            k=k,
            l_diversity=l_diversity,
            achieved_k=total or None,
            achieved_l=None,
            records_in=total,
            records_kept=total,
            records_dropped=0,
            values_suppressed=0,
        )
    ranges = [range(h.top + 1) for h in hierarchies]
    lattice = sorted(itertools.product(*ranges), key=lambda lv: (sum(lv), lv))[:MAX_LATTICE]
    best: tuple[tuple, tuple[int, ...], _Outcome] | None = None
    budget = max_suppression * total
    for levels in lattice:
        out = _apply(counts, sensitive, hierarchies, levels, k, l_diversity)
        # Information loss: each quasi-identifier's level as a share of its hierarchy,
        # plus suppressed values as a share of the records (a value suppressed in every
        # record costs as much as removing the column).
        loss = sum(lv / h.top for lv, h in zip(levels, hierarchies, strict=True))
        loss += out.suppressed / total if total else 0
        feasible = out.dropped <= budget
        score = (0, loss, out.dropped) if feasible else (1, out.dropped, loss)
        if best is None or score < best[0]:
            best = (score, levels, out)
        if feasible and loss == 0 and out.suppressed == 0:
            break  # nothing generalized or suppressed: nothing can do better
    assert best is not None
    _, levels, out = best
    return AnonymityPlan(
        levels={h.field: lv for h, lv in zip(hierarchies, levels, strict=True)},
        mapping=out.mapping,
        k=k,
        l_diversity=l_diversity,
        achieved_k=out.achieved_k,
        achieved_l=out.achieved_l,
        records_in=total,
        records_kept=total - out.dropped,
        records_dropped=out.dropped,
        values_suppressed=out.suppressed,
        generalizations={
            h.field: h.describe(lv) for h, lv in zip(hierarchies, levels, strict=True)
        },
    )


def pseudonymizer(salt: bytes) -> Callable[[Any], str]:
    """A salted pseudonym function: the same id gives the same pseudonym within one export."""

    def pseudonym(value: Any) -> str:
        return hmac.new(salt, str(value).encode(), hashlib.sha256).hexdigest()[:16]

    return pseudonym
