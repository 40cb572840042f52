"""Unlock an account or a client address locked out after failed sign-ins."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Clear the failed sign-ins of an account and/or a client address: "
        "`signin_unlock --username alice`, `signin_unlock --address 203.0.113.9`."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--username", default="", help="the account to unlock")
        parser.add_argument("--address", default="", help="the client IP address to unlock")

    def handle(self, *args, username: str, address: str, **options):  # type: ignore[no-untyped-def]
        from surveys.accounts.services.signin import signin_unlock

        if not username and not address:
            raise CommandError("Give --username, --address or both.")
        cleared = signin_unlock(username=username, ip_address=address, via="command")
        self.stdout.write(f"Cleared {cleared} failed sign-in record(s).")
