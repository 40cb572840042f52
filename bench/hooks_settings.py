"""Settings of bench/webhooks.py: the test settings, with database connections kept
between tasks as production keeps them (``CONN_MAX_AGE``; the test settings close
them after every task)."""

from trustpulse.settings.test import *  # noqa: F403
from trustpulse.settings.test import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 60
