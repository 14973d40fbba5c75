"""Validate the colloquial calibration sets against the policy text (stdlib only).

Usage: python bench/calibration/check_sets.py [--dev DIR]

Checks
  colloquial_in_scope.jsonl   JSON per line, exact keys, unique ids, style in STYLES, style matches the
                              script of the question, gold 8-40 characters and a whitespace-insensitive
                              substring of the policy text, the stated section is the section of a paragraph
                              that contains gold, 1-3 must_any terms found in that paragraph (English
                              questions may add English aliases), the question does not simply repeat gold,
                              at least MIN_PER_SECTION questions for every section of the plan.
  colloquial_off_topic.jsonl  JSON per line, exact keys, unique ids, non-empty trap.
  vocabulary_examples.jsonl   JSON per line, exact keys, unique everyday words, every document term found in
                              the policy text, the required everyday words present.
  all three                   no question repeated across files or equal to one in the older calibration
                              files; with --dev (default /work/shared/eval when present) no question close to
                              a development question (character-bigram Jaccard >= DEV_SIMILARITY).
Prints counts per file, per style and per section; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
POLICY = ROOT / "knowledge" / "policy" / "nanjing-open-source-action-plan-2023-2025.md"
IN_SCOPE = HERE / "colloquial_in_scope.jsonl"
OFF_TOPIC = HERE / "colloquial_off_topic.jsonl"
VOCAB = HERE / "vocabulary_examples.jsonl"
OLDER = ["in_scope.jsonl", "off_topic.jsonl", "probe_policy.jsonl", "probe_refuse.jsonl"]
DEV_DEFAULT = Path("/work/shared/eval")
DEV_FILES = ["policy.jsonl", "refuse.jsonl", "colloquial/policy.jsonl"]

STYLES = ("colloquial", "typo", "fragment", "english", "mixed")
MIN_IN, MIN_OFF, MIN_VOCAB = 170, 120, 30
MIN_PER_SECTION = 3
GOLD_MIN, GOLD_MAX = 8, 40
ENGLISH_SHARE = (0.15, 0.30)  # english + mixed share of each question file
DEV_SIMILARITY = 0.6
REQUIRED_EVERYDAY = [
    "黑客松", "办活动", "办会", "IPO", "上市快", "拉投资", "投资机构", "国产化", "托管代码", "搬来南京",
    "评职称", "房补", "孩子上学", "看病", "个税", "实习", "开源大赛", "开源课程", "代码仓库", "社区运营",
    "招人", "基金", "场地", "名额", "免费", "钱", "奖金", "补助",
]

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
H1 = re.compile(r"^[一二三四五六七八九十]+、")
H2 = re.compile(r"^（[一二三四五六七八九十]+）")
TASK = re.compile(r"^(\d+)\.([^。]+)。")

failures: list[str] = []


def fail(msg: str) -> None:
    failures.append(msg)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def script_of(q: str) -> str:
    """'english' (no Chinese), 'mixed' (Chinese and Latin words) or 'zh'."""
    has_cjk = bool(CJK.search(q))
    if not has_cjk:
        return "english"
    return "mixed" if LATIN_WORD.search(q) else "zh"


def policy_paragraphs() -> tuple[str, list[tuple[str, str]]]:
    """The policy body (front matter and title dropped) and its paragraphs as (section path, normalised text)."""
    text = POLICY.read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("---", 2)[2]
    h1 = h2 = h3 = None
    paragraphs = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if H1.match(line):
            h1, h2, h3 = line, None, None
            continue
        if H2.match(line):
            h2, h3 = line, None
            continue
        m = TASK.match(line)
        if m:
            h3 = f"{m.group(1)}.{m.group(2)}"
        section = " > ".join(part for part in (h1, h2, h3) if part) or "前言"
        paragraphs.append((section, norm(line)))
    return norm(text), paragraphs


def read_jsonl(path: Path, label: str) -> list[dict]:
    rows = []
    if not path.exists():
        fail(f"{label}: missing file {path}")
        return rows
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            fail(f"{label}:{n}: empty line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"{label}:{n}: not JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            fail(f"{label}:{n}: not an object")
            continue
        obj["_line"] = n
        rows.append(obj)
    return rows


def check_keys(row: dict, keys: set[str], label: str) -> bool:
    got = set(row) - {"_line"}
    if got != keys:
        fail(f"{label}:{row['_line']}: keys {sorted(got)} != {sorted(keys)}")
        return False
    return True


def check_ids(rows: list[dict], pattern: str, label: str) -> None:
    seen = Counter(r.get("id") for r in rows)
    for rid, n in seen.items():
        if n > 1:
            fail(f"{label}: duplicate id {rid}")
    for r in rows:
        if not re.fullmatch(pattern, str(r.get("id", ""))):
            fail(f"{label}:{r['_line']}: bad id {r.get('id')!r}")


def check_in_scope(rows: list[dict], full: str, paragraphs: list[tuple[str, str]]) -> Counter:
    label = IN_SCOPE.name
    keys = {"id", "q", "gold", "must_any", "section", "style"}
    check_ids(rows, r"cq\d{3}", label)
    per_section: Counter = Counter()
    for r in rows:
        if not check_keys(r, keys, label):
            continue
        where = f"{label}:{r['_line']} {r['id']}"
        q, gold, style, section, must = r["q"], r["gold"], r["style"], r["section"], r["must_any"]
        if not isinstance(q, str) or not q.strip():
            fail(f"{where}: empty question")
            continue
        if style not in STYLES:
            fail(f"{where}: style {style!r} not in {STYLES}")
        script = script_of(q)
        if style == "english" and script != "english":
            fail(f"{where}: style english but the question has Chinese")
        if style == "mixed" and script != "mixed":
            fail(f"{where}: style mixed but the question is not Chinese + English")
        if style in ("colloquial", "typo", "fragment") and script == "english":
            fail(f"{where}: style {style} but the question has no Chinese")
        g = norm(gold)
        if not GOLD_MIN <= len(g) <= GOLD_MAX:
            fail(f"{where}: gold has {len(g)} characters (want {GOLD_MIN}-{GOLD_MAX})")
        if g not in full:
            fail(f"{where}: gold not in the policy text: {gold}")
            continue
        if g in norm(q):
            fail(f"{where}: the question repeats the gold span verbatim")
        holders = [(s, p) for s, p in paragraphs if g in p]
        if not holders:
            fail(f"{where}: gold crosses a paragraph boundary: {gold}")
            continue
        clause = [p for s, p in holders if s == section]
        if not clause:
            fail(f"{where}: section {section!r} does not hold gold (found in {sorted({s for s, _ in holders})})")
            continue
        para = clause[0]
        if not isinstance(must, list) or not must or not all(isinstance(t, str) and t for t in must):
            fail(f"{where}: must_any must be a non-empty list of strings")
            continue
        in_clause = [t for t in must if norm(t) in para]
        outside = [t for t in must if norm(t) not in para]
        if not 1 <= len(in_clause) <= 3:
            fail(f"{where}: {len(in_clause)} must_any terms from the clause (want 1-3): {must}")
        for t in outside:
            if style in ("english", "mixed") and not CJK.search(t):
                continue  # English alias for an answer given in English
            fail(f"{where}: must_any term {t!r} not in the clause paragraph")
        per_section[section] += 1
    sections = sorted({s for s, _ in paragraphs}, key=lambda s: [x for x, _ in paragraphs].index(s))
    for s in sections:
        if per_section[s] < MIN_PER_SECTION:
            fail(f"{label}: section {s!r} has {per_section[s]} questions (want >= {MIN_PER_SECTION})")
    for s in per_section:
        if s not in sections:
            fail(f"{label}: unknown section {s!r}")
    return Counter({s: per_section[s] for s in sections})


def check_off_topic(rows: list[dict]) -> None:
    label = OFF_TOPIC.name
    check_ids(rows, r"co\d{3}", label)
    for r in rows:
        if not check_keys(r, {"id", "q", "trap"}, label):
            continue
        if not str(r["q"]).strip() or not str(r["trap"]).strip():
            fail(f"{label}:{r['_line']}: empty q or trap")


def check_vocab(rows: list[dict], full: str) -> None:
    label = VOCAB.name
    keys = {"everyday", "document_terms", "in_scope", "off_topic"}
    seen = Counter(r.get("everyday") for r in rows)
    for word, n in seen.items():
        if n > 1:
            fail(f"{label}: everyday word {word!r} listed {n} times")
    for r in rows:
        if not check_keys(r, keys, label):
            continue
        terms = r["document_terms"]
        if not isinstance(terms, list) or not terms:
            fail(f"{label}:{r['_line']}: document_terms must be a non-empty list")
            continue
        for t in terms:
            if norm(t) not in full:
                fail(f"{label}:{r['_line']}: document term {t!r} not in the policy text")
        for key in ("in_scope", "off_topic"):
            if not str(r[key]).strip():
                fail(f"{label}:{r['_line']}: empty {key}")
        if r["everyday"].lower() not in r["in_scope"].lower() or r["everyday"].lower() not in r["off_topic"].lower():
            fail(f"{label}:{r['_line']}: both questions must use the everyday word {r['everyday']!r}")
    for word in REQUIRED_EVERYDAY:
        if word not in seen:
            fail(f"{label}: required everyday word {word!r} missing")


def bigrams(q: str) -> set[str]:
    s = re.sub(r"[\s\W_]+", "", q.lower())
    return {s[i:i + 2] for i in range(len(s) - 1)} or {s}


def check_independence(questions: list[tuple[str, str]], dev: Path | None) -> None:
    counts = Counter(norm(q) for _, q in questions)
    for q, n in counts.items():
        if n > 1:
            fail(f"question repeated {n} times across the new files: {q}")
    older = set()
    for name in OLDER:
        path = HERE / name
        if path.exists():
            older |= {norm(json.loads(l)["q"]) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
    for where, q in questions:
        if norm(q) in older:
            fail(f"{where}: same question as in the older calibration files: {q}")
    if dev is None:
        print("dev sets: not checked (folder not found)")
        return
    dev_qs = []
    for name in DEV_FILES:
        path = dev / name
        if path.exists():
            dev_qs += [json.loads(l)["q"] for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    dev_grams = [(d, bigrams(d)) for d in dev_qs]
    worst = 0.0
    for where, q in questions:
        g = bigrams(q)
        for d, dg in dev_grams:
            sim = len(g & dg) / len(g | dg)
            worst = max(worst, sim)
            if sim >= DEV_SIMILARITY:
                fail(f"{where}: too close to a development question (Jaccard {sim:.2f})")
    print(f"dev sets: {len(dev_qs)} questions compared, highest bigram Jaccard {worst:.2f} (limit {DEV_SIMILARITY})")


def share_check(label: str, scripts: Counter, total: int) -> None:
    share = (scripts["english"] + scripts["mixed"]) / total if total else 0.0
    print(f"  english+mixed share: {share:.0%}")
    if not ENGLISH_SHARE[0] <= share <= ENGLISH_SHARE[1]:
        fail(f"{label}: english+mixed share {share:.0%} outside {ENGLISH_SHARE}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, default=DEV_DEFAULT if DEV_DEFAULT.exists() else None)
    args = parser.parse_args()
    full, paragraphs = policy_paragraphs()

    ins = read_jsonl(IN_SCOPE, IN_SCOPE.name)
    offs = read_jsonl(OFF_TOPIC, OFF_TOPIC.name)
    vocab = read_jsonl(VOCAB, VOCAB.name)
    per_section = check_in_scope(ins, full, paragraphs)
    check_off_topic(offs)
    check_vocab(vocab, full)

    for rows, minimum, label in ((ins, MIN_IN, IN_SCOPE.name), (offs, MIN_OFF, OFF_TOPIC.name),
                                 (vocab, MIN_VOCAB, VOCAB.name)):
        if len(rows) < minimum:
            fail(f"{label}: {len(rows)} rows (want >= {minimum})")

    print(f"{IN_SCOPE.name}: {len(ins)} questions")
    styles = Counter(r.get("style") for r in ins)
    for s in STYLES:
        print(f"  style {s:10} {styles[s]:4}")
    share_check(IN_SCOPE.name, Counter({"english": styles["english"], "mixed": styles["mixed"]}), len(ins))
    for s, n in per_section.items():
        print(f"  {n:4}  {s}")
    print(f"{OFF_TOPIC.name}: {len(offs)} questions")
    scripts = Counter(script_of(str(r.get("q", ""))) for r in offs)
    for s in ("zh", "mixed", "english"):
        print(f"  script {s:8} {scripts[s]:4}")
    share_check(OFF_TOPIC.name, scripts, len(offs))
    print(f"{VOCAB.name}: {len(vocab)} entries")

    questions = [(f"{IN_SCOPE.name} {r.get('id')}", r.get("q", "")) for r in ins]
    questions += [(f"{OFF_TOPIC.name} {r.get('id')}", r.get("q", "")) for r in offs]
    for r in vocab:
        questions += [(f"{VOCAB.name} {r.get('everyday')} in", r.get("in_scope", "")),
                      (f"{VOCAB.name} {r.get('everyday')} off", r.get("off_topic", ""))]
    check_independence(questions, args.dev)

    if failures:
        print(f"\nFAILED ({len(failures)}):")
        for f in failures:
            print("  " + f)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
