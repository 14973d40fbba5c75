"""A consistent, refreshable snapshot of the index for answering: manifest, BM25, chunk lookup.

Readers trust a chunk only if its document hash matches the manifest they loaded, so a document being
re-ingested is seen whole (old or new), never half. When another process finishes an ingest (the
generation in the chunk collection changes), the next query after `refresh_interval` seconds swaps in
a new snapshot, built off to the side while the old one keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from bot.errors import KnowledgeError
from bot.retrieval.bm25 import BM25Index
from bot.retrieval.chroma_index import ChromaIndex, StoredChunk
from bot.retrieval.ranking import licence_id
from bot.retrieval.tokenize import passage_tokens, tokenizer_version
from bot.types import Passage

log = logging.getLogger("yuanbot.knowledge")

PASSAGE_FIELDS = {"title", "section", "kind", "url", "status", "lang", "doc_id", "doc_hash", "chunk", "tok_v"}


def effective_status(meta: dict[str, Any], today: date | None = None) -> str:
    """in_force / expired / superseded; "auto" means expired once the effective period has ended."""
    status = str(meta.get("status") or "in_force")
    if meta.get("superseded_by"):
        return "superseded"
    if status == "auto":
        end = str(meta.get("effective_to") or "")
        try:
            return "expired" if end and date.fromisoformat(end[:10]) < (today or date.today()) else "in_force"
        except ValueError:
            return "in_force"
    return status


def to_passage(chunk: StoredChunk) -> Passage:
    meta = chunk.metadata
    return Passage(
        id=chunk.id, text=chunk.text, doc_id=str(meta.get("doc_id", "")), title=str(meta.get("title", "")),
        section=str(meta.get("section", "")), kind=meta.get("kind", "other") if meta.get("kind") in
        ("policy", "standard", "license", "faq", "other") else "other",
        url=meta.get("url") or None, status=effective_status(meta), lang=str(meta.get("lang", "zh")),
        extra={k: str(v) for k, v in meta.items() if k not in PASSAGE_FIELDS},
    )


@dataclass
class Snapshot:
    generation: str
    manifest: dict[str, dict[str, Any]]
    passages: list[Passage]
    position: dict[str, int]
    bm25: BM25Index
    loaded_at: float
    licence_ids: frozenset[str] = frozenset()  # SPDX ids of the indexed licence texts, lower case

    def trusted(self, doc_id: str, doc_hash: str) -> bool:
        meta = self.manifest.get(doc_id)
        return meta is not None and meta.get("hash") == doc_hash


class KnowledgeBase:
    """The Corpus port over a Chroma index, with the BM25 index beside it."""

    def __init__(self, index: ChromaIndex, refresh_interval: float = 2.0) -> None:
        self.index = index
        self.refresh_interval = refresh_interval
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._last_check = 0.0

    # --- snapshot --------------------------------------------------------------------------
    def load(self) -> Snapshot:
        started = time.perf_counter()
        if not self.index.exists():
            raise KnowledgeError("the knowledge base has not been built yet: run `yuanbot ingest` (or `make run`)")
        self.index.check_model()
        generation = self.index.state()["generation"]
        manifest = self.index.documents()
        chunks = [c for c in self.index.all_chunks()
                  if manifest.get(str(c.metadata.get("doc_id")), {}).get("hash") == c.metadata.get("doc_hash")]
        chunks.sort(key=lambda c: c.id)
        version = tokenizer_version()
        for chunk in chunks:  # stored tokens from an older dictionary are recomputed
            if chunk.metadata.get("tok_v") != version:
                meta = chunk.metadata
                meta["tokens"] = " ".join(passage_tokens(str(meta.get("title", "")), str(meta.get("section", "")),
                                                         chunk.text))
        passages = [to_passage(c) for c in chunks]
        bm25 = BM25Index([str(c.metadata.get("tokens", "")).split() for c in chunks])
        licence_ids = frozenset(spdx.lower() for spdx in map(licence_id, passages) if spdx)
        snapshot = Snapshot(generation, manifest, passages, {p.id: i for i, p in enumerate(passages)}, bm25,
                            time.time(), licence_ids)
        log.info("knowledge snapshot loaded",
                 extra={"documents": len(manifest), "chunks": len(passages),
                        "latency_ms": round((time.perf_counter() - started) * 1000)})
        return snapshot

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            with self._lock:
                if self._snapshot is None:
                    self._snapshot = self.load()
                    self._last_check = time.monotonic()
        self._maybe_refresh()
        return self._snapshot

    def _maybe_refresh(self) -> None:
        now = time.monotonic()
        if now - self._last_check < self.refresh_interval or not self._lock.acquire(blocking=False):
            return
        try:
            self._last_check = now
            if self.index.state()["generation"] != self._snapshot.generation:
                log.info("index changed on disk; reloading")
                self.index.reopen()
                self._snapshot = self.load()
        except Exception as exc:  # noqa: BLE001 - whatever failed, keep serving the snapshot we have
            log.warning("could not refresh the knowledge snapshot: %s", exc)
        finally:
            self._lock.release()

    def reload(self) -> None:
        with self._lock:
            self.index.reopen()
            self._snapshot = self.load()

    # --- the Corpus port -------------------------------------------------------------------
    @property
    def generation(self) -> str:
        return self.snapshot.generation

    def passages(self) -> Sequence[Passage]:
        return self.snapshot.passages

    def passage(self, passage_id: str) -> Passage | None:
        snapshot = self.snapshot
        position = snapshot.position.get(passage_id)
        return None if position is None else snapshot.passages[position]

    def idf(self, token: str) -> float:
        return self.snapshot.bm25.idf(token)

    def licence_ids(self) -> frozenset[str]:
        return self.snapshot.licence_ids

    # --- queries ---------------------------------------------------------------------------
    def dense(self, query: str, n: int, vector: Sequence[float] | None = None) -> list[tuple[Passage, float]]:
        snapshot = self.snapshot
        vector = vector if vector is not None else self.index.embeddings.embed_query(query)
        try:
            found = self.index.nearest_ids(vector, n)
        except Exception as exc:
            raise KnowledgeError(f"the vector store failed: {exc}") from exc
        out = []
        for chunk_id, similarity in found:
            position = snapshot.position.get(chunk_id)
            if position is not None:
                out.append((snapshot.passages[position], similarity))
        return out

    def similarities(self, ids: list[str], vector: Sequence[float]) -> dict[str, float]:
        """Cosine similarity of the question to given chunks (for those outside the dense top list)."""
        if not ids:
            return {}
        try:
            found = self.index.chunks.get(ids=ids, include=["embeddings"])
        except Exception as exc:
            raise KnowledgeError(f"the vector store failed: {exc}") from exc
        query = np.asarray(vector, dtype=np.float32)
        return {cid: float(np.asarray(emb, dtype=np.float32) @ query)
                for cid, emb in zip(found["ids"], found["embeddings"], strict=True)}

    def sparse(self, tokens: Sequence[str], n: int) -> list[tuple[Passage, float]]:
        snapshot = self.snapshot
        return [(snapshot.passages[i], score) for i, score in snapshot.bm25.top(tokens, n)]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return self.snapshot.manifest.get(doc_id)

    def health(self) -> dict[str, Any]:
        snapshot = self.snapshot
        return {"documents": len(snapshot.manifest), "chunks": len(snapshot.passages),
                "model": self.index.embeddings.model_name}
