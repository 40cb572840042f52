"""Behaviour kinds an organization's events may carry."""

from ..behaviour import BUILTIN_KINDS, BehaviourKind
from ..models import BehaviourKindDefinition, Organization


def kinds_for(organization: Organization) -> dict[str, BehaviourKind]:
    """The built-in kinds plus the organization's own."""
    kinds = dict(BUILTIN_KINDS)
    for definition in BehaviourKindDefinition.objects.filter(organization=organization):
        kinds[definition.code] = definition.as_kind()
    return kinds
