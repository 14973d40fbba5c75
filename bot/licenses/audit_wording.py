"""Every sentence the SBOM readers and the dependency audit show people, in Chinese and English, in one table.

Why one table: the errors (one sentence naming the problem, for a 422 or the CLI's exit 2), the notes on how a
file was read and the reasons in the report are read side by side by people who compare the two languages;
keeping both halves together keeps them saying the same thing, and lets the wording be reviewed (or
translated) without reading parser code. The readers stay free of prose.

`TEXTS` maps a key to a (Chinese, English) pair of `str.format` templates; both halves get the same
parameters (a half ignores the ones it does not use). `pair()` gives the two halves (for `SbomError(code, zh,
en)` and the report's `reason` / `reason_en`), `both()` the one-line "中文 / English" form used for notes and
conditions. This module imports nothing from the audit, so every reader can use it.
"""

from __future__ import annotations

from typing import Any

_ACCEPTED_ZH = "支持 CycloneDX JSON/XML、SPDX JSON/YAML/tag-value/RDF、或含名称/版本/许可证列的 CSV/TSV"
_ACCEPTED_EN = ("accepted: CycloneDX JSON/XML, SPDX JSON/YAML/tag-value/RDF, or a CSV/TSV list with name, version "
                "and licence columns")

TEXTS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ not an SBOM (sbom.py, sbom_model.py)
    "empty": ("文件是空的", "The file is empty"),
    "not-json-xml-csv": ("文件不是 JSON、XML 或 CSV", "The file is not JSON, XML or CSV"),
    "binary-kind": ("文件是{kind_zh}，不是 SBOM", "The file is {kind_en}, not an SBOM"),
    "binary": ("文件是二进制文件，不是 SBOM", "The file is binary, not an SBOM"),
    "not-utf8": ("文件不是 UTF-8 文本，不是 SBOM", "The file is not UTF-8 text, so not an SBOM"),
    "too-deep": ("文件嵌套超过 {limit} 层，拒绝处理", "The document is nested more than {limit} levels deep and is refused"),
    "invalid-json": ("文件不是有效的 JSON", "The file is not valid JSON"),
    "invalid-json-line": ("文件不是有效的 JSON（第 {line} 行）", "The file is not valid JSON (line {line})"),
    "cyclonedx-yaml": ("CycloneDX SBOM 只支持 JSON 和 XML 格式", "CycloneDX SBOMs are only read as JSON or XML"),
    "spdx-3": ("不支持 SPDX 3 (JSON-LD)，请导出 SPDX 2.3", "SPDX 3 (JSON-LD) is not supported; export SPDX 2.3 instead"),
    "valid-not-sbom": ("这是 {what} 文件，但不是 SBOM", "The file is valid {what} but not an SBOM"),
    "yaml-alias": ("YAML 含锚点引用（可被用作“十亿笑声”攻击），拒绝处理",
                   "The YAML uses anchors/aliases (a 'billion laughs' risk) and is refused"),
    "invalid-yaml": ("文件不是有效的 YAML", "The file is not valid YAML"),
    "other-xml": ("这是 XML 文件，但不是 CycloneDX 或 SPDX", "The file is XML but neither CycloneDX nor SPDX"),
    "xml-entities": ("XML 含 DTD 或实体声明（可被用作实体炸弹），出于安全原因拒绝处理",
                     "The XML declares a DTD or entities (an entity-bomb risk) and is refused for safety"),
    "invalid-xml": ("文件不是有效的 XML", "The file is not well-formed XML"),
    "invalid-xml-why": ("文件不是有效的 XML（{why}）", "The file is not well-formed XML ({why})"),
    "not-sbom": ("{what}，不是 SBOM", "{what}, so it is not an SBOM"),
    "accepted": (f"{{what}}（{_ACCEPTED_ZH}）", f"{{what}} ({_ACCEPTED_EN})"),
    "too-many": ("SBOM 含 {count} 个组件，超过 {limit} 的上限",
                 "The SBOM lists {count} components, more than the limit of {limit}"),
    # ------------------------------------------------------------------ SPDX (sbom_spdx.py)
    "spdx-no-version": ("SPDX 文档没有写明 spdxVersion", "The SPDX document states no spdxVersion"),
    "spdx-version": ("不支持的 SPDX 版本 {version}（支持 SPDX-2.1–2.3）",
                     "SPDX version {version} is not supported (SPDX-2.1 to 2.3 are)"),
    "spdx-packages-shape": ("SPDX 文档的 packages 字段必须是对象列表",
                            "The SPDX document's 'packages' field must be a list of objects"),
    "spdx-rdf-unreadable": ("SPDX RDF 文档无法读取：{first}", "The SPDX RDF document cannot be read: {first}"),
    "spdx-rdf-malformed": ("SPDX RDF/XML 文档格式错误（{kind}）", "The SPDX RDF/XML document is malformed ({kind})"),
    "spdx-no-packages": ("这个 SBOM 没有列出任何软件包", "This SBOM lists no packages"),
    "spdx-concluded": ("采用结论许可证 {concluded}（声明为 {declared}）",
                       "using the concluded licence {concluded} (declared: {declared})"),
    "spdx-lenient": ("文件不完全符合 SPDX 规范（{count} 处，首个：{first}），已按宽松方式读取软件包",
                     ("The file deviates from the SPDX specification ({count} problems, first: {first}); its "
                      "packages were read leniently")),
    # ------------------------------------------------------------------ CycloneDX (sbom_cyclonedx.py)
    "cdx-no-version": ("文件没有写明 CycloneDX 版本，按 1.6 读取", "The file states no CycloneDX version; read as 1.6"),
    "cdx-version": ("不支持的 CycloneDX 版本 {version}（支持 1.2–1.6）",
                    "CycloneDX version {version} is not supported (1.2–1.6 are)"),
    "cdx-no-components": ("这个 SBOM 没有列出任何组件", "This SBOM lists no components"),
    "cdx-components-shape": ("CycloneDX 的 components 不是列表", "The CycloneDX 'components' field is not a list"),
    "cdx-lenient": ("{count} 个组件不符合 CycloneDX 规范，已按宽松方式读取（首个：{first}）",
                    "{count} components deviate from the CycloneDX schema and were read leniently (first: {first})"),
    # ------------------------------------------------------------------ plain lists (sbom_table.py)
    "list-guessed-one": ("许可证由工具根据文件推测（带 *）", "licence guessed by the tool from a file (marked *)"),
    "list-guessed": ("{count} 个组件的许可证是工具推测的（带 *），请人工确认",
                     "{count} licences were guessed by the tool (marked *); confirm them"),
    "list-too-many": ("清单含 {count} 个组件，超过 {limit} 的上限",
                      "The list has {count} components, more than the limit of {limit}"),
    "list-no-components": ("清单里没有任何组件", "The list has no components"),
    # ------------------------------------------------------------------ resolving a licence (audit_resolve.py)
    "no-licence": ("SBOM 没有给出许可证", "the SBOM gives no licence"),
    "not-recognised": ("无法识别这个许可证", "the licence is not recognised"),
    "ambiguous-name": ("“{value}”没有写明具体许可证或版本，按 {expression} 处理，请核对许可证原文",
                       "'{value}' does not say which licence or version; read as {expression} — check the licence text"),
    "family": ("许可证家族“{family}”没有写明版本（{short} …）：请查看该组件的许可证文件",
               "licence family without a version ({family}: {short} …): check the component's licence file"),
    "too-long": ("许可证字段过长（{length} 个字符，最多读取 {limit} 个）",
                 "the licence field is too long ({length} characters; at most {limit} are read)"),
    # ------------------------------------------------------------------ the audit (audit.py)
    "unknown-use": ("未知的使用方式：{use}（可选 binary、saas、static、dynamic）",
                    "Unknown use '{use}' (binary, saas, static or dynamic)"),
    "outbound-family": ("出站许可证“{outbound}”中的“{family}”是许可证家族，没有写明版本：请写明你自己项目许可证的具体版本（{versions}）",
                        ("In the outbound licence '{outbound}', '{family}' is a licence family without a version: "
                         "name the exact version of your own project's licence ({versions})")),
    "outbound-unknown": ("无法识别出站许可证：{outbound}", "The outbound licence '{outbound}' is not recognised"),
    "not-resolved": ("许可证未能识别：{reason}", "Licence not resolved: {reason}"),
    "family-versions-agree": ("{reason}；常见版本（{versions}）的结论都是“{verdict_zh}”",
                              "{reason}; every common version ({versions}) is '{verdict_en}'"),
    "cannot-combine": ("多个许可证无法组合成表达式", "the licences cannot be combined"),
    "resolved-part": ("已识别部分：{parts}", "resolved part: {parts}"),
    "read-as-and": ("SBOM 列出了多个许可证，按全部适用（AND）处理", "several licences are listed; read as all applying (AND)"),
    "if-alternatives": ("；若它们是可选的（{alternatives}），结论为“{verdict_zh}”",
                        "; if they are alternatives ({alternatives}) the verdict is '{verdict_en}'"),
    "headline": ("{total} 个组件（出站许可证 {outbound}{use_zh}）：{parts}。",
                 "{total} components (outbound {outbound}{use_en}): {parts}."),
    "headline-use": ("，使用方式 {use}", ", use {use}"),
    "count-part": ("{n} 个{label_zh}", "{n} {label_en}"),
    "obligation-count": ("{text}（{n} 个 {licence} 组件）", "{text} ({n} {licence} component{plural})"),
}


def pair(key: str, /, **params: Any) -> tuple[str, str]:
    """(Chinese, English) for `key`, both formatted with `params`."""
    zh, en = TEXTS[key]
    return zh.format(**params), en.format(**params)


def both(key: str, /, **params: Any) -> str:
    """"中文 / English" on one line (notes, conditions)."""
    zh, en = pair(key, **params)
    return f"{zh} / {en}"
