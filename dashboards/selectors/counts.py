"""The counts of people the disclosure rule tallies for the headline figures
(``tally`` sources, docs/DISCLOSURE.md), and the responses left out for quality flags.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import F

from ..models import PurposeRollup, ResponseRollup, ScoreRollup
from ..services.disclosure import Source, tally
from .filters import MetricFilter

FLAGGED_COUNTS = Source(
    model=ResponseRollup, sums={"n": "n"}, fold=lambda r: {"flagged": r["n"]}, flagged=True
)


def excluded_flagged(flt: MetricFilter) -> int | None:
    """Responses left out for quality flags: a population of their own, withheld like any
    count of people (rules 1, 6 and 7)."""
    counts, bad = tally(flt, [FLAGGED_COUNTS])
    n = counts.get("flagged", 0)
    return None if "flagged" in bad else n


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
