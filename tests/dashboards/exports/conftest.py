import io
import zipfile

import pytest
from django.core.files.storage import storages

from dashboards.exports import services as ex
from dashboards.exports.run import export_run
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS

AGES = ["a18_29", "a30_44", "a45_59", "a60"]


def comfort_answers(i: int, **overrides):
    """The demo answer set, varied by `i` (age band, trust, NPS) and `overrides`."""
    out = []
    for a in COMFORT_ANSWERS:
        a = dict(a)
        if a["question"] == "age_band":
            a["value"] = AGES[i % 4]
        elif a["question"] == "trust_brand":
            a["value"] = 1 + i % 5
        elif a["question"] == "nps":
            a["value"] = 7 + i % 2
        if a["question"] in overrides:
            a["value"] = overrides[a["question"]]
        out.append(a)
    return out


@pytest.fixture
def exports_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports")},
        },
    }
    return tmp_path / "exports"


@pytest.fixture
def filled(survey, exports_storage):
    """40 complete responses (10 per age band), all in locale en over the API channel."""
    for i in range(40):
        response_submit(
            survey=survey,
            answers=comfort_answers(i),
            consent={"notice_version": 1, "purposes": ["survey_research"]},
        )
    return survey


def bundle(job) -> zipfile.ZipFile:
    """The finished export's zip, opened from the exports storage."""
    with storages["exports"].open(job.file_name, "rb") as f:
        return zipfile.ZipFile(io.BytesIO(f.read()))


def run(survey, user=None, **kw):
    kw.setdefault("format", "csv")
    kw.setdefault("purpose", "Replication of the trust study")
    job = ex.export_create(survey=survey, user=user, **kw)
    return export_run(job_id=job.pk)
