"""The package record both SPDX readers produce, and the field clean-ups they share.

Kept apart so the spdx-tools path (`sbom_spdx`) and the by-hand fallback (`sbom_spdx_lenient`) build the
same `SpdxPackage` from the same rules, and the fallback never imports the spdx-tools path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.licenses.sbom_model import MAX_LICENSE_TEXT_CHARS, clip

NO_VALUE = {"NOASSERTION", "NONE", "UNSPECIFIED", ""}


@dataclass(frozen=True, slots=True)
class SpdxPackage:
    """A package as both readers (spdx-tools and by hand) see it."""

    spdx_id: str
    name: str
    version: str | None
    purl: str | None
    concluded: str | None
    declared: str | None
    copyright: str | None


def licence_str(value: Any) -> str | None:
    """The licence expression as written (NOASSERTION and NONE kept); None when the field is missing."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def copyright_text(value: Any) -> str | None:
    text = clip(value)
    if text is None or text.upper() in NO_VALUE:
        return None
    return text


def licence_text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value[:MAX_LICENSE_TEXT_CHARS]
