"""Titles are stored as written, escaped where shown, and exported as plain text."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from surveys.authoring.services.definitions import definition_import, survey_publish
from surveys.models import Section
from surveys.responses.services.write import response_submit
from surveys.selectors.texts import to_plain
from surveys.text import plain
from tests.dashboards.exports.conftest import (  # noqa: F401 - exports_storage is a fixture
    bundle,
    comfort_answers,
    exports_storage,
    run,
)
from tests.factories import demo_definition, member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

TITLE = "<script>alert(1)</script> & Co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"
STUDY = "Privacy calculus field experiment (Dienlin, Braeunlich & Trepte)"


def test_plain_and_to_plain():
    assert plain(f"  {TITLE}\x00 ") == TITLE
    assert to_plain("AT&amp;T <em>really</em> &lt;3<br>us") == "AT&T really <3 us"


@pytest.fixture
def titled(org):
    doc = demo_definition()
    doc["slug"] = "titled"
    doc["title"] = {"en": TITLE}
    doc["sections"][0]["title"] = {"en": TITLE}
    doc["sections"][0]["questions"][0]["text"] = {"en": "Dienlin, Braeunlich & Trepte <em>ask</em>"}
    version = definition_import(organization=org, document=doc)
    survey_publish(survey=version.survey)
    version.survey.refresh_from_db()
    return version.survey


def test_titles_are_stored_as_written(titled):
    assert titled.title == {"en": TITLE}
    assert Section.objects.get(version=titled.live_version, position=0).title == {"en": TITLE}
    assert titled.live_version.snapshot["title"] == {"en": TITLE}
    assert titled.live_version.snapshot["sections"][0]["title"] == {"en": TITLE}
    # markup fields stay sanitized
    question = titled.live_version.snapshot["sections"][0]["questions"][0]
    assert question["text"] == {"en": "Dienlin, Braeunlich &amp; Trepte <em>ask</em>"}


def test_titles_are_escaped_on_every_page(client, org, titled):
    landing = client.get(f"/s/{titled.slug}/").content.decode()
    assert ESCAPED in landing
    assert "<script>alert(1)" not in landing
    author, analyst = member(org, "author"), member(org, "analyst")
    login_verified(client, author)
    studio = client.get(reverse("builder:survey", kwargs={"org": org.slug, "pk": titled.pk}))
    assert studio.status_code == 200
    assert ESCAPED in studio.content.decode()
    assert "<script>alert(1)" not in studio.content.decode()
    listing = client.get(f"/studio/{org.slug}/").content.decode()
    assert "<script>alert(1)" not in listing
    login_verified(client, analyst)
    dash = client.get(f"/studio/{org.slug}/dashboards/surveys/{titled.pk}/?period=all")
    assert dash.status_code == 200
    assert ESCAPED in dash.content.decode()
    assert "<script>alert(1)" not in dash.content.decode()


@pytest.mark.usefixtures("exports_storage")
def test_exports_carry_plain_text(titled):
    for i in range(12):
        response_submit(
            survey=titled,
            answers=comfort_answers(i),
            consent={"notice_version": 1, "purposes": ["survey_research"]},
        )
    z = bundle(run(titled, format="csv"))
    ns = {"d": "ddi:codebook:2_5"}
    root = ET.fromstring(z.read("codebook.xml"))
    assert root.find("d:stdyDscr/d:citation/d:titlStmt/d:titl", ns).text == TITLE
    concern = root.find("d:dataDscr/d:var[@name='concern_worry']", ns)
    assert concern.find("d:qstn/d:qstnLit", ns).text == "Dienlin, Braeunlich & Trepte ask"
    package = json.loads(z.read("datapackage.json"))
    assert package["title"] == TITLE
    markdown = z.read("codebook.md").decode()
    assert f"# Codebook: {TITLE}" in markdown
    for name in ("codebook.md", "datapackage.json"):
        text = z.read(name).decode()
        assert "&amp;" not in text and "&lt;" not in text, name
    # XML escapes once, as XML must: no entity survives parsing
    assert "&amp;amp;" not in z.read("codebook.xml").decode()


def test_the_migration_decodes_stored_titles(titled):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("surveys.migrations.0017_unescape_stored_titles")
    escaped = {"en": "Dienlin, Braeunlich &amp; Trepte"}
    version = titled.live_version
    type(titled).objects.filter(pk=titled.pk).update(title=escaped)
    Section.objects.filter(version=version).update(title=escaped)
    snapshot = {**version.snapshot, "title": escaped}
    snapshot["sections"] = [{**s, "title": escaped} for s in snapshot["sections"]]
    type(version).objects.filter(pk=version.pk).update(
        snapshot=snapshot, outcomes=[{"min": 0, "max": 1, "title": escaped, "text": escaped}]
    )
    migration.forwards(apps, None)
    plain_title = {"en": "Dienlin, Braeunlich & Trepte"}
    titled.refresh_from_db()
    version.refresh_from_db()
    assert titled.title == plain_title
    assert {tuple(s.title.items()) for s in Section.objects.filter(version=version)} == {
        tuple(plain_title.items())
    }
    assert version.snapshot["title"] == plain_title
    assert all(s["title"] == plain_title for s in version.snapshot["sections"])
    assert version.outcomes == [{"min": 0, "max": 1, "title": plain_title, "text": escaped}]
    # question texts keep their sanitized markup
    assert version.snapshot["sections"][0]["questions"][0]["text"]["en"].endswith("<em>ask</em>")
    migration.backwards(apps, None)
    titled.refresh_from_db()
    assert titled.title == escaped
