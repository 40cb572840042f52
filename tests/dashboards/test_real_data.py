"""The real-data check: metrics on the privacy-calculus field study equal pandas."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyreadstat
import pytest
from django.conf import settings
from django.core.management import call_command

from dashboards.selectors.constructs import construct_summary
from dashboards.selectors.filters import MetricFilter
from dashboards.services import rollups_rebuild
from surveys.models import BehaviourEvent, Survey
from tests.dashboards.exports.conftest import bundle, exports_storage, run  # noqa: F401

CSV = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "privacy_calc_exp.csv"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not CSV.is_file(), reason=f"{CSV} is not there (shared datasets)"),
]


def expected():
    import pandas as pd

    df = pd.read_csv(CSV, na_values=["NA"])
    items = [f"PC01_0{i}" for i in (1, 2, 4, 5, 6, 7)]
    concern = df[items].mean(axis=1, skipna=True)
    both = pd.DataFrame({"c": concern, "s": df["self_dis_log"]}).dropna()
    return concern.mean(), concern.std(ddof=1), both["c"].corr(both["s"]), len(concern.dropna())


def test_privacy_concern_and_self_disclosure_match_pandas():
    call_command("import_study", "privacy_calc_exp", str(CSV), stdout=open("/dev/null", "w"))
    survey = Survey.objects.get(slug="privacy-calc-exp")
    assert survey.responses.count() == 561
    assert BehaviourEvent.objects.filter(kind="self_disclosure_log").count() == 561
    # pandas reads every row: so do the figures here, with the 20 straight-liners' flags
    # lifted (the dashboards leave flagged responses out; see the next test for those).
    survey.responses.update(quality_flags=[])
    rollups_rebuild(survey_id=survey.pk)
    summary = construct_summary(
        MetricFilter(survey=survey),
        construct="privacy_concern",
        kind="self_disclosure_log",
    )
    mean, sd, r, n = expected()
    assert summary.mean.n == n
    assert summary.mean.value == pytest.approx(mean, abs=1e-9)
    assert summary.sd.value == pytest.approx(sd, abs=1e-9)
    assert summary.correlation.value == pytest.approx(r, abs=1e-9)
    # and the figures themselves, as this data gives them
    assert round(summary.mean.value, 2) == 3.22 and round(summary.sd.value, 2) == 1.60
    assert round(summary.correlation.value, 3) == -0.159


@pytest.mark.usefixtures("exports_storage")
def test_the_import_keeps_every_age_group_and_flags_quality(tmp_path):
    from dashboards.models import ResponseRollup

    call_command("import_study", "privacy_calc_exp", str(CSV), stdout=open("/dev/null", "w"))
    survey = Survey.objects.get(slug="privacy-calc-exp")
    # every participant has an age group; the file writes the oldest as ">59"
    bands = {}
    for band, n in ResponseRollup.objects.values_list("age_band", "n"):
        bands[band] = bands.get(band, 0) + n
    assert bands == {"a_lt30": 121, "a30_39": 70, "a40_49": 107, "a50_59": 124, "a60": 139}
    older = construct_summary(
        MetricFilter(survey=survey, segments={"age_band": "a60"}), construct="privacy_concern"
    )
    flagged = ResponseRollup.objects.filter(flagged=True, age_band="a60").values_list("n")
    assert older.mean.n == 139 - sum(n for (n,) in flagged)
    # quality flags are computed on import: 20 straight-liners (3.6 %), no speeders
    flags = [f for fs in survey.responses.values_list("quality_flags", flat=True) for f in fs]
    assert flags == ["straightliner"] * 20
    kept = construct_summary(
        MetricFilter(survey=survey), construct="privacy_concern", kind="self_disclosure_log"
    )
    # the platform's figures after exclusions, as docs/METRICS.md lists them
    assert kept.mean.n == 541
    assert round(kept.mean.value, 2) == 3.20 and round(kept.sd.value, 2) == 1.62
    assert round(kept.correlation.value, 3) == -0.155
    # the research export: 60+ is there, labels and codebooks are plain text
    z = bundle(run(survey, format="dta"))
    (tmp_path / "data.dta").write_bytes(z.read("data.dta"))
    _, meta = pyreadstat.read_dta(str(tmp_path / "data.dta"), metadataonly=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    concern = [labels[f"PC01_PC01_0{i}"] for i in range(1, 8)]
    assert len(set(concern)) == 7
    assert "60+" in meta.variable_value_labels["age_grp"].values()
    title = "Privacy calculus field experiment (Dienlin, Braeunlich & Trepte)"
    ns = {"d": "ddi:codebook:2_5"}
    ddi = ET.fromstring(z.read("codebook.xml"))
    assert ddi.find("d:stdyDscr/d:citation/d:titlStmt/d:titl", ns).text == title
    assert json.loads(z.read("datapackage.json"))["title"] == title
    assert f"# Codebook: {title}" in z.read("codebook.md").decode()
    for name in ("codebook.md", "datapackage.json"):
        assert "&amp;" not in z.read(name).decode(), name
    assert "&amp;amp;" not in z.read("codebook.xml").decode()


def test_import_is_idempotent():
    out = open("/dev/null", "w")
    call_command("import_study", "privacy_calc_exp", str(CSV), stdout=out)
    call_command("import_study", "privacy_calc_exp", str(CSV), stdout=out)
    assert Survey.objects.get(slug="privacy-calc-exp").responses.count() == 561
