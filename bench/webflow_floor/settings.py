"""Settings of the floor project (a plain Django site: one form, one table)."""

import os

SECRET_KEY = os.environ.get("SECRET_KEY", "floor-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["django.contrib.contenttypes", "bench.webflow_floor"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "bench.webflow_floor.urls"
WSGI_APPLICATION = "bench.webflow_floor.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("FLOOR_DATABASE", "webflow_floor"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
    }
}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": False}]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
