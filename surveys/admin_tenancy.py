"""Organization scoping for every Django admin page.

The admin serves two kinds of people. Superusers (platform operators) see
everything. Any other staff user sees only the rows of the organizations they
are a member of: in change lists and their filters, change, delete and
history pages, actions, autocomplete, and the choices of every form and
inline. A model that belongs to no organization (groups, sign-in attempts, …)
is for superusers only.

``TenancyAdminSite.register`` puts ``TenancyAdminMixin`` in front of every
ModelAdmin registered on the site, the project's and third-party apps' alike,
so a new admin cannot forget the rule. A ModelAdmin names how its model
reaches its organization with ``tenancy_path`` (a lookup such as
``"survey__organization"``); without it the path is found by following
foreign keys (``organization_path``). ``tenancy_roles`` narrows the
memberships that count (e.g. admins only).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.filters import RelatedFieldListFilter, RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.http import HttpRequest

GLOBAL = ""  # the path of a model no organization owns: superusers only
_MAX_DEPTH = 5
_UNSET = object()


def _organization_model() -> type[models.Model]:
    return apps.get_model("surveys", "Organization")


def _user_model() -> type[models.Model]:
    return apps.get_model("surveys", "User")


@functools.cache
def organization_path(model: type[models.Model]) -> str:
    """The shortest forward foreign-key path from `model` to its Organization, e.g.
    ``"version__survey__organization"``; ``"pk"`` for Organization itself,
    ``"memberships__organization"`` for users; ``GLOBAL`` when there is none.
    """
    organization = _organization_model()
    if model is organization:
        return "pk"
    if model is _user_model():
        return "memberships__organization"
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _depth in range(_MAX_DEPTH):
        following: list[tuple[type[models.Model], str]] = []
        for current, prefix in frontier:
            for field in current._meta.get_fields():
                if not (field.is_relation and field.concrete and not field.many_to_many):
                    continue
                target = field.related_model
                path = f"{prefix}{field.name}"
                if target is organization:
                    return path
                if isinstance(target, type) and target is not _user_model():
                    following.append((target, path + "__"))
        frontier = following
    return GLOBAL


def _single_valued(model: type[models.Model], path: str) -> bool:
    """Whether every step of `path` is a forward foreign key (no row duplication)."""
    if path == "pk":
        return True
    try:
        fields = get_fields_from_path(model, path)
    except Exception:  # noqa: BLE001 — an unknown path is treated as many-valued
        return False
    return all(getattr(f, "concrete", False) and not f.many_to_many for f in fields)


def member_organization_ids(user: Any, roles: Iterable[str] | None = None) -> list[int]:
    """Ids of the organizations `user` belongs to (with one of `roles`, when given)."""
    memberships = apps.get_model("surveys", "Membership").objects.filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return list(memberships.values_list("organization_id", flat=True))


def scope_queryset(
    queryset: models.QuerySet,
    *,
    user: Any,
    path: str | None = None,
    roles: Iterable[str] | None = None,
) -> models.QuerySet:
    """`queryset` narrowed to the organizations of `user` (unchanged for a superuser)."""
    if getattr(user, "is_superuser", False):
        return queryset
    model = queryset.model
    path = organization_path(model) if path is None else path  # type: ignore[arg-type]
    if path == GLOBAL or not getattr(user, "is_authenticated", False):
        return queryset.none()
    org_ids = member_organization_ids(user, roles)
    lookup = {f"{path}__in": org_ids}
    if _single_valued(model, path):
        return queryset.filter(**lookup)
    return queryset.filter(pk__in=model._default_manager.filter(**lookup).values("pk"))


class TenancyFieldsMixin:
    """Form choices (foreign keys, many-to-many) limited to the user's organizations."""

    def get_field_queryset(self, db, db_field, request):  # type: ignore[no-untyped-def]
        queryset = super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        if getattr(request.user, "is_superuser", False):
            return queryset
        related = db_field.remote_field.model
        if queryset is None:
            queryset = related._default_manager.using(db).all()
        return scope_queryset(queryset, user=request.user)


