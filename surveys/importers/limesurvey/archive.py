"""A LimeSurvey survey archive (.lsa): a zip of the structure (.lss) and the survey's data.

The structure is imported; the responses (.lsr), participants (.lst) and
timings (.lsi) it also holds are not (reported).
"""

import io
import zipfile
from dataclasses import replace

from django.conf import settings

from ...enums import ReportAction
from ..report import ImportResult, ReportItem, file_error
from .mapping import parse_limesurvey

DATA_PARTS = {".lsr": "responses", ".lst": "participants", ".lsi": "timings"}


def parse_archive(raw: bytes) -> ImportResult:
    """Import the survey structure a .lsa archive holds."""
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            structures = [i for i in infos if i.filename.lower().endswith(".lss")]
            if len(structures) != 1:
                raise file_error(
                    "wrong_format", "A LimeSurvey archive (.lsa) holds one survey structure (.lss)."
                )
            [info] = structures
            if info.file_size > limit:
                raise file_error("too_large", "The archive unpacks to more than the import limit.")
            with archive.open(info) as member:
                lss = member.read(limit + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise file_error("corrupt", "The archive is damaged (not a valid zip file).") from None
    if len(lss) > limit:
        raise file_error("too_large", "The archive unpacks to more than the import limit.")
    result = parse_limesurvey(lss)
    left = [
        ReportItem(
            action=ReportAction.SKIPPED,
            location=f"archive {i.filename}",
            message=f"the survey's {DATA_PARTS[suffix]} are not imported (only its structure)",
        )
        for i in infos
        for suffix in DATA_PARTS
        if i.filename.lower().endswith(suffix)
    ]
    return replace(result, items=(*left, *result.items)) if left else result
