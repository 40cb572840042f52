"""The three systems of bench/webflow.py: prepared databases and gunicorn servers."""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.submit import _port_free, _recreate_database
from bench.webflow_flows import (
    Request,
    floor_completion,
    peer_completion,
    trustpulse_completion,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_VENV = Path("/tmp/trustpulse-webflow-peer-venv")
PEER_DIR = Path("/tmp/trustpulse-webflow-peer")
PEER_PACKAGE = "django-survey-and-report==1.5.0"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# Servers ------------------------------------------------------------------------------


@dataclass(kw_only=True)
class System:
    name: str
    port: int
    database: str
    python: str
    wsgi: str
    cwd: Path
    env: dict[str, str]
    completion: Callable[[Request, Any, random.Random], int]
    key: Any = None
    count_sql: str = ""  # a Django shell snippet: completed rows in the database
    process: subprocess.Popen[bytes] | None = None


def run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: int = 900) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return result.stdout


def base_env(database: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RESPONDENT_ID_HMAC_KEY": secrets.token_urlsafe(32),
            "CONTACT_EMAIL_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": redis_url,
            "GUNICORN_MAX_REQUESTS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare_trustpulse(args: argparse.Namespace) -> System:
    database = "webflow_trustpulse"
    env = base_env(database, args.redis_url)
    env["DJANGO_SETTINGS_MODULE"] = "trustpulse.settings.production"
    env["STATIC_ROOT"] = "/tmp/trustpulse-webflow-static"
    _recreate_database(ADMIN_URL, database)
    print("==> TrustPulse: collectstatic, migrate, bench organization and live survey")
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env, ROOT)
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env, ROOT)
    info = json.loads(run([sys.executable, str(HERE / "prepare.py")], env, ROOT).splitlines()[-1])
    return System(
        name="TrustPulse",
        port=args.port,
        database=database,
        python=sys.executable,
        wsgi="trustpulse.wsgi",
        cwd=ROOT,
        env=env,
        completion=trustpulse_completion,
        key=info["survey_slug"],
        count_sql=(
            "from surveys.models import Response; "
            "print(Response.objects.filter(status='complete').count())"
        ),
    )


def prepare_floor(args: argparse.Namespace) -> System:
    database = "webflow_floor"
    env = base_env(database, args.redis_url)
    env["DJANGO_SETTINGS_MODULE"] = "bench.webflow_floor.settings"
    env["FLOOR_DATABASE"] = database
    _recreate_database(ADMIN_URL, database)
    print("==> floor: tables")
    run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v0"], env, ROOT)
    return System(
        name="floor",
        port=args.port + 2,
        database=database,
        python=sys.executable,
        wsgi="bench.webflow_floor.wsgi",
        cwd=ROOT,
        env=env,
        completion=floor_completion,
        count_sql=(
            "from bench.webflow_floor.models import FloorResponse; "
            "print(FloorResponse.objects.count())"
        ),
    )


PEER_SETTINGS = """
import os
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "survey",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "webflow_peer",
    "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432"}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.template.context_processors.i18n",
        "django.template.context_processors.static",
        "django.contrib.messages.context_processors.messages"]}}]
STATIC_URL = "/static/"
LANGUAGE_CODE = "en"
USE_TZ = True
USE_I18N = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LOGIN_URL = "/admin/login/"
"""

PEER_URLS = """
from django.contrib import admin
from django.urls import include, path
urlpatterns = [path("admin/", admin.site.urls), path("survey/", include("survey.urls"))]
"""

PEER_WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
application = get_wsgi_application()
"""

PEER_SURVEY = """
import json, sys
from survey.models import Category, Question, Survey
definition = json.loads(open(sys.argv[1]).read())
s = Survey.objects.create(name="20 questions", description="Bench", is_published=True,
    need_logged_user=False, editable_answers=True, display_method=Survey.BY_CATEGORY)
