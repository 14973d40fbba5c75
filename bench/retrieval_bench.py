"""Side-by-side retrieval benchmark, one run, same corpus, same questions.

Systems: YuanBot (POST /api/ask's sources, in process), BM25 only, dense only (both over YuanBot's
chunks), and the plain langchain recipe a user would copy: RecursiveCharacterTextSplitter(500, 50) +
Chroma similarity search with the same embedding model.

Usage: python bench/retrieval_bench.py --questions ../shared/eval/policy.jsonl [--k 5]
Questions are JSON lines with "q" and "gold" (a span that must appear in a returned passage).
The recipe index is built once under <data dir>/bench-recipe and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.retrieval.glossary import query_terms
from bot.settings import Settings
from bot.types import Question
from bot.wiring import Components


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def recipe_store(components: Components):
    """The plain langchain recipe over the same documents YuanBot indexes."""
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from bot.retrieval.chroma_index import _client
    from ingest.loaders import load_document

    settings = components.settings.model_copy(update={"data_dir": components.settings.data_dir / "bench-recipe"})
    client = _client(settings)
    store = Chroma(client=client, collection_name="recipe", embedding_function=components.embedder,
                   collection_configuration={"hnsw": {"space": "cosine"}})
    if store._collection.count() == 0:
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        texts = []
        for doc_id in components.index.documents():
            path = components.knowledge_dir / doc_id
            texts.extend(splitter.split_text(load_document(path).text))
        print(f"building the recipe index: {len(texts)} chunks …", file=sys.stderr)
        for start in range(0, len(texts), 512):
            store.add_texts(texts[start:start + 512])
    return store


def evaluate(name: str, search, questions: list[dict], k: int) -> dict:
    ranks, latencies = [], []
    for item in questions:
        started = time.perf_counter()
        texts = search(item["q"])[:k]
        latencies.append((time.perf_counter() - started) * 1000)
        gold = norm(item["gold"])
        ranks.append(next((i + 1 for i, t in enumerate(texts) if gold in norm(t)), None))
    latencies.sort()
    n = len(questions)
    return {"system": name, "hit@1": round(sum(r == 1 for r in ranks) / n, 3),
            f"hit@{k}": round(sum(r is not None for r in ranks) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[min(n - 1, int(0.95 * n))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip() and "gold" in line]
    components = Components(Settings())
    assistant, knowledge = components.core_assistant, components.knowledge
    assistant.warm_up()
    recipe = recipe_store(components)
    systems = {
        "YuanBot (hybrid + FAQ clauses + answer ranking)":
            lambda q: [s.text for s in assistant.ask(Question(text=q)).sources],
        "BM25 only (jieba, our chunks)": lambda q: [p.text for p, _ in knowledge.sparse(query_terms(q), args.k)],
        "dense only (USE, our chunks)": lambda q: [p.text for p, _ in knowledge.dense(q, args.k)],
        "plain langchain recipe (500/50 + Chroma)": lambda q: [d.page_content for d in recipe.similarity_search(q, k=args.k)],
    }
    for search in systems.values():  # warm-up
        search(questions[0]["q"])
    rows = [evaluate(name, search, questions, args.k) for name, search in systems.items()]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[key]) for key in keys) + " |")
    print(f"\n{len(questions)} questions from {args.questions.name}; corpus: {len(knowledge.passages())} "
          f"YuanBot chunks, {recipe._collection.count()} recipe chunks")


if __name__ == "__main__":
    main()
