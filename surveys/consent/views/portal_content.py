"""What the respondent portal shows: view models of a respondent's consents and
responses, built from the records and the versions' specs, in one locale."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from surveys import selectors
from surveys.consent.views.privacy import (
    NoticeView,
    PurposeStatus,
    notice_view,
    parse_time,
)
from surveys.enums import QuestionType as T
from surveys.forms import format_number
from surveys.models import ConsentRecord, Respondent
from surveys.responses.selectors import response_values
from surveys.responses.views.display import (
    Texts,
    bcp47,
    content_locale,
    join_list,
)
from surveys.spec import OTHER, QuestionSpec


def locale_of(locales: list[str]) -> str:
    return content_locale(locales, locales[0] if locales else settings.LANGUAGE_CODE)


def notice_of(record: ConsentRecord) -> NoticeView:
    version = record.notice_version
    return notice_view(version, locale_of(list(version.locales)))


@dataclass(kw_only=True)
class ConsentView:
    record: ConsentRecord
    notice: NoticeView
    survey_title: str
    purposes: list[PurposeStatus]
    receipt_url: str
    receipt_json_url: str

    @property
    def withdrawable(self) -> list[PurposeStatus]:
        return [p for p in self.purposes if p.active and not p.purpose.required]


@dataclass(kw_only=True)
class AnswerView:
    question: SafeString
    lines: list[str]
    purpose: str
    delete_by: dt.date | None


@dataclass(kw_only=True)
class ResponseView:
    survey_title: str
    lang: str  # BCP 47 of the answers' language when it differs from the page's
    submitted_at: dt.datetime | None
    answers: list[AnswerView] = field(default_factory=list)


def answer_lines(q: QuestionSpec, value: Any, other: str, texts: Texts) -> list[str]:
    """A stored answer as the respondent reads it (plain text lines)."""

    def label(code: str) -> str:
        if code == OTHER:
            name = texts.plain(q.settings.get("other_label")) or _("Other")
            return _("%(row)s: %(answer)s") % {"row": name, "answer": other} if other else name
        choice = q.choice(code)
        return texts.plain(choice.label) if choice else code

    t = q.type
    if t in (T.SINGLE_CHOICE, T.ATTENTION_CHECK):
        return [label(str(value))]
    if t == T.MULTIPLE_CHOICE:
        return [join_list([label(str(v)) for v in value])]
    if t == T.SCALE:
        choice = q.scale_choice(value)
        return [texts.plain(choice.label) if choice else format_number(value)]
    if t == T.MATRIX:
        points = {c.value: texts.plain(c.label) for c in q.choices}
        lines = []
        for row in q.rows:
            if row["code"] in value:
                cell = value[row["code"]]
                row_text = texts.plain(row.get("text")).rstrip(".。:：?？ ")
                lines.append(
                    _("%(row)s: %(answer)s")
                    % {"row": row_text, "answer": points.get(cell, format_number(cell))}
                )
        return lines
    if t == T.YES_NO:
        return [_("Yes") if value else _("No")]
    if t == T.ACKNOWLEDGEMENT:
        return [_("Yes")]
    if t == T.RANKING:
        return [f"{n}. {label(str(code))}" for n, code in enumerate(value, start=1)]
    if t == T.NUMBER:
        unit = texts.plain(q.settings.get("unit"))
        return [f"{format_number(value)} {unit}".strip()]
    if t == T.DATE:
        return [value.isoformat() if hasattr(value, "isoformat") else str(value)]
    if t in (T.NPS, T.RATING):
        return [format_number(value)]
    return [str(value)]


def retention_days(records: list[ConsentRecord]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in records:
        for p in r.notice_version.purposes:
            out[p["id"]] = int(p["retention_days"])
    return out


def consent_views(token: str, records: list[ConsentRecord]) -> list[ConsentView]:
    views = []
    for record in records:
        notice = notice_of(record)
        response = record.response
        submitted = response.submitted_at if response else None
        statuses = []
        for p in notice.purposes:
            statuses.append(
                PurposeStatus(
                    purpose=p,
                    granted=p.id in record.purposes_granted,
                    withdrawn_at=parse_time(record.purposes_withdrawn.get(p.id)),
                    expired_at=parse_time(record.purposes_expired.get(p.id)),
                    delete_by=(submitted + dt.timedelta(days=p.retention_days)).date()
                    if submitted
                    else None,
                )
            )
        title = ""
        if response is not None:
            title = Texts(locale_of(list(response.survey.locales)), response.survey.default_locale)
            title = title.title(response.survey.title)
        views.append(
            ConsentView(
                record=record,
                notice=notice,
                survey_title=title,
                purposes=statuses,
                receipt_url=reverse("surveys:receipt", args=[token, record.receipt_id]),
                receipt_json_url=reverse("surveys:receipt_json", args=[token, record.receipt_id]),
            )
        )
    return views


def response_views(
    respondent: Respondent,
    records: list[ConsentRecord],
    purpose_names: dict[str, str],
    ui_lang: str,
) -> list[ResponseView]:
    retention = retention_days(records)
    main = next(
        (p for r in records for p in r.notice_version.required_ids),
        "",
    )
    out = []
    responses = respondent.responses.select_related("survey", "version").order_by("started_at")
    for resp in responses:
        spec = selectors.version_spec(resp.version)
        locale = locale_of(list(spec.locales))
        texts = Texts(locale, spec.default_locale)
        values, other = response_values(resp)
        view = ResponseView(
            survey_title=texts.title(spec.title),
            lang=bcp47(locale) if bcp47(locale) != ui_lang else "",
            submitted_at=resp.submitted_at,
        )
        for q in spec.questions:
            if q.code not in values:
                continue
            purpose = q.purpose or main
            days = retention.get(purpose)
            view.answers.append(
                AnswerView(
                    question=texts.html(q.text),
                    lines=answer_lines(q, values[q.code], other.get(q.code, ""), texts),
                    purpose=purpose_names.get(purpose, purpose),
                    delete_by=(resp.submitted_at + dt.timedelta(days=days)).date()
                    if resp.submitted_at and days
                    else None,
                )
            )
        out.append(view)
    return out


def consent_records(respondent: Respondent) -> list[ConsentRecord]:
    return list(
        respondent.consent_records.select_related(
            "notice_version__notice", "response__survey"
        ).order_by("given_at")
    )
