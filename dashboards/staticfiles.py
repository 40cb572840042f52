"""Serve plotly.js from the installed ``plotly`` package as ``vendor/plotly/plotly.min.js``.

The dashboards draw with the plotly.js bundled in plotly.py (pinned in
requirements.txt), from our own static files: never a CDN, never a second
copy in the repository. Only that one file is exposed; ``collectstatic``
copies it like any other static file.
"""

from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
NAME = "plotly.min.js"


def plotly_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("plotly is not installed (see requirements.txt)")
    return Path(spec.origin).parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(plotly_dir()))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path == f"{PREFIX}/{NAME}":
            full = str(plotly_dir() / NAME)
            return [full] if find_all or kwargs.get("all") else full
        return [] if find_all or kwargs.get("all") else None

    def list(self, ignore_patterns: Any) -> Any:
        yield NAME, self.storage
