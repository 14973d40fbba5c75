"""End-to-end CPU cost of one question through the whole assistant (issue 16, item 1: amplification).

    python bench/ask_cost.py [--repeat 20]        # uses the index in YUANBOT_DATA_DIR (run `yuanbot ingest`)

Normal questions (policy, licence, standards, colloquial) against adversarial 2,000-character questions
(number-like tokens, random words, upper-case ids, SPDX-ish chains, CJK noise), each freshly generated so no
cache helps the attacker. Every question goes through `Assistant.ask` exactly as /api/ask runs it: licence
reading, retrieval, the gate, answer composition. Prints the median per kind and the ratio of the worst
adversarial median to the median normal question. Target: worst case < 5x normal.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.settings import Settings
from bot.types import MAX_QUESTION_CHARS, Question
from bot.wiring import Components

NORMAL = [
    "开源人才能享受哪些住房方面的支持？",
    "我们公司想上市，市里有什么扶持？",
    "MIT 的代码能用在 GPL-3.0-only 项目里吗？",
    "Can I use GPL-2.0-only code in my MIT-licensed project?",
    "What does GPL-3.0 say about DRM?",
    "木兰宽松许可证和 Apache 2.0 有什么区别？",
    "OpenChain 规范要求合规计划的有效期至少多久？",
    "想办个开源黑客松，场地能帮忙解决不？",
    "我在商业软件里用了 LGPL 的库，需要开源我的代码吗？",
    "What are the conditions of the ISC license?",
]


def _fill(make_token, separator: str = " ") -> str:
    words: list[str] = []
    while len(separator.join(words)) < MAX_QUESTION_CHARS - 20:
        words.append(make_token())
    return separator.join(words)[:MAX_QUESTION_CHARS]


def adversarial(kind: str, rng: random.Random) -> str:
    letters = string.ascii_letters
    if kind == "numbers":
        return _fill(lambda: f"{rng.randint(0, 99)}.{rng.randint(0, 99)}.{rng.randint(0, 9)}")
    if kind == "words":
        return _fill(lambda: "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))))
    if kind == "ids":
        return _fill(lambda: "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + f"-{rng.randint(1, 9)}.0")
    if kind == "spdx-chain":
        return _fill(lambda: f"{rng.choice(['MIT', 'GPL', 'BSD', 'X'])}-{rng.randint(1, 9)}.{rng.randint(0, 9)}"
                     f" {rng.choice(['AND', 'OR', 'WITH'])}")
    if kind == "cjk":
        return _fill(lambda: "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 6))), "")
    raise ValueError(kind)


KINDS = ("numbers", "words", "ids", "spdx-chain", "cjk")


def timed(assistant, text: str) -> float:
    started = time.process_time()
    assistant.ask(Question(text=text))
    return (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    assistant = Components(Settings()).core_assistant
    assistant.warm_up()
    for text in NORMAL:  # warm: normal questions run against warm caches, as in a running service
        assistant.ask(Question(text=text))
    normal = [timed(assistant, text) for _ in range(max(1, args.repeat // 5)) for text in NORMAL]
    rng = random.Random(42)
    rows = {kind: [timed(assistant, adversarial(kind, rng)) for _ in range(args.repeat)] for kind in KINDS}
    normal_median = statistics.median(normal)
    print(f"normal questions: median {normal_median:.1f} ms CPU, worst {max(normal):.1f} ms ({len(normal)} runs)")
    worst = 0.0
    for kind, values in rows.items():
        median = statistics.median(values)
        worst = max(worst, median)
        print(f"{kind:11} 2,000 chars: median {median:.1f} ms, worst {max(values):.1f} ms "
              f"({median / normal_median:.1f}x the median normal question)")
    print(f"worst adversarial median / median normal question = {worst / normal_median:.1f}x (target < 5x)")


if __name__ == "__main__":
    main()
