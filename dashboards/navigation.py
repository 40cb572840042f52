"""The studio's main navigation entries of dashboards and exports.

Registered once, by DashboardsConfig.ready(), not as a side effect of
importing a view module.
"""

from django.utils.translation import gettext_lazy as _

from surveys.enums import Role
from trustpulse.studio import NavEntry, nav_register

ENTRIES = (
    NavEntry(
        key="dashboards",
        label=_("Dashboards"),
        url_name="dashboards:overview",
        roles=frozenset({Role.ADMIN, Role.ANALYST}),
        order=30,
    ),
    NavEntry(
        key="exports",
        label=_("Exports"),
        url_name="exports:list",
        roles=frozenset({Role.RESEARCHER, Role.ADMIN}),
        order=60,
    ),
)


def register() -> None:
    for entry in ENTRIES:
        nav_register(entry)
