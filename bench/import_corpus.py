"""Run every file of a directory through the import preview and tally the outcomes.

    python bench/import_corpus.py DIR [--verbose]

Each file goes through `import_preview` (what the API and the studio call),
against a throwaway organization in a test database. Outcomes: imported,
refused (with the error code and field), server error (any other exception)
and possible silent losses (a question whose text is only its code, or a
choice whose label is only its code, with no report line about it).
"""

import argparse
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

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


def _losses(result, has_text: Callable[[str], bool]) -> list[str]:
    """Texts that became codes with no report line saying so."""
    reported = " ".join(f"{i.location} {i.message}" for i in result.items)
    out = []
    for section in result.document.get("sections", []):
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from surveys.models import Organization
    from surveys.services.imports import import_preview
    from trustpulse.validation import ServiceValidationError

    org = Organization.objects.create(name="Corpus", slug="corpus")
    tally: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    files = sorted(p for p in Path(args.directory).rglob("*") if p.is_file())
    for path in files:
        start = time.monotonic()
        try:
            preview = import_preview(organization=org, raw=path.read_bytes(), filename=path.name)
        except ServiceValidationError as exc:
            outcome = "refused"
            why = "; ".join(f"{e.code}: {e.message[:90]}" for e in exc.errors[:2])
        except Exception as exc:  # noqa: BLE001 - a server error is what we count
            outcome, why = "server error", f"{type(exc).__name__}: {exc}"[:160]
        else:
            if preview.ok:
                raw = path.read_bytes()
                fmt = preview.result.format
                losses = _losses(preview.result, _source_text(raw, path.name, fmt))
                outcome = "silent loss" if losses else "imported"
                why = "; ".join(losses[:3])
            else:
                outcome = "refused"
                why = "; ".join(f"{e.field} {e.code}: {e.message[:80]}" for e in preview.errors[:2])
        took = time.monotonic() - start
        if took > 10:
            why += f" (took {took:.0f}s)"
        tally[outcome] += 1
        if outcome != "imported":
            reasons[f"{outcome}: {why.split(':')[0]}"] += 1
        if args.verbose or outcome != "imported":
            print(f"{outcome:12} {path.relative_to(args.directory)} {why}")
    print(f"\n{len(files)} files: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    for reason, n in reasons.most_common():
        print(f"  {n:4} {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
