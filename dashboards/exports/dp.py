"""Differential-privacy releases: counts and means per segment, noised with OpenDP.

Each respondent counts once (their first eligible response), so adding or
removing one person changes a segment's count by at most 1 and a clamped sum
by at most max(|lower|, |upper|). Segments come from the declared domain
(choice codes, the survey's locales, the channel list), never from the data,
so which cells exist reveals nothing. ε is split evenly between the count and
each variable's sum (sequential composition); segments are disjoint (parallel
composition). Laplace: scale b = Δ / ε_i. Gaussian: ε_i and δ_i are
converted to ρ-zCDP (ε = ρ + 2√(ρ ln(1/δ))) and σ = Δ / √(2ρ). Every release
spends its ε from the survey's budget and is refused beyond it. Cells whose
noisy count is below SUPPRESSION_MIN_CELL are not released (post-processing,
no privacy cost).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from surveys.enums import AuditAction, Channel
from surveys.enums import QuestionType as T
from surveys.models import Survey, User
from surveys.selectors.exports import export_response_chunks
from surveys.services import audit_log
from trustpulse.validation import FieldError, ServiceValidationError

from ..enums import DPMechanism
from ..models import DPRelease, SurveyExportSettings
from .services import epsilon_spent, export_settings_get, survey_questions
from .table import raw_value

NUMERIC_TYPES = frozenset({T.SCALE, T.NPS, T.RATING, T.NUMBER})
SEGMENT_TYPES = frozenset({T.SINGLE_CHOICE, T.SCALE, T.YES_NO})


@dataclass(frozen=True, kw_only=True)
class DPVariable:
    code: str
    lower: float
    upper: float


def laplace_scale(*, sensitivity: float, epsilon: float) -> float:
    return sensitivity / epsilon


def gaussian_rho(*, epsilon: float, delta: float) -> float:
    """The ρ-zCDP whose (ε, δ) conversion ε = ρ + 2√(ρ ln(1/δ)) equals `epsilon`."""
    log_term = math.log(1 / delta)
    return (math.sqrt(log_term + epsilon) - math.sqrt(log_term)) ** 2


def gaussian_sigma(*, sensitivity: float, epsilon: float, delta: float) -> float:
    return sensitivity / math.sqrt(2 * gaussian_rho(epsilon=epsilon, delta=delta))


def _measurement(mechanism: str, scale: float) -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    domain, metric = dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float)
    if mechanism == DPMechanism.LAPLACE:
        return dp.m.make_laplace(domain, metric, scale=scale)
    return dp.m.make_gaussian(domain, metric, scale=scale)


def _segments(survey: Survey, segment_by: str) -> list[str]:
    if not segment_by:
        return ["all"]
    if segment_by == "locale":
        return list(survey.locales or [survey.default_locale])
    if segment_by == "channel":
        return list(Channel.values)
    q = next((q for q in survey_questions(survey) if q.code == segment_by), None)
    assert q is not None
    if q.type == T.YES_NO:
        return ["true", "false"]
    return [c.code for c in q.choices]


def _validate(
    survey: Survey,
    *,
    purpose: str,
    mechanism: str,
    epsilon: Decimal,
    delta: float | None,
    segment_by: str,
    variables: list[DPVariable],
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not purpose.strip():
        errors.append(
            FieldError(field="purpose", code="required", message=gettext("State the purpose."))
        )
    if mechanism not in DPMechanism.values:
        errors.append(
            FieldError(field="mechanism", code="invalid", message=gettext("laplace or gaussian."))
        )
    if not (Decimal("0.01") <= epsilon <= Decimal(10)):
        errors.append(
            FieldError(
                field="epsilon", code="out_of_range", message=gettext("ε between 0.01 and 10.")
            )
        )
    if mechanism == DPMechanism.GAUSSIAN and (delta is None or not (0 < delta <= 1e-3)):
        errors.append(
            FieldError(
                field="delta", code="out_of_range", message=gettext("Gaussian needs 0 < δ ≤ 0.001.")
            )
        )
    questions = {q.code: q for q in survey_questions(survey)}
    if segment_by and segment_by not in ("locale", "channel"):
        q = questions.get(segment_by)
        if q is None or q.type not in SEGMENT_TYPES:
            errors.append(
                FieldError(
                    field="segment_by",
                    code="invalid",
                    message=gettext(
                        "locale, channel, or a single-choice, scale or yes/no question."
                    ),
                )
            )
    for i, v in enumerate(variables):
        q = questions.get(v.code)
        if q is None or q.type not in NUMERIC_TYPES:
            errors.append(
                FieldError(
                    field=f"variables[{i}].code",
                    code="invalid",
                    message=gettext("A scale, NPS, rating or number question."),
                )
            )
        if not (math.isfinite(v.lower) and math.isfinite(v.upper) and v.lower < v.upper):
            errors.append(
                FieldError(
                    field=f"variables[{i}].upper",
                    code="invalid_bounds",
                    message=gettext("Finite bounds with lower < upper."),
                )
            )
    if len({v.code for v in variables}) != len(variables):
        errors.append(
            FieldError(field="variables", code="duplicate", message=gettext("Each once."))
        )
    return errors


def _lock_budget(survey: Survey, epsilon: Decimal) -> tuple[SurveyExportSettings, Decimal]:
    """The survey's export settings, locked, and the ε spent so far; refuses a release
    that would spend beyond the budget. Concurrent releases cannot both spend the last ε."""
    cfg = export_settings_get(survey=survey)
    cfg = SurveyExportSettings.objects.select_for_update().get(pk=cfg.pk)
    spent = epsilon_spent(survey=survey)
    if spent + epsilon > cfg.epsilon_budget:
        raise ServiceValidationError(
            [
                FieldError(
                    field="epsilon",
                    code="budget_exceeded",
                    message=gettext(
                        "The survey's privacy budget is ε = %(budget)s, of which %(spent)s is "
                        "spent; %(left)s remains."
                    )
                    % {
                        "budget": cfg.epsilon_budget,
                        "spent": spent,
                        "left": cfg.epsilon_budget - spent,
                    },
                )
            ]
        )
    return cfg, spent


def _clamped_sums(
    survey: Survey, segment_by: str, variables: list[DPVariable]
) -> tuple[list[str], dict[Any, float], dict[Any, list[float]]]:
    """The segments, and per segment the respondents (each once, by their first response)
    and each variable's sum clamped to its bounds: the true statistics, before noise."""
    questions = {q.code: q for q in survey_questions(survey)}
    segments = _segments(survey, segment_by)
    counts = dict.fromkeys(segments, 0.0)
    sums = {s: [0.0] * len(variables) for s in segments}
    seen: set[Any] = set()
    codes = [v.code for v in variables] + ([segment_by] if segment_by in questions else [])
    for chunk in export_response_chunks(survey=survey, question_codes=codes):
        for r in chunk:
            if r.respondent_id in seen:
                continue
            seen.add(r.respondent_id)
            if not segment_by:
                seg: Any = "all"
            elif segment_by in ("locale", "channel"):
                seg = getattr(r, segment_by)
            else:
                seg = raw_value(questions[segment_by], r.answers)
                seg = str(seg).lower() if isinstance(seg, bool) else seg
            if seg not in counts:
                continue
            counts[seg] += 1
            for j, v in enumerate(variables):
                x = next((a.number for a in r.answers if a.question_code == v.code), None)
                if x is not None:
                    sums[seg][j] += min(max(float(x), v.lower), v.upper)
    return segments, counts, sums


