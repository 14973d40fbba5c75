"""Every sentence the licence engine shows to a user, in Chinese and English, keyed by kind.

The decision code never writes sentences: it returns `Text(kind, params)` for explanations and
uses `both(kind, ...)` for notes and conditions ("中文 / English", the renderer shows one half) and
`error(kind, ...)` for `LicenseError` messages. A parameter may itself be a `Text`, a `Bi` (a value
that differs by language) or a `Join` of several, so composite findings (AND / OR, per-version tables)
are rendered in one language throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERDICT = {
    "zh": {"compatible": "兼容", "incompatible": "不兼容", "conditional": "有条件兼容", "unknown": "无法确定"},
    "en": {"compatible": "compatible", "incompatible": "incompatible",
           "conditional": "compatible under conditions", "unknown": "unknown"},
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
        "本知识库没有关于 {i} 纳入 {o} 作品的规则，无法给出结论；请逐条核对两份许可证或咨询法律顾问。",
        "Our data has no rule for {i} code inside a {o} work, so no verdict can be given; compare the two licences clause by clause or ask counsel.",
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
    "fsf-gpl-compatible": (
        "FSF 将 {i} 列为与 GNU GPL 兼容的宽松许可证，{i} 代码可以纳入以 {o} 发布的作品，保留其声明即可。",
        "The FSF lists {i} as a GPL-compatible permissive licence, so {i} code can go into a work under {o}; keep its notices.",
    ),
    "fsf-gpl3-only": (
        "{i} 只与 GPLv3 兼容而不与 GPLv2 兼容；{o} 允许按 GPLv3 使用，因此整体作品须按 GPLv3（或更新版本）分发。",
        "{i} is compatible with GPLv3 but not GPLv2; {o} allows GPLv3, so the combined work must be distributed under GPLv3 (or later).",
    ),
    "permissive-to-nonfree": (
        "{i} 是宽松许可证，允许把代码用于任何条款的作品（包括非开源、限制性的许可证如 {o}），只需保留 {i} 的声明。",
        "{i} is permissive and allows its code in works under any terms, including restrictive non-open-source licences such as {o}; keep the {i} notices.",
    ),
    "permissive-to-copyleft": (
        "{i} 是只要求保留声明的宽松许可证，宽松许可的代码可以成为 copyleft 作品（{o}）的一部分，{i} 的声明须保留。",
        "{i} is a permissive licence that only asks for notices; permissively licensed code can be part of a copyleft ({o}) work, keeping the {i} notices.",
    ),
    "nonfree-to-open": (
        "{i} 不是开源许可证（例如限制商业使用或附加其他限制），这些限制无法在以 {o} 开源发布的作品中保留，因此不能纳入。",
        "{i} is not an open-source licence (e.g. it restricts commercial use); those restrictions cannot survive in a work released under the open-source {o}, so it cannot be included.",
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
    # ---------------------------------------------------------------- conditions
    "cond-choose-branch": ("选择 {label} 分支", "choose the {label} branch"),
    "cond-use-later": ("按 {chosen} 的条款使用该代码", "Use the code under the terms of {chosen}"),
    "cond-check-dependency": (
        "确认组合方式满足两份许可证（如 GPLv3 第13条、LGPL 的链接条款）",
        "Confirm the way of combining meets both licences (e.g. GPLv3 s.13, LGPL linking terms)",
    ),
    "cond-gpl3-later": ("整体作品按 GPL-3.0-or-later 分发", "Distribute the combined work under GPL-3.0-or-later"),
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
        lang = "en" if lang == "en" else "zh"
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


def text(kind: str, **params: Any) -> Text:
    return Text(kind, params)


def verdict(v: str) -> Bi:
    return Bi(VERDICT["zh"][v], VERDICT["en"][v])


def both(kind: str, **params: Any) -> str:
    """A note or condition as "中文 / English" (the renderer shows the half for the reader's language)."""
    t = Text(kind, params)
    return f"{t.render('zh')} / {t.render('en')}"


def error(kind: str, **params: Any) -> str:
    """A LicenseError message, "中文 / English"."""
    return both(kind, **params)
