"""Figures of the holdout panel as text: withheld, or a value with its 95 % interval."""

from django import template
from django.utils.translation import gettext as _

from ..services.disclosure import Figure

register = template.Library()


def _fmt(value: float, signed: bool, digits: int = 1) -> str:
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _ci(f: Figure, scale: float, signed: bool, unit: str) -> str:
    if f.suppressed or f.value is None:
        return _("withheld")
    text = _fmt(f.value * scale, signed) + unit
    if f.ci_low is not None and f.ci_high is not None:
        low, high = _fmt(f.ci_low * scale, signed), _fmt(f.ci_high * scale, signed)
        text += " " + _("(95%% CI %(low)s to %(high)s)") % {"low": low, "high": high}
    return text


@register.filter
def people(f: Figure) -> str:
    return _("withheld") if f.suppressed or f.n is None else str(f.n)


@register.filter
def index_ci(f: Figure, mode: str = "") -> str:
    return _ci(f, 100, mode == "signed", "")


@register.filter
def share_ci(f: Figure, mode: str = "") -> str:
    return _ci(f, 100, mode == "signed", " %")
