"""What an SBOM parser hands to the audit: components with their licences exactly as declared.

Frozen dataclasses, not pydantic models: there can be 100,000 of them per file and a declared licence is
used as a cache key (equal declarations resolve once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bot.errors import YuanbotError
from bot.licenses.audit_wording import pair

# Limits that keep a hostile or broken file from costing more than a normal one.
MAX_NESTING = 64  # JSON/YAML/XML depth; real CycloneDX/SPDX stays below 20
MAX_COMPONENTS = 100_000
MAX_LICENSE_TEXT_CHARS = 200_000  # a licence text given inline (CycloneDX license.text, SPDX ExtractedText)
MAX_FIELD_CHARS = 2_000  # names, versions, purls, copyright lines: clipped beyond this


class SbomError(YuanbotError):
    """The upload cannot be audited. The message is one sentence, Chinese then English, safe to show."""

    def __init__(self, code: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en


@dataclass(frozen=True, slots=True)
class LicenseRefText:
    """A `LicenseRef-…` defined in the document itself (SPDX ExtractedLicensingInfo)."""

    ref: str
    name: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class DeclaredLicense:
    """One licence statement of a component, as the SBOM gives it (any field may be missing).

    `expression` is a structured SPDX id or expression field; `name` is free text; `refs` are the
    document's definitions of the `LicenseRef-` ids used in `expression`.
    """

    expression: str | None = None
    name: str | None = None
    url: str | None = None
    text: str | None = None
    refs: tuple[LicenseRefText, ...] = ()

    def display(self) -> str:
        """How the SBOM wrote it, for people (never empty)."""
        value = self.expression or self.name or self.url or ("(licence text)" if self.text else "")
        return value or "(none)"


@dataclass(frozen=True, slots=True)
class SbomComponent:
    name: str
    version: str | None = None
    purl: str | None = None
    group: str | None = None
    licenses: tuple[DeclaredLicense, ...] = ()
    copyright: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """`group/name` (Maven groupId, Composer vendor, npm scope) or just the name."""
        if self.group and not self.name.startswith(self.group):
            return f"{self.group}/{self.name}"
        return self.name


@dataclass
class SbomDocument:
    """A parsed SBOM. `components()` yields them one by one (built lazily from the parsed file)."""

    format: str  # "CycloneDX" | "SPDX" | "list"
    encoding: str  # "JSON" | "XML" | "YAML" | "tag-value" | "RDF/XML" | "CSV" | "TSV"
    spec_version: str | None
    component_count: int
    produce: Callable[[], Iterator[SbomComponent]]
    product: str | None = None
    notes: list[str] = field(default_factory=list)  # read leniently, assumptions made …

    def components(self) -> Iterator[SbomComponent]:
        return self.produce()

    @property
    def description(self) -> str:
        version = f" {self.spec_version}" if self.spec_version else ""
        return f"{self.format}{version} {self.encoding}"


def clip(value: object, limit: int = MAX_FIELD_CHARS) -> str | None:
    """A stripped string no longer than `limit` (None for empty values)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def not_sbom(what: str, what_en: str) -> SbomError:
    """`what` names the problem; "not an SBOM" is added only when it does not say so already."""
    zh = what if "SBOM" in what else pair("not-sbom", what=what)[0]
    en = what_en if "SBOM" in what_en else pair("not-sbom", what=what_en)[1]
    return SbomError("not_sbom", pair("accepted", what=zh)[0], pair("accepted", what=en)[1])
