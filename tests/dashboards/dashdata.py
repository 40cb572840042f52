"""Responses on chosen days for the dashboards suites (the clock is the only thing mocked)."""

import datetime as dt
from unittest import mock

from dashboards.services import aggregate_until_done
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, published_notice

CONSENT = {"notice_version": 1, "purposes": ["survey_research", "behavioural_measurement"]}


def answers(**values):
    """The factory's comfort answers with some values replaced (by question code)."""
    return [
        dict(a, value=values[a["question"]]) if a["question"] in values else a
        for a in COMFORT_ANSWERS
    ]


def submit_on(survey, when: dt.datetime, count: int, channel: str = "api", **values) -> None:
    with mock.patch("django.utils.timezone.now", return_value=when):
        for _ in range(count):
            response_submit(
                survey=survey, answers=answers(**values), consent=CONSENT, channel=channel
            )


def fill(survey, plan) -> None:
    """`plan`: (datetime, count, channel, {question: value}) tuples; then aggregate."""
    if survey.consent_notice_id is None:
        survey.consent_notice = published_notice(survey.organization).notice
        survey.save()
    for when, count, channel, values in plan:
        submit_on(survey, when, count, channel, **values)
    aggregate_until_done()


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 12, 0, tzinfo=dt.UTC)
