"""`manage.py seed_demo`: the demo organization, its people, surveys and synthetic data.

Idempotent: everything is found or created by slug, username or name, and
responses are generated only for a demo survey that has none yet, so a second
run creates nothing and prints the same logins. It creates:

- the organization "Acme Privacy Co." (slug ``acme-privacy``, Europe/Amsterdam);
- one user per role: demo-admin (Django superuser), demo-author (staff, may edit
  surveys, versions, sections, questions and choices in the Django admin),
  demo-analyst and demo-researcher, with fixed demo passwords (local demo
  only; ``--password`` sets another one for all four);
- the demo consent notice ``privacy-notice`` (surveys/demo/consent_notice.json:
  survey_research required; behavioural_measurement and marketing optional),
  published;
- the bundled definitions ``privacy-comfort`` (survey) and ``privacy-quiz``
  (quiz), under that notice, imported and published (live);
- an API key with every scope; its secret is printed only when it is created
  (only a hash is stored), ``--new-api-key`` revokes it and makes another;
- about 2,000 completed privacy-comfort responses (``--responses``) and 15 %
  as many quiz responses (``--quiz-responses``) over the last 90 days, in both
  locales and across the web, email, in-app, QR and kiosk channels, each with
  its consent record (text hash of the notice shown, purposes granted), the
  ``consent.given`` audit event and the notice's anonymous daily counters;
- behaviour events for respondents who consented to behavioural measurement.

The synthetic population (deterministic: ``random.Random(20261129)``)
---------------------------------------------------------------------
Each synthetic person has three latent traits, standard normal:

- C, stated privacy concern;
- E, enacted protection, ``E = r·C + sqrt(1 − r²)·ε``: only weakly tied to C;
- K, privacy knowledge (quiz), ``K = 0.3·C + sqrt(0.91)·ε``.

r is 0.15 by default. When ``../shared/datasets/privacy_calc_exp.csv`` is
present (a real one-week field experiment, 561 people: stated privacy concern
PC01 and the words they actually posted), r is calibrated from it: the Spearman
correlation of mean concern (item 3 reversed) with *fewer* words posted,
turned into a latent correlation with the Gaussian-copula relation
r = 2·sin(π·ρ/6) (about 0.15 on that file); its words column also gives the
distribution of ``content_posted_words`` (58 % post nothing). The file is only
read, never copied. Without it, a zero-inflated log-normal stands in.

Stated answers follow C (and only a little E): the concern matrix (worry,
control, the reverse-coded no_concern), "I read privacy notices"
(reads_terms, mostly C plus social desirability), policy_reading, the stated
protective actions; trust and NPS fall slightly with C. The survey's logic is
respected: switched_why only after "switched", "none" never with another
action, the improve section skipped when NPS ≥ 9, no answer to a question
whose consent purpose was not granted (the newsletter question needs
marketing). About 4 % fail the attention check; 3 % rush through in a fifth
of the usual time. Quality flags (speeders against the running median,
straight-liners, attention checks), quiz results and the disclosure
behaviour come from `response_finish`, the function every real completion
takes them from. Every generated response is checked with ``clean_answers``.

Consent follows E: the optional purposes are mostly granted (behavioural
measurement by about 85 %, marketing by about 55 %). Enacted behaviour
follows E and is recorded only with behavioural consent, in the shapes the
services write: at the consent screen (source ``in_survey``, linked to the
response) notice_opened (about one in five), terms_accepted_unread when not
opened, notice_dwell_ms (about 1 s when the notice is not opened, 9 s when it
is), optional_purpose_granted per optional purpose granted, and at completion
optional_field_disclosed for the optional age question; later, from the
brand's channels (source ``api``, privacy-comfort only), ad_blocker_detected,
marketing_opt_out, data_access_request and account_deleted (a minority) and
content_posted_words. Because r is small, most people who *say* they worry
and read notices still accept them unread: the privacy paradox the dashboards
show.

The seeded responses are announced after commit like real ones (one
``response_submitted`` per survey, which drains every waiting response, and
``events_ingested`` in batches), so the rollups and scores are computed by
the same Celery tasks: in the process itself in eager mode, by the workers
otherwise.
"""

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.demo.seed import DEFAULT_RESPONSES, SeedError, SeedResult, seed_demo
from surveys.touchpoints.selectors import follow_up_list

MIN_RESPONSES_FOR_ACTIVITY = 1000


