"""The demo's fixed parts for `seed_demo`: its people, consent notice, surveys and API key.

Each is found by its username, slug or name, or created; nothing is created twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Permission

from ..accounts.services.accounts import api_key_create, api_key_revoke, membership_set
from ..authoring.services.definitions import definition_import, survey_publish
from ..consent.selectors import notice_current_version
from ..consent.services.consent import notice_publish, notice_save
from ..enums import ApiScope, Role, SurveyStatus
from ..models import ApiKey, ConsentNotice, ConsentNoticeVersion, Organization, Survey, User
from .generate import SeedError

DEMO_DIR = Path(__file__).resolve().parent


API_KEY_NAME = "Demo key (all scopes)"


NOTICE_SLUG = "privacy-notice"


NOTICE_NAME = "Acme privacy notice"


# What an author edits in the Django admin.
AUTHOR_MODELS = ("survey", "surveyversion", "section", "question", "choice")


@dataclass(frozen=True, kw_only=True)
class DemoUser:
    username: str
    role: Role
    password: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser(
        username="demo-admin",
        role=Role.ADMIN,
        password="trustpulse-admin",
        is_staff=True,
        is_superuser=True,
    ),
    DemoUser(username="demo-author", role=Role.AUTHOR, password="trustpulse-author", is_staff=True),
    DemoUser(username="demo-analyst", role=Role.ANALYST, password="trustpulse-analyst"),
    DemoUser(username="demo-researcher", role=Role.RESEARCHER, password="trustpulse-researcher"),
)


@dataclass(frozen=True, kw_only=True)
class Login:
    username: str
    password: str
    role: str
    staff: bool
    superuser: bool
    created: bool


def ensure_users(organization: Organization, password: str | None) -> tuple[list[Login], User]:
    author_perms = list(
        Permission.objects.filter(
            content_type__app_label="surveys", content_type__model__in=AUTHOR_MODELS
        )
    ) + list(
        Permission.objects.filter(content_type__app_label="surveys", codename="view_organization")
    )
    logins: list[Login] = []
    author: User | None = None
    for spec in DEMO_USERS:
        secret = password or spec.password
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if user is None:
            user = User(username=spec.username, email=f"{spec.username}@example.org")
            user.set_password(secret)
        elif not user.check_password(secret):
            user.set_password(secret)  # keep the printed login true
        user.is_active = True
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_superuser
        user.save()
        if spec.role == Role.AUTHOR:
            user.user_permissions.add(*author_perms)
            author = user
        membership_set(organization=organization, user=user, role=spec.role)
        logins.append(
            Login(
                username=spec.username,
                password=secret,
                role=str(spec.role),
                staff=spec.is_staff,
                superuser=spec.is_superuser,
                created=created,
            )
        )
    assert author is not None
    return logins, author


def ensure_notice(organization: Organization, actor: User) -> ConsentNoticeVersion:
    """The demo consent notice (surveys/demo/consent_notice.json), published."""
    notice = ConsentNotice.objects.filter(organization=organization, slug=NOTICE_SLUG).first()
    current = notice_current_version(notice)
    if current is not None:
        return current
    content = json.loads((DEMO_DIR / "consent_notice.json").read_text(encoding="utf-8"))
    draft = notice_save(
        organization=organization, slug=NOTICE_SLUG, name=NOTICE_NAME, content=content, actor=actor
    )
    return notice_publish(version=draft, actor=actor)


def ensure_survey(
    organization: Organization, name: str, slug: str, author: User
) -> tuple[Survey, bool]:
    survey = Survey.objects.filter(slug=slug).first()
    created = survey is None
    if survey is None:
        document = json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))
        document.setdefault("consent_notice", NOTICE_SLUG)
        version = definition_import(organization=organization, document=document, actor=author)
        survey = version.survey
    elif survey.organization_id != organization.pk:
        raise SeedError(f"The survey slug {slug!r} is taken by another organization.")
    if survey.status == SurveyStatus.DRAFT:
        survey_publish(survey=survey, actor=author)
    survey.refresh_from_db()
    return survey, created


def ensure_api_key(
    organization: Organization, actor: User, replace: bool
) -> tuple[ApiKey, str | None]:
    key = ApiKey.objects.filter(
        organization=organization, name=API_KEY_NAME, revoked_at__isnull=True
    ).first()
    if key is not None and replace:
        api_key_revoke(key=key, actor=actor)
        key = None
    if key is not None:
        return key, None
    return api_key_create(
        organization=organization, name=API_KEY_NAME, scopes=list(ApiScope.values), actor=actor
    )
