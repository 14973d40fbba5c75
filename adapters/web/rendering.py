"""Page templates for the web pages and the staff console: files with `{{name}}` placeholders, filled with
HTML-escaped values (safe in text and in quoted attributes), and `{{>partial}}` includes of other template
files of the same folder (trusted, ours).

One pass, so a value that itself looks like a placeholder is never expanded.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

_PLACEHOLDER = re.compile(r"\{\{(>?)(\w+)\}\}")


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Templates:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def render(self, template: str, values: dict[str, str]) -> str:
        def fill(match: re.Match[str]) -> str:
            include, name = match.groups()
            if include:
                return _PLACEHOLDER.sub(fill, _read(self.folder / f"{name}.html"))
            return html.escape(values[name], quote=True)

        return _PLACEHOLDER.sub(fill, _read(self.folder / template))
