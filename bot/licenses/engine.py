"""The licence compatibility engine: inbound expression + outbound licence (+ use) -> LicenseCheck.

Order of evidence for one inbound licence against one outbound licence:
1. identical licences;
2. proprietary outbound: licence category x use mode (proprietary.yaml);
3. the OSADL matrix when it says Yes / No / Same / Check dependency (never overridden);
4. the override layer (overrides.yaml) where OSADL is silent or says Unknown;
5. derived rules: licence exceptions, "-or-later" upgrades, generic category rules;
6. otherwise unknown.
AND takes the worst verdict, OR the best (and says which branch to choose);
order: incompatible < unknown < conditional < compatible.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from bot.errors import LicenseError
from bot.licenses.identify import LicenseIdentifier
from bot.licenses.obligations import Obligations
from bot.licenses.rules import COPYLEFT, OSADL_URL, RuleSet, gnu_parts, later_alternatives
from bot.licenses.spdx import PROPRIETARY, Leaf, LicenseCatalog, LicenseMeta, Node, leaves
from bot.types import (
    IdentifyResult,
    LicenseCheck,
    LicenseInfo,
    LicenseMention,
    LicenseQuery,
    LicenseReference,
)

RANK = {"incompatible": 0, "unknown": 1, "conditional": 2, "compatible": 3}
USES = ("binary", "saas", "static", "dynamic")
USE_ALIASES = {
    "binary": "binary",
    "distribution": "binary",
    "distribute": "binary",
    "bin": "binary",
    "分发": "binary",
    "二进制": "binary",
    "saas": "saas",
    "network": "saas",
    "service": "saas",
    "server": "saas",
    "cloud": "saas",
    "网络": "saas",
    "云服务": "saas",
    "static": "static",
    "static-link": "static",
    "static_linking": "static",
    "静态链接": "static",
    "静态": "static",
    "dynamic": "dynamic",
    "dynamic-link": "dynamic",
    "dynamic_linking": "dynamic",
    "shared": "dynamic",
    "动态链接": "dynamic",
    "动态": "dynamic",
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
VERDICT_ZH = {
    "compatible": "兼容",
    "incompatible": "不兼容",
    "conditional": "有条件兼容",
    "unknown": "无法确定",
}
VERDICT_EN = {
    "compatible": "compatible",
    "incompatible": "incompatible",
    "conditional": "compatible under conditions",
    "unknown": "unknown",
}
FSF_REF = LicenseReference(
    title="FSF, Various Licenses and Comments about Them",
    url="https://www.gnu.org/licenses/license-list.html",
)
GPL_FAQ_REF = LicenseReference(title="GNU GPL FAQ", url="https://www.gnu.org/licenses/gpl-faq.html")

# Our own wording for each kind of OSADL finding ({i} inbound, {o} outbound).
_OSADL_TEXT = {
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
}


@dataclass
class _R:
    verdict: str
    zh: str
    en: str
    label: str
    conditions: list[str] = field(default_factory=list)
    sources: list[LicenseReference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _dedupe(items):
    seen, out = set(), []
    for x in items:
        key = x.model_dump_json() if isinstance(x, BaseModel) else x
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


_CACHE: dict[tuple[str, str | None], LicenseEngine] = {}
_CACHE_LOCK = threading.Lock()


class LicenseEngine:
    """Implements bot.ports.LicenseAdvisor."""

    def __init__(self, data_dir: Path, texts_dir: Path | None = None):
        self.data_dir = Path(data_dir)
        if not (self.data_dir / "osadl" / "osadl-matrixseqexpl.json").is_file():
            raise LicenseError(f"licence rule data not found in {self.data_dir}", [])
        self.texts_dir = Path(texts_dir) if texts_dir else self.data_dir.parent / "texts"
        self.catalog = LicenseCatalog(self.data_dir)
        self.rules = RuleSet(self.data_dir)
        self.obligations = Obligations(self.data_dir / "finos-oslc-handbook")
        self.catalog.popular |= {n for n in self.rules.osadl_names if " WITH " not in n}
        for name in sorted(self.rules.osadl_names):
            if " WITH " not in name and not self.catalog.is_known(name):
                self.catalog.add_extra(name, name)
        self._identifier: LicenseIdentifier | None = None
        self._id_lock = threading.Lock()

    @classmethod
    def load(cls, data_dir: Path, texts_dir: Path | None = None) -> LicenseEngine:
        key = (str(Path(data_dir).resolve()), str(Path(texts_dir).resolve()) if texts_dir else None)
        with _CACHE_LOCK:
            if key not in _CACHE:
                _CACHE[key] = cls(Path(data_dir), texts_dir)
            return _CACHE[key]

    # ------------------------------------------------------------------ public API
    def resolve(self, name: str) -> str:
        """A licence name or SPDX expression -> canonical SPDX string. Raises LicenseError."""
        node, _ = self.catalog.parse(name)
        return str(node)

    def category(self, lid: str) -> str:
        if lid in self.rules.category_of:
            return self.rules.category_of[lid]
        meta = self.catalog.licenses.get(lid)
        if (
            (meta and (meta.osi_approved or meta.fsf_libre))
            or lid in self.rules.gpl3_ok
            or lid in self.rules.gpl2_ok
        ):
            return "permissive"
        if self.rules.osadl_name(lid):
            return "permissive" if self._osadl_noncopyleft(lid) else "strong copyleft"
        return "unclassified"

    def _osadl_noncopyleft(self, lid: str) -> bool:
        p = self.rules.osadl_pair(lid, "MIT")
        return p is not None and p.kind != "copyleft-to-permissive" and p.raw != "No"

    def describe(self, name: str) -> LicenseInfo:
        node, notes = self.catalog.parse(name)
        if not isinstance(node, Leaf):
            raise LicenseError(
                "请只给出一个许可证，而不是表达式 / give one licence, not an expression",
                [str(x) for x in leaves(node)],
            )
        lid = node.license
        meta: LicenseMeta = self.catalog.licenses[lid]
        cat = self.category(lid)
        info_notes = list(notes)
        if node.exception:
            info_notes.append(f"附带例外 {node.exception} / with exception {node.exception}")
        if not meta.spdx and lid != PROPRIETARY:
            info_notes.append("该许可证不在 SPDX 许可证列表中 / not on the SPDX License List")
        return LicenseInfo(
            id=str(node),
            name=meta.name,
            spdx_id=lid if meta.spdx else None,
            category=cat,
            osi_approved=meta.osi_approved,
            fsf_libre=meta.fsf_libre,
            deprecated=meta.deprecated,
            obligations=[] if lid == PROPRIETARY else self.obligations.for_license(lid, cat),
            text_url=f"https://spdx.org/licenses/{lid}.html" if meta.spdx else meta.url,
            in_osadl_matrix=self.rules.osadl_name(str(node)) is not None,
            notes=info_notes,
        )

    def find_mentions(self, text: str) -> list[LicenseMention]:
        from bot.licenses.questions import find_mentions

        return find_mentions(text, self)

    def parse_question(self, text: str) -> LicenseQuery | None:
        from bot.licenses.questions import parse_license_question

        return parse_license_question(text, self)

    def identify(self, text: str) -> IdentifyResult:
        if self._identifier is None:
            with self._id_lock:
                if self._identifier is None:
                    self._identifier = LicenseIdentifier(self.texts_dir, self.catalog)
        return self._identifier.identify(text)

    def check(self, inbound: str, outbound: str, use: str | None = None) -> LicenseCheck:
        use_n = self._norm_use(use)
        in_node, in_notes = self.catalog.parse(inbound)
        out_node, out_notes = self.catalog.parse(outbound)
        notes = list(in_notes) + list(out_notes)
        if isinstance(out_node, Leaf):
            r = self._eval(in_node, out_node, use_n)
        else:
            parts = [self._eval(in_node, ol, use_n) for ol in leaves(out_node)]
            r = self._combine_and(parts, f"{in_node} → {out_node}")
            notes.append(
                f"出站“{out_node}”是复合表达式，这里要求入站代码与其中每个许可证都兼容 / the outbound "
                f"'{out_node}' is an expression; the inbound code is checked against every licence in it"
            )
        if (
            use_n
            and not any(isinstance(x, Leaf) and x.license == PROPRIETARY for x in leaves(out_node))
            and use_n == "saas"
        ):
            notes.append(
                "use=saas 只影响闭源（proprietary）出站的判断；开源项目的兼容性按分发情形评估 / use=saas only changes the "
                "answer for a proprietary outbound; open-source projects are judged for distribution"
            )
        sources = _dedupe(r.sources) or [
            LicenseReference(title="OSADL open-source licence compatibility matrix", url=OSADL_URL)
        ]
        conditions = _dedupe(r.conditions) if r.verdict != "incompatible" else []
        # "choose the X branch" first, then the rest in the order found
        conditions.sort(key=lambda c: not c.startswith("选择 "))
        return LicenseCheck(
            verdict=r.verdict,  # type: ignore[arg-type]
            inbound=str(in_node),
            outbound=str(out_node),
            explanation=r.zh,
            explanation_en=r.en,
            conditions=conditions,
            sources=sources,
            notes=_dedupe(notes + r.notes),
        )

    # ------------------------------------------------------------------ combination
    def _norm_use(self, use: str | None) -> str | None:
        if use is None or str(use).strip() == "":
            return None
        u = USE_ALIASES.get(str(use).strip().lower())
        if u is None:
            raise LicenseError(f"未知的使用方式：{use} / unknown use mode: {use}", list(USES))
        return u

    def _eval(self, node: Node, out: Leaf, use: str | None) -> _R:
        if isinstance(node, Leaf):
            return self._leaf(node, out, use)
        parts = [self._eval(a, out, use) for a in node.args]
        if node.op == "AND":
            return self._combine_and(parts, str(node))
        return self._combine_or(parts, str(node), out)

    def _combine_and(self, parts: list[_R], label: str) -> _R:
        worst = min(parts, key=lambda p: RANK[p.verdict])
        summary = "；".join(f"{p.label}：{VERDICT_ZH[p.verdict]}" for p in parts)
        summary_en = "; ".join(f"{p.label}: {VERDICT_EN[p.verdict]}" for p in parts)
        zh = f"“{label}”要求同时遵守其中每个许可证（AND），结论取最不利的一项（{summary}）。" + " ".join(
            f"【{p.label}】{p.zh}" for p in parts
        )
        en = (
            f"'{label}' requires complying with every licence in it (AND), so the result is the least favourable "
            f"one ({summary_en}). " + " ".join(f"[{p.label}] {p.en}" for p in parts)
        )
        conds: list[str] = []
        srcs: list[LicenseReference] = []
        notes: list[str] = []
        for p in parts:
            conds += p.conditions
            srcs += p.sources
            notes += p.notes
        return _R(worst.verdict, zh, en, label, conds, srcs, notes)

    def _combine_or(self, parts: list[_R], label: str, out: Leaf) -> _R:
        best_rank = max(RANK[p.verdict] for p in parts)
        candidates = [p for p in parts if RANK[p.verdict] == best_rank]
        best = min(candidates, key=lambda p: len(p.conditions))
        others = [p for p in parts if p is not best]
        zh = (
            f"“{label}”是多选一许可（OR），可以选择对你最有利的一项：选择 {best.label} 分支时结论为“{VERDICT_ZH[best.verdict]}”。"
            f"{best.zh}"
        )
        en = (
            f"'{label}' is a choice of licences (OR), so you may pick the most favourable one: with the {best.label} branch "
            f"the result is '{VERDICT_EN[best.verdict]}'. {best.en}"
        )
        if others:
            zh += " 其他分支：" + "；".join(f"{p.label}：{VERDICT_ZH[p.verdict]}" for p in others) + "。"
            en += " Other branches: " + "; ".join(f"{p.label}: {VERDICT_EN[p.verdict]}" for p in others) + "."
        conds = list(best.conditions)
        if best.verdict != "incompatible":
            conds.insert(0, f"选择 {best.label} 分支 / choose the {best.label} branch")
        srcs = list(best.sources)
        for p in others:
            srcs += p.sources[:1]
        return _R(best.verdict, zh, en, label, conds, srcs, list(best.notes))

    # ------------------------------------------------------------------ one pair
    def _license_ref(self, lid: str) -> LicenseReference:
        meta = self.catalog.licenses.get(lid)
        if meta is None:
            return LicenseReference(title=lid, url=None)
        url = f"https://spdx.org/licenses/{lid}.html" if meta.spdx else meta.url
        return LicenseReference(title=f"{meta.name} ({lid})", url=url)

    def _obligations(self, leaf: Leaf, use: str | None) -> list[str]:
        if leaf.license == PROPRIETARY:
            return []
        cat = self.category(leaf.license)
        if use == "saas" and cat != "network copyleft":
            return []
        return self.obligations.for_license(leaf.license, cat)

    def _leaf(self, inb: Leaf, out: Leaf, use: str | None) -> _R:
        i, o = str(inb), str(out)
        if out.license == PROPRIETARY:
            return self._proprietary(inb, use)
        if inb.license == PROPRIETARY:
            return _R(
                "unknown",
                f"{i} 是闭源/专有代码，能否纳入 {o} 项目取决于版权人给你的授权；通常需要另行取得允许以 {o} 再许可的授权。",
                f"{i} is proprietary code; whether it can go into a {o} project depends on the licence its owner granted you — normally you need explicit permission to relicense it under {o}.",
                i,
                [],
                [self._license_ref(out.license)],
            )
        if inb == out:
            pair = self.rules.osadl_pair(i, o)
            zh, en = _OSADL_TEXT["same"]
            srcs = [self._osadl_ref(i, o, "Same")] if pair else []
            return _R(
                "compatible",
                zh.format(i=i, o=o),
                en.format(i=i, o=o),
                i,
                self._obligations(inb, use),
                srcs + [self._license_ref(inb.license)],
            )

        pair = self.rules.osadl_pair(i, o)
        override = self.rules.overrides.get((i, o))
        if pair is not None and pair.raw in ("Yes", "No", "Same", "Check dependency"):
            zh, en = _OSADL_TEXT.get(
                pair.kind, _OSADL_TEXT["explicit-yes" if pair.raw == "Yes" else "explicit-no"]
            )
            if pair.raw == "Check dependency":
                zh, en = _OSADL_TEXT["depending"]
            r = _R(
                pair.verdict,
                zh.format(i=i, o=o),
                en.format(i=i, o=o),
                i,
                self._obligations(inb, use),
                [
                    self._osadl_ref(i, o, pair.raw),
                    self._license_ref(inb.license),
                    self._license_ref(out.license),
                ],
            )
            if pair.raw == "Check dependency":
                r.conditions.insert(
                    0,
                    "确认组合方式满足两份许可证（如 GPLv3 第13条、LGPL 的链接条款） / Confirm the way of combining meets both licences (e.g. GPLv3 s.13, LGPL linking terms)",
                )
            if gnu_parts(inb.license) or gnu_parts(out.license):
                r.sources.append(FSF_REF)
            if override is not None and override.verdict != r.verdict:
                r.notes.append(
                    f"本项目的补充规则认为此组合为“{VERDICT_ZH[override.verdict]}”（{override.reason_zh}），但以 OSADL 结论为准 / "
                    f"our override layer says '{override.verdict}' here, but the OSADL verdict is kept"
                )
            self._pair_notes(r, i, o)
            self._linking_adjust(r, inb, out, use)
            return r

        if override is not None:
            r = _R(
                override.verdict,
                override.reason_zh,
                override.reason_en,
                i,
                list(override.conditions)
                + (self._obligations(inb, use) if override.verdict != "incompatible" else []),
                list(override.sources) + [self._license_ref(inb.license), self._license_ref(out.license)],
            )
            if override.note_zh:
                r.notes.append(f"{override.note_zh} / {override.note_en}")
            self._pair_notes(r, i, o)
            return r

        derived = self._derived(inb, out, use, generic=pair is None)
        if derived is not None:
            self._pair_notes(derived, i, o)
            return derived

        if pair is not None:  # OSADL Unknown and nothing better
            zh, en = _OSADL_TEXT.get(pair.kind, _OSADL_TEXT["insufficient"])
            r = _R(
                "unknown",
                zh.format(i=i, o=o),
                en.format(i=i, o=o),
                i,
                [],
                [
                    self._osadl_ref(i, o, pair.raw),
                    self._license_ref(inb.license),
                    self._license_ref(out.license),
                ],
            )
            self._pair_notes(r, i, o)
            return r
        zh, en = _OSADL_TEXT["insufficient"]
        return _R(
            "unknown",
            f"本知识库没有关于 {i} 纳入 {o} 作品的规则，无法给出结论；请逐条核对两份许可证或咨询法律顾问。",
            f"Our data has no rule for {i} code inside a {o} work, so no verdict can be given; compare the two licences clause by clause or ask counsel.",
            i,
            [],
            [self._license_ref(inb.license), self._license_ref(out.license)],
        )

    def _osadl_ref(self, i: str, o: str, raw: str) -> LicenseReference:
        return LicenseReference(
            title=f"OSADL 开源许可证兼容性矩阵：{i} → {o}（{raw}，CC-BY-4.0） / "
            f"OSADL compatibility matrix: {i} → {o} ({raw}, CC-BY-4.0)",
            url=OSADL_URL,
        )

    def _pair_notes(self, r: _R, i: str, o: str) -> None:
        for n in self.rules.pair_notes.get((i, o), []):
            r.notes.append(f"{n.note_zh} / {n.note_en}")
            r.sources.extend(n.sources)

    def _linking_adjust(self, r: _R, inb: Leaf, out: Leaf, use: str | None) -> None:
        """LGPL-style library linked (not merged) into a permissively licensed program."""
        if use not in ("dynamic", "static") or r.verdict != "incompatible":
            return
        if self.category(inb.license) != "weak copyleft" or self.category(out.license) not in (
            "permissive",
            "public domain",
        ):
            return
        rule = self.rules.proprietary["weak copyleft"][use]
        r.notes.append(
            f"OSADL 的“不兼容”针对把 {inb} 代码改按 {out} 发布；若该库保持独立并按 {inb} 提供、只做{'动态' if use == 'dynamic' else '静态'}链接，"
            f"则可在满足条件时使用 / OSADL's 'incompatible' is about relicensing {inb} code under {out}; linking it as a separate library that stays under {inb} is possible under conditions"
        )
        r.verdict = "conditional"
        r.zh += " " + rule["reason_zh"]
        r.en += " " + rule["reason_en"]
        r.conditions = list(rule.get("conditions") or []) + r.conditions
        r.sources += [LicenseReference(title=s["title"], url=s.get("url")) for s in rule["source"]]

    # ------------------------------------------------------------------ derived rules
    def _derived(self, inb: Leaf, out: Leaf, use: str | None, generic: bool = True) -> _R | None:
        """Rules derived from other data. Generic category rules only run where OSADL is silent:
        an OSADL "Unknown" is never turned into a verdict by a category guess."""
        i = str(inb)
        if inb.exception:
            return self._with_exception(inb, out, use)
        if out.exception:
            base = self._leaf(inb, Leaf(out.license), use)
            base.notes.append(
                f"出站许可证附带例外 {out.exception}，按基础许可证 {out.license} 判断 / the outbound exception {out.exception} is ignored; judged against {out.license}"
            )
            return base
        # X-or-later inbound: the recipient may pick any allowed version
        alts = later_alternatives(inb.license)
        if alts:
            best = None
            for a in alts:
                if a == inb.license:
                    continue
                r = self._known_pair(Leaf(a), out, use)
                if r is not None and (best is None or RANK[r.verdict] > RANK[best.verdict]):
                    best = r
            if best is not None and best.verdict in ("compatible", "conditional"):
                best.zh = f"{i} 允许按该版本或任何更新版本使用，可以选择 {best.label} 的条款：" + best.zh
                best.en = (
                    f"{i} may be used under that version or any later one, so you can choose {best.label}: "
                    + best.en
                )
                best.conditions.insert(
                    0, f"按 {best.label} 的条款使用该代码 / Use the code under the terms of {best.label}"
                )
                best.label = i
                return best
        # generic category rules
        return self._generic(inb, out) if generic else None

    def _known_pair(self, inb: Leaf, out: Leaf, use: str | None) -> _R | None:
        i, o = str(inb), str(out)
        if inb == out:
            return self._leaf(inb, out, use)
        pair = self.rules.osadl_pair(i, o)
        if (pair is not None and pair.raw != "Unknown") or (i, o) in self.rules.overrides:
            return self._leaf(inb, out, use)
        return None

    def _with_exception(self, inb: Leaf, out: Leaf, use: str | None) -> _R:
        i, o = str(inb), str(out)
        meta = self.rules.exceptions.get(inb.exception or "", {"kind": "other"})
        kind = meta.get("kind", "other")
        exc_ref = LicenseReference(
            title=f"{self.catalog.exceptions.get(inb.exception, inb.exception)} ({inb.exception})",
            url=meta.get("url") or f"https://spdx.org/licenses/{inb.exception}.html",
        )
        base = self._leaf(Leaf(inb.license), out, use)
        base.sources.append(exc_ref)
        base.label = i
        if base.verdict == "compatible":
            base.notes.append(
                f"例外 {inb.exception} 只增加许可，不会使结论变差 / the exception only adds permissions"
            )
            return base
        if kind == "gpl2" and (gnu_parts(out.license) or ("", "", ""))[1].startswith("2"):
            return _R(
                "compatible",
                f"{inb.license} 本身与 GPLv2 不兼容，但 {inb.exception} 专门消除了与 GPL-2.0 代码组合的障碍，因此可以纳入 {o} 作品。",
                f"{inb.license} alone is GPLv2-incompatible, but {inb.exception} specifically removes the obstacles to combining with GPL-2.0 code, so it can go into a {o} work.",
                i,
                self._obligations(Leaf(inb.license), use),
                [exc_ref, self._license_ref(out.license)],
            )
        if kind in ("linking", "runtime", "output") and self.category(out.license) not in COPYLEFT:
            what = {
                "linking": "允许把该库与独立模块链接，而独立模块可采用任意许可证",
                "runtime": "使经由该运行库编译/链接产生的目标代码不受 GPL 约束",
                "output": "使该工具生成的输出不受 GPL 约束",
            }[kind]
            what_en = {
                "linking": "allows linking the library with independent modules under any licence",
                "runtime": "leaves target code compiled with/linked to the runtime library free of the GPL",
                "output": "leaves the tool's generated output free of the GPL",
            }[kind]
            return _R(
                "conditional",
                f"{inb.license} 本身不能改按 {o} 发布，但例外 {inb.exception} {what}；因此在 {o} 项目中作为独立库使用（不把它的代码并入或改写）是可行的，该库本身仍按 {i} 提供。",
                f"{inb.license} by itself cannot be relicensed under {o}, but {inb.exception} {what_en}; so using it as a separate library in a {o} project (without merging or rewriting its code) works, while the library itself stays under {i}.",
                i,
                [
                    "将该库作为独立组件使用，不并入或修改为项目代码 / Use the library as a separate component; do not merge it into your code",
                    f"该库本身（含修改）按 {i} 提供源代码 / Provide the library's source (with changes) under {i}",
                ]
                + self._obligations(Leaf(inb.license), use),
                [exc_ref, self._license_ref(inb.license)],
            )
        base.notes.append(
            f"例外 {inb.exception} 可能提供额外许可，请阅读例外全文 / the exception {inb.exception} may grant extra permissions; read its text"
        )
        if base.verdict == "incompatible" and kind == "other":
            base.verdict = "unknown"
        return base

    def _generic(self, inb: Leaf, out: Leaf) -> _R | None:
        i, o = inb.license, out.license
        ci, co = self.category(i), self.category(o)
        refs = [self._license_ref(i), self._license_ref(o)]
        obl = self.obligations.for_license(i, ci)
        gp = gnu_parts(o)
        if ci == "public domain":
            return _R(
                "compatible",
                f"{i} 几乎不附加任何条件（接近公有领域），可以纳入任何许可证的作品，包括 {o}。",
                f"{i} imposes (almost) no conditions, close to public domain, so it can go into a work under any licence, including {o}.",
                i,
                obl,
                refs,
            )
        if ci == "permissive":
            simple = i in self.rules.gpl3_ok or i in self.rules.gpl2_ok
            if co in ("permissive", "public domain"):
                zh, en = _OSADL_TEXT["generic-permissive"]
                return _R(
                    "compatible",
                    zh.format(i=i, o=o),
                    en.format(i=i, o=o),
                    i,
                    obl,
                    refs
                    + [
                        LicenseReference(
                            title="OSADL generic rule: non-copyleft licences are mutually compatible",
                            url=OSADL_URL,
                        )
                    ],
                )
            if gp:
                _fam, ver, suffix = gp
                ok2, ok3 = i in self.rules.gpl2_ok, i in self.rules.gpl3_ok
                if ver.startswith("3"):
                    ok = ok3
                elif ver.startswith("2"):
                    ok = ok2
                else:
                    ok = False
                if ok:
                    return _R(
                        "compatible",
                        f"FSF 将 {i} 列为与 GNU GPL 兼容的宽松许可证，{i} 代码可以纳入以 {o} 发布的作品，保留其声明即可。",
                        f"The FSF lists {i} as a GPL-compatible permissive licence, so {i} code can go into a work under {o}; keep its notices.",
                        i,
                        obl,
                        refs + [FSF_REF],
                    )
                if ver.startswith("2") and suffix == "or-later" and ok3:
                    return _R(
                        "conditional",
                        f"{i} 只与 GPLv3 兼容而不与 GPLv2 兼容；{o} 允许按 GPLv3 使用，因此整体作品须按 GPLv3（或更新版本）分发。",
                        f"{i} is compatible with GPLv3 but not GPLv2; {o} allows GPLv3, so the combined work must be distributed under GPLv3 (or later).",
                        i,
                        [
                            "整体作品按 GPL-3.0-or-later 分发 / Distribute the combined work under GPL-3.0-or-later"
                        ]
                        + obl,
                        refs + [FSF_REF],
                    )
                return None
            if co == "non-free":
                return _R(
                    "compatible",
                    f"{i} 是宽松许可证，允许把代码用于任何条款的作品（包括非开源、限制性的许可证如 {o}），只需保留 {i} 的声明。",
                    f"{i} is permissive and allows its code in works under any terms, including restrictive non-open-source licences such as {o}; keep the {i} notices.",
                    i,
                    obl,
                    [
                        *refs,
                        LicenseReference(title="Open Source Definition", url="https://opensource.org/osd"),
                    ],
                )
            if co in COPYLEFT and simple:
                return _R(
                    "compatible",
                    f"{i} 是只要求保留声明的宽松许可证，宽松许可的代码可以成为 copyleft 作品（{o}）的一部分，{i} 的声明须保留。",
                    f"{i} is a permissive licence that only asks for notices; permissively licensed code can be part of a copyleft ({o}) work, keeping the {i} notices.",
                    i,
                    obl,
                    refs + [FSF_REF],
                )
            return None
        if ci in COPYLEFT and co in ("permissive", "public domain"):
            zh, en = _OSADL_TEXT["copyleft-to-permissive"]
            return _R(
                "incompatible",
                zh.format(i=i, o=o),
                en.format(i=i, o=o),
                i,
                [],
                refs
                + [
                    LicenseReference(
                        title="OSADL generic rule: copyleft code cannot be relicensed under a non-copyleft licence",
                        url=OSADL_URL,
                    )
                ],
            )
        if ci in ("strong copyleft", "network copyleft") and co in COPYLEFT:
            zh, en = _OSADL_TEXT["copyleft-to-copyleft"]
            return _R(
                "incompatible",
                zh.format(i=i, o=o),
                en.format(i=i, o=o),
                i,
                [],
                refs
                + [
                    LicenseReference(
                        title="OSADL generic rule: different copyleft licences are incompatible unless explicitly allowed",
                        url=OSADL_URL,
                    )
                ],
            )
        if ci == "non-free" and co in ("permissive", "public domain") + COPYLEFT:
            return _R(
                "incompatible",
                f"{i} 不是开源许可证（例如限制商业使用或附加其他限制），这些限制无法在以 {o} 开源发布的作品中保留，因此不能纳入。",
                f"{i} is not an open-source licence (e.g. it restricts commercial use); those restrictions cannot survive in a work released under the open-source {o}, so it cannot be included.",
                i,
                [],
                refs + [FSF_REF],
            )
        return None

    # ------------------------------------------------------------------ proprietary
    def _proprietary(self, inb: Leaf, use: str | None) -> _R:
        i = str(inb)
        u = use or "binary"
        cat = self.category(inb.license)
        if inb.exception:
            meta = self.rules.exceptions.get(inb.exception, {"kind": "other"})
            kind = meta.get("kind", "other")
            exc_ref = LicenseReference(
                title=f"{self.catalog.exceptions.get(inb.exception, inb.exception)} ({inb.exception})",
                url=meta.get("url"),
            )
            if kind == "gpl2":
                r = self._proprietary(Leaf(inb.license), use)
                r.label = i
                r.sources.append(exc_ref)
                return r
            if kind in ("linking", "runtime", "output") and cat in COPYLEFT and u != "saas":
                if kind == "linking":
                    return _R(
                        "conditional",
                        f"{inb.license} 本身不允许闭源分发衍生作品，但 {inb.exception} 允许把该库与独立模块链接，独立模块可以采用任何许可证（包括闭源）。闭源程序可以链接使用它，但该库本身（含修改）仍按 {i} 提供源代码。",
                        f"{inb.license} alone would not allow closed-source distribution, but {inb.exception} allows linking the library with independent modules under any terms, including proprietary ones. Your program may link to it, while the library itself (with any changes) stays under {i} with source available.",
                        i,
                        [
                            "通过链接使用该库，不修改或并入其代码 / Use the library by linking; do not modify it or merge its code into yours",
                            f"随产品提供该库的许可证文本，并按 {i} 提供该库（含修改）的源代码 / Ship the library's licence and offer its source (with changes) under {i}",
                        ],
                        [exc_ref, self._license_ref(inb.license), GPL_FAQ_REF],
                    )
                return _R(
                    "compatible" if kind == "runtime" else "conditional",
                    f"{inb.exception} 使{'经由该运行库编译/链接生成的目标代码' if kind == 'runtime' else '该工具生成的输出'}不受 {inb.license} 约束，可以用于闭源软件；但工具/运行库本身仍受 {inb.license} 约束。",
                    f"{inb.exception} leaves {'target code compiled with / linked to the runtime library' if kind == 'runtime' else 'the output generated by the tool'} free of {inb.license}, so it can be used in proprietary software; the tool or runtime itself stays under {inb.license}.",
                    i,
                    [
                        "仅在符合例外条件（如“合格编译过程”）时适用 / Applies only when the exception's conditions are met (e.g. an Eligible Compilation Process)",
                        "不要修改或闭源分发工具/运行库本身 / Do not modify or distribute the tool/runtime itself as closed source",
                    ],
                    [exc_ref, self._license_ref(inb.license)],
                )
        table = (
            self.rules.proprietary_rules_for(inb.license)
            or self.rules.proprietary.get(cat)
            or self.rules.proprietary["unclassified"]
        )
        rule = table.get(u) or table.get("default") or self.rules.proprietary["unclassified"]["default"]
        verdict = rule["verdict"]
        conds = list(rule.get("conditions") or [])
        if verdict in ("compatible", "conditional"):
            conds += self._obligations(inb, u)
        mode_zh = {
            "binary": "分发二进制",
            "saas": "仅以网络服务（SaaS）提供",
            "static": "静态链接并分发",
            "dynamic": "动态链接并分发",
        }[u]
        mode_en = {
            "binary": "distributed as a binary",
            "saas": "offered only as a network service (SaaS)",
            "static": "statically linked and distributed",
            "dynamic": "dynamically linked and distributed",
        }[u]
        zh = f"{i} 属于{CATEGORY_ZH.get(cat, cat)}许可证；使用方式：{mode_zh}。{rule['reason_zh']}"
        en = f"{i} is a {cat} licence; use: {mode_en}. {rule['reason_en']}"
        notes = []
        if use is None and cat in ("weak copyleft", "strong copyleft"):
            notes.append(
                "未指定使用方式，按分发二进制处理；可用 use=saas/static/dynamic 细化 / no use given, "
                "assumed a distributed binary; refine with use=saas/static/dynamic"
            )
        srcs = [LicenseReference(title=s["title"], url=s.get("url")) for s in rule["source"]]
        return _R(verdict, zh, en, i, conds, srcs + [self._license_ref(inb.license)], notes)
