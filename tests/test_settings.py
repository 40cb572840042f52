import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update({"DJANGO_SETTINGS_MODULE": "trustpulse.settings.production", **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secrets():
    result = run_check({"RESPONDENT_ID_HMAC_KEY": "k"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production." in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check({"SECRET_KEY": "x" * 60, "RESPONDENT_ID_HMAC_KEY": "k"})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production." in result.stderr


def test_production_starts_when_configured():
    result = run_check(
        {
            "SECRET_KEY": "s3cr3t-" * 10,
            "ALLOWED_HOSTS": "trust.example.org",
            "RESPONDENT_ID_HMAC_KEY": "k",
        }
    )
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_warns_without_contact_email_keys():
    configured = {
        "SECRET_KEY": "s3cr3t-" * 10,
        "ALLOWED_HOSTS": "trust.example.org",
        "RESPONDENT_ID_HMAC_KEY": "k",
    }
    result = run_check({**configured, "CONTACT_EMAIL_KEYS": ""})
    assert result.returncode == 0, result.stderr
    assert "touchpoints.W001" in result.stderr + result.stdout
    key = "ZmRzYWZkc2FmZHNhZmRzYWZkc2FmZHNhZmRzYWZkc2E="
    result = run_check({**configured, "CONTACT_EMAIL_KEYS": key})
    assert result.returncode == 0, result.stderr
    assert "touchpoints.W001" not in result.stderr + result.stdout
