"""File writers of the export formats: rows in, one data file out.

CSV, JSON Lines, Parquet and XLSX are written chunk by chunk (constant
memory); SPSS and Stata are written from a whole table (pyreadstat needs a
data frame), so their size is checked before an export starts
(``EXPORT_STATS_MAX_ROWS``). Heavy libraries are imported inside the writers.
"""

from __future__ import annotations

import csv
import json
import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from ..enums import ExportFormat
from .labels import SPSS_LIMIT, STATA_LIMIT, spss_size, stata_size, stats_labels
from .table import Variable

ROW_GROUP = 25_000  # Parquet rows per row group
XLSX_MAX_ROWS = 1_048_575  # 1,048,576 rows per sheet, one of them the header
STATA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,24}$")

DATA_FILE = {
    ExportFormat.CSV: "data.csv",
    ExportFormat.R: "data.csv",
    ExportFormat.JSONL: "data.jsonl",
    ExportFormat.PARQUET: "data.parquet",
    ExportFormat.XLSX: "data.xlsx",
    ExportFormat.SAV: "data.sav",
    ExportFormat.DTA: "data.dta",
}


class Writer(ABC):
    """Writes an export's table in chunks; one subclass per format."""

    def __init__(self, path: Path, variables: list[Variable], *, bom: bool = False):
        self.path = path
        self.variables = variables
        self.names = [v.name for v in variables]
        self.bom = bom

    @abstractmethod
    def write(self, rows: list[dict[str, Any]]) -> None:
        """Append `rows` (one dict per row, keyed by variable name)."""

    def close(self) -> None:  # noqa: B027 - a writer with nothing to flush keeps this
        """Finish the file (flush buffers, write footers)."""


class CsvWriter(Writer):
    def __init__(self, path: Path, variables: list[Variable], *, bom: bool = False):
        super().__init__(path, variables, bom=bom)
        self.f = open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")  # noqa: SIM115
        self.w = csv.writer(self.f)
        self.w.writerow(self.names)

    def write(self, rows: list[dict[str, Any]]) -> None:
        names = self.names  # csv writes None as an empty field
        self.w.writerows([[r.get(n) for n in names] for r in rows])

    def close(self) -> None:
        self.f.close()