for n, section in enumerate(definition["sections"]):
    c = Category.objects.create(name=section["code"], survey=s, order=n)
    for m, q in enumerate(section["questions"]):
        t = q["type"]
        choices = [str(x.get("code", x.get("value"))) for x in q.get("choices", [])]
        kind, text = Question.RADIO, ""
        if t == "multiple_choice":
            kind = Question.SELECT_MULTIPLE
        elif t in ("number",):
            kind = Question.INTEGER
        elif t in ("short_text", "ranking", "date"):
            kind = Question.SHORT_TEXT
        elif t == "long_text":
            kind = Question.TEXT
        elif t == "nps":
            choices = [str(i) for i in range(11)]
        elif t == "rating":
            choices = [str(i) for i in range(1, 6)]
        elif t == "yes_no":
            choices = ["yes", "no"]
        elif t == "acknowledgement":
            choices = ["ok", "noted"]
        Question.objects.create(text=q["code"], order=m, required=True, survey=s, category=c,
            type=kind, choices=", ".join(choices) if kind in (Question.RADIO,
            Question.SELECT_MULTIPLE) else "")
print(s.pk)
"""


def prepare_peer(args: argparse.Namespace) -> System:
    database = "webflow_peer"
    python = str(PEER_VENV / "bin" / "python")
    if not Path(python).exists():
        print(f"==> peer: virtualenv {PEER_VENV}, pip install {PEER_PACKAGE}")
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run(
        [python, "-m", "pip", "install", "-q", PEER_PACKAGE, "gunicorn", "psycopg[binary]"],
        check=True,
    )
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    (PEER_DIR / "peer_settings.py").write_text(PEER_SETTINGS)
    (PEER_DIR / "peer_urls.py").write_text(PEER_URLS)
    (PEER_DIR / "peer_wsgi.py").write_text(PEER_WSGI)
    (PEER_DIR / "peer_survey.py").write_text(
        "import django; django.setup()\n" + textwrap.dedent(PEER_SURVEY)
    )
    env = base_env(database, args.redis_url)
    env["DJANGO_SETTINGS_MODULE"] = "peer_settings"
    env["PYTHONPATH"] = str(PEER_DIR)
    _recreate_database(ADMIN_URL, database)
    print("==> peer: migrate, the survey")
    run([python, "-m", "django", "migrate", "--noinput", "-v0"], env, PEER_DIR)
    survey_id = int(
        run([python, "peer_survey.py", str(HERE / "survey_20q.json")], env, PEER_DIR).split()[-1]
    )
    return System(
        name="peer",
        port=args.port + 1,
        database=database,
        python=python,
        wsgi="peer_wsgi",
        cwd=PEER_DIR,
        env=env,
        completion=peer_completion,
        key=survey_id,
        count_sql="from survey.models import Response; print(Response.objects.count())",
    )


def start(system: System, workers: int) -> None:
    gunicorn = str(Path(system.python).parent / "gunicorn")
    if not Path(gunicorn).exists():
        gunicorn = shutil.which("gunicorn") or "gunicorn"
    if not _port_free(system.port):
        raise SystemExit(f"127.0.0.1:{system.port} is in use")
    log = Path("/tmp") / f"webflow-{system.name}.log"
    cmd = [gunicorn, system.wsgi, "-w", str(workers), "-b", f"127.0.0.1:{system.port}"]
    cmd += ["--worker-class", "sync", "--max-requests", "0", "--log-level", "warning"]
    if system.name == "TrustPulse":
        cmd = [gunicorn, system.wsgi, "-w", str(workers), "-b", f"127.0.0.1:{system.port}"]
    with log.open("wb") as fh:
        system.process = subprocess.Popen(
            cmd,
            cwd=system.cwd,
            env=system.env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if system.process.poll() is not None:
            raise SystemExit(f"{system.name}: gunicorn exited; see {log}")
        if not _port_free(system.port):
            return
        time.sleep(0.2)
    raise SystemExit(f"{system.name}: gunicorn did not listen within 60 s")


def stop(system: System) -> None:
    process = system.process
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
