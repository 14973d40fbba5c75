"""Re-ranking rules applied after rank fusion: near-duplicate texts, named licences, named clauses.

* Variants of one text must not crowd the top: GPL-3.0-only, GPL-3.0-or-later and the deprecated GPL-3.0
  are the same licence text, and the zh-Hans and zh-Hant OpenChain 2.1 are one standard (`family`
  metadata). Of each family only the best-ranked document stays in front (a deprecated id gives way to
  a current one); the others' passages go to the end.
* A query that names a licence by its SPDX id ("GPL-3.0-only", "Apache-2.0") wants that licence's text:
  its best passage gets one extra first place in the fusion. The answering layer, which recognises
  licence names ("木兰宽松许可证", "MPL"), also lifts every passage about a named licence (its text, FAQ
  entries citing it) above passages about other licences.
* A query that names a clause ("GPL-3.0 第7条", "section 4(d)", "§3.3", "3.6.2") lifts the passages of
  that clause (of the named licence, when it names one) by two first places.
* A query that asks what a term means (“合规文件”指的是什么, the definition of "Larger Work") lifts the
  passages headed by that term, or by the same term in the other language ("2.1 合规文件",
  "2.1 - compliance artifacts") by two first places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.retrieval.clause_refs import clause_numbers, parse_source, section_components
from bot.retrieval.licence_glossary import same_concept
from bot.types import Hit, Passage

RRF_K = 60
NAMED_LICENCE_BOOST = 1.0 / (RRF_K + 1)
NAMED_CLAUSE_BOOST = 2.0 / (RRF_K + 1)
ABOUT_NAMED_LICENCE_BOOST = 1.0 / (RRF_K + 1)

_VARIANT_SUFFIX = re.compile(r"(?:-only|-or-later|\+)$", re.IGNORECASE)
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_-]*")
_LICENCE_ID = re.compile(r"[A-Za-z][A-Za-z0-9.+]*-\d[A-Za-z0-9.+-]*")
CLAUSE_MENTION = re.compile(
    r"第\s*(?P<zh>\d{1,2}(?:\.\d{1,2})*)\s*[条節节款章](?:\s*第?\s*[(（]?(?P<zhsub>[a-z])[)）]?\s*[项項款])?"
    r"|(?:section|sec\.|clause|article|§)\s*(?P<en>\d{1,2}(?:\.\d{1,2})*)(?P<ensub>(?:\s*\([a-z0-9]{1,3}\))*)"
    r"|(?<![\w.-])(?P<deep>\d{1,2}\.\d{1,2}\.\d{1,2})(?![\w.])",
    re.IGNORECASE)


def licence_id(passage: Passage) -> str | None:
    """A licence text's SPDX id: its metadata, else its file name ("licenses/texts/MIT.txt" -> "MIT")."""
    if passage.kind != "license":
        return None
    return passage.extra.get("spdx_id") or passage.doc_id.rsplit("/", 1)[-1].removesuffix(".txt")


def family(passage: Passage) -> str:
    """What a passage is a variant of: its `family`, its licence without -only/-or-later, or its document."""
    if passage.extra.get("family"):
        return "family:" + passage.extra["family"]
    spdx = licence_id(passage)
    return "licence:" + base_licence_id(spdx).lower() if spdx else "doc:" + passage.doc_id


def base_licence_id(spdx_id: str) -> str:
    """The id without its -only / -or-later / + variant: one licence text ("GPL-3.0-only" -> "GPL-3.0")."""
    return _VARIANT_SUFFIX.sub("", spdx_id.strip())


def licence_family(spdx_id: str) -> str:
    return "licence:" + base_licence_id(spdx_id).lower()


def licences_about(passage: Passage) -> set[str]:
    """The licence families a passage is about: its own licence, or those its FAQ source cites."""
    if passage.kind == "license":
        return {family(passage)}
    source = passage.extra.get("faq_source")
    return {licence_family(ref.target) for ref in parse_source(source) if not ref.titled} if source else set()


