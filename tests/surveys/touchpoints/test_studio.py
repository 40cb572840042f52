"""The studio's follow-ups page: authors add one, upload codes, see the pool left."""

import pytest
from django.utils import timezone

from surveys.enums import PRIVACY_REPORT
from surveys.models import AuditEvent, FollowUp
from tests.fixtures import login_verified

from .helpers import touchpoint_quiz

pytestmark = pytest.mark.django_db


def test_an_author_adds_a_follow_up_uploads_codes_and_sees_the_pool(client, org, users):
    quiz = touchpoint_quiz(org)
    login_verified(client, users["author"])
    base = f"/studio/{org.slug}/follow-ups/"
    page = client.get(base)
    assert page.status_code == 200
    assert "No follow-ups yet" in page.content.decode()
    assert '<option value="personalised_offers"' in page.content.decode()

    bad = client.post(base, {"survey": quiz.pk, "name": "", "purpose": "survey_research"})
    assert bad.status_code == 400
    assert FollowUp.objects.count() == 0

    created = client.post(
        base,
        {
            "survey": quiz.pk,
            "name": "Pragmatist offer",
            "purpose": "personalised_offers",
            "condition": '{"question": "$outcome", "op": "eq", "value": 2}',
            "subject_en": "Your offer",
            "body_en": "Thanks!",
            "reward_kind": "code",
            "holdout_percent": "10",
            "active": "on",
        },
    )
    follow_up = FollowUp.objects.get()
    assert created.status_code == 302
    assert follow_up.condition == {"question": "$outcome", "op": "eq", "value": 2}
    assert follow_up.holdout_percent == 10

    detail = f"{base}{follow_up.pk}/"
    client.post(f"{detail}codes/", {"codes": "A1\nA2\nA2\nA3"})
    text = client.get(detail).content.decode()
    assert "3 of 3 codes left." in text
    listing = client.get(base).content.decode()
    assert "3 / 3" in listing
    assert AuditEvent.objects.filter(action="reward_codes.uploaded").get().data == {"added": 3}


def test_analysts_cannot_open_it(client, org, users):
    login_verified(client, users["analyst"])
    assert client.get(f"/studio/{org.slug}/follow-ups/").status_code in (403, 404)


def _follow_up(org):
    from surveys.touchpoints import services

    from .helpers import follow_up_data

    return services.follow_up_save(survey=touchpoint_quiz(org), data=follow_up_data())


