"""One answer for a licence family ("LGPL", "GPL v2"): a check per common version, and an overall verdict.

The overall verdict is the common one when every version agrees. When they differ it is
"conditional" if some version works (the condition being the version) and "unknown" otherwise;
the explanation says that the answer depends on the version, and the first condition asks the user
to take the exact version from the dependency's licence file (inbound) or to name the version of their own
project's licence (outbound).
"""

from __future__ import annotations

from bot.licenses import wording
from bot.licenses.families import Family
from bot.licenses.findings import dedupe
from bot.licenses.wording import Join
from bot.types import LicenseCheck

_WORKS = ("compatible", "conditional")


def _shared_sources(rows: list[LicenseCheck]) -> list:
    """The rules and authorities behind the rows; each row keeps its own licence-text links."""
    every = dedupe([s for r in rows for s in r.sources])
    general = [s for s in every if not (s.url or "").startswith("https://spdx.org/licenses/")
               and not s.title.startswith("YuanBot licence classification")]
    return general or every


def overall_verdict(rows: list[LicenseCheck]) -> str:
    verdicts = {r.verdict for r in rows}
    if len(verdicts) == 1:
        return rows[0].verdict
    return "conditional" if verdicts & set(_WORKS) else "unknown"


def family_answer(family: Family, role: str, inbound: str, outbound: str, rows: list[LicenseCheck],
                  notes: list[str]) -> LicenseCheck:
    """`role` is "inbound" or "outbound": which side named the family."""
    verdict = overall_verdict(rows)
    role_name = wording.ROLE_NAME[role]
    where = wording.VERSION_SOURCE[role]
    summary = Join(tuple(wording.text("part-verdict", label=r.inbound if role == "inbound" else r.outbound,
                                      verdict=wording.verdict(r.verdict)) for r in rows), "；", "; ")
    versions = ", ".join(family.versions)
    if len({r.verdict for r in rows}) == 1:
        first = rows[0]
        example = first.inbound if role == "inbound" else first.outbound
        reason = wording.text("family-same", family=family.key, role=role_name, verdict=wording.verdict(verdict),
                              versions=versions, example=example, where=where,
                              first=wording.Bi(first.explanation, first.explanation_en or first.explanation))
    else:
        reason = wording.text("family-depends", family=family.key, role=role_name, summary=summary, where=where)
    pin = "cond-pin-version" if role == "inbound" else "cond-pin-own-version"
    conditions = [wording.both(pin, family=family.key, versions=versions)]
    if verdict in _WORKS and len({r.verdict for r in rows}) == 1:
        conditions += [c for c in rows[0].conditions if all(c in r.conditions for r in rows[1:])]
    elif verdict in _WORKS:
        working = [(r.inbound if role == "inbound" else r.outbound) for r in rows if r.verdict in _WORKS]
        conditions.append(wording.both("cond-only-versions", versions=", ".join(working)))
    return LicenseCheck(
        verdict=verdict,  # type: ignore[arg-type]
        inbound=inbound,
        outbound=outbound,
        explanation=reason.render("zh"),
        explanation_en=reason.render("en"),
        conditions=dedupe(conditions),
        sources=_shared_sources(rows),
        notes=dedupe([wording.both("note-family", family=family.key, versions=versions, role=role_name), *notes]),
        family=family.key,
        versions=rows,
    )
