"""compose.yaml: the services an operator expects, each command one that exists here.

Docker is not run by the suite; this checks the file's structure instead:
every service of the topology is there, every command and health check names
a program the image has (a pinned requirement, a management command of this
project, a file of this repository), and the app processes run the
production settings.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
APP = ("migrate", "web", "worker", "beat")


def requirements() -> set[str]:
    names = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)(\[.*\])?==", line.strip())
        if match:
            names.add(match.group(1).lower())
    return names


def test_every_service_of_the_topology_is_there():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "beat", "proxy"}
    assert SERVICES["web"]["deploy"]["replicas"] == 2
    assert SERVICES["worker"]["deploy"]["replicas"] == 2
    assert SERVICES["beat"]["deploy"]["replicas"] == 1


@pytest.mark.parametrize("name", APP)
def test_app_processes_run_production_settings_against_db_and_redis(name):
    env = SERVICES[name]["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "trustpulse.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert SERVICES[name]["build"] == "."
    assert "media:/srv/media" in SERVICES[name]["volumes"]


def _check_program(argv: list[str]) -> None:
    program = argv[0]
    if program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"no management command {argv[2]}"
    elif program == "python":
        assert argv[1] == "-c"
        compile(argv[2], "<healthcheck>", "exec")
    elif program in ("gunicorn", "celery"):
        assert program in requirements()
        if program == "gunicorn":
            assert (ROOT / argv[argv.index("-c") + 1]).is_file()
        else:
            assert argv[1:3] == ["-A", "trustpulse"]
            assert argv[3] in ("worker", "beat")
    else:
        raise AssertionError(f"unknown program {program}")


@pytest.mark.parametrize("name", APP)
def test_every_app_command_and_health_check_exists(name):
    _check_program(SERVICES[name]["command"])
    check = SERVICES[name].get("healthcheck")
    if check:
        assert check["test"][0] == "CMD"
        _check_program(check["test"][1:])


def test_web_and_worker_have_health_checks_and_the_web_one_is_healthz():
    assert "/healthz" in SERVICES["web"]["healthcheck"]["test"][-1]
    worker_check = SERVICES["worker"]["healthcheck"]["test"]
    assert worker_check[1:4] == ["python", "manage.py", "worker_health"]


def test_the_proxy_config_exists_and_sets_x_forwarded_proto():
    mount = SERVICES["proxy"]["volumes"][0].split(":")[0]
    conf = (ROOT / mount).read_text()
    assert "proxy_set_header X-Forwarded-Proto https;" in conf
    assert "server web:8000" in conf


def test_the_image_and_env_example_are_there():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    example = (ROOT / "deploy" / "env.example").read_text()
    for name in ("POSTGRES_PASSWORD", "SECRET_KEY", "RESPONDENT_ID_HMAC_KEY", "ALLOWED_HOSTS"):
        assert f"{name}=" in example