@pytest.mark.parametrize(
    ("lang", "purpose", "survey"),
    [
        ("en", "Send you offers that fit your result", "How privacy-savvy are you?"),
        ("zh-hant", "寄送符合您結果的優惠", "您的隱私知識有多少？"),
    ],
)
def test_the_page_names_purposes_and_surveys_in_the_readers_language(
    client, org, users, lang, purpose, survey
):
    follow_up = _follow_up(org)
    login_verified(client, users["author"])
    base = f"/studio/{org.slug}/follow-ups/"
    page = client.get(base, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f'<option value="personalised_offers">{purpose}</option>' in page
    assert f'<option value="{follow_up.survey.pk}">{survey}</option>' in page
    assert f'<td data-label="{"Purpose" if lang == "en" else "目的"}">{purpose}</td>' in page
    assert f">{survey}</td>" in page
    assert "<code>personalised_offers</code>" not in page
    assert f'<option value="{PRIVACY_REPORT}"' not in page  # the report is not a follow-up's
    # Text inputs carry a type, so the studio's input styles apply.
    assert '<input id="id_name" name="name" type="text"' in page
    assert '<input id="id_subject_en" name="subject_en" type="text"' in page
    # The message's languages by name, not by code.
    opening, closing = ("(", ")") if lang == "en" else ("（", "）")
    assert f"{opening}English{closing}</legend>" in page
    assert f"{opening}繁體中文{closing}</legend>" in page
    assert "(zh-Hant)</legend>" not in page
    detail = client.get(f"{base}{follow_up.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    if lang == "en":
        assert f"For “{survey}”, under the purpose “{purpose}”." in detail
    assert purpose in detail and survey in detail
    assert f'<option value="personalised_offers" selected>{purpose}</option>' in detail


def test_every_table_cell_is_labelled_for_the_phone_layout(client, org, users):
    _follow_up(org)
    login_verified(client, users["author"])
    page = client.get(f"/studio/{org.slug}/follow-ups/").content.decode()
    table = page[page.index('<table class="data-table">') : page.index("</table>")]
    body = table[table.index("<tbody>") :]
    assert body.count("<td") == 7
    assert body.count("<td") == body.count("data-label=")
    for label in ("Codes left", "Sent or shown", "Waiting for email", "Held out", "No code left"):
        assert f'data-label="{label}"' in body
    assert "Respondents who got the message without a code because the pool was empty." in page


def test_another_organizations_author_cannot_see_or_change_a_follow_up(
    client, org, other_org, users
):
    from surveys.models import RewardCode
    from tests.factories import member

    follow_up = _follow_up(org)
    outsider = member(other_org, "author")
    login_verified(client, outsider)
    mine = f"/studio/{org.slug}/follow-ups/"
    theirs = f"/studio/{other_org.slug}/follow-ups/"
    assert client.get(mine).status_code in (403, 404)
    assert client.get(f"{mine}{follow_up.pk}/").status_code in (403, 404)
    # Through their own organization's address: the follow-up is not theirs.
    assert client.get(f"{theirs}{follow_up.pk}/").status_code == 404
    for url in (f"{mine}{follow_up.pk}/", f"{theirs}{follow_up.pk}/"):
        answer = client.post(url, {"name": "Taken", "purpose": "personalised_offers"})
        assert answer.status_code in (403, 404)
    for url in (f"{mine}{follow_up.pk}/codes/", f"{theirs}{follow_up.pk}/codes/"):
        assert client.post(url, {"codes": "X1\nX2"}).status_code in (403, 404)
    answer = client.post(mine, {"survey": follow_up.survey.pk, "name": "Mine"})
    assert answer.status_code in (403, 404)
    # Their own page cannot add one on this organization's survey either.
    answer = client.post(
        theirs,
        {
            "survey": follow_up.survey.pk,
            "name": "Mine",
            "purpose": "personalised_offers",
            "body_en": "hi",
        },
    )
    assert answer.status_code == 400
    follow_up.refresh_from_db()
    assert follow_up.name == "Pro offer"
    assert FollowUp.objects.count() == 1
    assert RewardCode.objects.count() == 0
    assert theirs and follow_up.survey.organization_id == org.pk


def _upload(client, org, follow_up, content: bytes, name="codes.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/studio/{org.slug}/follow-ups/{follow_up.pk}/codes/",
        {"codes_file": SimpleUploadedFile(name, content, content_type="text/plain")},
    )


def test_a_codes_file_with_blanks_and_duplicates_adds_the_distinct_codes(client, org, users):
    from surveys.models import RewardCode

    follow_up = _follow_up(org)
    login_verified(client, users["author"])
    answer = _upload(client, org, follow_up, b"\xef\xbb\xbfA1\r\n\r\n  A2  \nA1\n\n\nA3\n   \n")
    assert answer.status_code == 302
    assert sorted(RewardCode.objects.values_list("code", flat=True)) == ["A1", "A2", "A3"]
    again = _upload(client, org, follow_up, b"A3\nA4\n")
    assert again.status_code == 302
    assert RewardCode.objects.count() == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "The file is not a text file (UTF-8)"),
        (b"GOOD1\nBAD\x00CODE\n", "Line 2 has a control character"),
        (b"GOOD1\nBAD\x07BELL\n", "Line 2 has a control character"),
        (b"\n\n   \n", "No codes."),
        (b"A" * 129 + b"\n", "Line 1 is longer than 128 characters."),
    ],
)
def test_a_hostile_codes_file_gets_a_field_error_and_writes_nothing(
    client, org, users, content, message
):
    from surveys.models import AuditEvent, RewardCode

    follow_up = _follow_up(org)
    login_verified(client, users["author"])
    answer = _upload(client, org, follow_up, content)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert RewardCode.objects.count() == 0
    assert not AuditEvent.objects.filter(action="reward_codes.uploaded").exists()


def test_a_huge_codes_file_is_refused_before_it_is_read(client, org, users, settings):
    from surveys.models import RewardCode
    from surveys.touchpoints import studio_views

    follow_up = _follow_up(org)
    login_verified(client, users["author"])
    size = studio_views.MAX_CODES_FILE_BYTES + 1
    answer = _upload(client, org, follow_up, b"CODE-1\n" * (size // 7 + 1))
    assert answer.status_code == 400
    assert "larger than 4 MB" in answer.content.decode()
    assert RewardCode.objects.count() == 0


def test_the_counts_are_exact_with_many_codes_and_deliveries(org, django_assert_max_num_queries):
    """Each count is its own subquery: codes and deliveries do not multiply each other."""
    from surveys.models import FollowUpDelivery, RewardCode
    from surveys.touchpoints.selectors import follow_up_list

    follow_up = _follow_up(org)
    codes = RewardCode.objects.bulk_create(
        RewardCode(follow_up=follow_up, code=f"C{i}") for i in range(30)
    )
    statuses = ["sent"] * 7 + ["shown"] * 2 + ["awaiting_email"] * 4 + ["holdout"] * 5
    deliveries = FollowUpDelivery.objects.bulk_create(
        FollowUpDelivery(
            follow_up=follow_up,
            group="holdout" if s == "holdout" else "touched",
            status=s,
            locale="en",
            reward_unavailable=i in (0, 1),
        )
        for i, s in enumerate(statuses)
    )
    for code, d in zip(codes[:6], deliveries[2:8], strict=True):
        code.issued_at = timezone.now()
        d.reward_code = code
    RewardCode.objects.bulk_update(codes[:6], ["issued_at"])
    FollowUpDelivery.objects.bulk_update(deliveries[2:8], ["reward_code"])
    with django_assert_max_num_queries(1):
        (f,) = follow_up_list(organization_id=org.pk)
    assert (f.codes_total, f.codes_remaining) == (30, 24)
    assert (f.sent, f.waiting, f.held_out, f.unavailable) == (9, 4, 5, 2)
