"""The organization's switch for publishing its transparency reports at a public address."""

from django.db import transaction

from ...enums import AuditAction
from ...integrations import outbox
from ...models import Organization, User
from ...services.audit import audit_log


@transaction.atomic
def transparency_publish_set(*, organization: Organization, public: bool, actor: User) -> bool:
    """Turn public transparency reports on or off; returns whether anything changed."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.transparency_report_public == public:
        return False
    org.transparency_report_public = public
    org.save(update_fields=["transparency_report_public"])
    organization.transparency_report_public = public
    audit_log(
        organization=org,
        action=AuditAction.REPORT_PUBLISHED,
        actor=actor,
        target=org,
        data={"public": public},
    )
    if public:
        outbox.report_published_event(organization=org, public=public)
    return True