def family_word_key(word: str) -> str:
    """A licence family named without a version ("LGPL") as a key prefix: "licence:lgpl-". Matched on the
    whole family id, so GPL's "licence:gpl-" never matches LGPL's "licence:lgpl-2.1" nor AGPL's."""
    return "licence:" + word.strip().lower() + "-"


def _matches(key: str, wanted: str) -> bool:
    return key == wanted or (wanted.endswith("-") and key.startswith(wanted))


def is_about(passage: Passage, families: set[str]) -> bool:
    """Is the passage about one of `families` (licence keys, or family-word prefixes from `family_word_key`)?"""
    return any(_matches(key, wanted) for key in licences_about(passage) for wanted in families)


def licences_cited(passage: Passage) -> set[str]:
    """The licence families (not standards) a passage is about: its own licence, or the licences its FAQ
    source cites by SPDX id."""
    if passage.kind == "license":
        return {family(passage)}
    source = passage.extra.get("faq_source")
    return {licence_family(ref.target) for ref in parse_source(source)
            if not ref.titled and _SPDX_LIKE.fullmatch(ref.target)} if source else set()


def about_other_licences(passage: Passage, families: set[str]) -> bool:
    """A passage about licences, none of them one the question names: "LGPL 动态链接" is not answered by
    the GPL's FAQ entry."""
    cited = licences_cited(passage)
    return bool(families) and bool(cited) and not any(_matches(k, w) for k in cited for w in families)


def boost_about_licences(hits: list[Hit], families: set[str]) -> list[Hit]:
    """Passages about a licence (or family) the question names go before those about other licences (stable)."""
    if families:
        for hit in hits:
            if is_about(hit.passage, families):
                hit.score += ABOUT_NAMED_LICENCE_BOOST
    return sorted(hits, key=lambda h: -h.score)


_SPDX_LIKE = re.compile(r"[A-Za-z0-9.+-]+")  # a licence id; a standard's alias has spaces or a slash
STANDARD_NAMES = re.compile(r"OpenChain|ISO/?IEC|\b(?:5230|18974)\b|\bSPDX\b|\bREUSE\b", re.IGNORECASE)


def names_a_standard(question: str) -> bool:
    """OpenChain / ISO/IEC 5230 / 18974 / SPDX / REUSE: a question about the compliance standards."""
    return bool(STANDARD_NAMES.search(question))


def about_a_standard(passage: Passage) -> bool:
    """A standard's text, or a FAQ entry resting on one (not on a licence or the policy)."""
    if passage.kind == "standard":
        return True
    source = passage.extra.get("faq_source")
    return bool(source) and any(not ref.titled and not _SPDX_LIKE.fullmatch(ref.target)
                                for ref in parse_source(source))


def boost_about_standards(hits: list[Hit]) -> list[Hit]:
    """Passages about the standards go before the policy's when a question names a standard (stable)."""
    for hit in hits:
        if about_a_standard(hit.passage):
            hit.score += ABOUT_NAMED_LICENCE_BOOST
    return sorted(hits, key=lambda h: -h.score)


def collapse_variants(hits: list[Hit]) -> tuple[list[Hit], list[Hit]]:
    """(hits of each family's best-ranked current document, in order; the other variants' hits)."""
    chosen: dict[str, str] = {}
    for hit in hits:
        key = family(hit.passage)
        if key not in chosen or (_deprecated(chosen[key], hits) and hit.passage.extra.get("deprecated") != "True"):
            chosen[key] = hit.passage.doc_id
    kept = [h for h in hits if chosen[family(h.passage)] == h.passage.doc_id]
    moved = [h for h in hits if chosen[family(h.passage)] != h.passage.doc_id]
    return kept, moved


def _deprecated(doc_id: str, hits: Iterable[Hit]) -> bool:
    return any(h.passage.doc_id == doc_id and h.passage.extra.get("deprecated") == "True" for h in hits)


