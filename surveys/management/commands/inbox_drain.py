"""Write out every accepted API submission still waiting in the inbox, now.

What beat's `inbox_drain` sweep does, run by hand (for example after a broker
outage, or before a maintenance window). Prints how many were written out and
how many stay pending because they could not be written (see their
`last_error` in the admin).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand

from surveys.models import SubmissionInbox
from surveys.responses.services.inbox import inbox_drain


class Command(BaseCommand):
    help = "Write out the accepted API submissions still waiting in the inbox."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = inbox_drain()
        seconds = time.perf_counter() - started
        stuck = SubmissionInbox.objects.filter(materialized_at__isnull=True).count()
        rate = f" ({written / seconds:.1f}/s)" if written and seconds > 0 else ""
        self.stdout.write(
            f"written out: {written} in {seconds:.2f} s{rate}; still pending: {stuck}"
        )
