"""LimeSurvey survey structure (.lss) and survey archive (.lsa)."""

from .archive import parse_archive
from .mapping import parse_limesurvey

__all__ = ["parse_archive", "parse_limesurvey"]
