"""A whole product's dependencies are audited from its SBOM, not in chat: say where and how.

"帮我检查依赖的许可证" cannot be answered with a pair verdict; the audit page, the CLI and the Telegram
bot read the SBOM and answer for every component. The detector (`looks_like_audit_request`) lives here, with
its only caller in the product, rather than in the auditor, which never reads chat.
"""

from __future__ import annotations

import re

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


# An SBOM, a bill of materials, a dependency licence check or a NOTICE file asked for: the audit's job.
_AUDIT_REQUEST = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bsbom\b",
        r"软件物料清单|物料清单",
        r"bill[\s-]+of[\s-]+materials",
        r"\bcyclone\s*dx\b",
        r"license-checker|pip-licenses",
        (r"(依赖|三方库|第三方(组件|库|依赖|软件)|开源组件|dependenc(y|ies)).{0,15}(许可证|许可|协议|licen[cs]es?)"
        r".{0,12}(检查|审计|审查|扫描|排查|核查|合规|清单|梳理|盘点|报告)"),
        (r"(检查|审计|审查|扫描|排查|核查|梳理|盘点).{0,12}(所有|全部|项目的?|我们的?)?(依赖|三方库|第三方|开源组件)"
        r".{0,15}(许可证|许可|协议|licen[cs]es?)"),
        (r"\b(audit|scan|check|review|verify|list)\b.{0,40}\b(all\s+)?(our|my|the|project'?s?)?\s*"
        r"(dependenc(y|ies)|third[- ]party|packages|libraries|deps)\b.{0,30}\blicen[cs]es?\b"),
        (r"\b(audit|scan|check|review|verify|list)\b.{0,20}\blicen[cs]es?\b.{0,30}"
         r"\b(dependenc(y|ies)|third[- ]party|packages|libraries|deps)\b"),
        r"\b(dependenc(y|ies)|third[- ]party|deps)\b.{0,20}\blicen[cs]e\s+(audit|scan|check|report|compliance)",
        r"\blicen[cs]e\s+(audit|scan)\b",
        r"(生成|制作|输出).{0,8}(notice|第三方声明|归属声明|致谢文件)",
        r"\bthird[- ]party\s+notices?\b|\battribution\s+(file|notice)s?\b|\bnotice\s+file\b.{0,30}\bdependenc",
    )
]


def looks_like_audit_request(text: str) -> bool:
    """Does the message ask to check a whole project's dependencies (-> point to /audit)?

    A question about one licence pair ("MIT 和 GPL 兼容吗", "Can I use GPL code in my MIT project?") is not.
    """
    sample = (text or "")[:2000]
    return any(pattern.search(sample) for pattern in _AUDIT_REQUEST)


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
