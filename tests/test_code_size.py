"""Size limits: no module over 500 lines, no function over 80, outside migrations.

What is over the limit today is listed below with its ceiling (it may shrink,
never grow) and why its length is right. A new module or function over the
limit fails; so does an entry that is no longer needed (remove it), and so
does an entry whose reason says it is waiting to be split.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("surveys", "dashboards", "trustpulse", "bench", "tests")
MAX_MODULE = 500
MAX_FUNCTION = 80

JOURNEY = "one end-to-end journey in a browser; parts of it would repeat its setup"
DOCUMENT = "a data document written out as code (one literal), read top to bottom"

# path -> (most lines it may have, reason)
MODULES: dict[str, tuple[int, str]] = {}

# "path:function" -> (most lines it may have, reason)
FUNCTIONS: dict[str, tuple[int, str]] = {
    "tests/browser/test_builder.py:test_build_preview_brand_publish_and_answer_by_keyboard": (
        177,
        JOURNEY,
    ),
    "tests/browser/test_consent_e2e.py:"
    "test_consent_answer_withdraw_in_two_clicks_then_nothing_is_held": (101, JOURNEY),
    "tests/browser/test_e2e.py:test_survey_by_keyboard_with_axe_on_every_page": (95, JOURNEY),
    "surveys/selectors/definitions.py:definition_export": (
        89,
        "the definition document's shape, field by field, in the order it is written",
    ),
    "surveys/answers.py:_clean_value": (
        83,
        "one branch per question type, each a few lines: the table of the module docstring",
    ),
    "surveys/instruments.py:iuipc10": (82, DOCUMENT),
    "surveys/studies/privacy_calc_exp.py:definition": (81, DOCUMENT),
}


def _sources() -> list[Path]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                out.append(path)
    return out


def measure() -> tuple[dict[str, int], dict[str, int]]:
    """Lines of every module over MAX_MODULE and of every function over MAX_FUNCTION."""
    modules: dict[str, int] = {}
    functions: dict[str, int] = {}
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MAX_MODULE:
            modules[rel] = lines
        for node in ast.walk(ast.parse(text, filename=rel)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION:
                    key = f"{rel}:{node.name}"
                    functions[key] = max(length, functions.get(key, 0))
    return modules, functions


def _check(found: dict[str, int], allowed: dict[str, tuple[int, str]], limit: int) -> list[str]:
    problems = []
    for name, lines in sorted(found.items()):
        if name not in allowed:
            problems.append(f"{name}: {lines} lines (limit {limit}; split it, or list it here)")
        elif lines > allowed[name][0]:
            problems.append(f"{name}: grew to {lines} lines (ceiling {allowed[name][0]})")
    problems += [
        f"{name}: under the limit now, remove its entry" for name in allowed if name not in found
    ]
    return problems


def test_modules_stay_under_500_lines() -> None:
    modules, _ = measure()
    assert _check(modules, MODULES, MAX_MODULE) == []


def test_functions_stay_under_80_lines() -> None:
    _, functions = measure()
    assert _check(functions, FUNCTIONS, MAX_FUNCTION) == []


def test_every_entry_states_a_reason() -> None:
    reasons = [reason for _, reason in [*MODULES.values(), *FUNCTIONS.values()]]
    assert all(reason.strip() for reason in reasons)
    assert not [r for r in reasons if "split" in r.lower() or "pending" in r.lower()]
