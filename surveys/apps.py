from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys (data in)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from . import navigation
        from .signin import locked_out

        navigation.register()

        user_locked_out.connect(locked_out, dispatch_uid="surveys.signin.locked_out")

        from . import signals
        from .integrations.outbox import export_ready_event

        signals.export_ready.connect(export_ready_event, dispatch_uid="surveys.webhooks.export")

        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from .models import (
            Branding,
            ChannelLink,
            ConsentNotice,
            ConsentNoticeVersion,
            FollowUp,
            Organization,
            Survey,
            SurveyVersion,
            WebhookEndpoint,
        )
        from .selectors import flow_cache
        from .selectors.flow_cache import generation_bump
        from .touchpoints import checks as _touchpoint_checks  # noqa: F401 - registers them

        # The respondent flow's per-process lookups reload after any change to these.
        for model in (
            Survey,
            SurveyVersion,
            Organization,
            Branding,
            ChannelLink,
            ConsentNotice,
            ConsentNoticeVersion,
            FollowUp,
            WebhookEndpoint,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    generation_bump,
                    sender=model,
                    dispatch_uid=f"surveys.flow_cache.{signal is post_save}.{model.__name__}",
                )

        request_started.connect(flow_cache.request_begun, dispatch_uid="surveys.flow_cache.begun")
        request_finished.connect(flow_cache.request_ended, dispatch_uid="surveys.flow_cache.ended")

        from .touchpoints import receivers as touchpoints

        signals.response_submitted.connect(
            touchpoints.on_response_submitted, dispatch_uid="surveys.touchpoints.submitted"
        )
        signals.respondent_erased.connect(
            touchpoints.on_respondent_erased, dispatch_uid="surveys.touchpoints.erased"
        )
