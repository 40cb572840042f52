"""The holdout draw: pure, deterministic, keyed by the follow-up's secret.

The unit of randomisation is the respondent reference: the same person is in
the same group for a follow-up every time (a later response does not redraw),
and nobody can predict or steer their group without the secret.
"""

import hashlib
import hmac

SCALE = 10_000  # draws are in basis points


def draw(*, secret: str, respondent_ref: str) -> int:
    """A uniform number in [0, 10 000) from the secret and the reference."""
    mac = hmac.new(secret.encode(), respondent_ref.encode(), hashlib.sha256).digest()
    return int.from_bytes(mac[:8], "big") % SCALE


def held_out(*, secret: str, respondent_ref: str, percent: int) -> bool:
    """Whether this respondent is kept from the follow-up (percent of 100)."""
    return draw(secret=secret, respondent_ref=respondent_ref) < percent * SCALE // 100
