"""Settings shared by every environment.

Every value is read from the environment through one django-environ reader
(`env`). The environment-specific modules (local, test, production) import
this one and override what differs. Each setting is documented in README.md.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from .env import BASE_DIR, env
from .logs import LOGGING  # noqa: F401 - a setting

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin, every ModelAdmin scoped to the staff user's organizations.
    "surveys.admin_tenancy.TenancyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Sign-in throttling and lockout (before surveys, whose admin extends axes' own).
    "axes",
    "surveys",
    "dashboards",
]

MIDDLEWARE = [
    # Outermost: HTML error pages under /api/ (DEBUG's technical pages) become JSON.
    "trustpulse.errors.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (below).
    "csp.middleware.CSPMiddleware",
    "trustpulse.headers.PermissionsPolicyMiddleware",
    # Django's SessionMiddleware, with a separate, frame-friendly session for
    # the respondent flow (see the class).
    "surveys.middleware.RespondentSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "surveys.middleware.TwoFactorAdminMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After X-Frame-Options and CSPMiddleware (runs before both on the way out):
    # survey pages may be framed by their organization's allowed origins.
    "surveys.middleware.FrameAncestorsMiddleware",
    # Last: answers a sign-in attempt from a locked-out account or address.
    "axes.middleware.AxesMiddleware",
]

# django-axes' backend first: it refuses locked-out accounts and addresses before
# any password is checked (every sign-in path: studio, Django admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Content-Security-Policy (django-csp; docs/SECURITY.md). No inline script and no
# eval (plotly.js is its strict build); an inline <style> needs the request's nonce
# (`request.csp_nonce`, which adds 'nonce-…' to style-src when a template uses it).
# frame-ancestors 'none' is X-Frame-Options: DENY; survey pages of an organization
# with allowed origins, and SAMEORIGIN views, replace it (FrameAncestorsMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page uses, refused for the page and anything it frames.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), serial=(), usb=(), xr-spatial-tracking=()"
)
# Sent by SecurityMiddleware on every response (Django's default, stated here).
SECURE_REFERRER_POLICY = "same-origin"

# The respondent flow's session cookie (staff pages keep SESSION_COOKIE_NAME), and
# the CSRF secret kept in the session, so an embedded survey needs no cookie of its own.
RESPONDENT_SESSION_COOKIE_NAME = "tp_respondent"
# The respondent session is its signed cookie: no SQL (surveys/middleware.py).
RESPONDENT_SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
CSRF_USE_SESSIONS = True

ROOT_URLCONF = "trustpulse.urls"
WSGI_APPLICATION = "trustpulse.wsgi.application"
ASGI_APPLICATION = "trustpulse.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the embedded worker (scripts/run.sh) write the same
    # file: write-ahead logging lets readers go on during a write, writers wait
    # for each other (timeout, seconds) instead of failing, and a transaction
    # takes its write lock when it begins, so two never deadlock on upgrading.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_TIMEOUT", default=30),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "surveys.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "studio:home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalization: the UI speaks English and Traditional Chinese.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"

# Redis: broker, cache and throttling. Without REDIS_URL: local memory cache
# and Celery in eager mode (tasks run in the web process, after commit).
REDIS_URL = env("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "trustpulse.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="trustpulse"),
            # An unreachable Redis (a cut link drops packets, nothing refuses)
            # fails a cache call in seconds instead of hanging the request.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Eager (tasks in the calling process) only when there is no broker to send them to.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker of scripts/run.sh without Redis: kombu's filesystem
    # transport, one file per message in CELERY_BROKER_DIR, shared by the web
    # process (sender) and the local worker (receiver). Nothing to install.
    CELERY_BROKER_DIR = env.path("CELERY_BROKER_DIR", default=str(BASE_DIR / "var" / "broker"))
    _folders = {k: Path(CELERY_BROKER_DIR) / k for k in ("queue", "processed", "control")}
    for _folder in _folders.values():
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_folders["queue"]),
        "data_folder_out": str(_folders["queue"]),
        "processed_folder": str(_folders["processed"]),
        "control_folder": str(_folders["control"]),
        "store_processed": False,
        "polling_interval": 0.5,
    }
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # The same bound on the broker's sockets: a worker or a publisher whose
    # link to Redis is cut notices in seconds and reconnects (trustpulse/worker.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_timeout": max(5.0, REDIS_SOCKET_TIMEOUT),
        "socket_keepalive": True,
    }
CELERY_TASK_EAGER_PROPAGATES = True
# The queue tasks are sent to (and workers started by scripts/run.sh consume).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_TIMEZONE = "UTC"
# The worker health check's ping task (trustpulse/health.py).
CELERY_IMPORTS = ("trustpulse.health",)
# Publishing to a broker that is down fails fast; the data is already saved
# and the pending sweep (below) catches aggregation up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers reconnect every BROKER_RECONNECT_SECONDS and never give up, and
# queue the backlog's catch-up on each reconnection (trustpulse/worker.py).
CELERY_WORKER_CONSUMER = "trustpulse.worker:Consumer"
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
BROKER_RECONNECT_SECONDS = env.float("BROKER_RECONNECT_SECONDS", default=1.0)
# Consent screen counters: Redis INCRs flushed by beat (surveys/consent/services/counters.py).
CONSENT_COUNTERS_IN_REDIS = env.bool("CONSENT_COUNTERS_IN_REDIS", default=bool(REDIS_URL))
CELERY_BEAT_SCHEDULE = {
    "consent-counters-flush": {
        "task": "surveys.tasks.consent_counters_flush",
        "schedule": timedelta(seconds=env.int("CONSENT_COUNTER_FLUSH_SECONDS", default=60)),
    },
    "purge-idempotency-records": {
        "task": "surveys.tasks.idempotency_records_purge",
        "schedule": timedelta(hours=1),
    },
    "retention-purge": {
        "task": "surveys.tasks.retention_purge",
        "schedule": timedelta(hours=6),
    },
    "inbox-drain": {
        "task": "surveys.tasks.inbox_drain",
        "schedule": timedelta(seconds=env.int("INBOX_SWEEP_SECONDS", default=15)),
    },
    "invitations-sweep": {
        "task": "surveys.tasks.invitations_sweep",
        "schedule": timedelta(minutes=10),
    },
    "transparency-reports": {
        "task": "dashboards.tasks.reports_refresh",
        "schedule": timedelta(hours=24),
    },
    "exports-purge": {
        "task": "dashboards.tasks.exports_purge",
        "schedule": timedelta(hours=1),
    },
    "webhooks-sweep": {
        "task": "surveys.integrations.tasks.webhooks_sweep",
        "schedule": timedelta(seconds=env.int("WEBHOOK_SWEEP_SECONDS", default=15)),
    },
    "touchpoints-deliveries-sweep": {
        "task": "surveys.touchpoints.tasks.deliveries_sweep",
        "schedule": timedelta(minutes=10),
    },
    # Checked daily: each person who asked gets the last quarter's report once.
    "privacy-reports": {
        "task": "surveys.touchpoints.tasks.privacy_reports_send",
        "schedule": timedelta(hours=24),
    },
    "touchpoints-contact-email-purge": {
        "task": "surveys.touchpoints.tasks.contact_emails_purge",
        "schedule": timedelta(hours=6),
    },
    "aggregate-pending": {
        "task": "dashboards.tasks.aggregate_pending",
        "schedule": timedelta(seconds=env.int("AGGREGATE_SWEEP_SECONDS", default=60)),
    },
}

# Outgoing webhooks (docs/WEBHOOKS.md). Plain HTTP to loopback only when
# WEBHOOK_ALLOW_LOOPBACK (development and tests); never in production.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=5.0)
WEBHOOK_READ_TIMEOUT = env.float("WEBHOOK_READ_TIMEOUT", default=10.0)
WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024
# A delivery is retried (exponential backoff with jitter) this long, then failed;
# an endpoint failing this many days is disabled and its admins emailed.
WEBHOOK_RETRY_HOURS = env.int("WEBHOOK_RETRY_HOURS", default=72)
WEBHOOK_DISABLE_AFTER_DAYS = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=3)
WEBHOOK_SECRET_OVERLAP_HOURS = env.int("WEBHOOK_SECRET_OVERLAP_HOURS", default=24)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "trustpulse.api.auth.ApiKeyAuthentication",
        "trustpulse.api.auth.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "trustpulse.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "trustpulse.api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "trustpulse.api.metadata.Metadata",
    "DEFAULT_THROTTLE_RATES": {
        "api_key_write": env("THROTTLE_API_KEY_WRITE", default="6000/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "TrustPulse API",
    "DESCRIPTION": "Consented surveys and quizzes about privacy comfort.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "trustpulse.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SurveyStatusEnum": "surveys.enums.SurveyStatus",
        "VersionStatusEnum": "surveys.enums.VersionStatus",
        "ResponseStatusEnum": "surveys.enums.ResponseStatus",
        "ChannelEnum": "surveys.enums.Channel",
        "ImportFormatEnum": "surveys.enums.ImportFormat",
        "ExportFormatEnum": "dashboards.enums.ExportFormat",
    },
}

# Product settings.
# Keyed HMAC for brand-supplied external respondent ids (never stored raw).
RESPONDENT_ID_HMAC_KEY = env("RESPONDENT_ID_HMAC_KEY", default="")
# How long an Idempotency-Key is remembered (hours; at least 24).
IDEMPOTENCY_TTL_HOURS = max(24, env.int("IDEMPOTENCY_TTL_HOURS", default=48))
# API submissions are stored as one row in the request and written out by a worker
# (surveys/responses/services/inbox.py); false writes everything in the request.
SUBMISSION_DEFERRED_WRITE = env.bool("SUBMISSION_DEFERRED_WRITE", default=True)
# Bearer token of monitoring for GET /healthz/backlog (empty: staff sessions only).
MONITORING_TOKEN = env("MONITORING_TOKEN", default="")
# Smallest group an analyst may see, never below 5.
SUPPRESSION_MIN_CELL = max(5, env.int("SUPPRESSION_MIN_CELL", default=10))
# Print transparency reports to PDF with headless Chromium (CHROMIUM_PATH, else `chromium` on PATH).
TRANSPARENCY_PDF = env.bool("TRANSPARENCY_PDF", default=True)
CHROMIUM_PATH = env("CHROMIUM_PATH", default="")
# Paper of the printed reports: A4 or Letter (both fit the same layout).
TRANSPARENCY_PDF_PAPER = env("TRANSPARENCY_PDF_PAPER", default="A4")
# k for k-anonymous exports.
EXPORT_K = max(2, env.int("EXPORT_K", default=5))
# Research exports (docs/EXPORTS.md): how long a signed download link and a
# finished file live, the largest SPSS/Stata table (written whole, in memory)
# and the time limit of the export task.
EXPORT_LINK_MAX_AGE = env.int("EXPORT_LINK_MAX_AGE", default=3600)
EXPORT_FILE_DAYS = env.int("EXPORT_FILE_DAYS", default=7)
EXPORT_STATS_MAX_ROWS = env.int("EXPORT_STATS_MAX_ROWS", default=500_000)
EXPORT_TASK_TIME_LIMIT = env.int("EXPORT_TASK_TIME_LIMIT", default=4 * 3600)
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=str(BASE_DIR / "var" / "exports"))
EXPORTS_S3_BUCKET = env("EXPORTS_S3_BUCKET", default="")
if EXPORTS_S3_BUCKET:
    # Any S3-compatible bucket (django-storages); credentials come from the usual
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment or the instance role.
    STORAGES["exports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EXPORTS_S3_BUCKET,
            "endpoint_url": env("EXPORTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("EXPORTS_S3_REGION", default="") or None,
            "location": env("EXPORTS_S3_PREFIX", default="exports"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["exports"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EXPORTS_ROOT)},
    }
# Data quality: a response faster than this fraction of the survey's running
# median completion time is a speeder. A straight-liner answered at least
# QUALITY_STRAIGHTLINE_MIN_ITEMS rating items with a long string of identical
# answers covering QUALITY_LONGSTRING_SHARE of them and a response variability
# (SD of the answers' scale positions, 0-1) of at most QUALITY_IRV_MAX
# (surveys/quality.py; a survey may override them, docs/METRICS.md).
QUALITY_SPEEDER_FRACTION = env.float("QUALITY_SPEEDER_FRACTION", default=0.3)
QUALITY_STRAIGHTLINE_MIN_ITEMS = env.int("QUALITY_STRAIGHTLINE_MIN_ITEMS", default=10)
QUALITY_LONGSTRING_SHARE = env.float("QUALITY_LONGSTRING_SHARE", default=0.5)
QUALITY_IRV_MAX = env.float("QUALITY_IRV_MAX", default=0.1)
# Largest definition import accepted (bytes).
DEFINITION_MAX_BYTES = env.int("DEFINITION_MAX_BYTES", default=2_000_000)
# Largest file accepted by the importers (SurveyJS, LimeSurvey, Qualtrics, XLSForm), in
# bytes, and the most a spreadsheet (a zip archive) may unpack to.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=2_000_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=30_000_000)
# The public address of the site, for links in emails (invitations, password reset).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Email (invitations, member invitations, password reset). EMAIL_URL as in
# django-environ, e.g. smtp+tls://user:password@smtp.example.com:587; the
# default prints emails to the console.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="TrustPulse <noreply@localhost>")
# Members' TOTP two-factor authentication: required for these roles (in any
# organization), offered to everyone. Codes are accepted this many 30-second
# steps either side of now.
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=["admin"])
TWO_FACTOR_VALID_WINDOW = 1
# Recovery codes issued with two-factor (each usable once).
TWO_FACTOR_RECOVERY_CODES = env.int("TWO_FACTOR_RECOVERY_CODES", default=10)
# Sign-in lockout (django-axes; docs/SECURITY.md). This many wrong passwords in a
# row for one username, or from one client address, lock that username and that
# address out for SIGNIN_LOCKOUT_MINUTES. SIGNIN_PROXY_COUNT: how many trusted
# reverse proxies append to X-Forwarded-For (0: the client is REMOTE_ADDR).
AXES_FAILURE_LIMIT = max(1, env.int("SIGNIN_FAILURE_LIMIT", default=20))
AXES_COOLOFF_TIME = timedelta(minutes=max(1, env.int("SIGNIN_LOCKOUT_MINUTES", default=30)))
SIGNIN_PROXY_COUNT = max(0, env.int("SIGNIN_PROXY_COUNT", default=0))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The lockout lasts its time from the lockout: retries while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "surveys.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "surveys.signin.client_ip"
# Successful sign-ins are not logged with their address; failures are, until unlocked.
AXES_DISABLE_ACCESS_LOG = True
# Masked in the stored request data of a failure (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
# How long an invitation to join an organization stays valid (days).
MEMBER_INVITATION_DAYS = env.int("MEMBER_INVITATION_DAYS", default=7)

# Expose the benchmark floor endpoint (bench/submit.py); off unless asked for.
BENCH_FLOOR_ENABLED = env.bool("BENCH_FLOOR_ENABLED", default=False)
# Its table lives in its own app, installed only then: not in the product schema.
if BENCH_FLOOR_ENABLED:
    INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor"]

# Touchpoints (docs/TOUCHPOINTS.md). Fernet keys (comma-separated, newest first)
# that encrypt respondents' contact emails; without them one is derived from
# SECRET_KEY (`check --deploy` warns: set them in production).
CONTACT_EMAIL_KEYS = env.list("CONTACT_EMAIL_KEYS", default=[])
# Days a contact email is kept at most (it goes earlier with its purposes).
CONTACT_EMAIL_RETENTION_DAYS = env.int("CONTACT_EMAIL_RETENTION_DAYS", default=365)
# The share (percent) of eligible respondents a new follow-up holds out.
TOUCHPOINT_HOLDOUT_PERCENT = env.int("TOUCHPOINT_HOLDOUT_PERCENT", default=10)
# Days a privacy report's link (/t/report/<token>/) stays valid.
PRIVACY_REPORT_LINK_DAYS = env.int("PRIVACY_REPORT_LINK_DAYS", default=120)
