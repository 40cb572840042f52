"""Codebooks shipped in every export: Frictionless Data Package, DDI Codebook 2.5, Markdown.

Pure functions from the export's variables and anonymization report to text.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from ..enums import ExportLayout
from .table import Variable

DDI_NS = "ddi:codebook:2_5"
REPORT_FIGURES = ["k_requested", "k_achieved", "l_requested", "l_achieved"]
REPORT_FIGURES += ["records_dropped", "values_suppressed"]
# The types of the markdown codebook's table, in words.
VARIABLE_TYPES = {
    "integer": gettext_lazy("integer"),
    "number": gettext_lazy("number"),
    "string": gettext_lazy("text"),
    "date": gettext_lazy("date"),
}
FRICTIONLESS_TYPES = {"integer": "integer", "number": "number", "string": "string", "date": "date"}


@dataclass(frozen=True, kw_only=True)
class ExportMeta:
    """What a codebook says about the export as a whole."""

    export_id: str
    title: str
    organization: str
    survey_slug: str
    versions: list[int]
    format: str
    layout: str
    data_file: str
    csv_file: str | None  # the CSV the datapackage describes (None: the data file itself)
    created_at: str
    purpose: str
    locale: str
    report: dict[str, Any] = field(default_factory=dict)
    dp_releases: list[dict[str, Any]] = field(default_factory=list)
    bom: bool = False


def datapackage(meta: ExportMeta, variables: list[Variable]) -> dict[str, Any]:
    """A Frictionless Data Package describing the export's table."""
    fields = []
    for v in variables:
        f: dict[str, Any] = {
            "name": v.name,
            "title": v.label,
            "type": FRICTIONLESS_TYPES.get(v.type, "string"),
        }
        description = " ".join(
            x for x in (v.question_text if v.question_text != v.label else "", v.note) if x
        )
        if description:
            f["description"] = description
        if v.value_labels:
            f["categories"] = [{"value": c, "label": lab} for c, lab in v.value_labels]
            f["constraints"] = {"enum": [c for c, _ in v.value_labels]}
            if v.ordered:
                f["categoriesOrdered"] = True
        if v.role == "id":
            f["constraints"] = {"required": True}
        fields.append(f)
    path = meta.csv_file or meta.data_file
    fmt = path.rsplit(".", 1)[-1]
    resource: dict[str, Any] = {
        "name": "responses",
        "path": path,
        "profile": "tabular-data-resource",
        "format": fmt,
        "schema": {"fields": fields, "missingValues": [""]},
    }
    if fmt == "csv":
        resource.update({"mediatype": "text/csv", "encoding": "utf-8-sig" if meta.bom else "utf-8"})
    return {
        "name": f"trustpulse-{meta.survey_slug}-{meta.export_id[:8]}".lower(),
        "title": meta.title,
        "description": gettext(
            "Anonymized export of the survey “%(title)s” (%(layout)s). "
            "Purpose stated by the researcher: %(purpose)s"
        )
        % {"title": meta.title, "layout": _layout(meta.layout), "purpose": meta.purpose},
        "created": meta.created_at,
        "resources": [resource],
        "trustpulse": {
            "export_id": meta.export_id,
            "format": meta.format,
            "versions": meta.versions,
            "anonymization": meta.report,
            "dp_releases": meta.dp_releases,
        },
    }


