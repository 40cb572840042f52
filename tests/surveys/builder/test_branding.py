"""Branding: per organization, overridable per survey; WCAG AA contrast enforced; applied
to the respondent pages as CSS custom properties, with the logo and its text alternative."""

import pytest

from surveys.authoring.selectors.builder import look_for
from surveys.authoring.services.builder import branding_reset, branding_save
from surveys.branding import contrast, logo_type
from surveys.enums import AuditAction
from surveys.models import AuditEvent, Branding
from tests.fixtures import login_verified
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db

GOOD = {
    "accent": "#7a1f5c",
    "accent_text": "#ffffff",
    "text": "#1a1a1a",
    "background": "#fbf7f2",
    "font": "serif",
    "logo_alt": "",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_contrast_matches_the_wcag_formula():
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_logo_formats_are_recognized_by_their_bytes():
    assert logo_type(PNG) == "image/png"
    assert logo_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert logo_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert logo_type(b"<svg onload=alert(1)>") is None


def test_pairs_under_aa_are_refused_with_the_pair_and_ratio(org):
    bad = {**GOOD, "accent": "#ff9fd0", "text": "#8a8a8a"}
    with pytest.raises(ServiceValidationError) as exc:
        branding_save(organization=org, values=bad)
    got = [(e.field, e.code) for e in exc.value.errors]
    assert got == [
        ("text", "low_contrast"),
        ("text", "low_contrast"),
        ("accent", "low_contrast"),
        ("accent", "low_contrast"),
        ("accent_text", "low_contrast"),
    ]
    assert "WCAG AA needs at least 4.5:1" in exc.value.errors[0].message
    assert not Branding.objects.exists()


def test_colours_and_fonts_outside_the_safe_list_are_refused(org):
    with pytest.raises(ServiceValidationError) as exc:
        branding_save(
            organization=org,
            values={**GOOD, "accent": "red; }", "font": "Comic Sans"},
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("accent", "invalid_format"),
        ("font", "invalid_choice"),
    ]


def test_a_logo_needs_its_text_alternative_and_a_safe_format(org):
    with pytest.raises(ServiceValidationError) as exc:
        branding_save(organization=org, values=GOOD, logo=b"GIF89a....")
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("logo", "invalid_format"),
        ("logo_alt", "required"),
    ]
    with pytest.raises(ServiceValidationError) as exc:
        branding_save(organization=org, values=GOOD, logo=PNG + b"\x00" * 200_000)
    assert ("logo", "too_large") in [(e.field, e.code) for e in exc.value.errors]


def test_survey_branding_overrides_the_organization_and_resets(org, survey, users):
    assert look_for(survey=survey).source == "default"
    branding_save(organization=org, values=GOOD, actor=users["admin"])
    assert look_for(survey=survey).accent == "#7a1f5c"
    assert look_for(survey=survey).source == "organization"
    branding_save(
        organization=org,
        survey=survey,
        values={**GOOD, "accent": "#0f5132", "logo_alt": "Acme"},
        logo=PNG,
    )
    look = look_for(survey=survey)
    assert (look.source, look.accent, look.logo_alt) == ("survey", "#0f5132", "Acme")
    assert look.logo_url.startswith(f"/brand/{survey.branding.pk}/")
    branding_reset(survey=survey)
    assert look_for(survey=survey).source == "organization"
    assert AuditEvent.objects.filter(action=AuditAction.BRANDING_CHANGED).count() == 3


def test_respondent_pages_carry_the_branding_and_the_logo(client, org, survey):
    branding_save(
        organization=org, survey=survey, values={**GOOD, "logo_alt": "Acme Bank"}, logo=PNG
    )
    body = client.get(f"/s/{survey.slug}/").content.decode()
    assert "--brand: #7a1f5c;" in body
    assert "--on-brand: #ffffff;" in body
    assert "--font: Charter," in body
    logo_url = look_for(survey=survey).logo_url
    assert f'<img class="brand-logo" src="{logo_url}" alt="Acme Bank">' in body
    logo = client.get(logo_url)
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert logo["X-Content-Type-Options"] == "nosniff"
    assert logo.content == PNG


def test_unbranded_respondent_pages_are_unchanged(client, survey):
    body = client.get(f"/s/{survey.slug}/").content.decode()
    assert "--brand:" not in body.split("</head>")[0].split("trustpulse.css")[1]
    assert 'class="brand-mark"' in body


def test_branding_page_saves_and_shows_contrast_errors(client, org, survey, users):
    login_verified(client, users["author"])
    url = f"/studio/{org.slug}/surveys/{survey.pk}/branding/"
    response = client.post(url, {**GOOD, "accent": "#cccccc"})
    assert response.status_code == 400
    assert [e.field for e in response.context["errors"].items] == [
        "accent",
        "accent",
        "accent_text",
    ]
    ratios = {c["what"]: c["ok"] for c in response.context["contrasts"]}
    assert ratios["links and borders on the white cards"] is False
    assert not Branding.objects.exists()
    assert client.post(url, GOOD).status_code == 302
    assert Branding.objects.get().survey_id == survey.pk
    response = client.post(url, {"action": "reset"})
    assert response.status_code == 302 and not Branding.objects.exists()


def test_organization_branding_page(client, org, users):
    login_verified(client, users["admin"])
    url = f"/studio/{org.slug}/surveys/branding/"
    assert client.get(url).context["values"]["accent"] == "#0b5394"
    assert client.post(url, GOOD).status_code == 302
    assert Branding.objects.get().organization_id == org.pk


def test_respondent_page_query_count_with_branding(
    client, org, survey, django_assert_max_num_queries
):
    branding_save(organization=org, values=GOOD)
    client.get(f"/s/{survey.slug}/")
    with django_assert_max_num_queries(12):
        client.get(f"/s/{survey.slug}/")
