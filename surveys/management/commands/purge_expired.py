"""Delete (or anonymize) data whose consent purpose's retention period has passed."""

from django.core.management.base import BaseCommand

from surveys.consent.services.rights import purge_expired


class Command(BaseCommand):
    help = (
        "Apply each consent purpose's retention period: data a purpose covers goes once "
        "its period has passed since submission. --dry-run lists what would go."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):  # type: ignore[no-untyped-def]
        items = purge_expired(dry_run=dry_run)
        verb = "would purge" if dry_run else "purged"
        for item in items:
            scope = "whole response" if item.whole_response else ", ".join(item.purposes)
            self.stdout.write(
                f"{verb} {item.organization} receipt {item.receipt_id}: {scope} "
                f"({item.answers} answers, {item.events} behaviour events)"
            )
        self.stdout.write(f"{len(items)} consent record(s) {verb}.")
