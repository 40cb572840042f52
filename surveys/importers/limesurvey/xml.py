"""Reading the XML of a LimeSurvey .lss file safely, with a refusal that says why it failed."""

import codecs
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from ..encoding import declared_encoding, not_utf8
from ..report import file_error


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def read_xml(raw: bytes) -> Any:
    """The root element; raises ServiceValidationError (field `file`) when it cannot be read."""
    try:
        return fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise file_error(
            "unsafe_xml", _("The XML declares a DTD or entities; such files are refused.")
        ) from None
    except Exception:  # ParseError and anything the parser raises on broken input
        declared = declared_encoding(raw)
        if declared is None and not _is_utf8(raw):
            raise not_utf8(raw, "XML") from None
        if declared is not None and not _known_codec(declared):
            raise file_error(
                "encoding",
                _("The XML declares the encoding %(name)s, which cannot be read.")
                % {"name": repr(declared)},
            ) from None
        raise file_error("corrupt", _("The file is not well-formed XML.")) from None
