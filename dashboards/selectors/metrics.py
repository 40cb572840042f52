"""Metrics from rollups; every figure leaves through the disclosure rule.

The rule (``disclosure``, docs/DISCLOSURE.md): no figure, alone or with any
other published figure, gives away a count of fewer than the organization's
minimum cell (SUPPRESSION_MIN_CELL, default 10, never below 5); such figures
are withheld and marked ``suppressed``. Formulas: docs/METRICS.md.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import F, QuerySet, Sum, Value
from django.db.models.expressions import Expression
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Exact

from surveys.models import Survey, SurveyVersion

from ..models import (
    PAIR_DIMS,
    AnswerCellRollup,
    AnswerDayRollup,
    AnswerPairRollup,
    AnswerRollup,
    PurposeRollup,
    ResponseRollup,
    ResponseScore,
    ScoreRollup,
    pair_name,
)
from ..services.disclosure import (
    WITHHELD,
    Figure,
    Source,
    derived,
    proportion,
    shares,
    snap,
    suppress,
    tally,
    tally_by,
    tally_table,
)

SEGMENTS = ("westin_segment", "age_band", "locale", "channel")
# The partner a single segment dimension is read with from the pair margin.
PAIR_PARTNERS = ("locale", "channel")
# Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom.
T975 = [
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
]


def t975(df: int) -> float:
    return T975[df - 1] if 1 <= df <= len(T975) else 1.96


_VERSION_IDS: dict[tuple[Any, ...], list[int]] = {}


@dataclass(frozen=True, kw_only=True)
class MetricFilter:
    survey: Survey
    versions: list[int] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    segments: dict[str, str] = field(default_factory=dict)
    # Author-declared respondent attributes, e.g. {"region": "north"}.
    attributes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Whole grid cells only (disclosure rule 7): ranges one day apart
        # would otherwise differ by that day's respondents.
        date_from, date_to = snap(self.date_from, self.date_to)
        object.__setattr__(self, "date_from", date_from)
        object.__setattr__(self, "date_to", date_to)

    def apply(self, qs: QuerySet[Any], *, flagged: bool = False) -> QuerySet[Any]:
        """`qs` narrowed to this filter's clean responses (`flagged`: its flagged ones)."""
        # The version ids as literals, not a join to the survey: PostgreSQL then
        # estimates the rollup rows from its statistics and aggregates by hash,
        # where through the join it guessed a few hundred rows and sorted them.
        qs = qs.filter(version_id__in=self.version_ids)
        if self.date_from:
            qs = qs.filter(day__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(day__lte=self.date_to)
        qs = qs.filter(flagged=flagged)
        for name, value in self.segments.items():
            if name in SEGMENTS:
                qs = qs.filter(**{name: value})
        for name, value in sorted(self.attributes.items()):
            qs = qs.filter(Exact(KeyTextTransform(name, "attributes"), value))
        return qs

    @property
    def segmented(self) -> bool:
        """Whether a segment or attribute narrows the filter (reads need the full grain)."""
        return bool(self.attributes) or any(name in SEGMENTS for name in self.segments)

    def answer_grain(
        self, *dimensions: str, periods: bool = False
    ) -> tuple[type[Any], dict[str, Any]]:
        """The answer rollup (and the lookups narrowing it) that reads this filter's
        answers grouped by `dimensions` (segment dimensions) in the fewest rows.

        Without a segment or attribute in the filter or the grouping, the day
        margin (AnswerDayRollup); with one or two segment dimensions in all,
        the pair margin holding them (AnswerPairRollup, one `pair` of its
        rows: a single dimension is read summed over a partner); with three
        or four, the month cells (AnswerCellRollup) unless the reader groups
        by `periods` (weeks need days); otherwise the full grain
        (AnswerRollup). Each holds the same sums of the same answers, so
        every reader's figures and every disclosure check's counts are equal
        whichever is read (docs/PERFORMANCE.md).
        """
        dims = {name for name in self.segments if name in SEGMENTS} | set(dimensions)
        if self.attributes or not dims <= set(PAIR_DIMS):
            return AnswerRollup, {}
        if not dims:
            return AnswerDayRollup, {}
        if len(dims) == 1:
            # The partner: a dimension with few values (the fewest rows per value).
            dims.add(next(d for d in PAIR_PARTNERS if d not in dims))
        if len(dims) == 2:
            return AnswerPairRollup, {"pair": pair_name(dims)}
        return (AnswerRollup, {}) if periods else (AnswerCellRollup, {})

    def answers(self, *, periods: bool = False, **lookups: Any) -> QuerySet[Any]:
        """Answer rollups under this filter, `lookups` applied (e.g. question_code=…),
        read from the grain ``answer_grain`` names (`periods`: grouped by weeks)."""
        model, narrow = self.answer_grain(periods=periods)
        return self.apply(model.objects.filter(**narrow, **lookups))

    @property
    def min_cell(self) -> int:
        return self.survey.organization.min_cell

    @cached_property
    def version_ids(self) -> list[int]:
        """Ids of the survey's versions the filter covers (cached per process).

        Keyed by the survey's ``updated_at``, which publishing a version bumps;
        only published versions have responses, so a draft created since is
        missed harmlessly.
        """
        key = (self.survey.pk, str(self.survey.updated_at), tuple(sorted(self.versions or ())))
        ids = _VERSION_IDS.get(key)
        if ids is None:
            versions = SurveyVersion.objects.filter(survey=self.survey)
            if self.versions:
                versions = versions.filter(number__in=self.versions)
            if len(_VERSION_IDS) > 1024:
                _VERSION_IDS.clear()
            ids = _VERSION_IDS[key] = sorted(versions.values_list("pk", flat=True))
        return ids

    @cached_property
    def published_versions(self) -> list[SurveyVersion]:
        """The survey's published versions the filter covers (read once per filter)."""
        versions = self.survey.versions.filter(status="published")
        if self.versions:
            versions = versions.filter(number__in=self.versions)
        return list(versions)


@dataclass(frozen=True, kw_only=True)
class ParadoxGroup:
    key: str
    respondents: Figure
    stated: Figure
    enacted: Figure
    gap: Figure
    paradoxical_share: Figure
    correlation: Figure


@dataclass(frozen=True, kw_only=True)
class ParadoxReport:
    by: str | None
    min_cell: int
    excluded_flagged: int | None
    groups: list[ParadoxGroup]


def _f(x: Decimal | int) -> float:
    return float(x)


def paradox_stats(s: dict[str, Any], min_cell: int, key: str = "all") -> ParadoxGroup:
    """Means, the gap with its 95 % CI and the stated–enacted correlation from sums."""
    n = int(s["n"] or 0)
    if n < min_cell:
        hidden = Figure(n=None, suppressed=True)
        return ParadoxGroup(
            key=key,
            respondents=hidden,
            stated=hidden,
            enacted=hidden,
            gap=hidden,
            paradoxical_share=hidden,
            correlation=hidden,
        )
    sx, sy = _f(s["sum_x"]), _f(s["sum_y"])
    sxx, syy, sxy = _f(s["sum_xx"]), _f(s["sum_yy"]), _f(s["sum_xy"])
    mx, my = sx / n, sy / n
    gap = mx - my
    ci_gap: tuple[float, float] | None = None
    if n > 1:
        ss_d = (sxx - 2 * sxy + syy) - n * gap * gap
        sd = math.sqrt(max(ss_d, 0.0) / (n - 1))
        half = t975(n - 1) * sd / math.sqrt(n)
        ci_gap = (gap - half, gap + half)
    r = None
    ci_r: tuple[float, float] | None = None
    vx, vy = n * sxx - sx * sx, n * syy - sy * sy
    if vx > 0 and vy > 0:
        r = max(-1.0, min(1.0, (n * sxy - sx * sy) / math.sqrt(vx * vy)))
        if n > 3 and abs(r) < 1:
            z, half = math.atanh(r), 1.96 / math.sqrt(n - 3)
            ci_r = (math.tanh(z - half), math.tanh(z + half))
    return ParadoxGroup(
        key=key,
        respondents=Figure(n=n, value=float(n)),
        stated=Figure(n=n, value=mx),
        enacted=Figure(n=n, value=my),
        gap=Figure(
            n=n,
            value=gap,
            ci_low=ci_gap[0] if ci_gap else None,
            ci_high=ci_gap[1] if ci_gap else None,
        ),
        paradoxical_share=proportion(int(s["paradoxical"] or 0), n, min_cell=min_cell),
        correlation=suppress(n, min_cell, r, ci_r) if r is not None else Figure(n=n),
    )


SCORE_SUMS = ("n", "sum_x", "sum_y", "sum_xx", "sum_yy", "sum_xy", "paradoxical")


def dimension(name: str) -> F | Expression:
    """The rollup column (built-in segment) or declared attribute called `name`."""
    if name in SEGMENTS:
        return F(name)
    return KeyTextTransform(name, "attributes")


def declared_attributes(survey: Survey) -> list[str]:
    """Attributes the survey's versions declare on questions (segment_attribute), sorted."""
    from surveys.models import Question

    names = (
        Question.objects.filter(version__survey=survey)
        .exclude(segment_attribute__in=("", "age_band"))
        .values_list("segment_attribute", flat=True)
        .distinct()
    )
    return sorted(set(names))


def constraint_name(dim: str) -> str:
    """The disclosure module's name of a segment or declared attribute."""
    return f"segment:{dim}" if dim in SEGMENTS else f"attribute:{dim}"


def guard_paradox(group: ParadoxGroup, bad: frozenset[str]) -> ParadoxGroup:
    """A paradox group with what related queries would give away withheld (rule 6)."""
    if "scored" in bad:
        return replace(
            group,
            respondents=WITHHELD,
            stated=WITHHELD,
            enacted=WITHHELD,
            gap=WITHHELD,
            paradoxical_share=WITHHELD,
            correlation=WITHHELD,
        )
    if {"paradoxical", "not_paradoxical"} & bad:
        return replace(group, paradoxical_share=WITHHELD)
    return group


def paradox(flt: MetricFilter, *, by: str | None = None) -> ParadoxReport:
    """The privacy-paradox gap overall or per segment or attribute (disclosure rules per group)."""
    qs = flt.apply(ScoreRollup.objects.all())
    sums = {k: Sum(k) for k in SCORE_SUMS}
    if by:
        name = constraint_name(by)
        verdicts = tally_by(flt, [name], [SCORE_COUNTS])
        rows = qs.values(_g=dimension(by)).annotate(**sums).order_by("_g")
        groups = []
        for r in rows:
            group = paradox_stats(r, flt.min_cell, key=r["_g"] or "unknown")
            verdict = verdicts.get((name, r["_g"]))
            groups.append(guard_paradox(group, verdict[1]) if verdict else group)
    else:
        by = None
        _, bad = tally(flt, [SCORE_COUNTS])
        groups = [guard_paradox(paradox_stats(qs.aggregate(**sums), flt.min_cell), bad)]
    return ParadoxReport(
        by=by, min_cell=flt.min_cell, excluded_flagged=excluded_flagged(flt), groups=groups
    )


FLAGGED_COUNTS = Source(
    model=ResponseRollup, sums={"n": "n"}, fold=lambda r: {"flagged": r["n"]}, flagged=True
)


def excluded_flagged(flt: MetricFilter) -> int | None:
    """Responses left out for quality flags: a population of their own, withheld like any
    count of people (rules 1, 6 and 7)."""
    counts, bad = tally(flt, [FLAGGED_COUNTS])
    n = counts.get("flagged", 0)
    return None if "flagged" in bad else n


@dataclass(frozen=True, kw_only=True)
class Distribution:
    question: str
    item: str
    min_cell: int
    total: Figure
    buckets: list[tuple[str, Figure]]
    mean: Figure
    excluded_flagged: int | None


def distribution(flt: MetricFilter, *, question: str, item: str = "") -> Distribution:
    """Counts per answer bucket of one question (never free text).

    The buckets are parts of the total (rule 4) and each is checked against
    related queries (rules 6 and 7: ``tally_table``).
    """
    return distributions(flt, [(question, item)])[(question, item)]


# Between a question's code and its matrix item in a tallied row's label.
ITEM_SEP = "\x1e"


def distributions(
    flt: MetricFilter, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Distribution]:
    """``distribution`` of each (question, item) in `keys`, read together.

    One ``tally_table`` whose rows are the (question, item) pairs: every
    entry is judged on its own counts, so each pair's buckets and total are
    withheld exactly as ``distribution`` of that pair alone (the metrics
    API's) would withhold them. The dashboard's items panel reads this.
    """
    from django.db.models import CharField
    from django.db.models.functions import Concat

    from ..services.suppression import protect_tallied

    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    model, narrow = flt.answer_grain()
    codes = sorted({q for q, _ in wanted})
    row = Concat(F("question_code"), Value(ITEM_SEP), F("item"), output_field=CharField())
    lookups: dict[str, Any] = {"question_code__in": codes}
    counts, bad = tally_table(
        flt, model=model, row=row, column=F("bucket"), lookups={**narrow, **lookups}
    )
    sums = {
        (r["question_code"], r["item"]): Decimal(r["t"] or 0)
        for r in flt.answers(**lookups)
        .values("question_code", "item")
        .annotate(t=Sum("total"))
        .order_by()
    }
    excluded = excluded_flagged(flt)
    out = {}
    for question, item in wanted:
        label = f"{question}{ITEM_SEP}{item}"
        # The pair's entries as a table of one row: a bucket is its cell and its
        # column's margin, the pair's total its row margin and the grand total.
        mine: dict[tuple[str | None, str | None], int] = {
            ("", c): n for (r, c), n in counts.items() if r == label
        }
        mine |= {(None, c): n for (_, c), n in list(mine.items())}
        withheld = {(x, c) for r, c in bad if r == label for x in ("", None)}
        labels = sorted(c for r, c in mine if r is not None and c is not None)
        table = protect_tallied(mine, withheld, rows=[""], columns=labels, min_cell=flt.min_cell)
        n = mine.get(("", None), 0)
        total = sums.get((question, item), Decimal(0))
        mean = float(total / n) if n else None
        buckets = table.cells[0] if labels else []
        out[(question, item)] = Distribution(
            question=question,
            item=item,
            min_cell=flt.min_cell,
            total=table.total if labels else suppress(0, flt.min_cell),
            buckets=list(zip(labels, buckets, strict=True)),
            # With a bucket withheld, the mean is one more equation over the withheld counts.
            mean=derived(mean, table.total, *buckets, n=n),
            excluded_flagged=excluded,
        )
    return out


def nps(flt: MetricFilter, *, question: str, shown: Distribution | None = None) -> Figure:
    """Net Promoter Score: % promoters (9–10) minus % detractors (0–6).

    Computed from the question's distribution (`shown`, else read) and
    published beside it: one more equation over its buckets, so withheld
    with its total or any bucket (rule 3).
    """
    shown = shown or distribution(flt, question=question)
    if not shown.buckets:
        return suppress(0, flt.min_cell)
    if shown.total.suppressed or any(f.suppressed for _, f in shown.buckets):
        return WITHHELD
    counts: dict[int, int] = defaultdict(int)
    for bucket, f in shown.buckets:
        try:
            counts[int(Decimal(bucket))] += f.n or 0
        except (ArithmeticError, ValueError):
            continue
    total = sum(counts.values())
    if not total:
        return suppress(0, flt.min_cell)
    promoters = sum(n for score, n in counts.items() if score >= 9)
    detractors = sum(n for score, n in counts.items() if score <= 6)
    return Figure(n=total, value=100.0 * (promoters - detractors) / total)


@dataclass(frozen=True, kw_only=True)
class ConstructSummary:
    construct: str
    min_cell: int
    mean: Figure  # of per-respondent raw means, on the items' own scale
    sd: Figure  # sample SD (n − 1)
    correlation: Figure | None  # Pearson r with a behaviour kind's per-respondent mean value
    kind: str | None


def construct_summary(
    flt: MetricFilter, *, construct: str, kind: str | None = None
) -> ConstructSummary:
    """Mean and SD of a construct's per-respondent raw means; r with a behaviour kind.

    A respondent's raw mean is the sum of the construct's answered item values
    divided by their count; respondents without any item are left out. For the
    correlation, a respondent's behaviour value is the mean of their events'
    numeric values of `kind`; respondents having both count.
    """
    from surveys.selectors.aggregation import respondent_events

    rows = flt.apply(ResponseScore.objects.all()).values_list("respondent_id", "constructs")
    means: dict[Any, float] = {}
    for respondent_id, constructs in rows:
        c = (constructs or {}).get(construct)
        if c and c.get("raw_n"):
            means[respondent_id] = float(Decimal(c["raw_sum"]) / c["raw_n"])
    n = len(means)
    values = list(means.values())
    mean = sum(values) / n if n else None
    sd = (
        math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
        if n > 1 and mean is not None
        else None
    )
    correlation = None
    if kind:
        events = respondent_events(means.keys())
        xs, ys = [], []
        for respondent_id, m in means.items():
            nums = [
                float(v)
                for k, v in events.get(respondent_id, [])
                if k == kind and isinstance(v, int | float) and not isinstance(v, bool)
            ]
            if nums:
                xs.append(m)
                ys.append(sum(nums) / len(nums))
        k = len(xs)
        r = None
        ci = None
        if k > 2:
            mx, my = sum(xs) / k, sum(ys) / k
            sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            sxx = sum((x - mx) ** 2 for x in xs)
            syy = sum((y - my) ** 2 for y in ys)
            if sxx > 0 and syy > 0:
                r = sxy / math.sqrt(sxx * syy)
                if k > 3 and abs(r) < 1:
                    z, half = math.atanh(r), 1.96 / math.sqrt(k - 3)
                    ci = (math.tanh(z - half), math.tanh(z + half))
        correlation = suppress(k, flt.min_cell, r, ci)
    return ConstructSummary(
        construct=construct,
        min_cell=flt.min_cell,
        mean=suppress(n, flt.min_cell, mean),
        sd=suppress(n, flt.min_cell, sd),
        correlation=correlation,
        kind=kind,
    )


TRUST_CONSTRUCTS = frozenset({"trust_brand"})
CONCERN_CONSTRUCTS = frozenset(
    {"privacy_concern", "iuipc_control", "iuipc_awareness", "iuipc_collection"}
)


def _item_scales(flt: MetricFilter, constructs: frozenset[str]) -> dict[tuple, tuple]:
    """(version id, question, item) → (min, max, reverse) of items measuring `constructs`."""
    from surveys.selectors import version_spec

    out: dict[tuple, tuple] = {}
    for version in flt.published_versions:
        spec = version_spec(version)
        for q in spec.questions:
            values = [c.value for c in q.choices if c.value is not None]
            if len(values) < 2:
                continue
            lo, hi = min(values), max(values)
            if q.type == "matrix":
                for row in q.rows:
                    if (row.get("construct") or q.construct) in constructs:
                        out[(version.pk, q.code, row["code"])] = (
                            lo,
                            hi,
                            bool(row.get("reverse_coded")),
                        )
            elif q.construct in constructs and q.type in ("scale", "single_choice"):
                out[(version.pk, q.code, "")] = (lo, hi, q.reverse_coded)
    return out


def index_sums(rows: Iterable[dict[str, Any]], scales: dict[tuple, tuple]) -> tuple[Decimal, int]:
    """Σ (item mean on [0, 1], reversed when reverse-coded) × answers, and Σ answers.

    `rows` carry version_id, question_code, item, n and total of answer rollups.
    """
    weighted, answers = Decimal(0), 0
    for r in rows:
        key = (r["version_id"], r["question_code"], r["item"])
        if key not in scales or not r["n"]:
            continue
        lo, hi, reverse = scales[key]
        unit = (Decimal(r["total"]) / r["n"] - lo) / (hi - lo)
        weighted += (1 - unit if reverse else unit) * r["n"]
        answers += int(r["n"])
    return weighted, answers


def construct_index(flt: MetricFilter, constructs: frozenset[str]) -> Figure:
    """Mean item score in [0, 1] over every answer to the constructs' items.

    Computed from answer rollups: each item's mean comes from its count and
    sum, mapped to [0, 1] on its own scale (reversed when reverse-coded), and
    items are weighted by their number of answers. Suppressed by the number
    of responses.
    """
    scales = _item_scales(flt, constructs)
    if not scales:
        return Figure(n=None)
    qs = (
        flt.answers(question_code__in={k[1] for k in scales})
        .values("version_id", "question_code", "item")
        .annotate(n=Sum("n"), total=Sum("total"))
    )
    weighted, answers = index_sums(qs, scales)
    respondents = flt.apply(ResponseRollup.objects.all()).aggregate(n=Sum("n"))["n"] or 0
    return suppress(int(respondents), flt.min_cell, float(weighted / answers) if answers else None)


def westin_shares(flt: MetricFilter) -> list[tuple[str, Figure]]:
    """Share of each Westin segment among respondents who answered all three items."""
    rows = (
        flt.apply(ResponseRollup.objects.exclude(westin_segment=""))
        .values("westin_segment")
        .annotate(n=Sum("n"))
        .order_by("westin_segment")
    )
    total = sum(int(r["n"]) for r in rows)
    parts = shares([int(r["n"]) for r in rows], min_cell=flt.min_cell, total=total)
    return [(r["westin_segment"], f) for r, f in zip(rows, parts, strict=True)]


def privacy_actives_share(flt: MetricFilter) -> Figure:
    """Share of Privacy Actives among respondents who answered the three items.

    Nobody who answered them: not measured here (n and value null, not withheld).
    """
    s = flt.apply(ResponseRollup.objects.all()).aggregate(
        known=Sum("privacy_actives_known"), active=Sum("privacy_actives")
    )
    known = int(s["known"] or 0)
    if not known:
        return Figure(n=None)
    return proportion(int(s["active"] or 0), known, min_cell=flt.min_cell)


def opt_in_rates(flt: MetricFilter) -> list[tuple[str, Figure]]:
    """Per optional consent purpose: the share of respondents offered it who granted it.

    Withdrawals count: a purpose withdrawn after submission is no longer granted.
    Suppressed by the number of respondents offered the purpose.
    """
    rows = (
        flt.apply(PurposeRollup.objects.all())
        .values("purpose")
        .annotate(offered=Sum("offered"), granted=Sum("granted"))
        .order_by("purpose")
    )
    return [
        (
            r["purpose"],
            proportion(int(r["granted"]), int(r["offered"]), min_cell=flt.min_cell),
        )
        for r in rows
        if r["offered"]
    ]


@dataclass(frozen=True, kw_only=True)
class Overview:
    min_cell: int
    responses: Figure
    trust_index: Figure
    privacy_concern_index: Figure
    paradox_gap: Figure
    paradoxical_share: Figure
    privacy_actives_share: Figure
    westin: list[tuple[str, Figure]]
    opt_in: list[tuple[str, Figure]]
    excluded_flagged: int | None


def _response_counts(r: Mapping[str, Any]) -> dict[str, int]:
    known, active = int(r["known"] or 0), int(r["active"] or 0)
    out = {
        "responses": r["n"],
        "actives_known": known,
        "actives": active,
        "not_actives": known - active,
    }
    return out | ({f"westin:{r['w']}": r["n"], "westin_known": r["n"]} if r["w"] else {})


RESPONSE_COUNTS = Source(
    model=ResponseRollup,
    sums={"n": "n", "known": "privacy_actives_known", "active": "privacy_actives"},
    keys={"w": F("westin_segment")},
    fold=_response_counts,
)
SCORE_COUNTS = Source(
    model=ScoreRollup,
    sums={"n": "n", "p": "paradoxical"},
    fold=lambda r: {
        "scored": r["n"],
        "paradoxical": r["p"],
        "not_paradoxical": int(r["n"] or 0) - int(r["p"] or 0),
    },
)
PURPOSE_COUNTS = Source(
    model=PurposeRollup,
    sums={"o": "offered", "g": "granted"},
    keys={"p": F("purpose")},
    fold=lambda r: {
        f"offered:{r['p']}": r["o"],
        f"granted:{r['p']}": r["g"],
        f"declined:{r['p']}": int(r["o"] or 0) - int(r["g"] or 0),
    },
)
OVERVIEW_SOURCES = (RESPONSE_COUNTS, SCORE_COUNTS, PURPOSE_COUNTS)


def overview(flt: MetricFilter) -> Overview:
    """The headline figures of a survey, each withheld when it or a related query would
    give away a small count (disclosure rules 1–7)."""
    counts, bad = tally(flt, OVERVIEW_SOURCES)

    def keep(f: Figure, *keys: str) -> Figure:
        return WITHHELD if any(k in bad for k in keys) else f

    n = counts.get("responses", 0)
    gap = paradox(flt).groups[0]
    westin = westin_shares(flt)
    return Overview(
        min_cell=flt.min_cell,
        responses=keep(suppress(n, flt.min_cell, float(n)), "responses"),
        trust_index=keep(construct_index(flt, TRUST_CONSTRUCTS), "responses"),
        privacy_concern_index=keep(construct_index(flt, CONCERN_CONSTRUCTS), "responses"),
        paradox_gap=keep(gap.gap, "scored"),
        paradoxical_share=keep(gap.paradoxical_share, "scored", "paradoxical", "not_paradoxical"),
        privacy_actives_share=keep(
            privacy_actives_share(flt), "actives_known", "actives", "not_actives"
        ),
        # A share withheld by a related query leaves the line: withhold them all then.
        westin=[
            (s, WITHHELD if any(k.startswith("westin") for k in bad) else f) for s, f in westin
        ],
        opt_in=[
            (p, keep(f, f"offered:{p}", f"granted:{p}", f"declined:{p}"))
            for p, f in opt_in_rates(flt)
        ],
        excluded_flagged=excluded_flagged(flt),
    )
