from typing import Any

from ..enums import AuditAction
from ..models import AuditEvent, Organization, User


def audit_log(
    *,
    organization: Organization,
    action: AuditAction,
    actor: User | None = None,
    actor_label: str = "",
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Never pass personal data or answer values in `data`."""
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or (actor.get_username() if actor is not None else ""),
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=str(getattr(target, "pk", "")) if target is not None else "",
        data=data or {},
    )
