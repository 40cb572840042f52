from django.db import models


class FloorResponse(models.Model):
    answers = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"floor response {self.pk}"
