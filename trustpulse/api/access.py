"""Who is calling and what they may do: roles for members, scopes for API keys.

Every lookup goes through the selectors, scoped to the caller's organizations:
another organization's object is "not found" (404), never "forbidden" (403),
so its existence does not leak. 403 is for a caller who can see the object (or
the endpoint) but lacks the role or the scope to use it.
"""

from typing import Any

from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from surveys.enums import ApiScope, Role
from surveys.models import Survey
from surveys.selectors import Actor, actor_for_api_key, actor_for_user, survey_get

AUTHORING = {Role.ADMIN.value, Role.AUTHOR.value}
# Ids beyond this are no row's (and must not reach the database as a bigint).
MAX_ID = 2**63 - 1


def actor_of(request: Request) -> Actor:
    """The request's actor (built once per request)."""
    actor: Actor | None = getattr(request, "_tp_actor", None)
    if actor is None:
        key = getattr(request.user, "api_key", None)
        if key is not None:
            actor = actor_for_api_key(key)
        else:
            actor = actor_for_user(request.user)  # type: ignore[arg-type]
        request._tp_actor = actor  # type: ignore[attr-defined]
    return actor


def audit_identity(actor: Actor) -> dict[str, Any]:
    """`actor`/`actor_label` arguments of the audit services for this actor."""
    if actor.api_key is not None:
        return {"actor": None, "actor_label": actor.label}
    return {"actor": actor.user, "actor_label": ""}


def require_scope(actor: Actor, scope: ApiScope) -> None:
    """An API key must carry `scope` (checked before any lookup: it reveals nothing)."""
    if actor.api_key is not None and scope not in actor.scopes:
        raise PermissionDenied(f"This API key lacks the {scope} scope.")


def require_session(actor: Actor, what: str) -> None:
    if actor.api_key is not None:
        raise PermissionDenied(f"{what} is for signed-in members, not API keys.")


def survey_access(
    request: Request,
    pk: int,
    *,
    scope: ApiScope | None,
    roles: set[str] | None,
    denied: str,
    session_only: str = "",
) -> Survey:
    """The survey `pk` as the caller may use it: the one access check of every API.

    In order: the API key's `scope` (or, with `session_only`, no API key at
    all), then the lookup among the caller's organizations (404 outside them),
    then, for a signed-in member, one of `roles` in the survey's organization
    (403 with `denied`). An API key's scope stands for the role.
    """
    actor = actor_of(request)
    if session_only:
        require_session(actor, session_only)
    if scope is not None:
        require_scope(actor, scope)
    survey = survey_get(actor=actor, pk=pk) if 0 < pk <= MAX_ID else None
    if survey is None:
        raise NotFound("No such survey.")
    if roles is not None and actor.api_key is None:
        if not actor.can(survey.organization_id, roles=roles):
            raise PermissionDenied(denied)
    return survey


def survey_for(request: Request, pk: int, *, write: bool) -> Survey:
    """The survey `pk` as the caller may see it; 404 outside their organizations.

    Reading needs membership (any role) or `surveys:read`; writing needs the
    admin or author role or `surveys:write`.
    """
    return survey_access(
        request,
        pk,
        scope=ApiScope.SURVEYS_WRITE if write else ApiScope.SURVEYS_READ,
        roles=AUTHORING if write else None,
        denied="Editing surveys is for admins and authors.",
    )