class JsonlWriter(Writer):
    def __init__(self, path: Path, variables: list[Variable], *, bom: bool = False):
        super().__init__(path, variables)
        self.f = open(path, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.f.writelines(
            json.dumps({n: r.get(n) for n in self.names}, ensure_ascii=False) + "\n" for r in rows
        )

    def close(self) -> None:
        self.f.close()


class ParquetWriter(Writer):
    def __init__(self, path: Path, variables: list[Variable], *, bom: bool = False):
        import pyarrow as pa
        import pyarrow.parquet as pq

        super().__init__(path, variables)
        types = {"integer": pa.int64(), "number": pa.float64(), "string": pa.string()}
        fields = []
        for v in variables:
            meta = {"label": v.label}
            if v.value_labels:
                meta["value_labels"] = json.dumps(dict(v.value_labels), ensure_ascii=False)
            fields.append(pa.field(v.name, types.get(v.type, pa.string()), metadata=meta))
        self.schema = pa.schema(fields)
        self.pa = pa
        self.w = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self.pending: list[Any] = []
        self.pending_rows = 0

    def write(self, rows: list[dict[str, Any]]) -> None:
        # Chunks are gathered into row groups of ROW_GROUP rows: one row group per chunk
        # would grow the footer metadata the writer keeps in memory with every chunk.
        if rows:
            columns = {n: [r.get(n) for r in rows] for n in self.names}
            self.pending.append(self.pa.RecordBatch.from_pydict(columns, schema=self.schema))
            self.pending_rows += len(rows)
        if self.pending_rows >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            table = self.pa.Table.from_batches(self.pending, schema=self.schema)
            self.w.write_table(table, row_group_size=max(self.pending_rows, 1))
            self.pending, self.pending_rows = [], 0

    def close(self) -> None:
        self.flush()
        self.w.close()


class XlsxWriter(Writer):
    def __init__(self, path: Path, variables: list[Variable], *, bom: bool = False):
        from openpyxl import Workbook

        super().__init__(path, variables)
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("data")
        self.ws.append(self.names)
        labels = self.wb.create_sheet("variables")
        labels.append(["variable", "label", "type", "values"])
        for v in variables:
            values = "; ".join(f"{c} = {lab}" for c, lab in v.value_labels)
            labels.append([v.name, v.label, v.type, values])

    def write(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            self.ws.append([r.get(n) for n in self.names])

    def close(self) -> None:
        self.wb.save(str(self.path))


class StatsWriter(Writer):
    """SPSS (.sav) and Stata (.dta): the whole table, written with labels at the end."""

    def __init__(self, path: Path, variables: list[Variable], *, bom: bool = False, stata: bool):
        super().__init__(path, variables)
        self.stata = stata
        self.columns: dict[str, list[Any]] = {n: [] for n in self.names}

    def write(self, rows: list[dict[str, Any]]) -> None:
        for n, col in self.columns.items():
            col.extend(r.get(n) for r in rows)

    def close(self) -> None:
        import pandas as pd
        import pyreadstat

        data = {}
        for v in self.variables:
            col = self.columns[v.name]
            if v.type in ("integer", "number"):
                data[v.name] = pd.Series(col, dtype="float64")
            else:
                data[v.name] = pd.Series(["" if x is None else str(x) for x in col], dtype=object)
        df = pd.DataFrame(data, columns=self.names)
        if self.stata:
            renames = stata_names(self.names)
            df = df.rename(columns=renames)
            self.variables = [
                Variable(**{**v.__dict__, "name": renames.get(v.name, v.name)})
                for v in self.variables
            ]
        labels: dict[str, str | None] = dict(
            stats_labels(
                self.variables,
                limit=STATA_LIMIT if self.stata else SPSS_LIMIT,
                size=stata_size if self.stata else spss_size,
            )
        )
        value_labels = {
            v.name: {float(c): lab[:80] if self.stata else lab for c, lab in v.value_labels}
            for v in self.variables
            if v.value_labels
        }
        if self.stata:
            pyreadstat.write_dta(
                df, str(self.path), column_labels=labels, variable_value_labels=value_labels
            )
        else:
            measure = {
                v.name: "ordinal" if v.ordered else ("nominal" if v.value_labels else "scale")
                for v in self.variables
                if v.type in ("integer", "number")
            }
            measure.update({v.name: "nominal" for v in self.variables if v.type == "string"})
            pyreadstat.write_sav(
                df,
                str(self.path),
                column_labels=labels,
                variable_value_labels=value_labels,
                variable_measure=measure,
            )


def stata_names(names: list[str]) -> dict[str, str]:
    """Names longer than 25 characters are shortened for Stata (and kept unique)."""
    out: dict[str, str] = {}
    taken = set(names)
    for i, name in enumerate(names):
        if STATA_NAME.match(name):
            continue
        short = re.sub(r"[^A-Za-z0-9_]", "_", name)[:20] + f"_{i:04d}"
        while short in taken:
            short = short[:-5] + f"x{i:04d}"
        taken.add(short)
        out[name] = short
    return out


def open_writer(fmt: str, path: Path, variables: list[Variable], *, bom: bool = False) -> Writer:
    if fmt in (ExportFormat.CSV, ExportFormat.R):
        return CsvWriter(path, variables, bom=bom)
    if fmt == ExportFormat.JSONL:
        return JsonlWriter(path, variables)
    if fmt == ExportFormat.PARQUET:
        return ParquetWriter(path, variables)
    if fmt == ExportFormat.XLSX:
        return XlsxWriter(path, variables)
    if fmt in (ExportFormat.SAV, ExportFormat.DTA):
        return StatsWriter(path, variables, stata=fmt == ExportFormat.DTA)
    raise ValueError(fmt)


def r_script(variables: list[Variable], data_file: str = "data.csv") -> str:
    """An R script that reads the CSV and applies variable and value labels (base R only)."""

    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        '# Reads the export and applies its labels. Run from this folder: source("labels.R")',
        f'data <- read.csv({q(data_file)}, encoding = "UTF-8", stringsAsFactors = FALSE,',
        '                 na.strings = "")',
    ]
    for v in variables:
        if v.value_labels:
            codes = ", ".join(str(c) for c, _ in v.value_labels)
            labels = ", ".join(q(lab) for _, lab in v.value_labels)
            ordered = "TRUE" if v.ordered else "FALSE"
            lines.append(
                f"data[[{q(v.name)}]] <- factor(data[[{q(v.name)}]], levels = c({codes}),"
                f" labels = c({labels}), ordered = {ordered})"
            )
        lines.append(f'attr(data[[{q(v.name)}]], "label") <- {q(v.label)}')
    lines.append("")
    return "\n".join(lines)
