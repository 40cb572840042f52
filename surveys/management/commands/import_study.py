"""Load public study data as a survey with behaviour events (see surveys/studies)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STUDIES = {"privacy_calc_exp": "privacy_calc_exp.csv"}


class Command(BaseCommand):
    help = "Import a public study: `import_study privacy_calc_exp [CSV]`."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("study", choices=sorted(STUDIES))
        parser.add_argument(
            "csv", nargs="?", help="Path of the CSV (default: ../shared/datasets/<file>)."
        )

    def handle(self, *args, study: str, csv: str | None = None, **options):  # type: ignore[no-untyped-def]
        from surveys.studies import privacy_calc_exp

        path = (
            Path(csv)
            if csv
            else Path(settings.BASE_DIR).parent / "shared" / "datasets" / STUDIES[study]
        )
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        survey = privacy_calc_exp.load(path)
        n = survey.responses.count()
        # Take the responses into the rollups now (the sweep would, within a minute).
        call_command("rebuild_rollups", survey.slug, stdout=self.stdout)
        self.stdout.write(
            f"Imported {n} responses into survey {survey.slug} "
            f"(organization {survey.organization.slug})."
        )
