"""Shared by the respondent flow's test modules: the demo survey's page data and helpers."""

from django.test import Client

from surveys.models import Response

ATTITUDES = {
    "shown": ["concern", "trust_brand"],
    "q-concern-worry": "4",
    "q-concern-control": "5",
    "q-concern-no_concern": "2",
    "q-concern-reads_terms": "2",
    "q-trust_brand": "3",
}
HABITS = {
    "shown": ["policy_reading", "protective_actions"],
    "q-policy_reading": "sometimes",
    "q-protective_actions": ["ad_blocker"],
}
RECOMMEND = {"shown": ["nps", "attention"], "q-nps": "7", "q-attention": "blue"}
IMPROVE = {"shown": ["improve_text"], "q-improve_text": "Tell me what you keep."}
ABOUT = {"shown": ["age_band", "shared_newsletter"], "q-age_band": "a30_44"}
# The consent step: the required purpose of the demo notice, nothing optional.
AGREE = {"action": "agree", "purposes": ["survey_research"]}


def url(survey, *parts: str) -> str:
    return "/".join([f"/s/{survey.slug}", *parts]) + "/"


def start(client: Client, survey) -> str:
    """Agree to the required purpose and start; returns the first page's URL."""
    res = client.post(url(survey), AGREE)
    assert res.status_code == 302
    return res["Location"]


def html(res) -> str:
    return res.content.decode()


def the_response() -> Response:
    return Response.objects.get()
