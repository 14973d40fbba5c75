"""CPU cost of reading one chat question for licences: `parse_question` + `find_mentions` (issue 16, item 1).

    python bench/question_cost.py [--repeat 50]

A warmed-up engine (it has answered the normal questions once) reads texts it has not seen before:
- normal questions: each one with the per-text scan cache cleared (licence names stay cached, as in
  a running service), `--repeat` times;
- adversarial 2,000-character texts (number-like tokens, random ASCII words, upper-case "ids",
  long SPDX-ish operator chains, parenthesised chains, CJK noise, near-miss licence names): `--repeat`
  freshly generated texts per kind, so every token is new to every cache (the attacker's best case).
Both calls run on every text, as in the product (the assistant parses the question, the conversation
looks for licence mentions). Prints the median and worst time per kind and the candidate lookups per text
(bounded by `MAX_CANDIDATES`). Target: worst adversarial median < 5x the slowest normal question.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.licenses.engine import LicenseEngine
from bot.licenses.questions import MAX_CANDIDATES

NORMAL = [
    ("我们公司在做一个闭源的 SaaS 产品，后端用了不少开源组件：一个 LGPL-2.1 的图像处理库（动态链接），几个 MIT 和 "
     "Apache-2.0 的工具库，还有一个 MPL-2.0 的解析器。请问 LGPL-2.1 的库用在我们的闭源产品里需要注意什么？"),
    ("We ship a proprietary desktop app. One dependency is under GPL-2.0-only WITH Classpath-exception-2.0 and another "
     "one is dual-licensed (MIT OR Apache-2.0). Can we include the Classpath one in our closed-source product?"),
    "MIT 的代码能用在 GPL-3.0-only 项目里吗？",
    "Can I use GPL-2.0-only code in my MIT-licensed project?",
    "我在商业软件里用了 LGPL 的库，需要开源我的代码吗？",
    "Can a dependency under (Apache-2.0 OR MIT) be used in a GPL-2.0-only program?",
    "南京对开源项目有哪些扶持政策？",
]


def _fill(make, limit: int = 2000) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < limit:
        parts.append(make())
    return " ".join(parts)[:limit]


def adversarial(seed: int = 7) -> dict[str, str]:
    rng = random.Random(seed)
    letters = string.ascii_letters
    return {
        "number-like tokens": _fill(lambda: f"{rng.randint(0, 99999)}.{rng.randint(0, 999)}"),
        "random ASCII words": _fill(lambda: "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))),
        "upper-case ids with digits": _fill(lambda: f"{''.join(rng.choice(string.ascii_uppercase) for _ in range(4))}-{rng.randint(1, 9)}.{rng.randint(0, 9)}"),
        "SPDX-ish operator chain": _fill(lambda: rng.choice(["MIT", "Apache-2.0", "GPL-2.0-only", "Foo-1.0", "BSD-3-Clause"])
                                         + " " + rng.choice(["AND", "OR", "WITH"])),
        "parenthesised chains": _fill(lambda: f"({rng.choice(['MIT', 'X-1', 'Y-2'])} OR {rng.choice(['GPL-2.0', 'Z-3'])})"),
        "CJK noise": "".join(rng.choice("许可证兼容开源代码项目木兰宽松公共通用第版的了吗呢能用在里") for _ in range(2000)),
        "near-miss licence names": _fill(lambda: rng.choice(["GPLv9", "Apache-7.1", "MPL-3", "BSD-5-Clause", "LGPL-4.0",
                                                            "CC-BY-9.0", "EUPL-2.5", "AGPL-5"]) + str(rng.randint(0, 99))),
        "code words + ids": _fill(lambda: rng.choice(["the library", "项目", "code", "用在"]) + " "
                                  + f"{rng.choice(['ABC', 'QQ', 'ZZT'])}-{rng.randint(1, 99)}"),
    }


def read_both(engine: LicenseEngine, text: str) -> tuple[float, int]:
    t = time.perf_counter()
    _, lookups = engine.questions.read(text)
    engine.find_mentions(text)
    return time.perf_counter() - t, lookups


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "knowledge" / "licenses" / "engine")
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    engine = LicenseEngine(args.data_dir)
    for q in NORMAL:  # a running service has seen the usual licence names
        read_both(engine, q)

    rows = []
    for k, q in enumerate(NORMAL):
        times, lookups = [], 0
        for _ in range(args.repeat):
            engine.questions._scan.cache_clear()
            dt, lookups = read_both(engine, q)
            times.append(dt)
        rows.append(("normal", f"normal {k + 1}", len(q), lookups, statistics.median(times), max(times)))
    kinds = list(adversarial(0))
    for kind in kinds:
        times, most = [], 0
        for r in range(args.repeat):
            dt, lookups = read_both(engine, adversarial(1000 + r)[kind])
            times.append(dt)
            most = max(most, lookups)
        rows.append(("adversarial", kind, 2000, most, statistics.median(times), max(times)))

    print(f"parse_question + find_mentions per text, warmed-up engine, {args.repeat} runs each; "
          f"lookup bound {MAX_CANDIDATES}")
    print(f"{'kind':12s} {'text':28s} {'chars':>5s} {'lookups':>7s} {'median ms':>9s} {'max ms':>8s}")
    for label, name, n, lookups, mean, worst in rows:
        print(f"{label:12s} {name:28s} {n:5d} {lookups:7d} {mean * 1000:9.3f} {worst * 1000:8.3f}")
    slowest = max(r[4] for r in rows if r[0] == "normal")
    typical = statistics.median(r[4] for r in rows if r[0] == "normal")
    worst = max((r for r in rows if r[0] == "adversarial"), key=lambda r: r[4])
    print(f"\nworst adversarial (median of runs) {worst[4] * 1000:.2f} ms ({worst[1]}) = {worst[4] / slowest:.1f}x "
          f"the slowest normal question ({slowest * 1000:.2f} ms), {worst[4] / typical:.1f}x the median normal "
          f"question ({typical * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
