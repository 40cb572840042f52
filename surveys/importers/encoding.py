"""Text encodings of uploaded files.

Read: UTF-8 (with or without a byte-order mark), UTF-16 and UTF-32 (with a
byte-order mark, or UTF-16 without one, recognized by its zero bytes), and
for XML whatever its declaration names (e.g. ISO-8859-1). Anything else is
refused with a message naming the encoding that was found.
"""

import codecs
import re

from django.utils.translation import gettext as _

from .report import file_error

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def wide_encoding(raw: bytes) -> str | None:
    """utf-16/utf-32 when the bytes are in one of them (by BOM, or by UTF-16's zero bytes)."""
    for bom, name in BOMS:
        if raw.startswith(bom):
            return None if name == "utf-8-sig" else name
    head = raw[:512]
    if len(head) >= 4 and head[1::2].count(0) > len(head) * 0.4 and 0 not in head[0::2][:2]:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) * 0.4 and 0 not in head[1::2][:2]:
        return "utf-16-be"
    return None


def to_utf8(raw: bytes) -> bytes:
    """A UTF-16/32 text file as UTF-8 (an XML declaration then says UTF-8); others unchanged."""
    encoding = wide_encoding(raw)
    if encoding is None:
        return raw
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise file_error(
            "encoding",
            _("The file looks like %(encoding)s text but cannot be decoded.")
            % {"encoding": encoding.upper()},
        ) from None
    text = text.lstrip("\ufeff")
    text = re.sub(
        r"^(\s*<\?xml[^>]*\bencoding\s*=\s*)[\"'][^\"']*[\"']", r'\1"UTF-8"', text, count=1
    )
    return text.encode("utf-8")


def guess(raw: bytes) -> str:
    """The most likely encoding of bytes that are not UTF-8 (for the refusal message)."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    return best.encoding.replace("_", "-").upper() if best is not None else _("an unknown encoding")


def decode_text(raw: bytes, what: str) -> str:
    """UTF-8 text (a BOM is dropped), or a refusal that names the encoding found.

    `what` names the kind of file: "CSV", "JSON", "XML".
    """
    try:
        return to_utf8(raw).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8(raw, what) from None


def not_utf8(raw: bytes, what: str) -> Exception:
    return file_error(
        "encoding",
        _(
            "The %(kind)s file is not UTF-8 or UTF-16 text (it looks like %(encoding)s):"
            " save it as UTF-8."
        )
        % {"kind": what, "encoding": guess(raw)},
    )


def declared_encoding(raw: bytes) -> str | None:
    m = XML_DECLARATION.match(raw)
    return m.group(1).decode("ascii") if m else None
