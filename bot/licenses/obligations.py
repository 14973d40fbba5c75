"""Obligations per licence, from the FINOS OSLC handbook data, as short bilingual phrases.

The handbook lists, per licence, "terms" of type condition with the use cases that trigger them
(UB unmodified binary, MB modified binary, US unmodified source, MS modified source). We keep our
own short Chinese + English phrase per kind of obligation instead of the handbook's prose.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.licenses.rules import load_yaml_text

# (pattern on the handbook's description, "中文 / English")
_PHRASES: list[tuple[str, str]] = [
    (
        r"network|remotely",
        "向通过网络与程序交互的用户提供修改版的源代码 / Offer the source of modified versions to users who interact with it over a network",
    ),
    (
        r"user products|install",
        "为“用户产品”提供安装修改版所需的信息 / Provide the installation information needed for 'User Products'",
    ),
    (
        r"notice file|\bnotice\b.*file",
        "随附 NOTICE 文件中的声明 / Pass on the attributions in the NOTICE file",
    ),
    (
        r"copy of (the )?license|provide license|^license$",
        "随附许可证全文副本 / Include a copy of the licence text",
    ),
    (
        r"copyright notice|retain.*notice|retain notices|retain all notices",
        "保留版权声明和许可声明 / Keep the copyright and licence notices",
    ),
    (
        r"notice of modification|notice of contribution",
        "在修改过的文件中标明修改及日期 / Mark modified files with a notice of the changes",
    ),
    (
        r"same license|under same|licensing of modified",
        "修改部分/衍生作品须以相同许可证发布 / License modifications or derivative works under the same licence",
    ),
    (r"source|access to modif", "提供对应的源代码 / Provide the corresponding source code"),
    (r"no additional restrictions", "不得附加额外限制 / Impose no further restrictions on recipients"),
    (
        r"name of project|endorse",
        "未经许可不得用项目名称为衍生产品背书 / Do not use the project's name to promote derived products without permission",
    ),
    (
        r"acknowledg|advertising",
        "在文档或宣传材料中保留规定的致谢 / Include the required acknowledgement in documentation or advertising",
    ),
    (r"origin .*misrepresented", "不得歪曲软件的来源 / Do not misrepresent the origin of the software"),
    (r"legal", "在 LEGAL 文件中说明第三方知识产权 / Describe third-party IP rights in a LEGAL file"),
    (
        r"technological measures",
        "不得禁止规避技术措施 / Do not forbid circumventing technical protection measures",
    ),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), phrase) for p, phrase in _PHRASES]

# Fallback obligations by category when the handbook does not cover a licence.
CATEGORY_DEFAULTS: dict[str, list[str]] = {
    "public domain": [],
    "permissive": [
        "保留版权声明和许可声明 / Keep the copyright and licence notices",
        "随附许可证全文副本 / Include a copy of the licence text",
    ],
    "weak copyleft": [
        "随附许可证全文副本 / Include a copy of the licence text",
        "保留版权声明和许可声明 / Keep the copyright and licence notices",
        "该组件（含修改）的源代码须按原许可证提供 / Provide the source of the component, with your changes, under its licence",
    ],
    "strong copyleft": [
        "随附许可证全文副本 / Include a copy of the licence text",
        "保留版权声明和许可声明 / Keep the copyright and licence notices",
        "整体作品以相同许可证发布并提供完整源代码 / Release the whole work under the same licence with complete source code",
    ],
    "network copyleft": [
        "随附许可证全文副本 / Include a copy of the licence text",
        "整体作品以相同许可证发布并提供完整源代码 / Release the whole work under the same licence with complete source code",
        "向通过网络与程序交互的用户提供修改版的源代码 / Offer the source of modified versions to users who interact with it over a network",
    ],
    "non-free": ["逐条核对许可证的使用限制 / Check the licence's usage restrictions clause by clause"],
    "unclassified": ["逐条核对许可证条款 / Check the licence terms clause by clause"],
}

# Obligations the licence texts state that the handbook's "condition" terms leave out (it files the
# endorsement ban under restrictions, and LGPL relinking under compliance notes). Keyed by the id without
# -only / -or-later; each phrase cites the clause.
_ENDORSEMENT = (
    "不得使用版权人或贡献者的名字为衍生产品背书或推广（许可证第 {n} 条） / Do not use the names of the copyright "
    "holder or contributors to endorse or promote derived products (licence clause {n})"
)
_RELINK = (
    "允许用户用修改后的库重新链接你的程序（{zh}） / Allow users to relink your "
    "program with a modified version of the library ({en})"
)
TEXT_CLAUSES: dict[str, list[str]] = {
    "BSD-3-Clause": [_ENDORSEMENT.format(n=3)],
    "BSD-3-Clause-Clear": [_ENDORSEMENT.format(n=3)],
    "BSD-3-Clause-LBNL": [_ENDORSEMENT.format(n=3)],
    "BSD-4-Clause": [_ENDORSEMENT.format(n=4)],
    "LGPL-2.0": [_RELINK.format(zh="LGPL-2.0 第 6 条", en="LGPL-2.0 §6")],
    "LGPL-2.1": [_RELINK.format(zh="LGPL-2.1 第 6 条", en="LGPL-2.1 §6")],
    "LGPL-3.0": [_RELINK.format(zh="LGPL-3.0 第 4 条", en="LGPL-3.0 §4")],
}

MODIFIED_PREFIX = "如有修改："
MODIFIED_PREFIX_EN = "If modified: "


def phrase_for(description: str) -> str | None:
    d = " ".join(description.split())
    for pat, phrase in _COMPILED:
        if pat.search(d):
            return phrase
    return None


class Obligations:
    """licence id -> list of bilingual obligation phrases for binary distribution."""

    def __init__(self, finos_dir: Path):
        self.binary: dict[str, list[str]] = {}
        self.source: dict[str, list[str]] = {}
        if not finos_dir.is_dir():
            return
        for path in sorted(finos_dir.glob("*.yaml")):
            docs = load_yaml_text(path.read_text(encoding="utf-8")) or []
            for entry in docs if isinstance(docs, list) else [docs]:
                ids = entry.get("licenseId")
                ids = ids if isinstance(ids, list) else [ids]
                binary: list[str] = []
                source: list[str] = []
                for term in entry.get("terms") or []:
                    if term.get("type") != "condition":
                        continue
                    phrase = phrase_for(str(term.get("description", "")))
                    if not phrase:
                        continue
                    uses = set(term.get("use_cases") or ["UB", "MB", "US", "MS"])
                    for bucket, unmod, mod in ((binary, "UB", "MB"), (source, "US", "MS")):
                        if unmod in uses:
                            item = phrase
                        elif mod in uses:
                            zh, _, en = phrase.partition(" / ")
                            item = f"{MODIFIED_PREFIX}{zh} / {MODIFIED_PREFIX_EN}{en}"
                        else:
                            continue
                        if item not in bucket:
                            bucket.append(item)
                for lid in ids:
                    if lid:
                        self.binary[str(lid)] = binary
                        self.source[str(lid)] = source
        # handbook ids without -only/-or-later apply to both variants
        for lid in list(self.binary):
            for suffix in ("-only", "-or-later"):
                self.binary.setdefault(lid + suffix, self.binary[lid])
                self.source.setdefault(lid + suffix, self.source[lid])

    def for_license(self, lid: str, category: str, mode: str = "binary") -> list[str]:
        table = self.source if mode == "source" else self.binary
        found = table.get(lid)
        phrases = list(found if found is not None else CATEGORY_DEFAULTS.get(category, CATEGORY_DEFAULTS["unclassified"]))
        base = lid.removesuffix("-only").removesuffix("-or-later").removesuffix("+")
        return phrases + [p for p in TEXT_CLAUSES.get(base, []) if p not in phrases]

    def has(self, lid: str) -> bool:
        return lid in self.binary
