"""A whole product's dependencies are audited from its SBOM, not in chat: say where and how.

"帮我检查依赖的许可证" cannot be answered with a pair verdict; the audit page, the CLI and the Telegram
bot read the SBOM and answer for every component.
"""

from __future__ import annotations

import re

from bot.licenses.audit import looks_like_audit_request
from bot.types import Answer

AUDIT_PAGE = "/audit"

_TEXT = {
    "zh": ("检查整个项目的依赖许可证，请使用依赖许可证审计：\n"
           f"① 网页：打开 {AUDIT_PAGE}，上传或拖入 SBOM（CycloneDX / SPDX，或 pip-licenses、license-checker 导出的 "
           "CSV），选择项目的出站许可证和使用方式（分发二进制 / SaaS / 静态或动态链接），即可看到每个组件的结论、"
           "合并后的义务，并下载 NOTICE、CSV 和 JSON；\n"
           "② 命令行：yuanbot license audit SBOM文件 --outbound Apache-2.0 [--use saas]，有冲突时退出码非零，可用于 CI；\n"
           "③ Telegram：把 SBOM 作为文件发给机器人，说明里写出站许可证（如 Apache-2.0 use=saas）。\n"
           "单个组合可以直接问我，例如“Apache-2.0 的库能用在 GPL-2.0-only 项目里吗？”"),
    "en": ("To check all of a project's dependency licences, use the dependency licence audit:\n"
           f"1. Web: open {AUDIT_PAGE}, upload or drop an SBOM (CycloneDX / SPDX, or a CSV from pip-licenses or "
           "license-checker), choose your project's outbound licence and use (binary / SaaS / static or dynamic "
           "linking), and get every component's verdict, the combined obligations, and a NOTICE, CSV and JSON "
           "to download;\n"
           "2. CLI: yuanbot license audit SBOM_FILE --outbound Apache-2.0 [--use saas] (exits non-zero on a "
           "conflict, so it can gate CI);\n"
           "3. Telegram: send the SBOM to the bot as a file, with the outbound licence as its caption "
           "(e.g. Apache-2.0 use=saas).\n"
           "For a single pair, just ask me, e.g. \"Can I use an Apache-2.0 library in a GPL-2.0-only project?\""),
}


# "What must an ISO/IEC 5230 bill of materials include?" asks what a standard says, not for an audit
_ABOUT_A_STANDARD = re.compile(r"ISO/?IEC|\b(?:5230|18974)\b|OpenChain|REUSE|SPDX (?:spec|规范)|规范(?:要求|规定|里|中)|"
                               r"标准(?:要求|规定|里|中)|specification|standard (?:say|require)", re.IGNORECASE)


# "SBOM 是什么" / "What should an SBOM contain?" asks what an SBOM is: the FAQ and ISO/IEC 18974 answer it.
# Only a request to act on the user's own dependencies goes to the audit.
_ASKS_WHAT = re.compile(r"是什么|什么是|啥是|是啥|什么意思|指什么|指的是|定义|包含|包括|含有|哪些(?:信息|内容|字段|要素|元素)|"
                        r"要有什么|有什么用|作用|格式|\bwhat\b|\bwhich\b|\bcontain|\binclude|\bconsist|\bmean|"
                        r"\bdefin|\bformat|\bfields?\b|\bpurpose", re.IGNORECASE)
_ACTS_ON_OWN = re.compile(r"检查|审计|审查|扫描|上传|帮我|帮忙|替我|看看|看一下|核查|排查|梳理|冲突|合规吗|兼容吗|"
                          r"\b(?:check|audit|scan|upload|review|verify|analy[sz]e)\b|here(?:'s| is)|incompatib|conflict",
                          re.IGNORECASE)


def asks_what_it_is(text: str) -> bool:
    """A definition or content question (what an SBOM is, what it contains) with no request to act."""
    return bool(_ASKS_WHAT.search(text)) and not _ACTS_ON_OWN.search(text)


def audit_pointer(text: str, lang: str) -> Answer | None:
    if _ABOUT_A_STANDARD.search(text) or not looks_like_audit_request(text) or asks_what_it_is(text):
        return None
    return Answer(answer=_TEXT["zh" if lang == "zh" else "en"], status="answered")
