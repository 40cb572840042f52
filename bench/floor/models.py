"""The benchmark floor: a payload stored as one row, with no validation.

Only reachable when ``BENCH_FLOOR_ENABLED`` is true (see bench/submit.py); it
measures what the same app costs at the least, so the real submission path
can be compared with it in one run.
"""

from django.db import models


class BenchFloorRecord(models.Model):
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"floor record {self.pk}"