def named_licence_families(query: str, spdx_ids: set[str]) -> set[str]:
    """Families of the indexed licences a query names by exact SPDX id (case-insensitive)."""
    runs = {run.rstrip(".-_").lower() for run in _LATIN_RUN.findall(query)}
    return {licence_family(run) for run in runs if run in spdx_ids}


def boost_named_licences(hits: list[Hit], families: set[str]) -> None:
    """The best passage of each named licence gets one more first place."""
    for key in families:
        best = next((h for h in hits if family(h.passage) == key), None)
        if best is not None:
            best.score += NAMED_LICENCE_BOOST


def clause_mentions(query: str) -> list[str]:
    """Clauses a query names: "第4条(d)项" -> "4(d)", "section 4(d)" -> "4(d)", "§3.3", "3.6.2"."""
    out = []
    for match in CLAUSE_MENTION.finditer(query):
        if match.group("zh"):
            out.append(match.group("zh") + (f"({match.group('zhsub')})" if match.group("zhsub") else ""))
        elif match.group("en"):
            out.append(match.group("en") + re.sub(r"\s+", "", match.group("ensub") or "").lower())
        else:
            out.append(match.group("deep"))
    return list(dict.fromkeys(out))


def passage_clauses(passage: Passage) -> list[str]:
    """The clause labels a passage answers to: a licence chunk's label, a standard's section numbers."""
    label = passage.extra.get("clause")
    return [label] if label else clause_numbers(passage.section)


def covers(label: str, clause: str) -> bool:
    """Does a chunk labelled `label` hold (part of) `clause`? "7(a)" and "7" hold "7"; "4" holds "4(d)"'s text
    only when no chunk of its own has it, which the caller cannot know, so: exact or below."""
    return label == clause or label.startswith((clause + "(", clause + "."))


def boost_named_clauses(query: str, hits: Iterable[Hit]) -> None:
    """Passages of the clause a query names, of the licence it names by id if any, go up."""
    clauses = clause_mentions(query)
    if not clauses:
        return
    ids = [m.lower() for m in _LICENCE_ID.findall(query)]
    for hit in hits:
        if not any(covers(label, clause) for label in passage_clauses(hit.passage) for clause in clauses):
            continue
        if ids and not any(i in hit.passage.title.lower() for i in ids):
            continue
        hit.score += NAMED_CLAUSE_BOOST


_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")
_ASKED_TERM = re.compile(r"([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z -]{1,15})(?:指的是|是指|的定义|是什么意思)"
                         r"|(?:definition of|meaning of)\s+(?:an?\s+|the\s+)?([A-Za-z][A-Za-z -]{2,40}?)(?:\s+in\b|[?.]|$)",
                         re.IGNORECASE)
_HEADING_NUMBER = re.compile(r"^(?:§|Section\s+)?[A-Z]?\d+(?:\.\d+)*(?:\([a-z0-9]+\))*\s*[-–—:.]?\s*")


def defined_terms(query: str) -> set[str]:
    """Terms a query asks the meaning of, with their other-language equivalents (lower case)."""
    found = {m.group(1) for m in _QUOTED.finditer(query)}
    for match in _ASKED_TERM.finditer(query):
        term = re.split(r"[的里中]\s*", match.group(1))[-1] if match.group(1) else match.group(2)
        if term and len(term.strip()) >= 2:
            found.add(term.strip())
    return {variant for term in found for variant in same_concept(term)}


def heading_term(section: str) -> str:
    """"3 - Requirements > 2.1 - compliance artifacts" -> "compliance artifacts"; '§1.13 "Source Code Form"'."""
    parts = section_components(section)
    return _HEADING_NUMBER.sub("", parts[-1]).strip(" \"“”'").lower() if parts else ""


def boost_defined_terms(query: str, hits: Iterable[Hit]) -> None:
    terms = defined_terms(query)
    if not terms:
        return
    for hit in hits:
        if heading_term(hit.passage.section) in terms:
            hit.score += NAMED_CLAUSE_BOOST
