"""The one django-environ reader of the settings, and the project's root folder."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A `.env` file in the project root is read when present (never required).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
