"""Differential-privacy releases: budget, noise scale, suppression, audit."""

import math
from decimal import Decimal

import pytest

from dashboards.exports import dp
from dashboards.models import DPRelease
from surveys.models import AuditEvent
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db

VARS = [
    dp.DPVariable(code="trust_brand", lower=1, upper=5),
    dp.DPVariable(code="nps", lower=0, upper=10),
]


def release(survey, **kw):
    kw.setdefault("purpose", "Trust by age")
    kw.setdefault("mechanism", "laplace")
    kw.setdefault("epsilon", Decimal("1"))
    kw.setdefault("variables", VARS)
    return dp.dp_release_create(survey=survey, user=None, **kw)


def test_laplace_noise_scale_matches_epsilon_and_sensitivity(filled):
    r = release(filled, segment_by="age_band")
    stats = {s["statistic"]: s for s in r.noise["statistics"]}
    share = 1 / 3  # ε split over the count and two sums
    assert r.noise["epsilon_per_statistic"] == pytest.approx(share)
    assert stats["count"]["scale"] == pytest.approx(1 / share)
    assert stats["sum(trust_brand)"]["scale"] == pytest.approx(5 / share)
    assert stats["sum(nps)"]["scale"] == pytest.approx(10 / share)
    # OpenDP's own privacy map agrees: Δ / scale = the ε of each statistic.
    assert all(s["privacy_loss"] == pytest.approx(share) for s in stats.values())
    assert [row["segment"] for row in r.table] == ["a18_29", "a30_44", "a45_59", "a60"]
    assert AuditEvent.objects.get(action="dp_release.created").data["budget_left"] == "2.0000"


def test_gaussian_sigma_from_epsilon_delta():
    rho = dp.gaussian_rho(epsilon=0.5, delta=1e-6)
    assert rho + 2 * math.sqrt(rho * math.log(1e6)) == pytest.approx(0.5)
    assert dp.gaussian_sigma(sensitivity=2, epsilon=0.5, delta=1e-6) == pytest.approx(
        2 / math.sqrt(2 * rho)
    )


def test_gaussian_release_records_rho(filled):
    r = release(filled, mechanism="gaussian", delta=1e-6, variables=[])
    count = r.noise["statistics"][0]
    assert count["rho"] == pytest.approx(dp.gaussian_rho(epsilon=1, delta=1e-6))
    assert count["privacy_loss"] == pytest.approx(count["rho"])  # zCDP: Δ² / 2σ²


def test_releases_beyond_the_budget_are_refused(filled):
    release(filled, epsilon=Decimal("2"))
    with pytest.raises(ServiceValidationError) as exc:
        release(filled, epsilon=Decimal("1.5"))
    assert exc.value.errors[0].field == "epsilon"
    assert exc.value.errors[0].code == "budget_exceeded"
    assert DPRelease.objects.count() == 1
    release(filled, epsilon=Decimal("1"))  # exactly what is left
    assert DPRelease.objects.count() == 2


def test_small_cells_are_not_released(filled, settings):
    settings.SUPPRESSION_MIN_CELL = 1000
    r = release(filled)
    assert r.table == [{"segment": "all", "suppressed": True, "count": None, "means": {}}]


def test_invalid_requests_write_nothing(filled):
    with pytest.raises(ServiceValidationError) as exc:
        release(
            filled,
            purpose="",
            mechanism="gaussian",
            delta=None,
            segment_by="improve_text",
            variables=[dp.DPVariable(code="improve_text", lower=5, upper=1)],
        )
    assert {e.field for e in exc.value.errors} == {
        "purpose",
        "delta",
        "segment_by",
        "variables[0].code",
        "variables[0].upper",
    }
    assert not DPRelease.objects.exists()
