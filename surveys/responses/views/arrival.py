"""How a respondent arrived at a survey: channel link, signed external id, invitation.

The respondent flow remembers these in the session between the link and
"Agree and start" (nothing about the person is written before consent):

- a channel link (``/l/<code>/``): its id and channel;
- a signed link's external id: only the keyed HMAC, and only when the
  signature is valid and unexpired (otherwise it is ignored and forgotten);
- an invitation email's signed recipient id.

At the start, the channel and link are recorded on the response; the
external id joins the respondent only when ``behavioural_measurement`` is
granted; the invitation learns that its recipient responded.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from surveys.distribution.services.invitations import invitation_recipient, invitation_responded
from surveys.distribution.services.links import signed_external_id
from surveys.enums import BEHAVIOURAL_MEASUREMENT, Channel
from surveys.models import ChannelLink, Response, Survey

ARRIVAL_KEY = "trustpulse_arrival"  # survey slug → {"link", "channel", "xid", "inv"}


@dataclass(frozen=True, kw_only=True)
class Arrival:
    channel: str | None = None
    link_id: int | None = None
    external_digest: str | None = None
    invitation_id: int | None = None


def _store(request: HttpRequest, slug: str, **values: Any) -> None:
    store = dict(request.session.get(ARRIVAL_KEY, {}))
    entry = {**store.get(slug, {}), **values}
    store[slug] = {k: v for k, v in entry.items() if v is not None}
    request.session[ARRIVAL_KEY] = store


def remember_link(request: HttpRequest, link: ChannelLink) -> None:
    _store(request, link.survey.slug, link=link.pk, channel=link.channel)


def remember_query(request: HttpRequest, survey: Survey) -> None:
    """Read a signed external id and an invitation token from the address, if any."""
    query = request.GET
    if "xid" in query or "sig" in query:
        digest = signed_external_id(
            survey=survey,
            external_id=query.get("xid", ""),
            expires=query.get("exp", ""),
            signature=query.get("sig", ""),
        )
        # A bad or expired signature is ignored, and forgets an earlier id.
        _store(request, survey.slug, xid=digest or "")
    token = query.get("inv")
    if token:
        recipient = invitation_recipient(token)
        if recipient is not None and recipient.batch.survey_id == survey.pk:
            _store(request, survey.slug, inv=recipient.pk, channel=Channel.EMAIL)


def arrival_for(request: HttpRequest, survey: Survey) -> Arrival:
    entry = request.session.get(ARRIVAL_KEY, {}).get(survey.slug) or {}
    return Arrival(
        channel=entry.get("channel"),
        link_id=entry.get("link"),
        external_digest=entry.get("xid") or None,
        invitation_id=entry.get("inv"),
    )


def start_kwargs(arrival: Arrival, purposes: list[str]) -> dict[str, Any]:
    """Extra `response_start` arguments: the link, and the external id only with consent."""
    kwargs: dict[str, Any] = {}
    if arrival.link_id is not None:
        kwargs["channel_link_id"] = arrival.link_id
    if arrival.external_digest and BEHAVIOURAL_MEASUREMENT in purposes:
        kwargs["external_id_digest"] = arrival.external_digest
    return kwargs


def started(request: HttpRequest, survey: Survey, arrival: Arrival, response: Response) -> None:
    if arrival.invitation_id is not None:
        invitation_responded(recipient_id=arrival.invitation_id, response=response)
    store = dict(request.session.get(ARRIVAL_KEY, {}))
    store.pop(survey.slug, None)
    request.session[ARRIVAL_KEY] = store
