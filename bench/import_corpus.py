"""Upload every file of a directory the way an author does, and tally the outcomes.

    python bench/import_corpus.py DIR [--verbose]

Each file goes through the real upload paths, as multipart requests on a
Django test client signed in as an author of a throwaway organization in a
test database:

1. the API dry run (`POST /api/v1/surveys/import/?dry_run=true`): 200 is a
   file that imports, 400/413 a refusal (with its error codes);
2. for a file that imports, the confirmed import
   (`POST /api/v1/surveys/import/?confirm=true`), which must create the
   draft (201) — a file whose dry run passes but whose commit fails is
   counted as a failure;
3. the studio's import page (`POST /studio/<org>/import/`), which must
   render the preview (200) or the refusal (400).

Outcomes: imported, refused (with the error code and field), server error
(any 5xx or exception on any of the three requests), commit failed, and
possible silent losses (a question whose text is only its code, or a choice
whose label is only its code, with no report line about it, while the source
file holds a text of its own for it).
"""

import argparse
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustpulse.settings.test")


def _source_text(raw: bytes, name: str, fmt: str) -> Callable[[str], bool]:
    """Whether the source file holds `text` as a text of its own (not only as a name)."""
    if fmt == "xlsform":
        from surveys.importers.detect import detect
        from surveys.importers.xlsform import read_csv, read_xls, read_xlsx

        kind = detect(raw, name)[1]
        sheets = {"xlsx": read_xlsx, "xls": read_xls, "csv": read_csv}[kind](raw)
        texts = {v for rows in sheets.values() for r in rows for k, v in r.items() if "label" in k}
        return lambda text: text in texts
    body = raw.decode("utf-8", "replace")
    keys = "text|title|Display|QuestionText|label"
    return lambda text: bool(
        re.search(rf'"({keys})"\s*:\s*"{re.escape(text)}"', body)
        or re.search(rf"<(question|answer)>(<!\[CDATA\[)?{re.escape(text)}(\]\]>)?<", body)
        or (fmt == "surveyjs" and re.search(rf'"{re.escape(text)}"', body))
    )


def _losses(report: list[dict[str, str]], definition: dict[str, Any], has_text) -> list[str]:
    """Texts that became codes with no report line saying so."""
    reported = " ".join(f"{i['location']} {i['message']}" for i in report)
    out = []
    for section in definition.get("sections", []):
        for q in section.get("questions", []):
            texts = set(q.get("text", {}).values())
            code = q["code"]
            if texts == {code} and code not in reported and not has_text(code):
                out.append(f"question {code}: text is its code")
            for c in q.get("choices", []):
                labels = set(c.get("label", {}).values())
                if labels == {c["code"]} and c["code"] not in reported and not has_text(c["code"]):
                    out.append(f"question {code} choice {c['code']}: label is its code")
    return out


def _errors(response) -> str:
    try:
        errors = response.json().get("errors", [])
    except ValueError:
        return f"HTTP {response.status_code}"
    return "; ".join(f"{e['code']}: {e['field']} {e['message'][:90]}" for e in errors[:2])


def _outcome(
    upload: Callable[..., Any], api: str, studio: str, name: str, raw: bytes
) -> tuple[str, str]:
    """What importing one file came to (imported, refused, …) and why."""
    try:
        dry = upload(f"{api}?dry_run=true", name, raw)
        page = upload(studio, name, raw)
        if dry.status_code >= 500 or page.status_code >= 500:
            why = f"dry run HTTP {dry.status_code}, studio page HTTP {page.status_code}"
            return "server error", why
        if dry.status_code != 200:
            return "refused", _errors(dry)
        body = dry.json()
        commit = upload(f"{api}?confirm=true", name, raw)
        losses = _losses(
            body["report"], body["definition"], _source_text(raw, name, body["format"])
        )
        if commit.status_code >= 500:
            return "server error", f"commit HTTP {commit.status_code}"
        if commit.status_code != 201:
            return "commit failed", _errors(commit)
        if losses:
            return "silent loss", "; ".join(losses[:3])
        return "imported", f"{body['format']}, {len(body['report'])} report lines"
    except Exception as exc:  # noqa: BLE001 - a server error is what we count
        return "server error", f"{type(exc).__name__}: {exc}"[:160]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # each refusal is a logged 4xx
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from surveys.models import Organization
    from tests.factories import member
    from tests.fixtures import login_verified

    org = Organization.objects.create(name="Corpus", slug="corpus")
    client = login_verified(Client(raise_request_exception=False), member(org, "author"))
    api = "/api/v1/surveys/import/"
    studio = reverse("importers:page", kwargs={"org": org.slug})

    def upload(url: str, name: str, raw: bytes, **extra: str):
        return client.post(url, {"file": SimpleUploadedFile(name, raw), **extra})

    tally: Counter[str] = Counter()
    per_format: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    files = sorted(p for p in Path(args.directory).rglob("*") if p.is_file())
    for path in files:
        raw = path.read_bytes()
        start = time.monotonic()
        outcome, why = _outcome(upload, api, studio, path.name, raw)
        took = time.monotonic() - start
        if took > 10:
            why += f" (took {took:.0f}s)"
        fmt = path.relative_to(args.directory).parts[0]
        tally[outcome] += 1
        per_format[f"{fmt} {outcome}"] += 1
        if outcome != "imported":
            reasons[f"{outcome}: {why.split(':')[0]}"] += 1
        if args.verbose or outcome != "imported":
            print(f"{outcome:12} {path.relative_to(args.directory)} {why}")
    print(f"\n{len(files)} files: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    for key, n in sorted(per_format.items()):
        print(f"  {key}: {n}")
    for reason, n in reasons.most_common():
        print(f"  {n:4} {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