def ddi_codebook(meta: ExportMeta, variables: list[Variable]) -> str:
    """A DDI Codebook 2.5 document: study, file and one ``var`` per variable."""
    ET.register_namespace("", DDI_NS)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        e = ET.SubElement(parent, f"{{{DDI_NS}}}{tag}", attrs)
        if text is not None:
            e.text = text
        return e

    root = ET.Element(f"{{{DDI_NS}}}codeBook", {"version": "2.5", "ID": f"export-{meta.export_id}"})
    stdy = el(root, "stdyDscr")
    citation = el(stdy, "citation")
    titl = el(citation, "titlStmt")
    el(titl, "titl", meta.title)
    el(titl, "IDNo", meta.export_id)
    el(el(citation, "prodStmt"), "producer", meta.organization)
    info = el(stdy, "stdyInfo")
    el(info, "abstract", gettext("Purpose of this export: %(purpose)s") % {"purpose": meta.purpose})
    method = el(stdy, "method")
    report = meta.report
    el(
        el(method, "dataColl"),
        "cleanOps",
        gettext(
            "k-anonymity over the quasi-identifiers: requested k=%(k_requested)s, achieved"
            " k=%(k_achieved)s; l requested %(l_requested)s, achieved %(l_achieved)s; records"
            " dropped %(records_dropped)s, values suppressed %(values_suppressed)s;"
            " generalizations: %(generalizations)s"
        )
        % {
            **{key: report.get(key) for key in REPORT_FIGURES},
            "generalizations": json.dumps(report.get("generalizations", {}), ensure_ascii=False),
        },
    )
    fdscr = el(root, "fileDscr", ID="F1")
    ftxt = el(fdscr, "fileTxt")
    el(ftxt, "fileName", meta.data_file)
    dims = el(ftxt, "dimensns")
    el(dims, "caseQnty", str(report.get("records_kept", "")))
    el(dims, "varQnty", str(len(variables)))
    el(ftxt, "fileType", meta.format)
    data = el(root, "dataDscr")
    for i, v in enumerate(variables, start=1):
        intrvl = "discrete" if v.type in ("integer", "string") else "contin"
        var = el(data, "var", ID=f"V{i}", name=v.name, files="F1", intrvl=intrvl)
        el(var, "labl", v.label)
        if v.question_text:
            el(el(var, "qstn"), "qstnLit", v.question_text)
        if v.note:
            el(var, "notes", v.note)
        for code, label in v.value_labels:
            cat = el(var, "catgry")
            el(cat, "catValu", str(code))
            el(cat, "labl", label)
        el(var, "varFormat", type="character" if v.type in ("string", "date") else "numeric")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def markdown_codebook(meta: ExportMeta, variables: list[Variable], renames: dict[str, str]) -> str:
    """The human-readable codebook with the anonymization report, in the active language."""
    versions = ", ".join(map(str, meta.versions)) or gettext("all")
    lines = [
        gettext("# Codebook: %(title)s") % {"title": meta.title},
        "",
        gettext("- Export `%(id)s`, created %(created)s by %(organization)s")
        % {"id": meta.export_id, "created": meta.created_at, "organization": meta.organization},
        gettext("- Survey `%(slug)s`, versions %(versions)s")
        % {"slug": meta.survey_slug, "versions": versions},
        gettext("- Format `%(format)s`, %(layout)s, data file `%(file)s`")
        % {"format": meta.format, "layout": _layout(meta.layout), "file": meta.data_file},
        gettext("- Purpose: %(purpose)s") % {"purpose": meta.purpose},
        "",
    ]
    lines += _anonymization_lines(_Figures(meta.report))
    if renames:
        lines += [
            gettext(
                "Stata names are kept to 25 characters here (room for their value-label sets);"
                " renamed:"
            ),
            "",
        ]
        lines += [f"- `{a}` → `{b}`" for a, b in renames.items()]
        lines.append("")
    if meta.dp_releases:
        lines += [gettext("## Differential-privacy releases of this survey"), ""]
        for d in meta.dp_releases:
            noise = json.dumps(d["noise"], ensure_ascii=False)
            lines.append(
                gettext(
                    "- Release %(id)s (%(created_at)s): %(mechanism)s, ε = %(epsilon)s,"
                    " δ = %(delta)s; noise: %(noise)s"
                )
                % {**d, "noise": noise}
            )
        lines.append("")
    lines += _variable_lines(variables)
    lines.append("")
    return "\n".join(lines)


def _anonymization_lines(r: _Figures) -> list[str]:
    """The codebook's anonymization report: guarantees, what was dropped, generalizations."""
    lines = [
        gettext("## Anonymization report"),
        "",
        gettext(
            "Direct identifiers (respondent ids and references, tokens, external ids, e-mail"
            " addresses) are never exported. `respondent_id` is a pseudonym salted for this"
            " export only: two exports cannot be joined unless both used the same study key."
            " Test responses, incomplete responses and withdrawn respondents are excluded."
        ),
        "",
        gettext(
            "- k-anonymity over the quasi-identifiers: requested **k = %(k_requested)s**,"
            " achieved **k = %(k_achieved)s** (the smallest group of records sharing all"
            " quasi-identifier values)"
        )
        % r,
    ]
    if r.get("l_requested"):
        lines.append(
            gettext(
                "- l-diversity of the sensitive attributes %(sensitive)s: requested"
                " l = %(l_requested)s, achieved l = %(l_achieved)s"
            )
            % _Figures(r, sensitive=", ".join(r.get("sensitive", [])))
        )
    lines += [
        gettext(
            "- Records eligible: %(records_in)s; exported: %(records_kept)s; dropped because"
            " their group could not reach k (or l): %(records_dropped)s"
        )
        % r,
        gettext("- Quasi-identifier values suppressed (shown as missing): %(values_suppressed)s")
        % r,
        gettext("- Free text: included after best-effort scrubbing")
        if r.get("free_text")
        else gettext("- Free text: excluded"),
        "",
        _row(gettext("quasi-identifier"), gettext("generalization applied")),
        "|---|---|",
        *[f"| `{k}` | {v} |" for k, v in r.get("generalizations", {}).items()],
        "",
    ]
    return lines


def _variable_lines(variables: list[Variable]) -> list[str]:
    """The codebook's table of variables."""
    lines: list[str] = []
    lines += [
        gettext("## Variables"),
        "",
        _row(
            gettext("variable"),
            gettext("label"),
            gettext("type"),
            gettext("values"),
            gettext("notes"),
        ),
        "|---|---|---|---|---|",
    ]
    for v in variables:
        values = "; ".join(f"{c} = {lab}" for c, lab in v.value_labels)
        label = v.label.replace("|", "\\|")
        kind = str(VARIABLE_TYPES.get(v.type, v.type))
        lines.append(f"| `{v.name}` | {label} | {kind} | {values.replace('|', '/')} | {v.note} |")
    return lines


class _Figures(dict[str, Any]):
    """The anonymization report; a figure it lacks reads as None."""

    def __missing__(self, key: str) -> None:
        return None


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _layout(layout: str) -> str:
    """The layout's label (`long` → "Long: one row per answer")."""
    return str(ExportLayout(layout).label) if layout in ExportLayout.values else layout
