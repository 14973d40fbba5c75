#!/usr/bin/env python
"""A bounded load driver for a running YuanBot server: POST /api/ask at several concurrency levels.

    python bench/load.py --url http://127.0.0.1:8000 --clients 1,8,32,128 --duration 30
    python bench/load.py --questions my-questions.txt --json results.json

Each level runs `--clients` concurrent clients, each sending one question after another (a mix of
Chinese and English policy, licence and off-topic questions), for at most `--duration` seconds and at most
`--max-requests` requests. Prints a markdown table: requests/s, p50/p95/p99 latency of successful answers,
answered share, "shed" (429 rate limited + 503 overloaded, counted separately) and other errors.

Needs only httpx (not the server's code). Note the server's per-client rate limit: all clients here
come from one address, so either raise/disable it for the benchmark (YUANBOT_RATE_LIMIT_PER_MINUTE=0)
or run the server with YUANBOT_TRUSTED_PROXIES=127.0.0.1 and pass --spread-clients (each client then
sends its own X-Forwarded-For address).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

QUESTIONS = [
    # Nanjing open-source policy (Chinese)
    "南京对开源项目有哪些资金扶持？",
    "开源人才在南京可以享受哪些住房支持？",
    "南京市开源行动计划的目标是什么？",
    "企业主导的开源项目申报奖励需要什么条件？",
    "开源社区运营有补贴吗？",
    "南京建设开源生态的重点任务有哪些",
    "开源基金会落户南京有什么政策",
    "高校开设开源课程有支持吗？",
    "参加开源大赛获奖能拿到奖励吗",
    "南京鼓励哪些行业使用开源软件？",
    # policy (English)
    "What funding does Nanjing offer for open-source projects?",
    "Is there housing support for open source developers in Nanjing?",
    "What are the goals of the Nanjing open source action plan?",
    "How can a company apply for open-source subsidies in Nanjing?",
    "Does Nanjing support open-source foundations?",
    # licences
    "MIT 许可证的代码能用在闭源商业软件里吗？",
    "GPL-3.0 和 Apache-2.0 兼容吗？",
    "使用 LGPL 库动态链接需要开源我的代码吗？",
    "AGPL 软件作为 SaaS 提供需要公开源代码吗？",
    "什么是 copyleft？",
    "Can I use Apache-2.0 code in a GPL-2.0-only project?",
    "Do I need to keep the copyright notice when I use BSD-3-Clause code?",
    "Is MPL-2.0 compatible with proprietary software?",
    "What does the patent clause in Apache 2.0 mean?",
    "木兰宽松许可证第2版和MIT有什么区别？",
    # off-topic (should be declined, not answered)
    "明天南京天气怎么样？",
    "推荐一家新街口的火锅店",
    "What's the capital of Australia?",
    "Write me a poem about autumn.",
    "How do I reset my bank card password?",
]


@dataclass
class LevelResult:
    clients: int
    duration_s: float
    requests: int = 0
    ok: int = 0
    answered: int = 0
    rate_limited: int = 0  # 429
    overloaded: int = 0  # 503
    errors: Counter = field(default_factory=Counter)  # other statuses and exceptions
    latencies_ms: list[float] = field(default_factory=list)  # successful requests only

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    def percentile(self, q: float) -> float | None:
        if not self.latencies_ms:
            return None
        values = sorted(self.latencies_ms)
        return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]

    def summary(self) -> dict:
        data = asdict(self)
        data.pop("latencies_ms")
        data["errors"] = dict(self.errors)
        data.update(rps=round(self.rps, 2), p50_ms=self.percentile(0.50), p95_ms=self.percentile(0.95),
                    p99_ms=self.percentile(0.99))
        return data


async def run_level(
    client: httpx.AsyncClient,
    clients: int,
    duration: float,
    questions: list[str],
    *,
    max_requests: int = 100_000,
    spread_clients: bool = False,
    seed: int = 0,
) -> LevelResult:
    """`clients` workers against `client` until `duration` seconds or `max_requests` requests, whichever first."""
    result = LevelResult(clients=clients, duration_s=0.0)
    rng = random.Random(seed)
    started = time.perf_counter()
    deadline = started + duration
    budget = [max_requests]

    async def worker(n: int) -> None:
        headers = {"X-Forwarded-For": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"} if spread_clients else {}
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            body = {"question": rng.choice(questions), "session_id": f"bench-{n}"}
            t0 = time.perf_counter()
            try:
                response = await client.post("/api/ask", json=body, headers=headers)
            except httpx.TimeoutException:
                result.requests += 1
                result.errors["timeout"] += 1
                continue
            except httpx.HTTPError as exc:
                result.requests += 1
                result.errors[type(exc).__name__] += 1
                await asyncio.sleep(0.05)  # don't spin on a refused connection
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            result.requests += 1
            if response.status_code == 200:
                result.ok += 1
                result.latencies_ms.append(elapsed)
                try:
                    result.answered += response.json().get("status") == "answered"
                except ValueError:
                    result.errors["bad json"] += 1
            elif response.status_code == 429:
                result.rate_limited += 1
            elif response.status_code == 503:
                result.overloaded += 1
            else:
                result.errors[str(response.status_code)] += 1

    tasks = [asyncio.create_task(worker(n)) for n in range(clients)]
    # hard bound: the duration plus one request timeout, then whatever is still running is cancelled
    timeout = client.timeout.read if client.timeout.read is not None else 30.0
    _done, pending = await asyncio.wait(tasks, timeout=duration + timeout + 5)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
        result.errors["cancelled"] += len(pending)
    result.duration_s = time.perf_counter() - started
    return result


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def markdown_table(results: list[LevelResult]) -> str:
    lines = [
        "| clients | requests | req/s | p50 ms | p95 ms | p99 ms | ok | answered | shed 429 | shed 503 | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(r.errors.items())) or "0"
        answered = f"{r.answered / r.ok * 100:.0f}%" if r.ok else "–"
        lines.append(
            f"| {r.clients} | {r.requests} | {r.rps:.1f} | {_ms(r.percentile(0.5))} | {_ms(r.percentile(0.95))} "
            f"| {_ms(r.percentile(0.99))} | {r.ok} | {answered} | {r.rate_limited} | {r.overloaded} | {errors} |"
        )
    return "\n".join(lines)


def _levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--clients wants numbers like 1,8,32: {text!r}") from None
    if not levels or any(n < 1 or n > 2000 for n in levels):
        raise argparse.ArgumentTypeError("--clients: each level between 1 and 2000")
    return levels


def load_questions(path: Path | None) -> list[str]:
    if path is None:
        return list(QUESTIONS)
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    questions = [line for line in lines if line and not line.startswith("#")]
    if not questions:
        raise SystemExit(f"{path}: no questions (one per line)")
    return questions


async def main_async(args: argparse.Namespace) -> list[LevelResult]:
    questions = load_questions(args.questions)
    results = []
    for level in args.clients:
        limits = httpx.Limits(max_connections=level, max_keepalive_connections=level)
        async with httpx.AsyncClient(base_url=args.url, timeout=args.timeout, limits=limits) as client:
            if args.warmup:
                await run_level(client, min(level, 4), args.warmup, questions, max_requests=50)
            result = await run_level(client, level, args.duration, questions, max_requests=args.max_requests,
                                     spread_clients=args.spread_clients, seed=level)
        results.append(result)
        print(f"clients={level}: {result.requests} requests, {result.rps:.1f} req/s", file=sys.stderr)
        if args.pause:
            await asyncio.sleep(args.pause)
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=_levels, default=[1, 8, 32, 128], help="Concurrency levels, e.g. 1,8,32")
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds per level (upper bound).")
    parser.add_argument("--max-requests", type=int, default=20_000, help="Requests per level (upper bound).")
    parser.add_argument("--timeout", type=float, default=30.0, help="Per-request timeout in seconds.")
    parser.add_argument("--warmup", type=float, default=2.0, help="Seconds of warm-up before each level (0: none).")
    parser.add_argument("--pause", type=float, default=1.0, help="Seconds between levels.")
    parser.add_argument("--questions", type=Path, default=None, help="A text file, one question per line.")
    parser.add_argument("--spread-clients", action="store_true",
                        help="Send a distinct X-Forwarded-For per client (server must trust this host as a proxy).")
    parser.add_argument("--json", type=Path, default=None, help="Also write the results to this JSON file.")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 3600:
        parser.error("--duration must be in (0, 3600]")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = asyncio.run(main_async(args))
    print(markdown_table(results))
    if args.json:
        args.json.write_text(json.dumps([r.summary() for r in results], ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
