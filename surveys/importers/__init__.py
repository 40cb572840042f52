"""Importers (SurveyJS, LimeSurvey, Qualtrics, XLSForm) and exporters (SurveyJS, XLSForm).

`import_file(raw, filename)` detects the format from the content, maps the
source into the internal definition document (docs/DEFINITIONS.md) and
returns it with the report of everything approximated or skipped. It writes
nothing: `surveys.importers.services` validates the document with the same
rules as the JSON import and creates the draft.
"""

import copy
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ..enums import ImportFormat
from .detect import OLE_MAGIC, ZIP_MAGIC, detect
from .encoding import to_utf8
from .report import ImportResult, NoticeDraft, ReportItem, file_error


def import_file(raw: bytes, filename: str = "") -> ImportResult:
    """The definition and report of an uploaded file; raises ServiceValidationError."""
    limit = settings.IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise file_error("too_large", _("The file is larger than %(n)s bytes.") % {"n": limit})
    if not raw.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raw = to_utf8(raw)  # UTF-16 and UTF-32 text files are read as UTF-8
    fmt, container, data = detect(raw, filename)
    try:
        return _parse(fmt, container, raw, data)
    except (TypeError, AttributeError, KeyError, ValueError, IndexError, RecursionError):
        # A value of an unexpected kind deep in the file (a number where a list belongs…).
        label = ImportFormat(fmt).label
        raise file_error(
            "invalid",
            _(
                "The file is not a %(format)s file as that tool writes it: a part of it"
                " has an unexpected shape."
            )
            % {"format": label},
        ) from None


def _parse(fmt: str, container: str, raw: bytes, data: Any) -> ImportResult:
    if fmt == ImportFormat.TRUSTPULSE:
        return ImportResult(format=fmt, document=copy.deepcopy(data))
    if fmt == ImportFormat.SURVEYJS:
        from .surveyjs import parse_surveyjs

        return parse_surveyjs(data)
    if fmt == ImportFormat.QUALTRICS:
        from .qualtrics import parse_qualtrics

        return parse_qualtrics(data)
    if fmt == ImportFormat.LIMESURVEY:
        from .limesurvey import parse_archive, parse_limesurvey

        return parse_archive(raw) if container == "lsa" else parse_limesurvey(raw)
    from .xlsform import parse_xlsform

    return parse_xlsform(raw, container)


__all__ = ["ImportResult", "NoticeDraft", "ReportItem", "import_file"]
