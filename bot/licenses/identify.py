"""Identify a pasted LICENSE text by comparing it with the SPDX licence texts.

Normalisation follows the spirit of the SPDX License List Matching Guidelines: case, whitespace,
punctuation, copyright lines, bullets/numbering and varietal spellings (licence/license ...) are
ignored. Each reference text is reduced to a set of word bigrams (Chinese: character bigrams);
a query is scored against every reference of comparable size with the Dice coefficient.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from bot.licenses import wording
from bot.text import CJK_CLASS
from bot.types import IdentifyCandidate, IdentifyResult

if TYPE_CHECKING:  # pragma: no cover
    from bot.licenses.names import LicenseCatalog

MATCH_THRESHOLD = 0.6
MAX_QUERY_CHARS = 400_000

# SPDX equivalent words (British/variant -> one spelling)
_VARIANTS = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "licencing": "licensing",
    "licensor": "licensor",
    "sublicence": "sublicense",
    "acknowledgment": "acknowledgement",
    "analogue": "analog",
    "analyse": "analyze",
    "artefact": "artifact",
    "authorisation": "authorization",
    "authorised": "authorized",
    "calibre": "caliber",
    "cancelled": "canceled",
    "catalogue": "catalog",
    "categorise": "categorize",
    "centre": "center",
    "emphasised": "emphasized",
    "favour": "favor",
    "favourite": "favorite",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "initialise": "initialize",
    "judgement": "judgment",
    "labelling": "labeling",
    "labour": "labor",
    "maximise": "maximize",
    "modelled": "modeled",
    "modelling": "modeling",
    "offence": "offense",
    "optimise": "optimize",
    "organisation": "organization",
    "organise": "organize",
    "practise": "practice",
    "programme": "program",
    "realise": "realize",
    "recognise": "recognize",
    "signalling": "signaling",
    "utilisation": "utilization",
    "whilst": "while",
    "wilful": "wilfull",
    "noncommercial": "non commercial",
    "percent": "per cent",
    "copyrightholder": "copyright holder",
    "https": "http",
}
_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n.*?\n---\s*\n", re.DOTALL)
_COPYRIGHT_LINE = re.compile(
    r"^\s*(?:copyright\b|\(c\)|©|all rights reserved|版权所有).*$", re.IGNORECASE | re.MULTILINE
)
_BULLET = re.compile(
    r"^\s*(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[a-z]\)|\(?[ivx]{1,4}\)|[-*•·‣◦])\s+", re.MULTILINE
)
_TOKEN = re.compile(rf"[a-z0-9]+|[{CJK_CLASS}]")


def strip_front_matter(text: str) -> str:
    return _FRONT_MATTER.sub("", text, count=1)


def normalize_tokens(text: str) -> list[str]:
    s = unicodedata.normalize("NFKC", strip_front_matter(text)).lower()
    s = _COPYRIGHT_LINE.sub(" ", s)
    s = _BULLET.sub(" ", s)
    s = s.replace("sub-license", "sublicense").replace("sub license", "sublicense")
    tokens = _TOKEN.findall(s)
    return [_VARIANTS.get(t, t) for t in tokens]


def shingles(tokens: list[str]) -> frozenset[int]:
    if len(tokens) < 2:
        return frozenset(hash(t) for t in tokens)
    return frozenset(hash(pair) for pair in pairwise(tokens))


_END_OF_TERMS = ("end", "of", "terms", "and", "conditions")


def _end_of_terms(tokens: list[str]) -> list[str] | None:
    """Tokens up to and including "END OF TERMS AND CONDITIONS", if that leaves most of the text."""
    n = len(_END_OF_TERMS)
    for k in range(len(tokens) - n, -1, -1):
        if tuple(tokens[k : k + n]) == _END_OF_TERMS:
            cut = tokens[: k + n]
            return cut if 0.5 * len(tokens) <= len(cut) < len(tokens) - 20 else None
    return None


def _preference(lid: str, deprecated: bool) -> tuple:
    # among identical texts prefer current ids, then "-only", then the shortest id
    return (deprecated, "+" in lid, not lid.endswith("-only"), len(lid), lid)


class LicenseIdentifier:
    def __init__(self, texts_dir: Path, catalog: LicenseCatalog | None = None):
        self.texts_dir = Path(texts_dir)
        self.catalog = catalog
        self.refs: list[tuple[str, frozenset[int]]] = []  # (id, bigrams) one per distinct text
        self.twins: dict[str, list[str]] = {}  # id -> other ids with the same normalised text
        groups: dict[frozenset[int], list[str]] = {}
        optional_cut: dict[str, frozenset[int]] = {}
        if self.texts_dir.is_dir():
            for path in sorted(self.texts_dir.glob("*.txt")):
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                tokens = normalize_tokens(text)
                sh = shingles(tokens)
                if len(sh) < 3:
                    continue
                groups.setdefault(sh, []).append(path.stem)
                # SPDX treats trailing "how to apply" appendices as optional: index the text without them too
                cut = _end_of_terms(tokens)
                if cut:
                    optional_cut[path.stem] = shingles(cut)
        for sh, ids in groups.items():
            ids.sort(key=lambda x: _preference(x, self._deprecated(x)))
            self.refs.append((ids[0], sh))
            self.twins[ids[0]] = ids[1:]
            if ids[0] in optional_cut:
                self.refs.append((ids[0], optional_cut[ids[0]]))
        self.refs.sort(key=lambda r: len(r[1]))
        self._sizes = [len(r[1]) for r in self.refs]

    def _deprecated(self, lid: str) -> bool:
        if self.catalog is None:
            return False
        meta = self.catalog.licenses.get(lid)
        return bool(meta and meta.deprecated) or lid not in self.catalog.licenses

    def _name(self, lid: str) -> str:
        if self.catalog is None:
            return lid
        return self.catalog.name_of(lid)

    def identify(self, text: str) -> IdentifyResult:
        if not self.refs:
            return IdentifyResult(
                notes=[wording.both("identify-no-texts", folder=self.texts_dir)]
            )
        q = shingles(normalize_tokens((text or "")[:MAX_QUERY_CHARS]))
        if len(q) < 3:
            return IdentifyResult(notes=[wording.both("identify-too-short")])
        n = len(q)
        lo, hi = n / 4, n * 4
        scored: list[tuple[float, str]] = []
        for lid, ref in self.refs:
            m = len(ref)
            if m < lo or m > hi:
                continue
            inter = len(q & ref) if n < m else len(ref & q)
            if inter == 0:
                continue
            scored.append((2 * inter / (n + m), lid))
        best_by_id: dict[str, float] = {}
        for score, lid in scored:
            if score > best_by_id.get(lid, -1.0):
                best_by_id[lid] = score
        scored = sorted(((sc, lid) for lid, sc in best_by_id.items()), reverse=True)
        if scored:
            # a deprecated id (GPL-3.0+) whose text is a near-copy of a current one: prefer the current id
            top = scored[0][0]
            if self._deprecated(scored[0][1]):
                near = [x for x in scored[1:] if x[0] >= top - 0.01 and not self._deprecated(x[1])]
                if near:
                    scored.remove(near[0])
                    scored.insert(0, near[0])
        cands: list[IdentifyCandidate] = []
        for score, lid in scored[:5]:
            cands.append(IdentifyCandidate(id=lid, name=self._name(lid), score=round(score, 4)))
            for twin in self.twins.get(lid, []):
                cands.append(IdentifyCandidate(id=twin, name=self._name(twin), score=round(score, 4)))
        cands = cands[:8]
        if not scored or scored[0][0] < MATCH_THRESHOLD:
            return IdentifyResult(
                confidence=round(scored[0][0], 4) if scored else 0.0,
                candidates=cands,
                notes=[wording.both("identify-not-similar")],
            )
        best_score, best = scored[0]
        notes = []
        twins = self.twins.get(best, [])
        if twins:
            notes.append(wording.both("identify-twins", best=best, twins=", ".join(twins)))
        if len(scored) > 1 and scored[1][0] > best_score - 0.03:
            notes.append(wording.both("identify-close", other=scored[1][1]))
        return IdentifyResult(
            id=best, name=self._name(best), confidence=round(best_score, 4), candidates=cands, notes=notes
        )
