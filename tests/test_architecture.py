"""The layering the design promises, checked on the source (docs/ARCHITECTURE.md).

- `surveys` never imports `dashboards` (data flows one way).
- `dashboards` imports from `surveys` only models, enums, selectors and signals.
- Apps import the project's shared kit (`trustpulse.api`), never its settings or urls.
- In `surveys`, selectors (reads) never import services (writes): a helper both
  need lives in a module of its own (`surveys/tokens.py`, `surveys/authoring/checks.py`).

An import not allowed by a rule fails here unless `KNOWN` names it with the
reason it still stands; an entry that no longer matches fails too, so the list
only shrinks.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS_MAY_IMPORT = {"models", "enums", "selectors", "signals"}

# (importing module, imported surveys module) -> why it is still allowed.
KNOWN: dict[tuple[str, str], str] = {
    ("dashboards.exports.dp", "surveys.services"): "audit_log: a DP release is audited in the "
    "one append-only log, written by its one service",
    ("dashboards.exports.services", "surveys.services"): "audit_log: creating, cancelling and "
    "downloading an export are audited (as above)",
    ("dashboards.exports.run", "surveys.services"): "audit_log (as above)",
    ("dashboards.exports.run", "surveys.responses"): "inbox_flush: an export first writes "
    "out the submissions still in the inbox, so it misses none",
    ("dashboards.reports.services", "surveys.services"): "audit_log: publishing a report is "
    "audited",
    ("dashboards.reports.views", "surveys.consent"): "transparency_publish_set: the public "
    "switch is an Organization field, so surveys writes it",
}


def _modules(package: str) -> list[tuple[str, Path]]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if "migrations" in rel.parts:
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append((".".join(parts), path))
    return out


def imports(module: str, path: Path) -> set[str]:
    """Absolute names of the modules `path` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def _is_selectors(module: str) -> bool:
    return any(part == "selectors" for part in module.split("."))


def _is_services(module: str) -> bool:
    return any(part == "services" for part in module.split("."))


def _surveys_part(name: str) -> str | None:
    """`surveys.selectors.access` -> `selectors`; None for names outside surveys."""
    parts = name.split(".")
    if parts[0] != "surveys":
        return None
    return parts[1] if len(parts) > 1 else ""


def violations() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for module, path in _modules("surveys") + _modules("trustpulse"):
        for name in imports(module, path):
            if name.split(".")[0] == "dashboards" and module.startswith("surveys"):
                found.add((module, "dashboards"))
    for module, path in _modules("surveys") + _modules("dashboards"):
        for name in imports(module, path):
            if name.startswith(("trustpulse.settings", "trustpulse.urls")):
                found.add((module, name))
    for module, path in _modules("surveys"):
        if not _is_selectors(module):
            continue
        for name in imports(module, path):
            if name.startswith("surveys.") and _is_services(name):
                found.add((module, "services"))
    for module, path in _modules("dashboards"):
        for name in imports(module, path):
            part = _surveys_part(name)
            if part is None or part == "" or part in DASHBOARDS_MAY_IMPORT:
                continue
            # `from surveys import signals` names the module, `from surveys.x import y` too.
            found.add((module, f"surveys.{part}"))
    return found


def test_import_contract() -> None:
    found = violations()
    unexplained = sorted(found - set(KNOWN))
    assert unexplained == [], "imports the layering forbids (docs/ARCHITECTURE.md)"
    stale = sorted(set(KNOWN) - found)
    assert stale == [], "KNOWN entries no longer needed: remove them"


def test_the_checker_sees_relative_and_lazy_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "dashboards" / "sub"
    pkg.mkdir(parents=True)
    source = pkg / "mod.py"
    source.write_text(
        "from ..views import x\n"
        "def f():\n"
        "    from surveys.services import version_spec\n"
        "    import surveys.spec\n"
    )
    names = imports("dashboards.sub.mod", source)
    assert "dashboards.views.x" in names
    assert {_surveys_part(n) for n in names} >= {"services", "spec"}


def test_the_checker_sees_a_selector_importing_a_service(tmp_path: Path) -> None:
    source = tmp_path / "selectors.py"
    source.write_text("from .services.respondents import token_hash\n")
    names = imports("surveys.responses.selectors", source)
    assert _is_selectors("surveys.responses.selectors")
    assert any(_is_services(n) for n in names)
    assert not _is_services("surveys.selectors.definitions")
