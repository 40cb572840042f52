"""Print the backlog (submissions not written out, responses not aggregated) as JSON.

The same figures as `GET /healthz/backlog` and the studio's processing page
(surveys/backlog.py). With `--wait-empty N` it waits up to N seconds for the
backlog to empty and fails if it does not (deployment checks).
"""

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from surveys.backlog import backlog


class Command(BaseCommand):
    help = "Print the workers' backlog (size and oldest waiting age) as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--wait-empty", type=float, default=0.0, metavar="SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        deadline = time.monotonic() + options["wait_empty"]
        found = backlog()
        while not found.empty and time.monotonic() < deadline:
            time.sleep(0.5)
            found = backlog()
        self.stdout.write(json.dumps(found.as_json()))
        if options["wait_empty"] and not found.empty:
            raise CommandError("the backlog did not empty in time")
