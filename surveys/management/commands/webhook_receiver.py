"""A reference webhook receiver: verify each event's signature and print it.

``manage.py webhook_receiver --secret whsec_… [--port 8765] [--log events.jsonl]``
prints one JSON line per request (id, type, verified, duplicate) and answers
204 (or ``--status``) when the signature holds, 400 when it does not. Give
``--secret`` twice during a secret rotation's overlap. See docs/WEBHOOKS.md.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from surveys.integrations.receiver import Received, as_json_line, serve


class Command(BaseCommand):
    help = "Receive webhooks on loopback, verify their Standard Webhooks signatures, print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--secret", action="append", required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--status", type=int, default=204)
        parser.add_argument("--log", default="", help="also append each line to this file")
        parser.add_argument("--payload", action="store_true", help="print the whole payload")

    def handle(self, *args: Any, **options: Any) -> None:
        log_path = options["log"]

        def on_event(record: Received) -> None:
            line = as_json_line(record, with_payload=options["payload"])
            self.stdout.write(line)
            self.stdout.flush()
            if log_path:
                with open(log_path, "a", encoding="utf-8") as f:
                    f.write(as_json_line(record, with_payload=True) + "\n")

        server = serve(
            host=options["host"],
            port=options["port"],
            secrets=options["secret"],
            status=options["status"],
            on_event=on_event,
        )
        self.stderr.write(f"listening on http://{options['host']}:{options['port']}/")
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
