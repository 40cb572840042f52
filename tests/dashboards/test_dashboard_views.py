"""Dashboard pages and data endpoints: roles, organizations, queries, suppression, CSV."""

import csv
import io
from pathlib import Path

import pytest

from tests.dashboards.dashdata import at, fill
from tests.factories import live_survey, member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

PANELS = ["kpis", "trends", "paradox", "segments", "items", "funnel", "crosstab"]
FREE_TEXT = "Tell me what you keep."


@pytest.fixture
def filled(survey):
    fill(
        survey,
        [
            (at(2026, 1, 14), 12, "web", {"trust_brand": 5}),
            (at(2026, 2, 11), 12, "email", {"trust_brand": 1}),
            (at(2026, 2, 12), 3, "qr", {}),
        ],
    )
    return survey


def base(org, survey=None):
    url = f"/studio/{org.slug}/dashboards/"
    return url if survey is None else f"{url}surveys/{survey.pk}/"


ALL_TIME = "?period=all"


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("analyst", 200), ("author", 403), ("researcher", 403)]
)
def test_roles_on_every_page_and_endpoint(client, org, filled, role, status):
    login_verified(client, member(org, role))
    assert client.get(base(org)).status_code == status
    assert client.get(base(org, filled)).status_code == status
    for panel in PANELS:
        assert client.get(base(org, filled) + f"data/{panel}/").status_code == status


