from django.apps import AppConfig


class FloorConfig(AppConfig):
    name = "bench.floor"
    label = "benchfloor"
    default_auto_field = "django.db.models.BigAutoField"
