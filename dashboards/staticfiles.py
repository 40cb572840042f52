"""plotly.js for the pages: the strict bundle, vendored at ``static/vendor/plotly/``.

The pages send a Content-Security-Policy without ``'unsafe-eval'``
(docs/SECURITY.md), so they load plotly.js's strict build (npm package
``plotly.js-strict-dist-min``), which compiles no code at run time. It must be
the plotly.js version the pinned ``plotly`` package draws for: the system
check below compares the two, so bumping ``plotly`` without the bundle fails
``manage.py check`` (and the test suite).
"""

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

PLOTLY_JS = "vendor/plotly/plotly-strict.min.js"
# The ids of the <style> elements plotly.js creates unless the page has them
# (dashboards/templatetags/plotly_csp.py): its own rules (filled through the
# CSSOM), and maplibre's stylesheet (left empty: no chart draws a map).
# Each with the text that shows the bundle still creates it.
_MAPLIBRE = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53"
_STYLE_MARKERS = {
    "plotly.js-style-global": '"plotly.js-style-"+e',
    _MAPLIBRE: f'document.getElementById("{_MAPLIBRE}")',
}
PLOTLY_STYLE_IDS = tuple(_STYLE_MARKERS)
_VERSION = re.compile(rb"plotly\.js \(strict - minified\) v(\S+)")


def plotly_js_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / PLOTLY_JS


def bundled_version(path: Path) -> str:
    """The version in the bundle's banner comment ("" when there is none)."""
    with open(path, "rb") as fh:
        match = _VERSION.search(fh.read(400))
    return match.group(1).decode() if match else ""


@register()
def check_plotly_js(**kwargs: Any) -> list[Error]:
    from plotly.offline import get_plotlyjs_version

    expected = get_plotlyjs_version()
    found = bundled_version(plotly_js_path())
    errors = []
    if found != expected:
        errors.append(
            Error(
                f"{PLOTLY_JS} is plotly.js {found or '(unknown)'}, the plotly package "
                f"expects {expected}.",
                hint=f"npm pack plotly.js-strict-dist-min@{expected}, copy plotly-strict.min.js.",
                id="dashboards.E001",
            )
        )
    text = plotly_js_path().read_bytes()
    for style_id, marker in _STYLE_MARKERS.items():
        if marker.encode() not in text:
            errors.append(
                Error(
                    f"{PLOTLY_JS} no longer creates a style element with id {style_id}.",
                    hint="Set PLOTLY_STYLE_IDS to the ids the bundle creates.",
                    id="dashboards.E002",
                )
            )
    return errors
