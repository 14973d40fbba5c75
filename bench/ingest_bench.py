"""Ingest benchmark: cold ingest of all of knowledge/, a re-run with nothing changed, one changed document.

Usage: python bench/ingest_bench.py [--knowledge knowledge] [--json]
Uses a fresh temporary data dir (the real index is not touched). Peak RSS is the process's high-water mark.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.resources import bundled_knowledge_dir
from bot.settings import Settings
from bot.wiring import Components


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--knowledge", type=Path, default=bundled_knowledge_dir())
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="yuanbot-bench-"))
    try:
        knowledge = work / "knowledge"
        shutil.copytree(args.knowledge, knowledge)
        settings = Settings(data_dir=work / "data", knowledge_dir=knowledge, _env_file=None)
        sync = Components(settings).sync()
        results = {}
        started = time.perf_counter()
        cold = sync.sync([knowledge])
        results["cold"] = {"seconds": round(time.perf_counter() - started, 1), "documents": len(cold.added),
                           "chunks": cold.chunks_written, "failed": len(cold.failed)}
        results["cold"]["chunks_per_s"] = round(cold.chunks_written / results["cold"]["seconds"], 1)
        started = time.perf_counter()
        again = sync.sync([knowledge])
        results["unchanged"] = {"seconds": round(time.perf_counter() - started, 2), "unchanged": again.unchanged}
        results["unchanged"]["share_of_cold"] = round(results["unchanged"]["seconds"] / results["cold"]["seconds"], 4)
        policy = next((knowledge / "policy").glob("*.md"))
        policy.write_text(policy.read_text(encoding="utf-8") + "\n\n（基准测试追加的一段文字。）\n", encoding="utf-8")
        started = time.perf_counter()
        one = sync.sync([knowledge])
        results["one_changed"] = {"seconds": round(time.perf_counter() - started, 2), "updated": one.updated,
                                  "chunks": one.chunks_written}
        results["peak_rss_mb"] = round(peak_rss_mb())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return
    c = results["cold"]
    print(f"cold ingest      {c['seconds']} s, {c['documents']} documents, {c['chunks']} chunks, "
          f"{c['chunks_per_s']} chunks/s, failed {c['failed']}")
    u = results["unchanged"]
    print(f"nothing changed  {u['seconds']} s ({u['share_of_cold']:.1%} of cold), {u['unchanged']} unchanged")
    o = results["one_changed"]
    print(f"one changed      {o['seconds']} s, {o['chunks']} chunks re-embedded")
    print(f"peak RSS         {results['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