@dataclass(frozen=True, kw_only=True)
class _Mechanisms:
    """The noise of one release: the count's measurement, each variable sum's, and their
    parameters as stored (``DPRelease.noise``)."""

    count: Any
    sums: list[Any]
    noise: dict[str, Any]


def _mechanisms(
    mechanism: str, epsilon: Decimal, delta: float | None, variables: list[DPVariable]
) -> _Mechanisms:
    """ε (and δ) split evenly between the count and each variable's sum, one measurement each."""
    share = float(epsilon) / (1 + len(variables))
    delta_share = (delta or 0) / (1 + len(variables))
    noise: dict[str, Any] = {"epsilon_per_statistic": share, "statistics": []}

    def mechanism_for(sensitivity: float) -> tuple[Any, dict[str, Any]]:
        if mechanism == DPMechanism.LAPLACE:
            scale = laplace_scale(sensitivity=sensitivity, epsilon=share)
            params = {"scale": scale}
        else:
            scale = gaussian_sigma(sensitivity=sensitivity, epsilon=share, delta=delta_share)
            params = {"sigma": scale, "rho": gaussian_rho(epsilon=share, delta=delta_share)}
        m = _measurement(mechanism, scale)
        params["privacy_loss"] = float(m.map(float(sensitivity)))
        return m, {"sensitivity": sensitivity, **params}

    count_m, count_params = mechanism_for(1.0)
    noise["statistics"].append({"statistic": "count", **count_params})
    sum_ms = []
    for v in variables:
        m, params = mechanism_for(max(abs(v.lower), abs(v.upper)))
        sum_ms.append(m)
        noise["statistics"].append(
            {"statistic": f"sum({v.code})", "lower": v.lower, "upper": v.upper, **params}
        )
    return _Mechanisms(count=count_m, sums=sum_ms, noise=noise)


