"""The studio's main navigation entries of the surveys capabilities.

Registered once, by SurveysConfig.ready(), not as a side effect of importing
a view module.
"""

from django.utils.translation import gettext_lazy as _

from trustpulse.studio import ALL_ROLES, NavEntry, nav_register

from .enums import Role

ADMIN = frozenset({Role.ADMIN.value})
AUTHORING = frozenset({Role.ADMIN.value, Role.AUTHOR.value})

ENTRIES = (
    NavEntry(key="surveys", label=_("Surveys"), url_name="studio:org", roles=ALL_ROLES, order=10),
    NavEntry(key="import", label=_("Import"), url_name="importers:page", roles=AUTHORING, order=30),
    NavEntry(
        key="distribute",
        label=_("Distribute"),
        url_name="distribution:index",
        roles=AUTHORING,
        order=30,
    ),
    NavEntry(
        key="follow_ups",
        label=_("Follow-ups"),
        url_name="follow_ups:index",
        roles=AUTHORING,
        order=35,
    ),
    NavEntry(key="team", label=_("Team"), url_name="team:index", roles=ADMIN, order=80),
    NavEntry(
        key="integrations",
        label=_("Integrations"),
        url_name="integrations:index",
        roles=ADMIN,
        order=85,
    ),
    NavEntry(
        key="settings", label=_("Settings"), url_name="org_settings:index", roles=ADMIN, order=90
    ),
)


def register() -> None:
    for entry in ENTRIES:
        nav_register(entry)
