"""`manage.py seed_demo`: counts, idempotency, valid answers and a visible privacy paradox."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from surveys.answers import clean_answers, values_from_rows
from surveys.consent.services.consent import notice_text_hash
from surveys.demo import seed
from surveys.enums import (
    BEHAVIOURAL_MEASUREMENT,
    ApiScope,
    AuditAction,
    ResponseStatus,
    Role,
    SurveyStatus,
)
from surveys.models import (
    Answer,
    ApiKey,
    AuditEvent,
    BehaviourEvent,
    ConsentCounter,
    ConsentNoticeVersion,
    ConsentRecord,
    Membership,
    Organization,
    Respondent,
    Response,
    Survey,
    SurveyVersion,
    User,
)
from surveys.quality import quality_flags
from surveys.responses.services.write import response_submit
from surveys.selectors import version_spec
from tests.factories import COMFORT_ANSWERS

pytestmark = pytest.mark.django_db

ANSWER_FIELDS = ("question_code", "item", "choice", "number", "text", "date", "boolean")


def run_seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--responses", "200", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        Organization,
        User,
        Membership,
        Survey,
        SurveyVersion,
        ApiKey,
        Respondent,
        Response,
        Answer,
        BehaviourEvent,
    )
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def seeded() -> str:
    return run_seed()


def test_creates_the_demo_organization_people_and_surveys(seeded):
    org = Organization.objects.get(slug="acme-privacy")
    assert org.name == "Acme Privacy Co."
    assert org.timezone == "Europe/Amsterdam"
    roles = dict(Membership.objects.filter(organization=org).values_list("user__username", "role"))
    assert roles == {
        "demo-admin": Role.ADMIN,
        "demo-author": Role.AUTHOR,
        "demo-analyst": Role.ANALYST,
        "demo-researcher": Role.RESEARCHER,
    }
    admin = User.objects.get(username="demo-admin")
    author = User.objects.get(username="demo-author")
    analyst = User.objects.get(username="demo-analyst")
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert (author.is_staff, author.is_superuser) == (True, False)
    assert author.has_perm("surveys.change_question") and author.has_perm("surveys.add_survey")
    assert not author.has_perm("surveys.change_apikey")
    assert (analyst.is_staff, analyst.is_superuser) == (False, False)
    assert admin.check_password("trustpulse-admin")
    assert analyst.check_password("trustpulse-analyst")

    surveys = {s.slug: s for s in Survey.objects.filter(organization=org)}
    assert set(surveys) == {"privacy-comfort", "privacy-quiz"}
    assert [surveys[s].status for s in ("privacy-comfort", "privacy-quiz")] == [
        SurveyStatus.LIVE
    ] * 2
    assert surveys["privacy-quiz"].kind == "quiz"

    key = ApiKey.objects.get(organization=org)
    assert sorted(key.scopes) == sorted(ApiScope.values)
    assert key.revoked_at is None


def test_generates_the_requested_responses_and_events(seeded):
    comfort = Survey.objects.get(slug="privacy-comfort")
    quiz = Survey.objects.get(slug="privacy-quiz")
    # The demo follow-up's people answer again (surveys/demo/touchpoints.py): later responses.
    later = Response.objects.filter(respondent__responses__submitted_at__lt=F("submitted_at"))
    assert later.count() > 0
    assert set(later.values_list("survey__slug", flat=True)) == {"privacy-comfort"}
    assert comfort.responses.filter(status=ResponseStatus.COMPLETE).count() == 200 + later.count()
    assert quiz.responses.filter(status=ResponseStatus.COMPLETE).count() == 30  # 15 %
    assert Response.objects.exclude(status=ResponseStatus.COMPLETE).count() == 0
    assert Respondent.objects.count() == 230
    assert set(Response.objects.values_list("channel", flat=True)) == {
        "web",
        "email",
        "in_app",
        "qr",
        "kiosk",
    }
    assert set(Response.objects.values_list("locale", flat=True)) == {"en", "zh-Hant"}
    # Every respondent consented once, to the demo notice, with a proof and an audit entry.
    notice = ConsentNoticeVersion.objects.get(notice__slug="privacy-notice")
    assert comfort.consent_notice_id == quiz.consent_notice_id == notice.notice_id
    records = ConsentRecord.objects.all()
    assert records.count() == 230 + later.count()
    assert records.filter(response__isnull=True).count() == 0
    for record in records.select_related("notice_version__notice"):
        assert record.text_hash == notice_text_hash(record.notice_version, record.locale)
        assert "survey_research" in record.purposes_granted
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT_GIVEN).count() == 230 + len(later)
    assert ConsentCounter.objects.aggregate(n=Sum("consented"))["n"] == 230
    # Behaviour only with consent to behavioural measurement; one consent-screen
    # decision each, and the brand's own channels only for the privacy-comfort survey.
    measured = {r.respondent_id for r in records if BEHAVIOURAL_MEASUREMENT in r.purposes_granted}
    assert 150 < len(measured) < 230
    assert set(BehaviourEvent.objects.values_list("respondent_id", flat=True)) == measured
    opened = BehaviourEvent.objects.filter(kind="notice_opened")
    assert opened.count() == len(measured)
    assert opened.filter(source="in_survey", response__isnull=False).count() == len(measured)
    api_events = BehaviourEvent.objects.filter(source="api")
    assert api_events.exists() and not api_events.filter(response__isnull=False).exists()
    assert not api_events.filter(respondent__responses__survey=quiz).exists()
    # Every response started before it was submitted, within the last 90 days.
    for started, submitted in Response.objects.values_list("started_at", "submitted_at"):
        assert started < submitted
    first = Response.objects.order_by("submitted_at").first()
    last = Response.objects.order_by("submitted_at").last()
    assert (last.submitted_at - first.submitted_at).days <= 90


def test_a_second_run_creates_nothing_and_prints_the_same_logins(seeded):
    before = counts()
    again = run_seed()
    assert counts() == before
    for username, password in (
        ("demo-admin", "trustpulse-admin"),
        ("demo-author", "trustpulse-author"),
        ("demo-analyst", "trustpulse-analyst"),
        ("demo-researcher", "trustpulse-researcher"),
    ):
        assert username in seeded and username in again
        assert password in seeded and password in again
    # The key's secret is printed once, when it is created.
    key = ApiKey.objects.get()
    assert f"tp_{key.prefix}_" in seeded
    assert "cannot be shown again" in again
    assert "tp_" + key.prefix + "_…" in again
    assert "http://127.0.0.1:8000/s/privacy-comfort/" in again
    assert "http://127.0.0.1:8000/api/docs/" in again


def test_new_api_key_replaces_the_demo_key(seeded):
    old = ApiKey.objects.get()
    out = run_seed("--new-api-key")
    old.refresh_from_db()
    new = ApiKey.objects.get(revoked_at__isnull=True)
    assert old.revoked_at is not None and new.pk != old.pk
    assert f"tp_{new.prefix}_" in out


def test_password_option_sets_every_demo_password(seeded):
    run_seed("--password", "another-demo-secret")
    for user in User.objects.filter(username__startswith="demo-"):
        assert user.check_password("another-demo-secret")


def test_every_seeded_response_is_valid_and_follows_the_logic(seeded):
    responses = Response.objects.select_related("version").prefetch_related("answers", "consents")
    later = Response.objects.filter(respondent__responses__submitted_at__lt=F("submitted_at"))
    assert responses.count() == 230 + later.count()
    for response in responses:
        spec = version_spec(response.version)
        rows = [{f: getattr(a, f) for f in ANSWER_FIELDS} for a in response.answers.all()]
        values, other = values_from_rows(spec, rows)
        cleaned = clean_answers(spec, values, other)
        assert cleaned.problems == [], (response.pk, cleaned.problems)
        assert cleaned.path == response.section_path
        expected = quality_flags(spec, cleaned.values)
        assert [f for f in response.quality_flags if f != "speeder"] == expected
        # Questions under a purpose the respondent did not grant stay unanswered.
        granted = response.consents.get().purposes_granted
        for code in values:
            purpose = spec.question(code).purpose
            assert not purpose or purpose in granted, (code, purpose, granted)
        if spec.kind == "survey":
            actions = values.get("protective_actions", [])
            assert ("switched_why" in values) <= ("switched" in actions)
            if values["nps"] >= 9:
                assert "improve" not in response.section_path
                assert "improve_text" not in values
        else:
            assert response.max_score == 4
            assert 0 <= response.score <= 4
    flags = [f for fs in Response.objects.values_list("quality_flags", flat=True) for f in fs]
    assert 0 < flags.count("attention_check_failed:attention") < 30
    assert 0 < flags.count("speeder") < 30
    assert Answer.objects.filter(question_code="shared_newsletter").exists()


def test_stated_and_enacted_privacy_diverge(seeded):
    comfort = Survey.objects.get(slug="privacy-comfort")
    reads = dict(
        Answer.objects.filter(
            response__survey=comfort, question_code="concern", item="reads_terms"
        ).values_list("response__respondent_id", "number")
    )
    opened = dict(
        BehaviourEvent.objects.filter(kind="notice_opened").values_list("respondent_id", "value")
    )
    say_they_read = [r for r, n in reads.items() if n >= 4 and r in opened]
    assert len(say_they_read) >= 40
    unread = [r for r in say_they_read if opened[r] is False]
    assert len(unread) / len(say_they_read) > 0.5
    # Only a minority opts out of marketing; most grant an optional purpose.
    opted_out = BehaviourEvent.objects.filter(kind="marketing_opt_out").count()
    granted = (
        BehaviourEvent.objects.filter(kind="optional_purpose_granted")
        .values("respondent")
        .distinct()
        .count()
    )
    assert opted_out < 0.3 * len(opened)
    assert granted > 0.5 * len(opened)


def test_seeded_events_have_the_shapes_of_real_submissions(seeded):
    """The consent step of a real headless submission writes what the seeder imitates."""
    comfort = Survey.objects.get(slug="privacy-comfort")
    notice = ConsentNoticeVersion.objects.get(notice__slug="privacy-notice")
    response = response_submit(
        survey=comfort,
        answers=COMFORT_ANSWERS,
        consent={"notice_version": notice.number, "purposes": notice.purpose_ids},
    )
    real = list(BehaviourEvent.objects.filter(response=response))
    assert {e.kind for e in real} >= {"optional_purpose_granted", "optional_field_disclosed"}
    for event in real:
        seeded = BehaviourEvent.objects.filter(kind=event.kind, source=event.source)
        same = [e for e in seeded.exclude(response=response) if e.value == event.value]
        assert same, (event.kind, event.value)
        suffix = event.idempotency_id.removeprefix(f"{response.pk}:")
        assert same[0].idempotency_id == f"{same[0].response_id}:{suffix}"


def write_csv(path: Path, rows: list[tuple[list[int], int]]) -> Path:
    header = [f"PC01_0{i}" for i in range(1, 8)] + ["words", "post_count"]
    lines = [",".join(header)]
    for items, words in rows:
        lines.append(",".join(map(str, items + [words, 1 if words else 0])))
    lines.append(",".join(["NA"] * 7 + ["NA", "NA"]))  # skipped
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_calibration_reads_concern_against_words_posted(tmp_path):
    rows = []
    for i in range(40):
        level = 1 + i % 7  # concern 1..7; item 3 ("no concerns") is reversed
        items = [level, level, 8 - level, level, level, level, level]
        rows.append((items, (8 - level) * 10))  # more concern, fewer words
    cal = seed.load_calibration(write_csv(tmp_path / "data.csv", rows))
    assert cal.rows == 40
    assert cal.spearman == pytest.approx(1.0)
    assert cal.latent_r == 0.6  # clamped
    assert cal.words is not None and cal.words[0] == 10 and cal.words[-1] == 70


def test_calibration_falls_back_without_the_data_set(tmp_path):
    cal = seed.load_calibration(tmp_path / "missing.csv")
    assert (cal.latent_r, cal.words, cal.source) == (0.15, None, "built-in default")


def test_the_demo_follow_up_is_consistent_and_summarised(seeded):
    """Its pool covered everyone it reached (codes issued = people sent a code, none
    missed), it still runs, and the summary prints its counts."""
    from surveys.models import FollowUp, FollowUpDelivery
    from surveys.touchpoints.selectors import follow_up_list

    org = Organization.objects.get(slug="acme-privacy")
    (f,) = follow_up_list(organization_id=org.pk)
    assert f.active is True
    assert f.purpose == "marketing"
    touched = FollowUpDelivery.objects.filter(follow_up=f, group="touched")
    assert f.sent == touched.count() > 0
    assert f.held_out == FollowUpDelivery.objects.filter(follow_up=f, group="holdout").count() > 0
    assert f.unavailable == 0
    assert touched.filter(reward_code=None).count() == 0
    assert f.codes_total - f.codes_remaining == f.sent
    assert f.codes_remaining == 150
    assert FollowUp.objects.count() == 1
    line = next(x for x in seeded.splitlines() if x.strip().startswith("follow-up"))
    assert line.strip() == (
        f"follow-up     'Thank-you tips for trusting readers' on privacy-comfort "
        f"(marketing, active): {f.sent} sent or shown, {f.held_out} held out, "
        f"0 waiting for an email, codes 150 of {f.codes_total} left"
    )
