"""The registry of behaviour kinds: what a respondent can be observed to do.

Each kind has a value schema (JSON Schema) and a direction: whether a higher
value is more or less privacy-protective. The aggregation work adds the fixed
transforms to [0, 1] and organization-defined kinds.
"""

from dataclasses import dataclass

from .enums import Direction


@dataclass(frozen=True, kw_only=True)
class BehaviourKind:
    code: str
    description: str
    value_schema: dict
    direction: Direction
    purpose: str = "behavioural_measurement"


_BOOL = {"type": "boolean"}
_NONNEG_INT = {"type": "integer", "minimum": 0}

BUILTIN_KINDS: dict[str, BehaviourKind] = {
    k.code: k
    for k in [
        BehaviourKind(
            code="notice_opened",
            description="Opened the full privacy notice.",
            value_schema=_BOOL,
            direction=Direction.MORE_PROTECTIVE,
        ),
        BehaviourKind(
            code="notice_dwell_ms",
            description="Time spent on the privacy notice, in milliseconds.",
            value_schema=_NONNEG_INT,
            direction=Direction.MORE_PROTECTIVE,
        ),
        BehaviourKind(
            code="optional_purpose_granted",
            description="Granted an optional consent purpose (value: purpose id).",
            value_schema={"type": "string", "minLength": 1, "maxLength": 64},
            direction=Direction.LESS_PROTECTIVE,
        ),
        BehaviourKind(
            code="optional_field_disclosed",
            description="Filled in an optional personal-data field (value: field code).",
            value_schema={"type": "string", "minLength": 1, "maxLength": 64},
            direction=Direction.LESS_PROTECTIVE,
        ),
        BehaviourKind(
            code="terms_accepted_unread",
            description="Accepted terms without opening them.",
            value_schema=_BOOL,
            direction=Direction.LESS_PROTECTIVE,
        ),
        BehaviourKind(
            code="marketing_opt_out",
            description="Opted out of marketing.",
            value_schema=_BOOL,
            direction=Direction.MORE_PROTECTIVE,
        ),
        BehaviourKind(
            code="ad_blocker_detected",
            description="An ad or tracker blocker was detected.",
            value_schema=_BOOL,
            direction=Direction.MORE_PROTECTIVE,
        ),
        BehaviourKind(
            code="data_access_request",
            description="Made a data access request.",
            value_schema=_BOOL,
            direction=Direction.MORE_PROTECTIVE,
        ),
        BehaviourKind(
            code="account_deleted",
            description="Deleted their account.",
            value_schema=_BOOL,
            direction=Direction.MORE_PROTECTIVE,
        ),
        BehaviourKind(
            code="content_posted_words",
            description="Words of content posted publicly.",
            value_schema=_NONNEG_INT,
            direction=Direction.LESS_PROTECTIVE,
        ),
    ]
}


def behaviour_kind_get(code: str) -> BehaviourKind | None:
    return BUILTIN_KINDS.get(code)
