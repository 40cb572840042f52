"""Every answer carries the Content-Security-Policy, Permissions-Policy and Referrer-Policy.

Inline styles run only with the request's nonce, which then appears in the
policy; frame-ancestors follows X-Frame-Options (DENY, SAMEORIGIN, or the
organization's allowed origins on survey pages) inside the one policy.
"""

import re

import pytest
from django.conf import settings

from surveys.authoring.services.builder import branding_save
from tests.fixtures import login_verified

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
BRAND = {
    "accent": "#7a1f5c",
    "accent_text": "#ffffff",
    "text": "#1a1a1a",
    "background": "#fbf7f2",
    "font": "serif",
    "logo_alt": "",
}


def policy(response) -> dict[str, str]:
    directives = (d.strip() for d in response["Content-Security-Policy"].split(";"))
    return dict(d.split(" ", 1) for d in directives if d)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me/", "/api/docs/", "/nope/"])
def test_every_answer_has_the_policy_and_the_other_headers(client, path):
    res = client.get(path)
    if path == "/api/docs/":  # one inline <style>, with the nonce
        assert re.fullmatch(r"'self' 'nonce-[\w+/]{22}=='", policy(res)["style-src"])
        assert policy(res) == {**BASE_POLICY, "style-src": policy(res)["style-src"]}
    else:
        assert policy(res) == BASE_POLICY
    assert res["Permissions-Policy"] == settings.PERMISSIONS_POLICY
    assert "camera=()" in res["Permissions-Policy"]
    assert "geolocation=()" in res["Permissions-Policy"]
    assert res["Referrer-Policy"] == "same-origin"
    assert "unsafe" not in res["Content-Security-Policy"]


def test_a_branded_survey_page_styles_with_the_nonce_of_its_own_policy(client, survey):
    branding_save(organization=survey.organization, survey=survey, values=BRAND)
    first = client.get(f"/s/{survey.slug}/")
    second = client.get(f"/s/{survey.slug}/")
    nonces = []
    for res in (first, second):
        html = res.content.decode()
        found = re.findall(r'<style nonce="([^"]+)">', html)
        assert len(found) == 1 and "--brand: #7a1f5c;" in html
        assert policy(res)["style-src"] == f"'self' 'nonce-{found[0]}'"
        assert policy(res)["script-src"] == "'self'"
        nonces.append(found[0])
    assert nonces[0] != nonces[1]
    assert ' style="' not in first.content.decode()


def test_chart_pages_give_plotly_its_style_elements_with_the_nonce(client, survey, users):
    login_verified(client, users["analyst"])
    res = client.get(f"/studio/{survey.organization.slug}/dashboards/surveys/{survey.pk}/")
    html = res.content.decode()
    nonce = policy(res)["style-src"].removeprefix("'self' 'nonce-").removesuffix("'")
    assert f'<style id="plotly.js-style-global" nonce="{nonce}"></style>' in html
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    assert scripts[-3:] == [
        "js/plotly-csp.js",
        "vendor/plotly/plotly-strict.min.js",
        "js/dashboards.js",
    ]


def test_the_builder_preview_may_be_framed_by_the_studio_only(client, survey, users):
    login_verified(client, users["author"])
    base = f"/studio/{survey.organization.slug}/surveys/{survey.pk}/preview/"
    html = client.get(base).content.decode()
    frame = re.search(r'<iframe src="([^"]+)"', html).group(1).replace("&amp;", "&")
    res = client.get(frame)
    assert res.status_code == 200
    assert res["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(res)["frame-ancestors"] == "'self'"
    assert policy(client.get(base))["frame-ancestors"] == "'none'"
