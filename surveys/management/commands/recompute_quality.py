"""Recompute a survey's quality flags with the current rule, then its rollups."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from surveys.models import Survey
from surveys.responses.services.quality import response_quality_recompute


class Command(BaseCommand):
    help = (
        "Recompute the quality flags (attention checks, straight-lining) of a survey's "
        "responses with the current rule (docs/METRICS.md), then rebuild its rollups."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("survey", help="Survey slug or id")

    def handle(self, *args, survey: str, **options):  # type: ignore[no-untyped-def]
        found = Survey.objects.filter(slug=survey).first()
        if found is None and survey.isdigit():
            found = Survey.objects.filter(pk=int(survey)).first()
        if found is None:
            raise CommandError(f"No survey with slug or id {survey!r}.")
        n = response_quality_recompute(survey=found)
        self.stdout.write(f"Quality flags of {n} responses of {found.slug} changed.")
        if n:
            call_command("rebuild_rollups", found.slug, stdout=self.stdout)
