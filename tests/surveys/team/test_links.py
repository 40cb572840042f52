"""Channel links record their channel; signed external ids are trusted only when valid."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from surveys.accounts.services.team import organization_settings_update
from surveys.distribution.services.links import (
    channel_link_create,
    channel_link_revoke,
    link_key,
    link_key_rotate,
    link_signature,
    signed_external_id,
    signed_link_make,
)
from surveys.models import AuditEvent, ChannelLink, Respondent, Response
from surveys.responses.services.events import events_ingest
from surveys.responses.services.respondents import external_id_hmac
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db

ALL = ["survey_research", "behavioural_measurement", "marketing"]
REQUIRED_ONLY = ["survey_research"]


def agree(client, survey, purposes):
    return client.post(f"/s/{survey.slug}/", {"action": "agree", "purposes": purposes})


def signed_query(survey, external_id="cust-42", expires=None, **override):
    key = link_key(survey.organization)
    exp = expires if expires is not None else int(time.time()) + 3600
    query = {
        "xid": external_id,
        "exp": str(exp),
        "sig": link_signature(key=key, slug=survey.slug, external_id=external_id, expires=exp),
    }
    query.update(override)
    return query


# --- channel links ---------------------------------------------------------------------


def test_a_channel_link_records_its_channel_and_itself_on_the_response(client, survey, users):
    link = channel_link_create(
        survey=survey, channel="qr", label="Poster in store", actor=users["author"]
    )
    res = client.get(f"/l/{link.code}/")
    assert res.status_code == 302
    assert res["Location"] == f"/s/{survey.slug}/?channel=qr"
    client.get(res["Location"])
    agree(client, survey, REQUIRED_ONLY)
    response = Response.objects.get()
    assert (response.channel, response.channel_link_id) == ("qr", link.pk)
    event = AuditEvent.objects.get(action="channel_link.created")
    assert event.data == {"survey": survey.pk, "channel": "qr"}
    assert event.actor == users["author"]


def test_the_link_channel_wins_over_a_posted_channel(client, survey):
    link = channel_link_create(survey=survey, channel="kiosk", label="Lobby")
    client.get(f"/l/{link.code}/")
    client.post(
        f"/s/{survey.slug}/",
        {"action": "agree", "purposes": REQUIRED_ONLY, "channel": "email"},
    )
    assert Response.objects.get().channel == "kiosk"


def test_a_revoked_link_no_longer_opens_the_survey(client, survey):
    link = channel_link_create(survey=survey, channel="web", label="Site")
    channel_link_revoke(link=link)
    res = client.get(f"/l/{link.code}/")
    assert res.status_code == 410
    assert "This link does not work" in res.content.decode()
    assert client.get("/l/nothing-here/").status_code == 404
    assert AuditEvent.objects.filter(action="channel_link.revoked").count() == 1


def test_channel_link_input_is_checked_and_writes_nothing(survey):
    audited = AuditEvent.objects.count()
    with pytest.raises(ServiceValidationError) as exc:
        channel_link_create(survey=survey, channel="api", label=" ")
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("channel", "invalid_choice"),
        ("label", "required"),
    ]
    assert ChannelLink.objects.count() == 0
    assert AuditEvent.objects.count() == audited


def test_link_carries_a_signed_id_through_the_redirect(client, survey):
    link = channel_link_create(survey=survey, channel="email", label="Newsletter")
    query = signed_query(survey)
    res = client.get(f"/l/{link.code}/", query)
    assert parse_qs(urlsplit(res["Location"]).query) == {
        "channel": ["email"],
        **{k: [v] for k, v in query.items()},
    }


# --- signed external ids -----------------------------------------------------------------


def test_a_valid_signed_id_joins_the_respondent_with_behavioural_consent(client, survey):
    client.get(f"/s/{survey.slug}/", signed_query(survey, "cust-42"))
    agree(client, survey, ALL)
    respondent = Respondent.objects.get()
    assert respondent.external_id_hmac == external_id_hmac("cust-42")
    # The brand's events sent later by external id reach the same respondent.
    result = events_ingest(
        organization=survey.organization,
        events=[
            {
                "id": "e1",
                "kind": "marketing_opt_out",
                "value": True,
                "occurred_at": timezone.now().isoformat(),
                "external_id": "cust-42",
            }
        ],
    )
    assert result.created == 1
    assert respondent.behaviour_events.filter(kind="marketing_opt_out").count() == 1


def test_without_behavioural_consent_the_signed_id_is_not_joined(client, survey):
    client.get(f"/s/{survey.slug}/", signed_query(survey, "cust-42"))
    agree(client, survey, REQUIRED_ONLY)
    assert Respondent.objects.get().external_id_hmac is None


@pytest.mark.parametrize(
    "tamper",
    [
        {"xid": "cust-43"},  # another id under the first id's signature
        {"exp": str(int(time.time()) + 99_999)},  # a longer life
        {"sig": "0" * 64},
        {"sig": ""},
        {"exp": "soon"},
    ],
)
def test_a_tampered_signed_id_is_ignored(client, survey, tamper):
    client.get(f"/s/{survey.slug}/", signed_query(survey, "cust-42", **tamper))
    agree(client, survey, ALL)
    assert Respondent.objects.get().external_id_hmac is None


def test_an_unsigned_id_is_ignored(client, survey):
    client.get(f"/s/{survey.slug}/", {"xid": "cust-42"})
    agree(client, survey, ALL)
    assert Respondent.objects.get().external_id_hmac is None


def test_an_expired_signed_id_is_ignored(client, survey):
    client.get(f"/s/{survey.slug}/", signed_query(survey, expires=int(time.time()) - 1))
    agree(client, survey, ALL)
    assert Respondent.objects.get().external_id_hmac is None


def test_a_signature_under_another_organizations_key_is_ignored(client, survey, other_org):
    other_key = link_key(other_org)
    exp = int(time.time()) + 3600
    sig = link_signature(key=other_key, slug=survey.slug, external_id="cust-42", expires=exp)
    client.get(f"/s/{survey.slug}/", {"xid": "cust-42", "exp": str(exp), "sig": sig})
    agree(client, survey, ALL)
    assert Respondent.objects.get().external_id_hmac is None


def test_rotating_the_key_voids_links_signed_before(client, survey, users):
    query = signed_query(survey, "cust-42")
    link_key_rotate(organization=survey.organization, actor=users["admin"])
    survey.organization.refresh_from_db()
    client.get(f"/s/{survey.slug}/", query)
    agree(client, survey, ALL)
    assert Respondent.objects.get().external_id_hmac is None
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.data == {"changed": ["link_signing_key"]}


def test_a_bad_link_after_a_good_one_forgets_the_id(client, survey):
    client.get(f"/s/{survey.slug}/", signed_query(survey, "cust-42"))
    client.get(f"/s/{survey.slug}/", signed_query(survey, "cust-42", sig="f" * 64))
    agree(client, survey, ALL)
    assert Respondent.objects.get().external_id_hmac is None


def test_signed_link_make_checks_its_input(survey):
    with pytest.raises(ServiceValidationError) as exc:
        signed_link_make(
            survey=survey, external_id="", expires_at=timezone.now() - timedelta(days=1)
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("external_id", "required"),
        ("expires_at", "in_past"),
    ]
    signed = signed_link_make(
        survey=survey, external_id="cust-7", expires_at=timezone.now() + timedelta(days=2)
    )
    digest = signed_external_id(
        survey=survey,
        external_id="cust-7",
        expires=str(signed.expires),
        signature=signed.signature,
    )
    assert digest == external_id_hmac("cust-7")
    assert len(signed.signature) == 64


# --- embedding ----------------------------------------------------------------------------


def frame_ancestors(res) -> str:
    """The frame-ancestors directive of the page's one Content-Security-Policy."""
    directives = [d.strip() for d in res["Content-Security-Policy"].split(";")]
    return next(d for d in directives if d.startswith("frame-ancestors "))


