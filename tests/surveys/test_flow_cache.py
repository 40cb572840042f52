"""The respondent flow's per-process lookups and their generation token (flow_cache)."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.authoring.selectors.builder import look_for
from surveys.models import Branding
from surveys.selectors import flow_cache
from surveys.selectors.surveys import frame_ancestors_for, public_survey_get

pytestmark = pytest.mark.django_db


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        value = call()
    return value, len(ctx.captured_queries)


def test_lookups_are_read_once_per_process_while_the_generation_holds(survey):
    first, n = queries(lambda: public_survey_get(slug=survey.slug))
    assert n == 1 and first.pk == survey.pk
    again, n = queries(lambda: public_survey_get(slug=survey.slug))
    assert n == 0 and again.pk == survey.pk and again is not first  # a copy per caller
    assert queries(lambda: look_for(survey=survey))[1] == 1
    assert queries(lambda: look_for(survey=survey))[1] == 0
    assert queries(lambda: frame_ancestors_for(slug=survey.slug))[1] == 1
    assert queries(lambda: frame_ancestors_for(slug=survey.slug))[1] == 0


def test_a_change_saved_here_reloads_at_once(survey):
    assert public_survey_get(slug=survey.slug).title == survey.title
    assert look_for(survey=survey).accent == look_for(survey=survey).accent
    survey.title = "Renamed"
    survey.save()
    assert public_survey_get(slug=survey.slug).title == "Renamed"
    Branding.objects.create(organization=survey.organization, accent="#123456")
    assert look_for(survey=survey).accent == "#123456"
    org = survey.organization
    org.frame_ancestors = ["https://shop.example"]
    org.save()
    assert frame_ancestors_for(slug=survey.slug) == ["https://shop.example"]


def test_a_change_in_another_process_reloads_on_the_next_request(survey):
    public_survey_get(slug=survey.slug)
    # Another process saved the survey: the row changed, and it bumped the shared token.
    type(survey).objects.filter(pk=survey.pk).update(title="Changed elsewhere")
    assert public_survey_get(slug=survey.slug).title != "Changed elsewhere"  # still cached
    cache.set(flow_cache.GENERATION_KEY, "bumped-by-another-process", None)
    assert public_survey_get(slug=survey.slug).title == "Changed elsewhere"


def test_a_cache_restart_costs_a_reload_and_an_unreachable_cache_none_at_all(survey):
    public_survey_get(slug=survey.slug)
    cache.clear()  # Redis restarted: no token, a new one is drawn
    assert queries(lambda: public_survey_get(slug=survey.slug))[1] == 1
    assert queries(lambda: public_survey_get(slug=survey.slug))[1] == 0
    with mock.patch.object(flow_cache.cache, "get", side_effect=ConnectionError("down")):
        found, n = queries(lambda: public_survey_get(slug=survey.slug))
    assert (found.pk, n) == (survey.pk, 1)


def test_nothing_submitted_is_lost_when_the_cache_restarts_or_is_down_mid_flow(client, survey):
    from surveys.enums import ResponseStatus
    from surveys.models import Response
    from tests.surveys.public_flow import (
        ABOUT,
        AGREE,
        ATTITUDES,
        HABITS,
        IMPROVE,
        RECOMMEND,
        url,
    )

    assert client.post(url(survey), AGREE).status_code == 302
    assert client.post(url(survey, "p", "attitudes"), ATTITUDES).status_code == 302
    cache.clear()  # Redis restarted between two pages
    assert client.post(url(survey, "p", "habits"), HABITS).status_code == 302
    down = ConnectionError("Redis is down")
    with (
        mock.patch.object(flow_cache.cache, "get", side_effect=down),
        mock.patch.object(flow_cache.cache, "set", side_effect=down),
    ):
        assert client.post(url(survey, "p", "recommend"), RECOMMEND).status_code == 302
    cache.clear()
    assert client.post(url(survey, "p", "improve"), IMPROVE).status_code == 302
    res = client.post(url(survey, "p", "about_you"), ABOUT)
    assert res["Location"] == url(survey, "thanks")
    response = Response.objects.get()
    assert response.status == ResponseStatus.COMPLETE
    codes = set(response.answers.values_list("question_code", flat=True))
    assert {"concern", "trust_brand", "policy_reading", "nps", "improve_text"} <= codes


def test_with_a_local_memory_cache_entries_also_expire(survey, settings):
    settings.FLOW_CACHE_LOCAL_SECONDS = 0.0  # not shared between processes: no token to trust
    public_survey_get(slug=survey.slug)
    assert queries(lambda: public_survey_get(slug=survey.slug))[1] == 1
