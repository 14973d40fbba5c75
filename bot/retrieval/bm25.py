"""Sparse BM25 over the chunk tokens stored at ingest time (bm25s: a sparse matrix, ~1 ms a query)."""

from __future__ import annotations

import logging
import math
from collections import Counter

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import


class BM25Index:
    def __init__(self, documents_tokens: list[list[str]]) -> None:
        self.size = len(documents_tokens)
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if self.size:
            self._bm25.index(documents_tokens, show_progress=False)
        df: Counter[str] = Counter()
        for tokens in documents_tokens:
            df.update(set(tokens))
        self.document_frequency = df

    def idf(self, token: str) -> float:
        """Inverse document frequency; a token the corpus never uses gets the highest weight."""
        n = self.document_frequency.get(token, 0)
        return math.log(1 + (self.size - n + 0.5) / (n + 0.5))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        known = [t for t in query_tokens if t in self.document_frequency]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return self._bm25.get_scores(known)

    def top(self, query_tokens: list[str], n: int) -> list[tuple[int, float]]:
        scores = self.scores(query_tokens)
        if not len(scores):
            return []
        n = min(n, len(scores))
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx])]
        return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]
