"""Organization-defined behaviour kinds (the built-in ones live in surveys.behaviour)."""

from django.db import models

from ..behaviour import BehaviourKind
from ..enums import BEHAVIOURAL_MEASUREMENT, Direction
from .accounts import Organization


class BehaviourKindDefinition(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="behaviour_kinds"
    )
    code = models.SlugField(max_length=64)
    description = models.CharField(max_length=300)
    value_schema = models.JSONField()
    direction = models.CharField(max_length=20, choices=Direction.choices)
    transform = models.JSONField()
    purpose = models.CharField(max_length=64, default=BEHAVIOURAL_MEASUREMENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="uniq_org_kind"),
        ]

    def __str__(self) -> str:
        return self.code

    def as_kind(self) -> BehaviourKind:
        return BehaviourKind(
            code=self.code,
            description=self.description,
            value_schema=self.value_schema,
            direction=Direction(self.direction),
            transform=self.transform,
            purpose=self.purpose,
        )
