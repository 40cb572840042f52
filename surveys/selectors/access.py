"""Who is asking: a signed-in member (roles per organization) or an API key (scopes)."""

from dataclasses import dataclass, field

from ..enums import Role
from ..models import ApiKey, Membership, User


@dataclass(frozen=True, kw_only=True)
class Actor:
    """The caller of an interface, reduced to what access decisions need."""

    user: User | None = None
    api_key: ApiKey | None = None
    roles: dict[int, str] = field(default_factory=dict)  # organization id → role
    scopes: frozenset[str] = frozenset()

    def organization_ids(self, roles: set[str] | None = None) -> list[int]:
        """Organizations the actor may act in (with one of `roles`, for members)."""
        if self.api_key is not None:
            return [self.api_key.organization_id]
        return [org for org, role in self.roles.items() if roles is None or role in roles]

    def can(self, organization_id: int, *, roles: set[str], scope: str | None = None) -> bool:
        if self.api_key is not None:
            return self.api_key.organization_id == organization_id and (
                scope is not None and scope in self.scopes
            )
        return self.roles.get(organization_id) in roles

    @property
    def label(self) -> str:
        if self.api_key is not None:
            return f"api-key:{self.api_key.prefix}"
        return self.user.get_username() if self.user else ""


def actor_for_user(user: User) -> Actor:
    roles = dict(Membership.objects.filter(user=user).values_list("organization_id", "role"))
    if user.is_superuser and not roles:
        roles = {}
    return Actor(user=user, roles=roles)


def actor_for_api_key(key: ApiKey) -> Actor:
    return Actor(api_key=key, scopes=frozenset(key.scopes))


AUTHORING = {Role.ADMIN, Role.AUTHOR}