class Command(BaseCommand):
    help = "Create the demo organization, users, live surveys, API key and synthetic data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--responses",
            type=int,
            default=DEFAULT_RESPONSES,
            help=f"privacy-comfort responses to generate (default {DEFAULT_RESPONSES})",
        )
        parser.add_argument(
            "--quiz-responses",
            type=int,
            default=None,
            help="privacy-quiz responses to generate (default: 15%% of --responses)",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="one password for all demo users instead of the per-role demo passwords",
        )
        parser.add_argument(
            "--new-api-key",
            action="store_true",
            help="revoke the demo API key and create (and print) a new one",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="base URL printed for the links (default http://127.0.0.1:$PORT, PORT=8000)",
        )

    def handle(self, *args: object, **options: object) -> None:
        responses = options["responses"]
        quiz = options["quiz_responses"]
        assert isinstance(responses, int)
        if responses < 0 or (isinstance(quiz, int) and quiz < 0):
            raise CommandError("Response counts must not be negative.")
        try:
            result = seed_demo(
                responses=responses,
                quiz_responses=quiz if isinstance(quiz, int) else None,
                password=options["password"] or None,  # type: ignore[arg-type]
                new_api_key=bool(options["new_api_key"]),
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        from surveys.demo.seed import _quiet_eager_tasks
        from surveys.demo.transparency import seed_transparency_activity

        # Sized for the default 2,000 responses: a smaller demo's withdrawals,
        # requests and exports would all be withheld (fewer than the minimum cell).
        if responses < MIN_RESPONSES_FOR_ACTIVITY:
            activity = None
        else:
            with _quiet_eager_tasks():
                activity = seed_transparency_activity(organization=result.organization)
        if activity is not None and activity.created:
            self.stdout.write(
                f"Transparency activity: {activity.withdrawals_marketing} marketing and "
                f"{activity.withdrawals_all} full withdrawals, {activity.downloads} data "
                f"downloads, {activity.erasures} erasures, {activity.exports} research exports"
            )
        base = options["base_url"] or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
        self._print(result, str(base).rstrip("/"))

    def _print(self, result: SeedResult, base: str) -> None:
        out = self.stdout.write
        bold = self.style.MIGRATE_HEADING
        org = result.organization
        out(bold("TrustPulse demo data"))
        state = "created" if result.organization_created else "already there"
        out(f"  organization  {org.name} ({org.slug}, {org.timezone}): {state}")
        for s in result.surveys:
            made = (
                f"{s.responses_created} generated"
                if s.responses_created
                else "none generated (it already has responses)"
                if s.responses_total
                else "none generated"
            )
            out(
                f"  {s.kind:<6}        {s.slug} ({s.status}): "
                f"{s.responses_total} complete responses, {made}"
            )
        notice = result.notice
        consents = (
            f", {result.consents_created} consents generated" if result.consents_created else ""
        )
        out(f"  consent       notice {notice.notice.slug} v{notice.number} (published){consents}")
        if result.events_created:
            out(f"  behaviour     {result.events_created} events generated")
        for f in follow_up_list(organization_id=org.pk):
            state = "active" if f.active else "switched off"
            codes = (
                f", codes {f.codes_remaining} of {f.codes_total} left"
                if f.reward_kind == "code"
                else ""
            )
            out(
                f"  follow-up     {f.name!r} on {f.survey.slug} ({f.purpose}, {state}): "
                f"{f.sent} sent or shown, {f.held_out} held out, {f.waiting} waiting for an "
                f"email{codes}"
            )
        cal = result.calibration
        detail = f", Spearman ρ={cal.spearman:.3f}" if cal.spearman is not None else ""
        out(f"  calibration   latent r={cal.latent_r:.3f} from {cal.source}{detail}")
        out(f"  took          {result.seconds:.1f} s")
        out("")
        out(bold("Open"))
        out(f"  TrustPulse      {base}/")
        for s in result.surveys:
            out(f"  {s.kind + ' link':<15} {base}/s/{s.slug}/")
        out(f"  Django admin    {base}/admin/")
        out(f"  API docs        {base}/api/docs/")
        out("")
        out(bold("Demo logins (for a local demo only: never use these passwords elsewhere)"))
        out(f"  {'username':<16} {'password':<24} role")
        for login in result.logins:
            extra = " (Django superuser)" if login.superuser else " (staff)" if login.staff else ""
            out(f"  {login.username:<16} {login.password:<24} {login.role}{extra}")
        out("")
        key = result.api_key
        if result.api_key_plaintext:
            out(bold("API key (all scopes)"))
            out(f"  {result.api_key_plaintext}")
            out(
                self.style.WARNING(
                    "  Copy it now: only its hash is stored, so it cannot be shown again."
                )
            )
        else:
            out(bold("API key (all scopes)"))
            out(
                f"  '{key.name}' (tp_{key.prefix}_…) exists; its secret was printed when it "
                "was created and cannot be shown again. --new-api-key replaces it."
            )
