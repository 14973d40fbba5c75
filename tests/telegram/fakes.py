"""Scripted answers for the Telegram tests (the core is not under test here)."""

from __future__ import annotations

from bot.errors import LicenseError
from bot.types import Answer, LicenseCheck, LicenseReference, Question, Source


def telegram_reply(question: Question) -> Answer:
    """HTML-hostile answers with sources, and licence answers for "/license A B"."""
    if question.text.startswith("/license "):
        _, inbound, outbound = question.text.split()
        if inbound == "Nonsense-1.0":
            raise LicenseError("unknown licence: Nonsense-1.0", suggestions=["NCSA"])
        return license_answer(inbound, outbound)
    return Answer(
        answer=f"Answer to: {question.text} <b>&</b>",
        status="answered",
        sources=[
            Source(
                id="p1",
                title="南京市开源人才政策 <2024> & more",
                section="第三条",
                text="原文 <script>x</script> & 条款",
                score=0.9,
                url="https://example.gov.cn/policy?a=1&b=2",
                kind="policy",
                status="in_force",
            ),
            Source(id="p2", title="Guide without URL", section="", text="text", score=0.5, url=None),
        ],
    )


def license_answer(inbound: str, outbound: str) -> Answer:
    check = LicenseCheck(
        verdict="incompatible",
        inbound=inbound,
        outbound=outbound,
        explanation="Apache-2.0 的专利条款与 GPL-2.0 冲突 <见 FSF>。",
        explanation_en="Apache-2.0's patent clauses conflict with GPL-2.0 <see FSF>.",
        conditions=["Relicense as GPL-3.0 & keep NOTICE"],
        sources=[
            LicenseReference(
                title="FSF licence list", url="https://www.gnu.org/licenses/license-list.html#apache2"
            ),
            LicenseReference(title="OSADL matrix", url=None),
        ],
    )
    return Answer(answer=check.explanation, status="answered", license_check=check)