def _noisy_table(
    segments: list[str],
    counts: dict[Any, float],
    sums: dict[Any, list[float]],
    noise: _Mechanisms,
    variables: list[DPVariable],
) -> list[dict[str, Any]]:
    """Per segment the noisy count and clamped means; a segment whose noisy count is
    below SUPPRESSION_MIN_CELL is marked suppressed (post-processing)."""
    table = []
    for seg in segments:
        noisy_n = float(noise.count(counts[seg]))
        if noisy_n < settings.SUPPRESSION_MIN_CELL:
            table.append({"segment": seg, "suppressed": True, "count": None, "means": {}})
            continue
        means = {}
        for j, v in enumerate(variables):
            mean = float(noise.sums[j](sums[seg][j])) / noisy_n
            means[v.code] = round(min(max(mean, v.lower), v.upper), 4)
        table.append({"segment": seg, "suppressed": False, "count": round(noisy_n), "means": means})
    return table


@transaction.atomic
def dp_release_create(
    *,
    survey: Survey,
    user: User | None,
    purpose: str,
    mechanism: str,
    epsilon: Decimal,
    delta: float | None = None,
    segment_by: str = "",
    variables: list[DPVariable],
) -> DPRelease:
    """Compute, noise and store one release, spending `epsilon` of the survey's budget."""
    errors = _validate(
        survey,
        purpose=purpose,
        mechanism=mechanism,
        epsilon=epsilon,
        delta=delta,
        segment_by=segment_by,
        variables=variables,
    )
    if errors:
        raise ServiceValidationError(errors)
    cfg, spent = _lock_budget(survey, epsilon)
    segments, counts, sums = _clamped_sums(survey, segment_by, variables)
    noise = _mechanisms(mechanism, epsilon, delta, variables)
    release = DPRelease.objects.create(
        survey=survey,
        organization=survey.organization,
        purpose=purpose.strip(),
        mechanism=mechanism,
        epsilon=epsilon,
        delta=delta if mechanism == DPMechanism.GAUSSIAN else None,
        segment_by=segment_by,
        variables=[{"code": v.code, "lower": v.lower, "upper": v.upper} for v in variables],
        table=_noisy_table(segments, counts, sums, noise, variables),
        noise=noise.noise,
        created_by=user,
    )
    audit_log(
        organization=survey.organization,
        action=AuditAction.DP_RELEASE_CREATED,
        actor=user,
        target=release,
        data={
            "survey": survey.pk,
            "purpose": release.purpose,
            "mechanism": mechanism,
            "epsilon": str(epsilon),
            "delta": release.delta,
            "segment_by": segment_by,
            "variables": release.variables,
            "budget_left": str(cfg.epsilon_budget - spent - epsilon),
        },
    )
    return release
