"""The registry of behaviour kinds: what a respondent can be observed to do.

Each kind has a value schema (JSON Schema), a direction (whether a higher
value is more or less privacy-protective), the consent purpose that covers
it, and a **fixed** transform of its value to [0, 1] that never depends on the
data. The *protection* score of an event is the transform when the kind is
protective, and one minus it otherwise. Organizations add their own kinds
(`BehaviourKindDefinition`) with the same four properties.

Transforms: ``{"op": "bool"}`` (true → 1), ``{"op": "cap", "cap": c}``
(min(value / c, 1)), ``{"op": "nonempty"}`` (a non-empty string → 1),
``{"op": "const", "value": v}``.
"""

from dataclasses import dataclass, field
from typing import Any

from .enums import BEHAVIOURAL_MEASUREMENT, Direction

TRANSFORM_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["op"],
            "properties": {"op": {"enum": ["bool", "nonempty"]}},
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["op", "cap"],
            "properties": {
                "op": {"const": "cap"},
                "cap": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["op", "value"],
            "properties": {
                "op": {"const": "const"},
                "value": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
    ]
}


@dataclass(frozen=True, kw_only=True)
class BehaviourKind:
    code: str
    description: str
    value_schema: dict[str, Any]
    direction: Direction
    transform: dict[str, Any] = field(default_factory=lambda: {"op": "bool"})
    purpose: str = BEHAVIOURAL_MEASUREMENT

    def unit(self, value: Any) -> float:
        """The fixed transform of a (valid) value to [0, 1]."""
        op = self.transform["op"]
        if op == "bool":
            return 1.0 if value is True else 0.0
        if op == "nonempty":
            return 1.0 if isinstance(value, str) and value != "" else 0.0
        if op == "cap":
            return min(max(float(value), 0.0) / float(self.transform["cap"]), 1.0)
        return float(self.transform["value"])

    def protection(self, value: Any) -> float:
        """How privacy-protective the event is, in [0, 1]."""
        unit = self.unit(value)
        return unit if self.direction == Direction.MORE_PROTECTIVE else 1.0 - unit


_BOOL = {"type": "boolean"}
_NONNEG_INT = {"type": "integer", "minimum": 0}
_ID = {"type": "string", "minLength": 1, "maxLength": 64}

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
            transform={"op": "cap", "cap": 30000},
        ),
        BehaviourKind(
            code="optional_purpose_granted",
            description="Granted an optional consent purpose (value: purpose id).",
            value_schema=_ID,
            direction=Direction.LESS_PROTECTIVE,
            transform={"op": "const", "value": 1},
        ),
        BehaviourKind(
            code="optional_field_disclosed",
            description="An optional personal field: its code when filled in, '' when left blank.",
            value_schema={"type": "string", "maxLength": 64},
            direction=Direction.LESS_PROTECTIVE,
            transform={"op": "nonempty"},
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
            transform={"op": "cap", "cap": 500},
        ),
    ]
}