class TenancyAdminMixin(TenancyFieldsMixin):
    """Scopes a ModelAdmin to the organizations of a non-superuser staff user.

    It sits first in the wrapped class's bases, so it declares no defaults of
    ``tenancy_path`` / ``tenancy_roles`` that would hide the admin's own.
    """

    def _tenancy_path(self) -> str:
        path = getattr(self, "tenancy_path", _UNSET)
        if path is _UNSET:
            return organization_path(self.model)  # type: ignore[attr-defined]
        return str(path)

    @property
    def _roles(self) -> Iterable[str] | None:
        return getattr(self, "tenancy_roles", None)

    def _is_global(self) -> bool:
        return self._tenancy_path() == GLOBAL

    def _operator(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return scope_queryset(
            queryset, user=request.user, path=self._tenancy_path(), roles=self._roles
        )

    def _in_scope(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or self._operator(request):
            return True
        if self._is_global():
            return False
        return obj.pk is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def _allowed(self, request: HttpRequest) -> bool:
        """Non-operators: a staff member of at least one organization, on an owned model."""
        if self._operator(request):
            return True
        if self._is_global():
            return False
        return bool(member_organization_ids(request.user, self._roles))

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return self._allowed(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return (
            self._allowed(request)
            and super().has_view_permission(request, obj)  # type: ignore[misc]
            and self._in_scope(request, obj)
        )

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        if not self._operator(request) and self._tenancy_path() in (GLOBAL, "pk"):
            return False  # organizations themselves are created by operators
        return self._allowed(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return (
            self._allowed(request)
            and super().has_change_permission(request, obj)  # type: ignore[misc]
            and self._in_scope(request, obj)
        )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if not self._operator(request) and self._tenancy_path() in (GLOBAL, "pk"):
            return False
        return (
            self._allowed(request)
            and super().has_delete_permission(request, obj)  # type: ignore[misc]
            and self._in_scope(request, obj)
        )

    def get_list_filter(self, request):  # type: ignore[no-untyped-def]
        """Relation filters list only the related rows the user can see."""
        filters = list(super().get_list_filter(request))  # type: ignore[misc]
        if self._operator(request):
            return filters
        return [self._scoped_filter(item) for item in filters]

    def _scoped_filter(self, item: Any) -> Any:
        name, cls = item, None
        if isinstance(item, (tuple, list)):
            name, cls = item[0], item[1]
        if not isinstance(name, str):
            return item
        try:
            field = get_fields_from_path(self.model, name)[-1]  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 — not a model field (a callable or custom filter)
            return item
        if not field.is_relation:
            return item
        if cls is None or (isinstance(cls, type) and issubclass(cls, RelatedFieldListFilter)):
            return (name, RelatedOnlyFieldListFilter)
        return item

    def get_inlines(self, request, obj):  # type: ignore[no-untyped-def]
        return [scoped_inline(inline) for inline in super().get_inlines(request, obj)]  # type: ignore[misc]


@functools.cache
def scoped_inline(inline_class: type) -> type:
    """`inline_class` with its form choices limited to the user's organizations."""
    if issubclass(inline_class, TenancyFieldsMixin):
        return inline_class
    return type(inline_class.__name__, (TenancyFieldsMixin, inline_class), {})


def scoped_admin(admin_class: type) -> type:
    if issubclass(admin_class, TenancyAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (TenancyAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class TenancyAdminSite(admin.AdminSite):
    """The project's admin site: every registered ModelAdmin is organization-scoped."""

    def register(self, model_or_iterable, admin_class=None, **options):  # type: ignore[no-untyped-def]
        admin_class = scoped_admin(admin_class or admin.ModelAdmin)
        return super().register(model_or_iterable, admin_class, **options)


class TenancyAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``TenancyAdminSite`` as ``admin.site``."""

    default_site = "surveys.admin_tenancy.TenancyAdminSite"
