"""The staff area ("studio") under ``/studio/<org-slug>/``: who may see which page.

Every staff page lives under one organization's address, so a link names the
organization it shows and can be shared with a colleague. ``studio_view``
resolves the organization from the address, checks the signed-in member's
role in it (another organization, or no membership, is a 404; a role that may
not see the page is a 403), sends a member who still owes a two-factor
code to give it (``surveys/two_factor.py``) and hands the view a ``Studio`` with the
organization, the role and the navigation.

Apps add their pages to the navigation with ``nav_register``, called from
their ``AppConfig.ready`` (``surveys/navigation.py``, ``dashboards/navigation.py``),
so the shell never imports the pages it links to.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from surveys.enums import Role
from surveys.models import Membership, Organization
from surveys.selectors.access import Actor

ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True, kw_only=True)
class NavEntry:
    key: str
    label: str  # translated at render time (gettext_lazy)
    url_name: str  # reversed with the organization's slug as `org`
    roles: frozenset[str]
    order: int = 100


_NAV: dict[str, NavEntry] = {}


def nav_register(entry: NavEntry) -> None:
    """Add (or replace, by key) one entry of the studio's main navigation."""
    _NAV[entry.key] = entry


@dataclass(frozen=True, kw_only=True)
class NavLink:
    key: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True, kw_only=True)
class Studio:
    """What a studio page knows about its caller and place."""

    organization: Organization
    role: str
    actor: Actor
    memberships: list[Membership] = field(default_factory=list)
    section: str = ""

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    def allows(self, roles: frozenset[str] | set[str]) -> bool:
        return self.role in roles

    @property
    def nav(self) -> list[NavLink]:
        links = []
        for entry in sorted(_NAV.values(), key=lambda e: (e.order, e.key)):
            if self.role not in entry.roles:
                continue
            try:
                url = reverse(entry.url_name, kwargs={"org": self.organization.slug})
            except NoReverseMatch:
                continue
            links.append(
                NavLink(
                    key=entry.key,
                    label=str(entry.label),
                    url=url,
                    current=entry.key == self.section,
                )
            )
        return links


P = ParamSpec("P")
StudioView = Callable[Concatenate[HttpRequest, Studio, P], HttpResponse]


def studio_for(request: HttpRequest, org: str, *, roles: frozenset[str], section: str) -> Studio:
    """The caller's studio context in organization `org`; 404 unless a member, 403 by role."""
    memberships = list(
        Membership.objects.filter(user=request.user)  # type: ignore[misc]
        .select_related("organization")
        .order_by("organization__name")
    )
    current = next((m for m in memberships if m.organization.slug == org), None)
    if current is None:
        raise Http404("No such organization.")
    if current.role not in roles:
        raise PermissionDenied("Your role in this organization cannot open this page.")
    return Studio(
        organization=current.organization,
        role=current.role,
        actor=Actor(
            user=request.user,  # type: ignore[arg-type]
            roles={m.organization_id: m.role for m in memberships},
        ),
        memberships=memberships,
        section=section,
    )


def studio_view(
    *, roles: frozenset[str] | set[str] = ALL_ROLES, section: str = ""
) -> Callable[[StudioView[P]], Callable[..., HttpResponse]]:
    """Decorate `view(request, studio, **kwargs)` served at a URL with an `org` slug."""

    def decorate(view: StudioView[P]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            studio = studio_for(request, org, roles=frozenset(roles), section=section)
            from surveys.two_factor import gate

            redirect = gate(request)
            if redirect is not None:
                return redirect
            response = view(request, studio, *args, **kwargs)
            response.headers.setdefault("Cache-Control", "private, no-store")
            return response

        return wrapper

    return decorate
