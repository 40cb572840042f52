"""Recompute a survey's rollups from raw data (equal to the incremental result)."""

from django.core.management.base import BaseCommand, CommandError

from dashboards.services import rollups_rebuild
from surveys.models import Survey


class Command(BaseCommand):
    help = "Recompute every rollup of a survey (by slug or id) from its raw answers."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("survey", help="Survey slug or id")

    def handle(self, *args, survey: str, **options):  # type: ignore[no-untyped-def]
        found = Survey.objects.filter(slug=survey).first()
        if found is None and survey.isdigit():
            found = Survey.objects.filter(pk=int(survey)).first()
        if found is None:
            raise CommandError(f"No survey with slug or id {survey!r}.")
        n = rollups_rebuild(survey_id=found.pk)
        self.stdout.write(f"Rebuilt the rollups of {found.slug} from {n} responses.")
