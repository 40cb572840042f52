"""The survey's own texts (title, description and welcome text, end text) and its
data-policy notice, which becomes a consent notice draft (reported for review)."""

import re
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from ..common import Builder, norm_locale
from ..report import NoticeDraft
from .reading import table_rows
from .tables import Row

FIELDS = (
    "surveyls_title",
    "surveyls_description",
    "surveyls_welcometext",
    "surveyls_endtext",
    "surveyls_policy_notice",
    "surveyls_policy_notice_label",
)


def survey_texts(b: Builder, root: Any, survey: Row) -> tuple[dict[str, str], NoticeDraft | None]:
    """The survey's title and its notice draft (None without one); intro and thanks go to `b`."""
    t: dict[str, dict[str, str]] = defaultdict(dict)
    for row in table_rows(root, "surveys_languagesettings"):
        locale = norm_locale(row.get("surveyls_language"))
        for f in FIELDS:
            if locale and row.get(f):
                t[f][locale] = row[f]
    title = b.localized(t["surveyls_title"], "surveys_languagesettings title")
    intro = {**t["surveyls_description"]}
    for locale, value in t["surveyls_welcometext"].items():
        intro[locale] = f"{intro[locale]}<br><br>{value}" if intro.get(locale) else value
    b.texts(
        intro=b.localized(intro, "surveys_languagesettings description and welcome text"),
        thanks=b.localized(t["surveyls_endtext"], "surveys_languagesettings end text"),
    )
    policy = t["surveyls_policy_notice"]
    shown = survey.get("showsurveypolicynotice", "0") not in ("", "0")
    if not policy and not shown:
        return title, None
    where = "surveys_languagesettings policy notice"
    email = survey.get("adminemail", "").strip()
    if not policy or not re.match(r"^[^@\s]+@[^@\s]+$", email):
        b.skip(
            where,
            _(
                "the data-policy notice needs its text and the administrator's email"
                " to become a consent notice draft"
            ),
        )
        return title, None
    labels = t["surveyls_policy_notice_label"]
    return title, _notice_draft(b, survey, title, policy, labels, email, where)


def _notice_draft(
    b: Builder,
    survey: Row,
    title: dict[str, str],
    policy: dict[str, str],
    labels: dict[str, str],
    email: str,
    where: str,
) -> NoticeDraft:
    """The consent notice draft made from the data-policy notice (reported)."""
    text = b.localized(policy, where)
    label = b.localized(labels, f"{where} label")
    locales = [x for x in b.locales if x in text] or [b.default_locale]
    fallback = next(iter(text.values()))
    title_fallback = next(iter(label.values()), "Take part in this survey")
    content = {
        "controller": {
            "name": (survey.get("admin") or "Survey administrator")[:200],
            "contact_email": email,
        },
        "locales": locales,
        "full_text": {x: text.get(x, fallback) for x in locales},
        "purposes": [
            {
                "id": "survey_research",
                "title": {x: label.get(x, title_fallback) for x in locales},
                "description": {x: text.get(x, fallback)[:2000] for x in locales},
                "required": True,
                "legal_basis": "consent",
                "category": "Research",
                "data_categories": ["survey answers"],
                "retention_days": 365,
                "recipients": [],
            }
        ],
    }
    name = f"{next(iter(title.values()), 'Imported survey')} (data policy)"[:200]
    b.approx(
        where,
        _(
            "the data-policy notice became a consent notice draft with one required"
            " purpose, %(purpose)s (legal basis consent, retention 365 days):"
            " review and publish it"
        ),
        purpose="survey_research",
    )
    if len(locales) < len(b.locales):
        b.approx(
            where,
            _("the data-policy notice has no text in %(locales)s"),
            locales=", ".join(x for x in b.locales if x not in locales),
        )
    return NoticeDraft(name=name, content=content)
