"""Titles are stored as plain text (surveys/text.py): decode the stored ones.

Survey, section and quiz-outcome titles were stored sanitized, as HTML
("Dienlin, Braeunlich &amp; Trepte"); they become the text the author wrote
("Dienlin, Braeunlich & Trepte"), in the rows and in the frozen snapshots
of published versions. Reversing escapes them again.
"""

import html
import re

from django.db import migrations

BREAK_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]*>")
BATCH = 500


def _to_plain(value: str) -> str:
    # surveys.text.to_plain as of this migration (migrations keep their own copy)
    without_tags = TAG_RE.sub("", BREAK_RE.sub(" ", value))
    return re.sub(r"[ \t]+", " ", html.unescape(without_tags)).strip()


def _to_html(value: str) -> str:
    return html.escape(value, quote=False)


def _title(value, convert):
    if not isinstance(value, dict):
        return value
    return {k: convert(v) if isinstance(v, str) else v for k, v in value.items()}


def _document(doc, convert):
    if not isinstance(doc, dict):
        return doc
    doc = dict(doc)
    if "title" in doc:
        doc["title"] = _title(doc["title"], convert)
    for key in ("sections", "outcomes"):
        if isinstance(doc.get(key), list):
            doc[key] = [
                {**d, "title": _title(d["title"], convert)}
                if isinstance(d, dict) and "title" in d
                else d
                for d in doc[key]
            ]
    return doc


def _rewrite(model, fields, change):
    pending = []
    for obj in model.objects.only("pk", *fields).iterator(chunk_size=BATCH):
        changed = False
        for name in fields:
            old = getattr(obj, name)
            new = change(name, old)
            if new != old:
                setattr(obj, name, new)
                changed = True
        if changed:
            pending.append(obj)
        if len(pending) >= BATCH:
            model.objects.bulk_update(pending, fields)
            pending = []
    if pending:
        model.objects.bulk_update(pending, fields)


def _run(apps, convert):
    Survey = apps.get_model("surveys", "Survey")
    Section = apps.get_model("surveys", "Section")
    SurveyVersion = apps.get_model("surveys", "SurveyVersion")
    _rewrite(Survey, ["title"], lambda _n, v: _title(v, convert))
    _rewrite(Section, ["title"], lambda _n, v: _title(v, convert))

    def version(name, value):
        if name == "outcomes":
            return _document({"outcomes": value}, convert)["outcomes"] if value else value
        return _document(value, convert)

    _rewrite(SurveyVersion, ["outcomes", "snapshot"], version)


def forwards(apps, schema_editor):
    _run(apps, _to_plain)


def backwards(apps, schema_editor):
    _run(apps, _to_html)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0016_recovery_codes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
