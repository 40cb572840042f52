"""The holdout draw: deterministic per reference, balanced, independent of the reference's form."""

import math
import secrets

from surveys.touchpoints.holdout import SCALE, draw, held_out


def test_the_draw_is_deterministic_and_keyed_by_the_secret():
    assert draw(secret="s1", respondent_ref="R1") == draw(secret="s1", respondent_ref="R1")
    refs = [f"R{i}" for i in range(1000)]
    a = [held_out(secret="s1", respondent_ref=r, percent=50) for r in refs]
    b = [held_out(secret="s2", respondent_ref=r, percent=50) for r in refs]
    assert a != b  # another follow-up, another split
    assert held_out(secret="s1", respondent_ref="R1", percent=0) is False


def _within(k: int, n: int, p: float, z: float = 4.0) -> bool:
    return abs(k - n * p) <= z * math.sqrt(n * p * (1 - p))


def test_the_share_held_out_matches_the_setting_and_is_balanced_across_kinds_of_reference():
    secret = secrets.token_hex(32)
    n = 20_000
    sequential = [f"R{i:08}" for i in range(n)]  # references that differ in one digit
    random_refs = [secrets.token_urlsafe(12) for _ in range(n)]
    for refs in (sequential, random_refs):
        for percent in (10, 25, 50):
            k = sum(held_out(secret=secret, respondent_ref=r, percent=percent) for r in refs)
            assert _within(k, n, percent / 100), (percent, k)
    # Balance: the held-out share is the same in the first and second halves, and among
    # even and odd references (no structure of the reference leaks into the group).
    for part in (sequential[: n // 2], sequential[n // 2 :], sequential[::2], sequential[1::2]):
        k = sum(held_out(secret=secret, respondent_ref=r, percent=10) for r in part)
        assert _within(k, len(part), 0.10), k
    # Uniform over its range: a chi-square over ten equal bins, well below the 0.1 % critical value.
    bins = [0] * 10
    for r in random_refs:
        bins[draw(secret=secret, respondent_ref=r) * 10 // SCALE] += 1
    expected = n / 10
    chi2 = sum((b - expected) ** 2 / expected for b in bins)
    assert chi2 < 27.88
