from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards (insight out)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Receivers of the surveys domain signals are connected here.
        from . import navigation, receivers, staticfiles  # noqa: F401  (staticfiles: a system check)

        navigation.register()
