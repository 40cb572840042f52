"""The Traditional Chinese catalogue is complete, current with the code, and compiled.

`manage.py makemessages -l zh_Hant` runs into a temporary copy of the
catalogue (the sources are linked there, the repository is not touched), so
these tests see exactly what the next regeneration would: a string the code
uses that the catalogue lacks comes back empty, and a changed string comes
back fuzzy. Each failure lists the msgids to act on; docs/TRANSLATING.md says
how to update the catalogue and which words to use.
"""

from __future__ import annotations

import ast
import gettext
import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import require_service

LOCALE = "zh_Hant"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# Top-level entries makemessages never needs to read.
NOT_SOURCES = {"locale", "staticfiles", "media", "var", "node_modules", "htmlcov"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def empty(self) -> bool:
        return not self.msgstr or any(s == "" for s in self.msgstr)

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return context + repr(self.msgid)


def read_po(path: Path) -> list[Entry]:
    """Every entry of a PO file (the header excluded), obsolete ones marked."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started, target
        if started and (entry.msgid or entry.msgctxt is not None):
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        obsolete = raw.startswith("#~")
        line = raw[2:].strip() if obsolete else raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if started and not obsolete:
                finish()
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
                finish()
            text = ast.literal_eval(rest.strip())
            started = True
            entry.obsolete = entry.obsolete or obsolete
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
            elif keyword == "msgstr":
                target = ("msgstr", 0)
            else:
                target = (keyword, 0)
            if target[0] == "msgstr":
                while len(entry.msgstr) <= target[1]:
                    entry.msgstr.append("")
            elif keyword == "msgctxt":
                entry.msgctxt = ""
            elif keyword == "msgid_plural":
                entry.msgid_plural = ""
        assert target is not None, f"{path}: text outside an entry: {raw!r}"
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += text
        elif target[0] == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif target[0] == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        else:
            entry.msgid += text
    finish()
    return entries


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogue as `makemessages -l zh_Hant` would leave it, in a temporary folder."""
    require_service("gettext", shutil.which("xgettext") is not None, "xgettext is not installed")
    root = tmp_path_factory.mktemp("makemessages")
    for source in Path(settings.BASE_DIR).iterdir():
        if source.name.startswith(".") or source.name in NOT_SOURCES:
            continue
        (root / source.name).symlink_to(source)
    copy = root / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(CATALOGUE, copy)
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    try:
        with override_settings(LOCALE_PATHS=[str(root / "locale")]):
            call_command("makemessages", locale=[LOCALE], symlinks=True, verbosity=0)
    finally:
        mp.undo()
    return copy


def test_every_string_of_the_code_is_translated_and_none_is_fuzzy(regenerated: Path) -> None:
    committed = {e.key for e in read_po(CATALOGUE) if not e.obsolete}
    problems = []
    for entry in read_po(regenerated):
        if entry.obsolete:
            continue
        if entry.key not in committed:
            problems.append(f"  missing from the catalogue: {entry}")
        elif entry.fuzzy:
            problems.append(f"  fuzzy: {entry}")
        elif entry.empty:
            problems.append(f"  not translated: {entry}")
    assert not problems, (
        f"{len(problems)} string(s) of the code have no reviewed zh-Hant translation in "
        f"{CATALOGUE.relative_to(settings.BASE_DIR)}. Run `python manage.py makemessages "
        f"-l {LOCALE}`, translate them (docs/TRANSLATING.md), then "
        f"`python manage.py compilemessages -l {LOCALE}`:\n" + "\n".join(problems)
    )


def test_reference_figures_texts_are_in_the_catalogue() -> None:
    """reference_figures.json is drawn translated; its texts are marked in reference_texts.py."""
    from dashboards.reference_texts import TEXTS

    path = Path(settings.BASE_DIR) / "dashboards" / "reference_figures.json"
    figures = json.loads(path.read_text(encoding="utf-8"))["figures"]
    texts = [f[k] for f in figures for k in ("label", "definition")]
    missing = [t for t in texts if t not in TEXTS]
    assert not missing, "Add to dashboards/reference_texts.py:\n  " + "\n  ".join(missing)


PLACEHOLDER = re.compile(
    r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[A-Za-z_]\w*\}|\{\d*\}"
)
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def test_translations_keep_every_placeholder_and_tag() -> None:
    problems = []
    for entry in read_po(CATALOGUE):
        if entry.obsolete or entry.empty or entry.fuzzy:
            continue
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        for source, translation in zip(sources * len(entry.msgstr), entry.msgstr, strict=True):
            want = Counter(PLACEHOLDER.findall(source)) + Counter(TAG.findall(source))
            have = Counter(PLACEHOLDER.findall(translation)) + Counter(TAG.findall(translation))
            if want != have:
                problems.append(f"  {entry}: needs {dict(want)}, has {dict(have)}")
    assert not problems, "Translations that change placeholders or tags:\n" + "\n".join(problems)


