"""Codebooks shipped in every export: Frictionless Data Package, DDI Codebook 2.5, Markdown.

Pure functions from the export's variables and anonymization report to text.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from .table import Variable

DDI_NS = "ddi:codebook:2_5"
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
        "description": (
            f"Anonymized export of the survey {meta.title!r} ({meta.layout} layout). "
            f"Purpose stated by the researcher: {meta.purpose}"
        ),
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
    el(info, "abstract", f"Purpose of this export: {meta.purpose}")
    method = el(stdy, "method")
    report = meta.report
    el(
        el(method, "dataColl"),
        "cleanOps",
        (
            f"k-anonymity over the quasi-identifiers: requested k={report.get('k_requested')}, "
            f"achieved k={report.get('k_achieved')}; l requested {report.get('l_requested')}, "
            f"achieved {report.get('l_achieved')}; records dropped "
            f"{report.get('records_dropped')}, values suppressed "
            f"{report.get('values_suppressed')}; "
            f"generalizations: {json.dumps(report.get('generalizations', {}))}"
        ),
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
    """The human-readable codebook with the anonymization report."""
    r = meta.report
    lines = [
        f"# Codebook: {meta.title}",
        "",
        f"- Export `{meta.export_id}`, created {meta.created_at} by {meta.organization}",
        f"- Survey `{meta.survey_slug}`, versions {', '.join(map(str, meta.versions)) or 'all'}",
        f"- Format `{meta.format}`, {meta.layout} layout, data file `{meta.data_file}`",
        f"- Purpose: {meta.purpose}",
        "",
        "## Anonymization report",
        "",
        "Direct identifiers (respondent ids and references, tokens, external ids, e-mail",
        "addresses) are never exported. `respondent_id` is a pseudonym salted for this",
        "export only: two exports cannot be joined unless both used the same study key.",
        "Test responses, incomplete responses and withdrawn respondents are excluded.",
        "",
        f"- k-anonymity over the quasi-identifiers: requested **k = {r.get('k_requested')}**, "
        f"achieved **k = {r.get('k_achieved')}** (the smallest group of records sharing "
        "all quasi-identifier values)",
    ]
    if r.get("l_requested"):
        lines.append(
            f"- l-diversity of the sensitive attributes {', '.join(r.get('sensitive', []))}: "
            f"requested l = {r.get('l_requested')}, achieved l = {r.get('l_achieved')}"
        )
    lines += [
        f"- Records eligible: {r.get('records_in')}; exported: {r.get('records_kept')}; "
        f"dropped because their group could not reach k (or l): {r.get('records_dropped')}",
        f"- Quasi-identifier values suppressed (shown as missing): {r.get('values_suppressed')}",
        "- Free text: "
        + ("included after best-effort scrubbing" if r.get("free_text") else "excluded"),
        "",
        "| quasi-identifier | generalization applied |",
        "|---|---|",
        *[f"| `{k}` | {v} |" for k, v in r.get("generalizations", {}).items()],
        "",
    ]
    if renames:
        lines += [
            "Stata names are kept to 25 characters here (room for their value-label sets);"
            " renamed:",
            "",
        ]
        lines += [f"- `{a}` → `{b}`" for a, b in renames.items()]
        lines.append("")
    if meta.dp_releases:
        lines += ["## Differential-privacy releases of this survey", ""]
        for d in meta.dp_releases:
            lines.append(
                f"- Release {d['id']} ({d['created_at']}): {d['mechanism']}, ε = {d['epsilon']}"
                f", δ = {d['delta']}; noise: {json.dumps(d['noise'], ensure_ascii=False)}"
            )
        lines.append("")
    lines += [
        "## Variables",
        "",
        "| variable | label | type | values | notes |",
        "|---|---|---|---|---|",
    ]
    for v in variables:
        values = "; ".join(f"{c} = {lab}" for c, lab in v.value_labels)
        label = v.label.replace("|", "\\|")
        lines.append(f"| `{v.name}` | {label} | {v.type} | {values.replace('|', '/')} | {v.note} |")
    lines.append("")
    return "\n".join(lines)
