"""Every sentence the licence engine shows to a user, in Chinese and English, keyed by kind.

The decision code never writes sentences: it returns `Text(kind, params)` for explanations and
uses `both(kind, ...)` for notes and conditions ("中文 / English", the renderer shows one half) and
`error(kind, ...)` for `LicenseError` messages. A parameter may itself be a `Text`, a `Bi` (a value
that differs by language) or a `Join` of several, so composite findings (AND / OR, per-version tables)
are rendered in one language throughout.

Over 400 lines because it is a table (every template in both languages, the verdict badges and headings
of the rendered answer), not logic: splitting it would only scatter the wording again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.text import normalise_lang

VERDICT = {
    "zh": {"compatible": "兼容", "incompatible": "不兼容", "conditional": "有条件兼容", "unknown": "无法确定"},
    "en": {"compatible": "compatible", "incompatible": "incompatible",
           "conditional": "compatible under conditions", "unknown": "unknown"},
}
# the compatibility answer's verdict line and headings (bot.licenses.render)
VERDICT_BADGE = {
    "zh": {
        "compatible": "✅ 兼容",
        "incompatible": "❌ 不兼容",
        "conditional": "⚠️ 有条件兼容",
        "unknown": "❓ 无法确定",
    },
    "en": {
        "compatible": "✅ Compatible",
        "incompatible": "❌ Incompatible",
        "conditional": "⚠️ Compatible under conditions",
        "unknown": "❓ Unknown",
    },
}
ANSWER_LABELS = {
    "zh": {
        "title": "许可证兼容性",
        "in": "入站（被使用的代码）",
        "out": "出站（你的项目/作品）",
        "why": "理由",
        "cond": "需要满足的条件",
        "notes": "说明",
        "src": "依据",
        "disclaimer": "以上为自动分析，仅供参考，不构成法律意见。",
        "versions": "各版本结论",
        "version": "版本",
        "verdict": "结论",
        "first_condition": "主要条件",
    },
    "en": {
        "title": "Licence compatibility",
        "in": "Inbound (code being used)",
        "out": "Outbound (your project/work)",
        "why": "Why",
        "cond": "Conditions",
        "notes": "Notes",
        "src": "Sources",
        "disclaimer": "Automated analysis for guidance only; not legal advice.",
        "versions": "Per version",
        "version": "Version",
        "verdict": "Verdict",
        "first_condition": "Main condition",
    },
}
CATEGORY_ZH = {
    "public domain": "公有领域/无条件",
    "permissive": "宽松型",
    "weak copyleft": "弱 copyleft",
    "strong copyleft": "强 copyleft",
    "network copyleft": "网络 copyleft",
    "non-free": "非自由/非开源",
    "unclassified": "未归类",
}
USE_MODE = {
    "binary": ("分发二进制", "distributed as a binary"),
    "saas": ("仅以网络服务（SaaS）提供", "offered only as a network service (SaaS)"),
    "static": ("静态链接并分发", "statically linked and distributed"),
    "dynamic": ("动态链接并分发", "dynamically linked and distributed"),
}

# kind -> (中文, English); {i} inbound, {o} outbound unless said otherwise.
TEMPLATES: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- OSADL findings (our own wording)
    "same": (
        "{i} 与 {o} 是同一个许可证，代码可以直接并入；仍须履行该许可证自身的义务。",
        "{i} and {o} are the same licence, so the code can be combined directly; that licence's own obligations still apply.",
    ),
    "generic-permissive": (
        "{i} 和 {o} 都是宽松型（非 copyleft）许可证，这类许可证通常可以互相组合：{i} 代码可以成为以 {o} 发布的作品的一部分，只要保留 {i} 要求的版权与许可声明。",
        "{i} and {o} are both permissive (non-copyleft) licences, which can normally be combined: {i} code can be part of a work released under {o} as long as the notices {i} requires are kept.",
    ),
    "copyleft-to-permissive": (
        "{i} 是 copyleft 许可证：基于它的作品必须继续按 {i}（或它允许的许可证）提供。{o} 是宽松型许可证，不能把含 {i} 代码的整体作品仅按 {o} 发布，除非许可证明确允许。",
        "{i} is a copyleft licence: works based on it must stay under {i} (or a licence it allows). {o} is permissive, so a combined work containing {i} code cannot be released under {o} alone unless a licence explicitly allows it.",
    ),
    "copyleft-to-copyleft": (
        "{i} 与 {o} 是两个不同的 copyleft 许可证，各自要求整体作品按自己的条款发布，通常无法同时满足，除非其中一方明确允许另一方。",
        "{i} and {o} are two different copyleft licences; each requires the combined work to be under its own terms, which normally cannot both be met unless one licence explicitly allows the other.",
    ),
    "explicit-yes": (
        "OSADL 在逐条核对 {o} 的条款后明确认定：{i} 代码可以纳入以 {o} 发布的作品。",
        "OSADL's clause-by-clause checklist for {o} states explicitly that {i} code may be included in a work released under {o}.",
    ),
    "explicit-no": (
        "OSADL 在逐条核对 {o} 的条款后明确认定：{i} 与 {o} 不兼容，{i} 代码不能纳入以 {o} 发布的作品。",
        "OSADL's clause-by-clause checklist for {o} states explicitly that {i} is incompatible with {o}: {i} code cannot be included in a work released under {o}.",
    ),
    "depending": (
        "能否把 {i} 代码放进 {o} 作品取决于具体组合方式（是否修改、如何链接、各部分如何分发）；OSADL 将其标为“视依赖关系而定”，一般可行但须满足相应条件。",
        "Whether {i} code can go into a {o} work depends on how they are combined (modified or not, how they are linked, how each part is distributed); OSADL marks it 'check dependency': usually possible, under conditions.",
    ),
    "insufficient": (
        "目前没有足够的公开资料判断 {i} 与 {o} 是否兼容（OSADL 亦标为未知），请逐条核对两份许可证或咨询法律顾问。",
        "There is not enough published information to decide whether {i} is compatible with {o} (OSADL also marks it unknown); compare the two licences clause by clause or ask counsel.",
    ),
    "openssl": (
        "{i}（OpenSSL/SSLeay）要求其衍生版本不得改用其他许可证发布，并带有广告致谢条款，能否放在 {o} 下没有定论（OSADL 标为未知）。",
        "{i} (OpenSSL/SSLeay) says derivatives may not be put under another licence and has an advertising clause, so whether it can go under {o} is unsettled (OSADL: unknown).",
    ),
    "unclear": (
        "{i} 的部分条款含义不明确，无法确定能否纳入 {o} 作品（OSADL 标为未知）。",
        "Some terms of {i} are unclear, so it cannot be determined whether it can be included in a {o} work (OSADL: unknown).",
    ),
    # ---------------------------------------------------------------- data-given reasons
    "reason": ("{zh}", "{en}"),
    "reason-with-note": ("{zh} {note_zh}", "{en} {note_en}"),
    # ---------------------------------------------------------------- other findings
    "proprietary-inbound": (
        "{i} 是闭源/专有代码，能否纳入 {o} 项目取决于版权人给你的授权；通常需要另行取得允许以 {o} 再许可的授权。",
        "{i} is proprietary code; whether it can go into a {o} project depends on the licence its owner granted you — normally you need explicit permission to relicense it under {o}.",
    ),
    "no-rule": (
        "本知识库没有任何来源说明 {i}（{ki}）能否纳入 {o}（{ko}）作品，无法给出结论。请核对：{i} 是否要求衍生作品采用相同许可证、是否附加 {o} 不允许的条件（广告、专利、用途限制），以及 {o} 是否允许其他许可证的代码；或咨询法律顾问。",
        "No source we have states whether {i} ({ki}) code can go into a {o} ({ko}) work, so no verdict can be given. Check whether {i} requires derived works to keep its licence, whether it adds conditions {o} does not allow (advertising, patent, field-of-use), and whether {o} accepts code under other licences; or ask counsel.",
    ),
    "unknown-type": (
        "没有任何来源给出 {i} 的类型（宽松、copyleft 还是非开源），本知识库不会猜测，因此无法判断能否纳入 {o} 作品。请先阅读 {i} 全文，确认：是否要求修改版或整体作品采用相同许可证、是否限制商业或特定用途、是否有广告或专利条款。",
        "No source says what kind of licence {i} is (permissive, copyleft or not open source), and we do not guess, so whether it can go into a {o} work cannot be decided. Read {i} and check: does it require modified versions or the whole work to keep its licence, does it restrict commercial or other uses, does it have advertising or patent clauses?",
    ),
    "or-later": (
        "{i} 允许按该版本或任何更新版本使用，可以选择 {chosen} 的条款：{inner}",
        "{i} may be used under that version or any later one, so you can choose {chosen}: {inner}",
    ),
    "exception-gpl2": (
        "{base} 本身与 GPLv2 不兼容，但 {exception} 专门消除了与 GPL-2.0 代码组合的障碍，因此可以纳入 {o} 作品。",
        "{base} alone is GPLv2-incompatible, but {exception} specifically removes the obstacles to combining with GPL-2.0 code, so it can go into a {o} work.",
    ),
    "exception-open": (
        "{base} 本身不能改按 {o} 发布，但例外 {exception} {what}；因此在 {o} 项目中作为独立库使用（不把它的代码并入或改写）是可行的，该库本身仍按 {i} 提供。",
        "{base} by itself cannot be relicensed under {o}, but {exception} {what}; so using it as a separate library in a {o} project (without merging or rewriting its code) works, while the library itself stays under {i}.",
    ),
    "exception-what-linking": ("允许把该库与独立模块链接，而独立模块可采用任意许可证",
                               "allows linking the library with independent modules under any licence"),
    "exception-what-runtime": ("使经由该运行库编译/链接产生的目标代码不受 GPL 约束",
                               "leaves target code compiled with/linked to the runtime library free of the GPL"),
    "exception-what-output": ("使该工具生成的输出不受 GPL 约束", "leaves the tool's generated output free of the GPL"),
    "generic-public-domain": (
        "{i} 几乎不附加任何条件（接近公有领域），可以纳入任何许可证的作品，包括 {o}。",
        "{i} imposes (almost) no conditions, close to public domain, so it can go into a work under any licence, including {o}.",
    ),
    "fsf-compatible": (
        "FSF 的许可证列表将 {i}（{fsf_name}）列为与 {gpl} 兼容：{i} 代码可以纳入以 {o} 发布的作品，{i} 自身要求的声明等义务仍须履行。",
        "The FSF licence list names {i} ({fsf_name}) {gpl}-compatible: {i} code can go into a work released under {o}; the notices and other duties {i} itself asks for still apply.",
    ),
    "fsf-incompatible": (
        "FSF 的许可证列表认为 {i}（{fsf_name}）是自由软件许可证，但与 {gpl} 不兼容：它附加了 {gpl} 不允许的条件，{i} 代码不能纳入以 {o} 发布的作品（除非版权人另行授权）。",
        "The FSF licence list calls {i} ({fsf_name}) a free licence that is {gpl}-incompatible: it adds conditions {gpl} does not allow, so {i} code cannot go into a work released under {o} (unless the copyright holders grant more).",
    ),
    "fsf-nonfree": (
        "FSF 的许可证列表认为 {i}（{fsf_name}）不是自由软件许可证：它的限制无法在以 {o} 发布的自由/开源作品中保留，因此不能纳入。",
        "The FSF licence list calls {i} ({fsf_name}) non-free: its restrictions cannot survive in a free / open-source work released under {o}, so it cannot be included.",
    ),
    "fsf-narrows": (
        "FSF 的许可证列表将 {i}（{fsf_name}）列为与 {gpl} 兼容，但它不允许“或更新版本”的选择：组合后的整体作品只能按 {narrowed} 分发（{o} 中“或更新版本”的选择随之失去）；若项目接受这一点，就可以组合。",
        "The FSF licence list names {i} ({fsf_name}) {gpl}-compatible, but it does not allow the 'or later' option: the combined work can only be distributed under {narrowed} (the 'or later' choice of {o} is lost); if the project accepts that, they can be combined.",
    ),
    "fsf-gpl3-only": (
        "FSF 的许可证列表认为 {i}（{fsf_name}）只与 GPLv3 兼容、不与 GPLv2 兼容；{o} 允许按 GPLv3 使用，因此整体作品须按 GPLv3（或更新版本）分发。",
        "The FSF licence list names {i} ({fsf_name}) compatible with GPLv3 but not GPLv2; {o} allows GPLv3, so the combined work must be distributed under GPLv3 (or later).",
    ),
    "permissive-to-nonfree": (
        "{i} 是宽松许可证，允许把代码用于任何条款的作品（包括非开源、限制性的许可证如 {o}），只需保留 {i} 的声明。",
        "{i} is permissive and allows its code in works under any terms, including restrictive non-open-source licences such as {o}; keep the {i} notices.",
    ),
    "permissive-to-copyleft": (
        "{i} 是宽松许可证，FSF 认为它与 GNU GPL 兼容（不附加 copyleft 许可证禁止的条件）；宽松许可的代码可以成为 copyleft 作品（{o}）的一部分，{i} 的声明须保留。",
        "{i} is a permissive licence the FSF finds GPL-compatible (it adds no condition copyleft licences forbid); permissively licensed code can be part of a copyleft ({o}) work, keeping the {i} notices.",
    ),
    "permissive-to-file-copyleft": (
        "{i} 属于宽松型许可证；{o} 是文件级 copyleft：它只约束 {o} 许可的文件，其他文件可以保留各自的许可证一起发布（见所引条款）。因此 {i} 代码可以放进 {o} 项目，但应保留在单独的文件中、继续按 {i} 提供。",
        "{i} is a permissive licence and {o} is a file-level copyleft: it binds only the {o} files, and other files may keep their own licence in the combined work (see the clause cited). So {i} code can go into a {o} project, kept in its own files under {i}.",
    ),
    "permissive-unverified": (
        "{i} 属于宽松型许可证，但没有任何来源说明它能否纳入 {o} 作品：宽松许可证有时带有 {o} 不允许的附加条件（广告条款、专利终止或赔偿条款、用途限制）。请核对 {i} 是否有此类条款；若只要求保留声明，一般可以纳入。",
        "{i} is a permissive licence, but no source states whether it can go into a {o} work: permissive licences sometimes add conditions {o} does not allow (advertising clauses, patent termination or indemnity terms, field-of-use limits). Check {i} for such terms; if it only asks for notices, it can normally be included.",
    ),
    "nonfree-to-open": (
        "{i} 不是开源许可证（类型：{ltype}，例如限制商业使用、特定用途或再分发），这些限制无法在以 {o} 开源发布的作品中保留，因此不能纳入。",
        "{i} is not an open-source licence (type: {ltype}, e.g. it restricts commercial use, some fields of use or redistribution); those restrictions cannot survive in a work released under the open-source {o}, so it cannot be included.",
    ),
    "disputed-permissive": (
        "各来源对 {i} 的类型看法不一：OSADL 的通用规则把它当作非 copyleft 许可证（可以组合），但 {source} 把它归为{ltype}。因此只有在 {i} 代码保持按 {i} 提供（不改按 {o} 再许可）、并满足 {i} 对修改版本的要求时，才可以放进 {o} 作品。",
        "Sources disagree on what kind of licence {i} is: OSADL's generic rule treats it as non-copyleft (combinable), but {source} classifies it as {ltype}. So {i} code can go into a {o} work only if it stays under {i} (not relicensed under {o}) and {i}'s terms for modified versions are met.",
    ),
    "opinion": ("{layer}：{said}", "{layer}: {said}"),
    "with-disagreement": (
        "{inner} 【各来源结论不一】{opinions}。按优先级（许可证文本与管理方声明 > OSADL 检查清单 > FSF 许可证列表 > OSADL 通用规则 > 许可证类型），以{winner}为准。",
        "{inner} [Sources disagree] {opinions}. By precedence (licence texts and stewards > OSADL checklist > FSF licence list > OSADL generic rules > licence type), the {winner} decides.",
    ),
    "linking-adjusted": ("{inner} {zh}", "{inner} {en}"),
    # ---------------------------------------------------------------- proprietary outbound
    "proprietary-category": (
        "{i} 属于{category_zh}许可证；使用方式：{mode_zh}。{zh}",
        "{i} is a {category} licence; use: {mode_en}. {en}",
    ),
    "proprietary-linking-exception": (
        "{base} 本身不允许闭源分发衍生作品，但 {exception} 允许把该库与独立模块链接，独立模块可以采用任何许可证（包括闭源）。闭源程序可以链接使用它，但该库本身（含修改）仍按 {i} 提供源代码。",
        "{base} alone would not allow closed-source distribution, but {exception} allows linking the library with independent modules under any terms, including proprietary ones. Your program may link to it, while the library itself (with any changes) stays under {i} with source available.",
    ),
    "proprietary-runtime-exception": (
        "{exception} 使经由该运行库编译/链接生成的目标代码不受 {base} 约束，可以用于闭源软件；但工具/运行库本身仍受 {base} 约束。",
        "{exception} leaves target code compiled with / linked to the runtime library free of {base}, so it can be used in proprietary software; the tool or runtime itself stays under {base}.",
    ),
    "proprietary-output-exception": (
        "{exception} 使该工具生成的输出不受 {base} 约束，可以用于闭源软件；但工具/运行库本身仍受 {base} 约束。",
        "{exception} leaves the output generated by the tool free of {base}, so it can be used in proprietary software; the tool or runtime itself stays under {base}.",
    ),
    # ---------------------------------------------------------------- licence families
    "family-same": (
        "{role}“{family}”是许可证家族名称，没有写明具体版本。按常见版本（{versions}）逐一判断，结论都是“{verdict}”，见下表；具体版本须以{where}为准。以 {example} 为例：{first}",
        "The {role} '{family}' is a licence family named without a version. Judged for each common version ({versions}), the answer is '{verdict}' every time (table below); take the exact version from {where}. For {example}: {first}",
    ),
    "family-depends": (
        "{role}“{family}”是许可证家族名称，没有写明具体版本，结论取决于版本：{summary}。请在{where}中确认具体版本，再按下表对应的行执行。",
        "The {role} '{family}' is a licence family named without a version, and the answer depends on the version: {summary}. Take the exact version from {where} and follow that row of the table.",
    ),
    # ---------------------------------------------------------------- combinations
    "and": (
        "“{label}”要求同时遵守其中每个许可证（AND），结论取最不利的一项（{summary}）。{details}",
        "'{label}' requires complying with every licence in it (AND), so the result is the least favourable one ({summary}). {details}",
    ),
    "or": (
        "“{label}”是多选一许可（OR），可以选择对你最有利的一项：选择 {best} 分支时结论为“{verdict}”。{reason}{others}",
        "'{label}' is a choice of licences (OR), so you may pick the most favourable one: with the {best} branch the result is '{verdict}'. {reason}{others}",
    ),
    "or-others": (" 其他分支：{summary}。", " Other branches: {summary}."),
    "part-verdict": ("{label}：{verdict}", "{label}: {verdict}"),
    "part-reason": ("【{label}】{reason}", "[{label}] {reason}"),
    # ---------------------------------------------------------------- notes (shown as "中文 / English")
    "note-deprecated-with": ("{lid} 是已弃用的 SPDX 标识，按 {new} WITH {exception} 处理",
                             "{lid} is a deprecated SPDX id, read as {new} WITH {exception}"),
    "note-deprecated-plain": ("{lid} 是已弃用的 SPDX 标识，按 {new} 处理", "{lid} is a deprecated SPDX id, read as {new}"),
    "note-plus": ("{lid} 即 {new}（该版本或任何更新版本）", "{lid} means {new}"),
    "note-only-assumed": (
        "“{raw}”未说明是“仅此版本”(only) 还是“或更新版本”(or-later)，按 {new} 处理；若项目声明“or any later version”，请改用 {later}",
        "'{raw}' does not say 'only' or 'or later'; read as {new} — use {later} if the project says 'or any later version'",
    ),
    "note-only-read": (
        "“{raw}”未说明是“仅此版本”(only) 还是“或更新版本”(or-later)，按 {new} 处理",
        "'{raw}' does not say 'only' or 'or later'; read as {new} (use {later} if the project allows later versions)",
    ),
    "note-deprecated": ("{lid} 是已弃用的 SPDX 标识", "{lid} is a deprecated SPDX id"),
    "note-no-version": ("“{raw}”未写版本号，按 {new} 处理", "'{raw}' gives no version; read as {new}"),
    "note-with-exception": ("附带例外 {exception}", "with exception {exception}"),
    "note-not-spdx": ("该许可证不在 SPDX 许可证列表中", "not on the SPDX License List"),
    "note-outbound-expression": (
        "出站“{o}”是复合表达式，这里要求入站代码与其中每个许可证都兼容",
        "the outbound '{o}' is an expression; the inbound code is checked against every licence in it",
    ),
    "note-saas-open": (
        "use=saas 只影响闭源（proprietary）出站的判断；开源项目的兼容性按分发情形评估",
        "use=saas only changes the answer for a proprietary outbound; open-source projects are judged for distribution",
    ),
    "note-outbound-exception": (
        "出站许可证附带例外 {exception}，按基础许可证 {base} 判断",
        "the outbound exception {exception} is ignored; judged against {base}",
    ),
    "note-exception-adds": ("例外 {exception} 只增加许可，不会使结论变差", "the exception only adds permissions"),
    "note-exception-read": ("例外 {exception} 可能提供额外许可，请阅读例外全文",
                            "the exception {exception} may grant extra permissions; read its text"),
    "note-override-kept-osadl": (
        "本项目的补充规则认为此组合为“{verdict_zh}”（{reason_zh}），但以 OSADL 结论为准",
        "our override layer says '{verdict}' here, but the OSADL verdict is kept",
    ),
    "note-linking": (
        "OSADL 的“不兼容”针对把 {i} 代码改按 {o} 发布；若该库保持独立并按 {i} 提供、只做{how_zh}链接，则可在满足条件时使用",
        "OSADL's 'incompatible' is about relicensing {i} code under {o}; linking it as a separate library that stays under {i} is possible under conditions",
    ),
    "note-no-use": (
        "未指定使用方式，按分发二进制处理；可用 use=saas/static/dynamic 细化",
        "no use given, assumed a distributed binary; refine with use=saas/static/dynamic",
    ),
    "note-pair": ("{zh}", "{en}"),
    "identify-no-texts": ("没有可比对的许可证文本（{folder}）", "no licence texts to compare with"),
    "identify-too-short": ("文本太短，无法识别", "text too short to identify"),
    "identify-not-similar": ("没有足够相似的许可证文本", "no sufficiently similar licence text"),
    "identify-twins": (
        "{best} 与 {twins} 的许可证全文相同，仅凭全文无法区分（如 only 与 or-later），请查看源文件头部的许可声明",
        "{best} has the same text as {twins}; the licence text alone cannot tell them apart — check the file headers",
    ),
    "identify-close": ("与 {other} 也非常接近", "also very close to {other}"),
    "note-family": (
        "{role}“{family}”未写版本，已按常见版本分别判断：{versions}",
        "the {role} '{family}' names no version; answered for each common version: {versions}",
    ),
    # ---------------------------------------------------------------- conditions
    "cond-keep-own-licence": (
        "{i} 代码保持按 {i} 提供，不改按 {o} 再许可；修改版本遵守 {i} 的要求",
        "Keep the {i} code under {i} (do not relicense it under {o}); follow {i}'s terms for modified versions",
    ),
    "cond-keep-permissive-files": (
        "{i} 代码放在单独的文件中，保留其许可证和声明，不并入 {o} 文件",
        "Keep the {i} code in its own files under {i}, with its notices; do not merge it into {o} files",
    ),
    "cond-pin-version": (
        "在依赖的许可证文件（LICENSE、COPYING 或源文件头部声明）中确认“{family}”的具体版本（{versions} 之一），按该版本的结论执行",
        "Take the exact version of '{family}' from the dependency's licence file (LICENSE, COPYING or the file headers: one of {versions}) and follow the answer for that version",
    ),
    "cond-pin-own-version": (
        "写明你自己项目采用的“{family}”具体版本（{versions} 之一），按该版本的结论执行",
        "Name the exact version of '{family}' your own project is released under (one of {versions}) and follow the answer for that version",
    ),
    "cond-only-versions": ("只有以下版本可以这样使用：{versions}", "Only these versions allow it: {versions}"),
    "cond-choose-branch": ("选择 {label} 分支", "choose the {label} branch"),
    "cond-use-later": ("按 {chosen} 的条款使用该代码", "Use the code under the terms of {chosen}"),
    "cond-check-dependency": (
        "确认组合方式满足两份许可证（如 GPLv3 第13条、LGPL 的链接条款）",
        "Confirm the way of combining meets both licences (e.g. GPLv3 s.13, LGPL linking terms)",
    ),
    "cond-gpl3-later": ("整体作品按 GPL-3.0-or-later 分发", "Distribute the combined work under GPL-3.0-or-later"),
    "cond-narrowed": ("整体作品只按 {narrowed} 分发", "Distribute the combined work under {narrowed} only"),
    "cond-separate-library": ("将该库作为独立组件使用，不并入或修改为项目代码",
                              "Use the library as a separate component; do not merge it into your code"),
    "cond-library-source": ("该库本身（含修改）按 {i} 提供源代码", "Provide the library's source (with changes) under {i}"),
    "cond-link-only": ("通过链接使用该库，不修改或并入其代码",
                       "Use the library by linking; do not modify it or merge its code into yours"),
    "cond-ship-library-licence": (
        "随产品提供该库的许可证文本，并按 {i} 提供该库（含修改）的源代码",
        "Ship the library's licence and offer its source (with changes) under {i}",
    ),
    "cond-exception-applies": (
        "仅在符合例外条件（如“合格编译过程”）时适用",
        "Applies only when the exception's conditions are met (e.g. an Eligible Compilation Process)",
    ),
    "cond-tool-stays": ("不要修改或闭源分发工具/运行库本身", "Do not modify or distribute the tool/runtime itself as closed source"),
    # ---------------------------------------------------------------- what a source says, in a few words
    "said-gpl-compatible": ("与 {gpl} 兼容", "{gpl}-compatible"),
    "said-gpl-incompatible": ("与 {gpl} 不兼容", "{gpl}-incompatible"),
    "said-gpl3-only": ("仅与 GPLv3 兼容", "GPLv3-compatible only"),
    "said-non-free": ("非自由许可证", "non-free"),
    # ---------------------------------------------------------------- source titles
    "src-osadl-pair": ("OSADL 开源许可证兼容性矩阵：{i} → {o}（{raw}，CC-BY-4.0）",
                       "OSADL compatibility matrix: {i} → {o} ({raw}, CC-BY-4.0)"),
    # ---------------------------------------------------------------- errors
    "unknown-licence": ("无法识别的许可证：{name}", "unknown licence: {name}"),
    "unknown-licence-long": ("无法识别的许可证：{name}…", "unknown licence"),
    "empty-name": ("许可证名称为空", "empty licence name"),
    "unknown-exception": ("无法识别的许可证例外：{name}", "unknown licence exception: {name}"),
    "not-an-exception": ("“{name}”不是许可证例外", "'{name}' is not a licence exception"),
    "exception-as-licence": ("“{name}”是许可证例外，只能跟在 WITH 之后", "'{name}' is an exception; use it after WITH"),
    "not-a-string": ("许可证表达式必须是字符串", "licence expression must be a string"),
    "empty-expression": ("许可证表达式为空", "empty licence expression"),
    "expression-too-long": ("许可证表达式过长（超过 {limit} 个字符）", "licence expression too long"),
    "expression-too-complex": ("许可证表达式过于复杂", "licence expression too complex"),
    "invalid-expression": ("无效的许可证表达式：{text}", "invalid licence expression ({why})"),
    "invalid-expression-short": ("无效的许可证表达式", "invalid licence expression"),
    "one-licence-only": ("请只给出一个许可证，而不是表达式", "give one licence, not an expression"),
    "unknown-use": ("未知的使用方式：{use}", "unknown use mode: {use}"),
    "versionless": ("“{word}”没有写明版本，无法判断兼容性", "'{word}' does not name a version, so compatibility cannot be decided"),
    "family-needs-version": (
        "“{family}”是一个许可证家族，没有写明具体版本，请选择其中一个版本：{versions}",
        "'{family}' is a licence family, not one licence; name the version: {versions}",
    ),
    "family-pin-one": (
        "“{a}”和“{b}”都是没有写明版本的许可证家族名称；请至少写明其中一个的具体版本（例如你自己项目的许可证）",
        "'{a}' and '{b}' are both licence families named without a version; name the exact version of at least one of them (for example your own project's licence)",
    ),
    "family-pin-side": (
        "{role}中的“{a}”和“{b}”都是没有写明版本的许可证家族名称；请在依赖的许可证文件中确认它们的具体版本（{a}：{a_versions}；{b}：{b_versions}）",
        "'{a}' and '{b}' in the {role} are both licence families named without a version; take their exact versions from the dependency's licence file ({a}: {a_versions}; {b}: {b_versions})",
    ),
    "data-missing": ("未找到许可证规则数据：{path}", "licence rule data not found in {path}"),
}


@dataclass(frozen=True)
class Bi:
    """A parameter value that differs by language."""

    zh: str
    en: str


@dataclass(frozen=True)
class Join:
    """Several values rendered in one language and joined."""

    items: tuple[Any, ...]
    sep_zh: str = " "
    sep_en: str = " "


@dataclass(frozen=True)
class Text:
    """A sentence to show: a template kind and its parameters, rendered per language on demand."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def render(self, lang: str) -> str:
        zh, en = TEMPLATES[self.kind]
        lang = normalise_lang(lang)
        values = {k: value(v, lang) for k, v in self.params.items()}
        return (zh if lang == "zh" else en).format(**values)

    @property
    def zh(self) -> str:
        return self.render("zh")

    @property
    def en(self) -> str:
        return self.render("en")


