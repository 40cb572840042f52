"""Which format a file is in, from its content (the file name only breaks ties)."""

import json
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import ImportFormat
from .encoding import not_utf8
from .report import file_error

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect(raw: bytes, filename: str = "") -> tuple[str, str, Any]:
    """(format, container, parsed JSON or None) of an uploaded file.

    The container says how to read it: json, xml, lsa (a LimeSurvey archive), xlsx, xls
    or csv.
    """
    name = filename.lower()
    if not raw.strip():
        raise file_error("empty", _("The file is empty."))
    if raw.startswith(ZIP_MAGIC):
        if b"xl/workbook" in raw or name.endswith(".xlsx"):
            return ImportFormat.XLSFORM, "xlsx", None
        if b".lss" in raw or name.endswith(".lsa"):  # member names are stored in plain text
            return ImportFormat.LIMESURVEY, "lsa", None
        raise file_error(
            "wrong_format",
            _("This zip archive is not an Excel workbook (.xlsx) or a LimeSurvey archive (.lsa)."),
        )
    if raw.startswith(OLE_MAGIC):
        return ImportFormat.XLSFORM, "xls", None
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise not_utf8(raw, "JSON") from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise file_error(
                "corrupt", _("The file looks like JSON but is not valid JSON.")
            ) from None
        return _json_format(data), "json", data
    if head == b"<":
        return ImportFormat.LIMESURVEY, "xml", None
    if b"\x00" in raw[:4096]:
        raise file_error("wrong_format", str(_UNKNOWN))
    return ImportFormat.XLSFORM, "csv", None


_UNKNOWN = gettext_lazy(
    "The format was not recognized: upload SurveyJS JSON, a LimeSurvey .lss, "
    "a Qualtrics .qsf, an XLSForm (.xlsx, .xls, .csv) or a TrustPulse definition."
)


def _json_format(data: Any) -> str:
    if isinstance(data, dict):
        if "SurveyEntry" in data and "SurveyElements" in data:
            return ImportFormat.QUALTRICS
        if "schema_version" in data and "sections" in data:
            return ImportFormat.TRUSTPULSE
        if isinstance(data.get("pages"), list) or isinstance(data.get("elements"), list):
            return ImportFormat.SURVEYJS
    raise file_error("wrong_format", str(_UNKNOWN))
