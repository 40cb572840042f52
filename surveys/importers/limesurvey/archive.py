"""A LimeSurvey survey archive (.lsa): a zip of the structure (.lss) and the survey's data.

The structure is imported; the responses (.lsr), participants (.lst) and
timings (.lsi) it also holds are not (reported).
"""

import io
import zipfile
from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...enums import ReportAction
from ..report import ImportResult, ReportItem, file_error
from .mapping import parse_limesurvey

DATA_PARTS = {
    ".lsr": gettext_lazy("the survey's responses are not imported (only its structure)"),
    ".lst": gettext_lazy("the survey's participants are not imported (only its structure)"),
    ".lsi": gettext_lazy("the survey's timings are not imported (only its structure)"),
}


def parse_archive(raw: bytes) -> ImportResult:
    """Import the survey structure a .lsa archive holds."""
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            structures = [i for i in infos if i.filename.lower().endswith(".lss")]
            if len(structures) != 1:
                raise file_error(
                    "wrong_format",
                    _("A LimeSurvey archive (.lsa) holds one survey structure (.lss)."),
                )
            [info] = structures
            if info.file_size > limit:
                raise file_error(
                    "too_large", _("The archive unpacks to more than the import limit.")
                )
            with archive.open(info) as member:
                lss = member.read(limit + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise file_error("corrupt", _("The archive is damaged (not a valid zip file).")) from None
    if len(lss) > limit:
        raise file_error("too_large", _("The archive unpacks to more than the import limit."))
    result = parse_limesurvey(lss)
    left = [
        ReportItem(
            action=ReportAction.SKIPPED,
            location=f"archive {i.filename}",
            message=str(DATA_PARTS[suffix]),
        )
        for i in infos
        for suffix in DATA_PARTS
        if i.filename.lower().endswith(suffix)
    ]
    return replace(result, items=(*left, *result.items)) if left else result