def value(v: Any, lang: str) -> str:
    if isinstance(v, Text):
        return v.render(lang)
    if isinstance(v, Bi):
        return v.zh if lang == "zh" else v.en
    if isinstance(v, Join):
        sep = v.sep_zh if lang == "zh" else v.sep_en
        return sep.join(value(x, lang) for x in v.items)
    return str(v)


def text(kind: str, /, **params: Any) -> Text:
    return Text(kind, params)


def verdict(v: str) -> Bi:
    return Bi(VERDICT["zh"][v], VERDICT["en"][v])


LAYER_NAME = {
    "text": Bi("许可证文本/管理方声明", "licence text / steward"),
    "osadl": Bi("OSADL 检查清单", "OSADL checklist"),
    "fsf": Bi("FSF 许可证列表", "FSF licence list"),
    "osadl-generic": Bi("OSADL 通用规则", "OSADL generic rule"),
    "type": Bi("许可证类型", "licence type"),
    "derived": Bi("许可证条款（例外、或更新版本）", "licence terms (exception, or-later)"),
}
LINK_HOW_ZH = {"dynamic": "动态", "static": "静态"}
CHOOSE_BRANCH_ZH = "选择 "  # conditions that start so ("choose the X branch") are listed first
ROLE_NAME = {"inbound": Bi("入站许可证", "inbound licence"), "outbound": Bi("出站许可证", "outbound licence")}
# where the exact version of a family is found: the dependency's licence for the inbound side, the licence
# you release under for the outbound side
VERSION_SOURCE = {
    "inbound": Bi("依赖的许可证文件", "the dependency's licence file"),
    "outbound": Bi("你自己项目的许可证", "your own project's licence"),
}
KIND_NAME = {
    "public domain": Bi("公有领域/无条件", "public domain"),
    "permissive": Bi("宽松型", "permissive"),
    "weak copyleft": Bi("弱 copyleft", "weak copyleft"),
    "strong copyleft": Bi("强 copyleft", "strong copyleft"),
    "network copyleft": Bi("网络 copyleft", "network copyleft"),
    "non-free": Bi("非开源", "not open source"),
    "unclassified": Bi("类型未知", "kind unknown"),
}
OSADL_SAID = {
    "Yes": Bi("可以", "yes"),
    "No": Bi("不可以", "no"),
    "Check dependency": Bi("视组合方式而定", "check dependency"),
    "Same": Bi("同一许可证", "same licence"),
}


def kind_name(kind: str) -> Bi:
    return KIND_NAME.get(kind, Bi(kind, kind))


def osadl_said(raw: str) -> Bi:
    return OSADL_SAID.get(raw, Bi(raw, raw))


def both(kind: str, /, **params: Any) -> str:
    """A note or condition as "中文 / English" (the renderer shows the half for the reader's language)."""
    t = Text(kind, params)
    return f"{t.render('zh')} / {t.render('en')}"


def error(kind: str, /, **params: Any) -> str:
    """A LicenseError message, "中文 / English"."""
    return both(kind, **params)
