"""The spellings of XLSForm types and columns that pyxform accepts, reduced to one each.

`select one from L`, `select1 L`, `select all that apply from L`, `add select
one prompt using L`, … are `select_one L` / `select_multiple L`; `or specify
other` and `or other` are `or_other`; `string`, `int`, `q date`, `add note
prompt`, `get start time`, … are `text`, `integer`, `date`, `note`, `start`.
"""

import re
from dataclasses import dataclass

SELECT_SPELLINGS = {
    "select_one": "select_one",
    "select one": "select_one",
    "select1": "select_one",
    "q select1": "select_one",
    "select one from": "select_one",
    "select one using": "select_one",
    "add select one prompt using": "select_one",
    "select_multiple": "select_multiple",
    "select all that apply": "select_multiple",
    "select all that apply from": "select_multiple",
    "select multiple from": "select_multiple",
    "select multiple using": "select_multiple",
    "add select multiple prompt using": "select_multiple",
    "q select": "select_multiple",
    "rank": "rank",
    "select_one_from_file": "select_one_from_file",
    "select one from file": "select_one_from_file",
    "select_multiple_from_file": "select_multiple_from_file",
    "select multiple from file": "select_multiple_from_file",
    "select_one_external": "select_one_external",
    "select one external": "select_one_external",
}
SELECT_RE = re.compile(
    r"^(?P<kind>"
    + "|".join(re.escape(k) for k in sorted(SELECT_SPELLINGS, key=len, reverse=True))
    + r")\s+(?P<list>\S+)(?:\s+(?P<other>or specify other|or_other|or other))?$",
    re.IGNORECASE,
)
ALIASES = {
    "text": ("string", "q string", "add text prompt"),
    "integer": ("int", "q int", "add integer prompt"),
    "decimal": ("q decimal", "add decimal prompt"),
    "date": ("q date", "add date prompt"),
    "datetime": ("q date time", "q datetime", "date time", "add date time prompt"),
    "note": ("q note", "add note prompt"),
    "acknowledge": ("q acknowledge", "add acknowledge prompt", "trigger"),
    "calculate": ("q calculate", "add calculate prompt"),
    "image": ("q picture", "photo", "q image", "add image prompt"),
    "audio": ("q audio", "add audio prompt"),
    "video": ("q video", "add video prompt"),
    "geopoint": ("q geopoint", "location", "q location", "add location prompt", "gps"),
    "geoshape": ("q geoshape",),
    "geotrace": ("q geotrace",),
    "barcode": ("q barcode", "add barcode prompt"),
    "file": ("add file prompt",),
    "start": ("get start time", "start time"),
    "end": ("get end time", "end time"),
    "today": ("get today",),
    "deviceid": ("device id", "get device id", "imei", "uri:deviceid"),
    "subscriberid": ("subscriber id", "get subscriber id", "uri:subscriberid"),
    "simserial": ("sim id", "get sim id", "uri:simserial"),
    "phonenumber": ("phone number", "get phone number", "uri:phonenumber"),
    "username": ("uri:username",),
    "email": ("uri:email",),
}
CANONICAL = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
# columns whose language pyxform reads after one colon as well as two (label:English)
TRANSLATABLE = {
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "image",
    "audio",
    "video",
    "big-image",
    "media",
}


@dataclass(frozen=True, kw_only=True)
class RowType:
    base: str  # select_one, select_multiple, rank, text, integer, …
    list_name: str = ""
    or_other: bool = False
    spelled: str = ""  # as the sheet has it


def row_type(raw: str) -> RowType:
    """The canonical type of a survey row's `type` cell."""
    spelled = re.sub(r"\s+", " ", raw.strip())
    m = SELECT_RE.match(spelled)
    if m:
        return RowType(
            base=SELECT_SPELLINGS[m.group("kind").lower()],
            list_name=m.group("list"),
            or_other=bool(m.group("other")),
            spelled=spelled,
        )
    lower = spelled.lower()
    return RowType(base=CANONICAL.get(lower, lower.split(" ")[0]), spelled=spelled)


def split_column(column: str) -> tuple[str, str]:
    """`label::English (en)` (or `label:English (en)`) → ("label", "English (en)")."""
    if "::" in column:
        name, _, lang = column.partition("::")
        return name.strip(), lang.strip()
    name, sep, lang = column.partition(":")
    if sep and name.strip() in TRANSLATABLE and lang.strip():
        return name.strip(), lang.strip()
    return column, ""