def test_survey_pages_may_be_framed_only_by_the_allowed_origins(client, survey, users):
    res = client.get(f"/s/{survey.slug}/")
    assert res["X-Frame-Options"] == "DENY"
    assert frame_ancestors(res) == "frame-ancestors 'none'"
    organization_settings_update(
        organization=survey.organization,
        frame_ancestors=["https://shop.example.com", "https://*.example.org"],
        actor=users["admin"],
    )
    res = client.get(f"/s/{survey.slug}/")
    assert frame_ancestors(res) == (
        "frame-ancestors 'self' https://shop.example.com https://*.example.org"
    )
    assert "X-Frame-Options" not in res
    # Studio pages are never framed.
    assert client.get("/accounts/login/")["X-Frame-Options"] == "DENY"


def test_a_channel_link_redirect_answers_with_the_frame_ancestors(client, survey):
    link = channel_link_create(survey=survey, channel="in_app", label="App")
    assert client.get(f"/l/{link.code}/")["X-Frame-Options"] == "DENY"
    organization_settings_update(
        organization=survey.organization, frame_ancestors=["https://app.example.com"]
    )
    res = client.get(f"/l/{link.code}/")
    assert frame_ancestors(res) == "frame-ancestors 'self' https://app.example.com"
    assert "X-Frame-Options" not in res


@pytest.mark.parametrize(
    "origin",
    [
        "shop.example.com",
        "ftp://shop.example.com",
        "https://shop.example.com/path",
        "http://shop.example.com",
        "https://*",
        "https://a.*.example.com",
        "javascript:alert(1)",
    ],
)
def test_only_plain_origins_may_frame(survey, origin):
    with pytest.raises(ServiceValidationError) as exc:
        organization_settings_update(
            organization=survey.organization, frame_ancestors=["https://ok.example.com", origin]
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [("frame_ancestors[1]", "invalid")]
    survey.organization.refresh_from_db()
    assert survey.organization.frame_ancestors == []