def test_compiled_catalogue_is_current(tmp_path: Path) -> None:
    """Django reads django.mo, which is committed: it must be the .po compiled."""
    require_service("gettext", shutil.which("msgfmt") is not None, "msgfmt is not installed")
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with fresh.open("rb") as f:
        want = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    with COMPILED.open("rb") as f:
        have = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    differing = set(want) ^ set(have) | {k for k in want if have.get(k) != want[k]}
    stale = sorted(repr(k) for k in differing)
    assert not stale, (
        f"{COMPILED.relative_to(settings.BASE_DIR)} is not the compiled catalogue; run "
        f"`python manage.py compilemessages -l {LOCALE}`. Differing msgids:\n  "
        + "\n  ".join(stale)
    )


def test_the_sign_in_page_is_all_chinese_for_a_taiwanese_browser(client, db) -> None:
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert "<h1>登入</h1>" in body
    assert "Sign in" not in body


def test_error_pages_speak_the_readers_language(client, db) -> None:
    from tests.factories import OrganizationFactory, member
    from tests.fixtures import login_verified

    r = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert r.status_code == 404
    assert '<h1 class="title">找不到頁面</h1>' in r.content.decode()
    assert "Not Found" not in r.content.decode()
    assert '<h1 class="title">Page not found</h1>' in client.get("/no-such-page/").content.decode()
    org = OrganizationFactory()
    login_verified(client, member(org, "author"))
    r = client.get(f"/studio/{org.slug}/surveys/branding/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert r.status_code == 403
    assert '<h1 class="title">沒有權限</h1>' in r.content.decode()


def test_survey_texts_follow_the_readers_language_whatever_the_tags_case() -> None:
    from dashboards.panels import text
    from surveys.selectors.texts import localized

    texts = {"en": "How often?", "zh-Hant": "多常？"}
    assert text(texts, "zh-hant") == "多常？"  # Django's code for the active language
    assert localized(texts, "zh-hant", "en") == "多常？"
    assert text(texts, "en") == "How often?"
    assert localized({"en": "How often?"}, "zh-hant", "en") == "How often?"


def test_the_dashboard_shows_the_surveys_chinese_title_to_a_taiwanese_browser(client, db) -> None:
    from tests.factories import OrganizationFactory, live_survey, member
    from tests.fixtures import login_verified

    org = OrganizationFactory()
    survey = live_survey(org)
    login_verified(client, member(org, "analyst"))
    url = f"/studio/{org.slug}/dashboards/surveys/{survey.pk}/"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert f"<h1>{survey.title['zh-Hant']}</h1>" in body
    # The words the issue found in English on this page.
    assert '<label for="f-version">版本</label>' in body
    assert '<label for="f-period">期間</label>' in body
    assert "重點數據" in body
    assert "Headline figures" not in body
    data = client.get(url + "data/kpis/", HTTP_ACCEPT_LANGUAGE="zh-TW").json()
    assert "信任指數" in str(data) and "Trust Index" not in str(data)
