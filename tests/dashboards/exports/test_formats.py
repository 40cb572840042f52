"""Every format reads back in the tools researchers use, with labels and types."""

import io
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from .conftest import bundle, run

pytestmark = pytest.mark.django_db


def _extract(z, name, tmp_path):
    path = tmp_path / name
    path.write_bytes(z.read(name))
    return path


def test_sav_keeps_variable_and_value_labels(filled, tmp_path):
    job = run(filled, format="sav")
    z = bundle(job)
    df, meta = pyreadstat.read_sav(str(_extract(z, "data.sav", tmp_path)))
    assert len(df) == 40
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["trust_brand"] == "I trust this brand to use my personal data responsibly."
    assert meta.variable_value_labels["age_band"] == {
        1.0: "18–29",
        2.0: "30–44",
        3.0: "45–59",
        4.0: "60 or older",
    }
    assert meta.variable_value_labels["trust_brand"][5.0] == "Strongly agree"
    assert meta.variable_measure["trust_brand"] == "ordinal"
    assert sorted(df["age_band"].value_counts().to_dict().items()) == [
        (1.0, 10),
        (2.0, 10),
        (3.0, 10),
        (4.0, 10),
    ]
    assert "improve_text" not in df.columns  # free text excluded by default


def test_dta_keeps_labels_and_shortens_long_names(filled, tmp_path):
    job = run(filled, format="dta")
    z = bundle(job)
    df, meta = pyreadstat.read_dta(str(_extract(z, "data.dta", tmp_path)))
    assert len(df) == 40
    assert meta.variable_value_labels["age_band"][1.0] == "18–29"
    assert all(len(c) <= 25 for c in meta.column_names)
    codebook = z.read("codebook.md").decode()
    assert "`protective_actions_deleted_account` → `protective_actions_d" in codebook
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["nps"].startswith("How likely are you to recommend")


def test_parquet_types(filled):
    job = run(filled, format="parquet")
    table = pq.read_table(io.BytesIO(bundle(job).read("data.parquet")))
    types = {f.name: str(f.type) for f in table.schema}
    assert types["respondent_id"] == "string"
    assert types["trust_brand"] == "int64"
    assert types["nps"] == "int64"
    assert types["concern_worry"] == "int64"
    assert types["protective_actions_ad_blocker"] == "int64"
    assert table.num_rows == 40
    field = table.schema.field("age_band")
    assert json.loads(field.metadata[b"value_labels"])["1"] == "18–29"
    df = table.to_pandas()
    assert sorted(df["trust_brand"].unique().tolist()) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sav", "xlsx"])
def test_every_download_has_a_csv_whose_datapackage_validates(filled, tmp_path, fmt):
    from frictionless import Package

    job = run(filled, format=fmt)
    z = bundle(job)
    z.extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["trust_brand"]["categories"][0] == {"value": 1, "label": "Strongly disagree"}
    assert fields["trust_brand"]["categoriesOrdered"] is True
    assert descriptor["resources"][0]["schema"]["missingValues"] == [""]
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    df = pd.read_csv(tmp_path / "data.csv")
    assert len(df) == 40


def test_ddi_codebook_holds_every_variable(filled):
    job = run(filled, format="csv")
    z = bundle(job)
    root = ET.fromstring(z.read("codebook.xml"))
    ns = {"d": "ddi:codebook:2_5"}
    assert root.tag == "{ddi:codebook:2_5}codeBook"
    assert root.find("d:stdyDscr/d:citation/d:titlStmt/d:titl", ns) is not None
    assert root.find("d:fileDscr", ns) is not None
    names = [v.get("name") for v in root.findall("d:dataDscr/d:var", ns)]
    header = z.read("data.csv").decode().splitlines()[0].split(",")
    assert names == header
    age = root.find("d:dataDscr/d:var[@name='age_band']", ns)
    assert [c.find("d:labl", ns).text for c in age.findall("d:catgry", ns)][0] == "18–29"
    assert age.find("d:qstn/d:qstnLit", ns).text == "Your age"


def test_r_bundle_and_bom_and_long_layout(filled):
    z = bundle(run(filled, format="r", excel_bom=True))
    assert z.read("data.csv")[:3] == b"\xef\xbb\xbf"
    script = z.read("labels.R").decode()
    assert 'data[["age_band"]] <- factor(data[["age_band"]], levels = c(1, 2, 3, 4)' in script
    long = bundle(run(filled, format="jsonl", layout="long"))
    rows = [json.loads(line) for line in long.read("data.jsonl").decode().splitlines()]
    questions = {r["question"] for r in rows}
    assert "trust_brand" in questions and "age_band" not in questions  # QI is a column
    assert "improve_text" not in questions
    assert len({r["response_id"] for r in rows}) == 40
    assert {r["age_band"] for r in rows} == {1, 2, 3, 4}


def test_xlsx_reads_back(filled):
    z = bundle(run(filled, format="xlsx"))
    df = pd.read_excel(io.BytesIO(z.read("data.xlsx")), sheet_name="data")
    assert len(df) == 40
    labels = pd.read_excel(io.BytesIO(z.read("data.xlsx")), sheet_name="variables")
    assert "age_band" in labels["variable"].tolist()