def test_anonymous_is_sent_to_sign_in(client, org, filled):
    r = client.get(base(org, filled) + "data/kpis/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_other_organization_is_404(client, org, other_org, filled):
    login_verified(client, member(other_org, "analyst"))
    assert client.get(base(org)).status_code == 404
    assert client.get(base(org, filled) + "data/kpis/").status_code == 404
    # Their own organization's address with our survey's id: still 404.
    assert client.get(base(other_org, filled)).status_code == 404
    assert client.get(base(other_org, filled) + "data/trends/").status_code == 404


def test_unknown_panel_is_404(client, org, filled):
    login_verified(client, member(org, "analyst"))
    assert client.get(base(org, filled) + "data/answers/").status_code == 404


@pytest.mark.parametrize("panel", PANELS)
def test_each_data_endpoint_stays_within_ten_queries(
    client, org, filled, panel, django_assert_max_num_queries
):
    login_verified(client, member(org, "analyst"))
    client.get(base(org, filled) + f"data/{panel}/{ALL_TIME}")  # warm the spec cache
    with django_assert_max_num_queries(10):
        r = client.get(base(org, filled) + f"data/{panel}/{ALL_TIME}&granularity=week")
    assert r.status_code == 200


def test_query_count_does_not_grow_with_responses(client, org, filled, django_assert_num_queries):
    login_verified(client, member(org, "analyst"))
    url = base(org, filled) + f"data/segments/{ALL_TIME}"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    fill(filled, [(at(2026, 3, 3), 11, "kiosk", {})])
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def test_kpis_show_headline_figures_and_change(client, org, filled):
    login_verified(client, member(org, "analyst"))
    body = client.get(base(org, filled) + f"data/kpis/{ALL_TIME}").json()
    cards = {k["key"]: k for k in body["kpis"]}
    assert list(cards) == [
        "trust_index",
        "privacy_concern_index",
        "paradox_gap",
        "privacy_actives_share",
        "completion_rate",
        "withdrawal_rate",
    ]
    # January 12 × trust 5 (1.0); February 12 × 1 (0.0) and 3 × 3 (0.5): 13.5 / 27.
    assert cards["trust_index"]["value"] == "50"
    assert cards["trust_index"]["change"] == "-90.0"
    assert cards["trust_index"]["direction"] == "down"
    # Cards and their sparklines on one scale (0–100); the change names what it compares.
    assert cards["trust_index"]["raw"] == 50.0
    assert cards["trust_index"]["sparkline"]["data"][0]["y"] == [100.0, 10.0]
    assert cards["trust_index"]["compared"] == "2026-02 vs 2026-01"
    assert body["note"] == "27 responses in this selection."


def test_items_never_carry_free_text_or_raw_answers(client, org, filled):
    login_verified(client, member(org, "analyst"))
    for panel in PANELS:
        r = client.get(base(org, filled) + f"data/{panel}/{ALL_TIME}")
        assert FREE_TEXT not in r.content.decode()
    body = client.get(base(org, filled) + f"data/items/{ALL_TIME}").json()
    keys = [c["key"] for c in body["charts"]]
    assert "q_improve_text" not in keys and "q_switched_why" not in keys
    assert keys[:3] == ["q_concern", "q_trust_brand", "q_policy_reading"]


def test_segment_bars_apply_complementary_suppression(client, org, filled):
    login_verified(client, member(org, "analyst"))
    body = client.get(base(org, filled) + f"data/segments/{ALL_TIME}&by=channel").json()
    share = body["charts"][0]
    # email 12, qr 3 (withheld), web 12: a second group goes so qr = 27 − rest is impossible.
    assert share["table"]["rows"] == [
        ["Email", None, None],
        ["QR code", None, None],
        ["Web", 0.444444, 12],
    ]


def test_crosstab_against_a_segment(client, org, filled):
    login_verified(client, member(org, "analyst"))
    url = (
        base(org, filled) + f"data/crosstab/{ALL_TIME}&question=trust_brand&column=segment:channel"
    )
    chart = client.get(url).json()["charts"][0]
    assert chart["table"]["columns"][1:] == ["Email", "QR code", "Web", "Total"]
    assert chart["figure"]["data"][0]["type"] == "heatmap"
    rows = chart["table"]["rows"]
    assert rows[-1][0] == "Total"
    hidden = sum(v is None for row in rows for v in row[1:])
    assert hidden >= 4  # qr's 3 plus its complements


def test_csv_download_of_a_chart(client, org, filled):
    login_verified(client, member(org, "analyst"))
    r = client.get(base(org, filled) + f"data/trends/{ALL_TIME}&format=csv&chart=responses_trend")
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"] == f'attachment; filename="{filled.slug}-responses_trend.csv"'
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == [
        "Period",
        "Responses",
        "95 % CI low",
        "95 % CI high",
        "Respondents",
        "Days covered",
    ]
    assert rows[1:] == [
        ["2026-01", "12.0", "", "", "12", "complete"],
        ["2026-02", "15.0", "", "", "15", "complete"],
    ]
    r = client.get(base(org, filled) + f"data/trends/{ALL_TIME}&format=csv&chart=nope")
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "chart"


def test_csv_keeps_codes_beside_labels(client, org, filled):
    login_verified(client, member(org, "analyst"))
    url = base(org, filled) + f"data/segments/{ALL_TIME}&by=channel&format=csv&chart=segment_share"
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert rows == [
        ["code", "Group", "Share of respondents", "Respondents"],
        ["email", "Email", "withheld", "withheld"],
        ["qr", "QR code", "withheld", "withheld"],
        ["web", "Web", "0.444444", "12"],
    ]
    query = "&question=trust_brand&format=csv&chart=crosstab"
    url = base(org, filled) + f"data/crosstab/{ALL_TIME}{query}"
    header = next(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert header[0] == "code" and header[2:] == ["email", "qr", "web", "Total"]


def test_bad_filters_get_field_errors(client, org, filled):
    login_verified(client, member(org, "analyst"))
    r = client.get(
        base(org, filled) + "data/trends/?period=custom&from=2026-13-01&granularity=day&by=name"
    )
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["errors"]] == ["from", "granularity", "by"]
    page = client.get(base(org, filled) + "?from=yesterday&period=custom")
    assert page.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in page.content.decode()


def test_filters_narrow_the_data(client, org, filled):
    login_verified(client, member(org, "analyst"))
    body = client.get(base(org, filled) + "data/kpis/?period=custom&from=2026-02-01").json()
    assert body["note"] == "15 responses in this selection."
    body = client.get(base(org, filled) + f"data/kpis/{ALL_TIME}&channel=qr").json()
    assert body["note"] == "fewer than 10 responses in this selection."
    assert body["kpis"][0]["value"] == "withheld"


def test_pages_render_panels_and_nav(client, org, filled):
    quiz = live_survey(org, "privacy_quiz")
    login_verified(client, member(org, "analyst"))
    html = client.get(base(org)).content.decode()
    assert f'href="{base(org, filled)}"' in html and f'href="{base(org, quiz)}"' in html
    assert 'aria-current="page">Dashboards</a>' in html
    html = client.get(base(org, filled)).content.decode()
    for panel in PANELS:
        assert f'data-src="{base(org, filled)}data/{panel}/"' in html
    assert "vendor/plotly/plotly-strict.min.js" in html
    login_verified(client, member(org, "author"))
    assert ">Dashboards</a>" not in client.get(f"/studio/{org.slug}/").content.decode()


def test_empty_survey_explains(client, org, survey):
    login_verified(client, member(org, "analyst"))
    body = client.get(base(org, survey) + "data/trends/").json()
    assert body["charts"][0]["empty"].startswith("No responses yet")


def test_plotly_is_served_from_our_static_files_in_the_version_plotly_py_expects(client):
    from django.contrib.staticfiles import finders
    from plotly.offline import get_plotlyjs_version

    from dashboards.staticfiles import bundled_version, check_plotly_js

    path = finders.find("vendor/plotly/plotly-strict.min.js")
    assert path and path.endswith("static/vendor/plotly/plotly-strict.min.js")
    assert bundled_version(Path(path)) == get_plotlyjs_version() == "4.1.1"
    assert check_plotly_js() == []


def test_a_plotly_bundle_of_another_version_fails_the_system_check(settings, tmp_path):
    from dashboards.staticfiles import PLOTLY_JS, check_plotly_js

    bundle = tmp_path / "static" / PLOTLY_JS
    bundle.parent.mkdir(parents=True)
    bundle.write_text("/**\n* plotly.js (strict - minified) v3.0.0\n*/")
    settings.BASE_DIR = tmp_path
    errors = check_plotly_js()
    assert [e.id for e in errors] == ["dashboards.E001", "dashboards.E002", "dashboards.E002"]
    assert errors[0].msg == (
        "vendor/plotly/plotly-strict.min.js is plotly.js 3.0.0, the plotly package expects 4.1.1."
    )


def test_density_rollup_matches_the_response_scores_through_refresh_and_rebuild(org, filled):
    from collections import Counter

    from django.utils import timezone

    from dashboards.models import ResponseScore, ScoreBinRollup
    from dashboards.services import rollups_rebuild, scores_refresh
    from dashboards.services.contributions import score_bins
    from surveys.models import BehaviourEvent

    def from_scores():
        return Counter(b for s in ResponseScore.objects.all() if (b := score_bins(s)) is not None)

    def from_rollup():
        out = Counter()
        for r in ScoreBinRollup.objects.all():
            out[(r.stated_bin, r.enacted_bin)] += r.n
        return +out

    assert sum(from_scores().values()) == 27
    assert from_rollup() == from_scores()
    # New behaviour moves some respondents to another enacted bin.
    score = ResponseScore.objects.first()
    BehaviourEvent.objects.create(
        organization=org,
        respondent_id=score.respondent_id,
        kind="opt_out",
        value=True,
        source="api",
        occurred_at=timezone.now(),
    )
    scores_refresh(respondent_ids=[score.respondent_id])
    assert from_rollup() == from_scores()
    rollups_rebuild(survey_id=filled.pk)
    assert from_rollup() == from_scores()
