"""Branding rules that need no database: WCAG contrast, safe fonts, logo formats.

Contrast follows WCAG 2.2 (relative luminance of sRGB colours, ratio
``(L1 + 0.05) / (L2 + 0.05)``); AA asks 4.5:1 for normal text. Every pair a
respondent reads is checked: text on the page background and on the white
question cards, links (the accent) on both, and button text on the accent.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from .enums import BrandFont

CARD = "#ffffff"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_LOGO_BYTES = 200_000

FONT_STACKS: dict[str, str] = {
    BrandFont.SYSTEM: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", '
    '"Helvetica Neue", Arial, "Noto Sans CJK TC", "PingFang TC", "Microsoft JhengHei", sans-serif',
    BrandFont.HUMANIST: 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", '
    '"Noto Sans", "Noto Sans CJK TC", "PingFang TC", sans-serif',
    BrandFont.SERIF: 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, '
    '"Noto Serif", "Noto Serif CJK TC", "PMingLiU", serif',
    BrandFont.ROUNDED: 'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, '
    'Manjari, "Arial Rounded MT", Calibri, "Noto Sans CJK TC", sans-serif',
    BrandFont.MONO: 'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, '
    '"DejaVu Sans Mono", "Noto Sans Mono CJK TC", monospace',
}

# The pairs respondents read: (foreground field, background field or CARD, what it is).
CONTRAST_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("text", "background", gettext_noop("page text on the page background")),
    ("text", CARD, gettext_noop("question text on the white cards")),
    ("accent", "background", gettext_noop("links on the page background")),
    ("accent", CARD, gettext_noop("links and borders on the white cards")),
    ("accent_text", "accent", gettext_noop("button text on the accent colour")),
)

LOGO_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


@dataclass(frozen=True, kw_only=True)
class Look:
    """The colours and font a respondent page uses (defaults: TrustPulse's own)."""

    accent: str = "#0b5394"
    accent_text: str = "#ffffff"
    text: str = "#17202e"
    background: str = "#f3f5f8"
    font: str = BrandFont.SYSTEM
    logo_url: str = ""
    logo_alt: str = ""
    source: str = "default"  # "default", "organization" or "survey"

    @property
    def font_stack(self) -> str:
        return FONT_STACKS.get(self.font, FONT_STACKS[BrandFont.SYSTEM])

    @property
    def accent_dark(self) -> str:
        """The accent 25% darker (hover and pressed states keep their contrast)."""
        return mix(self.accent, "#000000", 0.25)

    @property
    def accent_tint(self) -> str:
        return mix(self.accent, "#ffffff", 0.9)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, weight: float) -> str:
    """`a` moved `weight` (0..1) of the way towards `b`."""
    out = []
    for i in (1, 3, 5):
        x, y = int(a[i : i + 2], 16), int(b[i : i + 2], 16)
        out.append(round(x + (y - x) * weight))
    return "#" + "".join(f"{v:02x}" for v in out)


def logo_type(data: bytes) -> str | None:
    """The content type of a PNG, JPEG or WebP image by its first bytes, else None."""
    for magic, kind in LOGO_TYPES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
