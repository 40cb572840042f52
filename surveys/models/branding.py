"""How respondent pages look: per organization, overridable per survey.

A row belongs to exactly one organization (the default of its surveys) or one
survey (its own look, used instead of the organization's). Colours are
``#rrggbb``; the services refuse pairs under WCAG AA contrast. The logo is a
small PNG, JPEG or WebP image kept in the row itself (no media storage to run),
served by the respondent pages' own address with its alternative text.
"""

from django.db import models
from django.db.models import Q

from ..enums import BrandFont
from .accounts import Organization
from .definitions import Survey


class Branding(models.Model):
    organization = models.OneToOneField(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="branding"
    )
    survey = models.OneToOneField(
        Survey, null=True, blank=True, on_delete=models.CASCADE, related_name="branding"
    )
    # Links, buttons, progress and focus accents; text on buttons; page text and background.
    accent = models.CharField(max_length=7, default="#0b5394")
    accent_text = models.CharField(max_length=7, default="#ffffff")
    text = models.CharField(max_length=7, default="#17202e")
    background = models.CharField(max_length=7, default="#f3f5f8")
    font = models.CharField(max_length=16, choices=BrandFont.choices, default=BrandFont.SYSTEM)
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=32, blank=True)
    logo_alt = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(survey__isnull=True))
                | (Q(organization__isnull=True) & Q(survey__isnull=False)),
                name="branding_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(font__in=BrandFont.values), name="branding_font_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"branding of {self.survey or self.organization}"
