"""Qualtrics survey files (.qsf)."""

from .mapping import parse_qualtrics

__all__ = ["parse_qualtrics"]
