"""factory_boy factories shared by every suite."""

import json
from pathlib import Path

import factory

from surveys.authoring.services.definitions import definition_import, survey_publish
from surveys.consent.selectors import notice_current_version
from surveys.consent.services.consent import notice_publish, notice_save
from surveys.consent.services.response_consent import ConsentInput
from surveys.enums import Role
from surveys.models import Membership, Organization, User

DEMO_DIR = Path(__file__).resolve().parent.parent / "surveys" / "demo"


def demo_definition(name: str = "privacy_comfort") -> dict:
    """A fresh copy of a bundled demo definition (privacy_comfort or privacy_quiz)."""
    return json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    timezone = "Europe/Amsterdam"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.AUTHOR


def member(organization: Organization, role: str) -> User:
    return MembershipFactory(organization=organization, role=role).user


def demo_notice_content() -> dict:
    return json.loads((DEMO_DIR / "consent_notice.json").read_text(encoding="utf-8"))


def published_notice(organization: Organization, slug: str = "privacy-notice"):
    """A published consent notice version (the demo notice) of `organization`."""
    existing = notice_current_version(organization.consent_notices.filter(slug=slug).first())
    if existing is not None:
        return existing
    version = notice_save(
        organization=organization, slug=slug, name="Privacy notice", content=demo_notice_content()
    )
    return notice_publish(version=version)


def live_survey(organization: Organization, name: str = "privacy_comfort", slug: str | None = None):
    """Import a demo definition into `organization` (with its notice) and publish it."""
    published_notice(organization)
    doc = demo_definition(name)
    if slug is not None:
        doc["slug"] = slug
    else:
        doc.pop("slug", None)
    version = definition_import(organization=organization, document=doc)
    survey_publish(survey=version.survey)
    version.survey.refresh_from_db()
    return version.survey


# A complete, valid answer set for the privacy_comfort demo survey (API shape).
COMFORT_ANSWERS = [
    {"question": "concern", "value": {"worry": 4, "control": 5, "no_concern": 2, "reads_terms": 2}},
    {"question": "trust_brand", "value": 3},
    {"question": "policy_reading", "value": "sometimes"},
    {"question": "protective_actions", "value": ["ad_blocker"]},
    {"question": "nps", "value": 7},
    {"question": "attention", "value": "blue"},
    {"question": "improve_text", "value": "Tell me what you keep."},
    {"question": "age_band", "value": "a30_44"},
]

QUIZ_ANSWERS = [
    {"question": "q_access", "value": "yes"},
    {"question": "q_cookies", "value": "no"},
    {"question": "q_pii", "value": ["email", "ip"]},
    {"question": "q_password", "value": "mfa"},
]

# The consent a headless submission carries to the demo notice (required purpose only).
CONSENT = {"notice_version": 1, "purposes": ["survey_research"]}


def web_consent(organization: Organization, purposes: list[str] | None = None, **kw):
    """The consent input of the web flow's consent step, to the demo notice."""
    return ConsentInput(
        version=published_notice(organization),
        purposes=purposes or ["survey_research"],
        locale="en",
        **kw,
    )
