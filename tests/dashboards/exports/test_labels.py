"""Variable labels of Stata and SPSS files: distinct for every matrix row."""

import datetime as dt

import pytest

from dashboards.exports.anonymization import AnonymityPlan
from dashboards.exports.formats import StatsWriter
from dashboards.exports.labels import spss_size, stata_size, stats_labels
from dashboards.exports.table import TableSpec, Variable
from surveys.spec import spec_from_definition
from surveys.studies import privacy_calc_exp as study

PLAN = AnonymityPlan(
    levels={},
    mapping={},
    k=5,
    l_diversity=None,
    achieved_k=None,
    achieved_l=None,
    records_in=0,
    records_kept=0,
    records_dropped=0,
    values_suppressed=0,
)


def study_variables():
    spec = spec_from_definition(study.definition(list(study.AGE_BANDS)))
    table = TableSpec(
        questions=spec.questions,
        quasi=[],
        fields=[],
        include_text=False,
        locale="en",
        tz=dt.UTC,
        time_base="",
        version_numbers={},
    )
    return table.variables(PLAN)


@pytest.mark.parametrize("stata", [True, False])
def test_the_seven_concern_items_keep_seven_labels(stata, tmp_path):
    import pyreadstat

    variables = study_variables()
    concern = [v for v in variables if v.question == "PC01"]
    assert len(concern) == 7
    # the full labels are long: cut at 80 characters they fall into 3 labels
    assert len({v.label[:80] for v in concern}) == 3
    path = tmp_path / ("data.dta" if stata else "data.sav")
    writer = StatsWriter(path, variables, stata=stata)
    writer.write([{v.name: None for v in variables}])
    writer.close()
    read = pyreadstat.read_dta if stata else pyreadstat.read_sav
    _, meta = read(str(path), metadataonly=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    written = [labels[v.name] for v in concern]
    assert len(set(written)) == 7
    assert all(len(label) <= 80 for label in written) if stata else True
    # the row part is kept, the question part shortened
    assert labels["PC01_PC01_05"].endswith(
        "concerns that information about myself could fall into wrong hands."
    )
    assert labels["PC01_PC01_03"].endswith("no concerns.")
    assert len({labels[v.name] for v in variables if v.question == "TR01"}) == 12
    assert labels["TR01_TR01_01"].endswith("its community and provider, item 1")
    # labels that fit are left as they are
    assert labels["age_grp"] == "Age group"


def test_labels_fit_in_bytes_for_spss_and_stay_distinct():
    long_q = "Wie sehr stimmen Sie den folgenden Aussagen über Datenschutz zu " * 4
    variables = [
        Variable(
            name=f"q_{i}",
            label=f"{long_q}: Aussage {i} über Ämter",
            type="integer",
            question="q",
            question_text=long_q,
            item=str(i),
        )
        for i in range(12)
    ]
    for limit, size in ((80, stata_size), (256, spss_size)):
        labels = stats_labels(variables, limit=limit, size=size)
        assert len(set(labels.values())) == 12
        assert all(size(label) <= limit for label in labels.values())
        assert labels["q_3"].endswith("Aussage 3 über Ämter")
