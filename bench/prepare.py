"""Prepare the benchmark tenant in the configured database; print its ids as JSON.

Run by bench/submit.py (``--start-server``) with the server's environment
(DJANGO_SETTINGS_MODULE, DATABASE_URL, ...), after ``manage.py migrate``:
an organization ``bench`` with the demo consent notice (published), the live
20-question survey of bench/survey_20q.json under it and a new API key with
responses:write. Prints
``{"survey_id": …, "survey_slug": …, "notice_version": …, "api_key": "tp_…"}``.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFINITION = Path(__file__).resolve().parent / "survey_20q.json"
NOTICE = ROOT / "surveys" / "demo" / "consent_notice.json"


def prepare() -> dict[str, object]:
    """The bench organization, live survey and a new key (Django must be set up)."""
    from surveys.accounts.services.accounts import api_key_create, organization_create
    from surveys.authoring.services.definitions import definition_import, survey_publish
    from surveys.consent.selectors import notice_current_version
    from surveys.consent.services.consent import notice_publish, notice_save
    from surveys.enums import ApiScope, SurveyStatus
    from surveys.models import Organization, Survey

    document = json.loads(DEFINITION.read_text(encoding="utf-8"))
    org = Organization.objects.filter(slug="bench").first()
    if org is None:
        org = organization_create(name="Bench", slug="bench")
    slug = document["consent_notice"]
    notice = notice_current_version(org.consent_notices.filter(slug=slug).first())
    if notice is None:
        content = json.loads(NOTICE.read_text(encoding="utf-8"))
        draft = notice_save(organization=org, slug=slug, name="Bench", content=content)
        notice = notice_publish(version=draft)
    survey = Survey.objects.filter(slug=document["slug"]).first()
    if survey is None:
        version = definition_import(organization=org, document=document)
        survey = version.survey
    if survey.status != SurveyStatus.LIVE:
        survey_publish(survey=survey)
        survey.refresh_from_db()
    _, plaintext = api_key_create(organization=org, name="bench", scopes=[ApiScope.RESPONSES_WRITE])
    return {
        "survey_id": survey.pk,
        "survey_slug": survey.slug,
        "notice_version": notice.number,
        "api_key": plaintext,
    }


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustpulse.settings.production")
    import django

    django.setup()
    print(json.dumps(prepare()))


if __name__ == "__main__":
    main()
