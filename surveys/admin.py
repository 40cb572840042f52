"""Django admin: authors can edit draft definitions here too.

Published versions are frozen: their sections, questions and choices are
shown read-only. Respondents, responses and answers are not editable here.
Every ModelAdmin registered on the site is scoped to the staff user's
organizations (``surveys/admin_tenancy.py``); superusers see everything.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts.services.signin import signin_unlock
from .consent.services.consent import notice_content_errors, notice_publish
from .models import (
    ApiKey,
    AuditEvent,
    Choice,
    ConsentNotice,
    ConsentNoticeVersion,
    Membership,
    Organization,
    Question,
    Section,
    SubmissionInbox,
    Survey,
    SurveyVersion,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from .responses.services.inbox import inbox_materialize


@admin.register(User)
class TrustPulseUserAdmin(UserAdmin):
    """Superusers manage accounts; other staff may only look up fellow members.

    (Changing a user here could make anyone a superuser; members join and
    leave organizations through the studio's team pages.)
    """

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_superuser


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "prefix", "scopes", "last_used_at", "revoked_at"]
    list_filter = ["organization"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # keys are created through the API, which shows the secret once


class FrozenInlineMixin:
    """Inlines of a published version are read-only."""

    def _frozen(self, obj) -> bool:  # type: ignore[no-untyped-def]
        version = getattr(obj, "version", obj)
        if isinstance(obj, Question):
            version = obj.version
        return bool(version and getattr(version, "is_frozen", False))

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and self._frozen(obj)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and self._frozen(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and self._frozen(obj)) and super().has_delete_permission(request, obj)


class SectionInline(FrozenInlineMixin, admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "code", "title", "display_logic", "skip_logic", "randomize_questions"]


class QuestionInline(FrozenInlineMixin, admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        ("section", "position", "code", "type"),
        "text",
        "help_text",
        ("required", "allow_other", "randomize_choices"),
        ("construct", "reverse_coded", "points"),
        "settings",
        "display_logic",
    ]
    show_change_link = True


class ChoiceInline(FrozenInlineMixin, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "code", "label", "value", "is_correct", "feedback", "exclusive"]


class VersionInline(admin.TabularInline):
    model = SurveyVersion
    extra = 0
    fields = ["number", "status", "published_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["slug", "organization", "kind", "status", "live_version", "created_at"]
    list_filter = ["status", "kind", "organization"]
    search_fields = ["slug"]
    readonly_fields = ["status", "live_version", "created_at", "updated_at"]
    inlines = [VersionInline]


@admin.register(SurveyVersion)
class SurveyVersionAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "status", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["survey", "number", "status", "published_at", "snapshot"]
    inlines = [SectionInline, QuestionInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "type", "version", "section", "required"]
    list_filter = ["type"]
    search_fields = ["code"]
    inlines = [ChoiceInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and obj.version.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and obj.version.is_frozen) and super().has_delete_permission(request, obj)


class OrganizationReadOnlyAdmin(admin.ModelAdmin):
    """Read-only; staff see the rows of the organizations they administer."""

    tenancy_roles = ["admin"]

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if request.user.is_superuser:
            return True
        return request.user.is_staff and request.user.memberships.filter(role="admin").exists()

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return self.has_view_permission(request)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(OrganizationReadOnlyAdmin):
    list_display = ["created_at", "organization", "action", "actor_label", "target_type"]
    list_filter = ["action", ("organization", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["action", "actor_label", "target_id"]


class InboxStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("pending", "pending"), ("failed", "could not be written"), ("written", "written")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "pending":
            return queryset.filter(materialized_at__isnull=True)
        if self.value() == "failed":
            return queryset.filter(materialized_at__isnull=True, attempts__gt=0)
        if self.value() == "written":
            return queryset.filter(materialized_at__isnull=False)
        return queryset


@admin.register(SubmissionInbox)
class SubmissionInboxAdmin(OrganizationReadOnlyAdmin):
    """Accepted API submissions and their write-out (never the answers themselves)."""

    list_display = [
        "received_at",
        "organization",
        "survey",
        "respondent_ref",
        "materialized_at",
        "attempts",
        "last_error",
    ]
    list_filter = [InboxStateFilter, ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["respondent_ref", "idempotency_key"]
    exclude = ["payload", "result"]
    actions = ["write_out"]

    @admin.action(description="Write out the selected pending submissions now")
    def write_out(self, request, queryset):  # type: ignore[no-untyped-def]
        ids = list(queryset.filter(materialized_at__isnull=True).values_list("pk", flat=True))
        written = sum(inbox_materialize(row_id=i) is not None for i in ids)
        self.message_user(request, f"Written out: {written} of {len(ids)} pending.")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OrganizationReadOnlyAdmin):
    """Webhook endpoints (changed in the studio, where every change is audited)."""

    list_display = ["url", "organization", "enabled", "failing_since", "created_at"]
    list_filter = ["enabled", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["url", "description"]
    exclude = ["secret", "previous_secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OrganizationReadOnlyAdmin):
    """The delivery log (payloads stay out: they name respondents)."""

    tenancy_path = "endpoint__organization"
    list_display = ["created_at", "endpoint", "status", "attempts", "response_status"]
    list_filter = ["status"]
    list_select_related = ["endpoint"]
    raw_id_fields = ["event"]


class NoticeVersionForm(forms.ModelForm):
    """Draft notice content is checked with the same rules as every other write path."""

    policy_url = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = ConsentNoticeVersion
        fields = ["controller", "policy_url", "jurisdiction", "locales", "purposes", "full_text"]

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        content = {k: cleaned.get(k) for k in ("controller", "locales", "purposes")}
        for key in ("policy_url", "jurisdiction", "full_text"):
            if cleaned.get(key):
                content[key] = cleaned[key]
        problems = notice_content_errors(content)
        if problems:
            raise forms.ValidationError([f"{e.field}: {e.message}" for e in problems])
        return cleaned


@admin.register(ConsentNoticeVersion)
class ConsentNoticeVersionAdmin(admin.ModelAdmin):
    form = NoticeVersionForm
    list_display = ["notice", "number", "status", "published_at"]
    list_filter = ["status", "notice__organization"]
    readonly_fields = ["status", "published_at"]
    actions = ["publish"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not (obj and obj.is_frozen) and super().has_delete_permission(request, obj)

    @admin.action(description="Publish the selected draft versions")
    def publish(self, request, queryset):  # type: ignore[no-untyped-def]
        for version in queryset.filter(status="draft"):
            notice_publish(version=version, actor=request.user)


class NoticeVersionInline(admin.TabularInline):
    model = ConsentNoticeVersion
    extra = 0
    fields = ["number", "status", "published_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ConsentNotice)
class ConsentNoticeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organization", "created_at"]
    list_filter = ["organization"]
    inlines = [NoticeVersionInline]


class SignInAttemptAdmin(AccessAttemptAdmin):
    """axes' failed sign-ins (superusers only, as every model no organization owns).

    Unlocking, by the action or by deleting rows, clears the account's and the
    address's failures and writes ``account.unlocked`` to the account's audit log.
    """

    actions = [*AccessAttemptAdmin.actions, "unlock"]
    ordering = ["-attempt_time"]

    def _unlock(self, request, attempts) -> int:  # type: ignore[no-untyped-def]
        pairs = set(attempts.values_list("username", "ip_address"))
        return sum(
            signin_unlock(
                username=username or "", ip_address=ip or "", actor=request.user, via="admin"
            )
            for username, ip in pairs
        )

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):  # type: ignore[no-untyped-def]
        # axes takes "now" from the request its middleware prepared for a sign-in.
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)

    @admin.action(description=_("Unlock the accounts and addresses of the selected attempts"))
    def unlock(self, request, queryset):  # type: ignore[no-untyped-def]
        cleared = self._unlock(request, queryset)
        self.message_user(
            request, _("Unlocked: %(n)d failed sign-in record(s) cleared.") % {"n": cleared}
        )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        self._unlock(request, AccessAttempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        self._unlock(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SignInAttemptAdmin)
