"""Make the index match the folder: add new documents, replace changed ones, remove deleted ones.

Atomicity without transactions: a document's new chunks are written under new ids (the content hash
is part of the id) while the old ones still serve; then the document record in the manifest collection
is switched to the new hash (the commit point); then the old chunks are deleted. Readers only trust
chunks whose hash matches the manifest, so they see the old version or the new one, never a mix.
A crash leaves at worst orphan chunks, which the next run deletes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.errors import DocumentError
from bot.retrieval.chroma_index import ChromaIndex
from bot.retrieval.tokenize import passage_tokens, tokenizer_version
from ingest.chunking import CHUNKER_VERSION, chunk_document
from ingest.loaders import (
    IGNORE_MARKER,
    MAX_DOCUMENT_BYTES,
    folder_metadata,
    is_candidate,
    load_document,
    too_large,
)

log = logging.getLogger("yuanbot.ingest")

KINDS = {"policy": "policy", "standards": "standard", "licenses": "license", "faq": "faq"}
# metadata keys copied from a document onto each of its chunks (what citations and ranking need)
CHUNK_KEYS = ("title", "kind", "url", "status", "lang", "effective_to", "superseded_by", "spdx_id", "family",
              "deprecated")


@dataclass
class PlannedDocument:
    doc_id: str
    path: Path
    content_hash: str
    action: str  # add | update | unchanged


@dataclass
class Plan:
    documents: list[PlannedDocument] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def of(self, action: str) -> list[PlannedDocument]:
        return [d for d in self.documents if d.action == action]


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    chunks_written: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.chunks_deleted)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": len(self.added), "updated": len(self.updated), "removed": len(self.removed),
            "unchanged": self.unchanged, "failed": len(self.failed), "chunks": self.chunks_written,
            "chunks_deleted": self.chunks_deleted,
            "seconds": round(self.seconds, 2), "dry_run": self.dry_run,
            "documents": {"added": self.added, "updated": self.updated, "removed": self.removed},
            "failures": [{"path": f.path, "reason": f.reason} for f in self.failed],
        }


ProgressCallback = Callable[[str, int], None]  # (event, amount): "total" chunks known, "advance" chunks done


class KnowledgeSync:
    def __init__(self, index: ChromaIndex, knowledge_root: Path, *,
                 max_document_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        self.index = index
        self.root = knowledge_root.resolve()
        self.max_document_bytes = max_document_bytes  # larger files fail with "file too large", unread

    # --- discovery -------------------------------------------------------------------------
    def doc_id(self, path: Path) -> str:
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return resolved.as_posix()

    def discover(self, paths: Iterable[Path]) -> tuple[list[Path], list[str], list[str]]:
        """Files to index, ids of the scopes they were looked for in, and paths that do not exist."""
        files: list[Path] = []
        scopes: list[str] = []
        missing: list[str] = []
        for raw in paths:
            path = Path(raw)
            scopes.append(self.doc_id(path))
            if path.is_dir():
                for candidate in sorted(path.rglob("*")):
                    if candidate.is_file() and is_candidate(candidate) and not self._ignored(candidate, path):
                        files.append(candidate)
            elif path.is_file():
                files.append(path)
            else:
                missing.append(str(path))
        return list(dict.fromkeys(files)), scopes, missing

    @staticmethod
    def _ignored(path: Path, top: Path) -> bool:
        for parent in path.parents:
            if (parent / IGNORE_MARKER).exists():
                return True
            if parent == top:
                break
        return any(part.startswith(".") for part in path.relative_to(top).parts)

    def fingerprint(self, path: Path) -> str:
        digest = hashlib.sha256()
        digest.update(f"chunker={CHUNKER_VERSION};model={self.index.embeddings.model_name}\n".encode())
        digest.update(path.read_bytes())
        digest.update(repr(sorted(folder_metadata(path).items())).encode())
        return digest.hexdigest()

    def plan(self, paths: Iterable[Path]) -> tuple[Plan, list[Failure]]:
        files, scopes, missing = self.discover(paths)
        manifest = self.index.documents() if self.index.exists() else {}
        plan = Plan()
        failures: list[Failure] = []
        seen: set[str] = set()
        for path in files:
            doc_id = self.doc_id(path)
            seen.add(doc_id)
            try:
                size = path.stat().st_size
                if size > self.max_document_bytes:
                    failures.append(Failure(str(path), too_large(size, self.max_document_bytes)))
                    continue
                content_hash = self.fingerprint(path)
            except OSError as exc:
                failures.append(Failure(str(path), f"cannot read the file ({exc.strerror or exc})"))
                continue
            except DocumentError as exc:
                failures.append(Failure(exc.path, exc.reason))
                continue
            known = manifest.get(doc_id)
            action = "add" if known is None else ("unchanged" if known.get("hash") == content_hash else "update")
            plan.documents.append(PlannedDocument(doc_id, path, content_hash, action))
        for doc_id in manifest:
            if doc_id not in seen and any(_within(doc_id, scope) for scope in scopes):
                plan.removed.append(doc_id)
        plan.skipped = [m for m in missing if self.doc_id(Path(m)) not in manifest]
        failures.extend(Failure(m, "no such file or folder") for m in plan.skipped)
        return plan, failures

    # --- apply -----------------------------------------------------------------------------
    def sync(self, paths: Iterable[Path], *, dry_run: bool = False, rebuild: bool = False,
             progress: ProgressCallback | None = None) -> SyncReport:
        started = time.perf_counter()
        if rebuild and not dry_run:
            self.index.drop()
        if not dry_run:
            self.index.ensure_collections()
        elif self.index.exists():
            self.index.check_model()
        plan, failures = self.plan(list(paths))
        report = SyncReport(dry_run=dry_run, failed=failures, unchanged=len(plan.of("unchanged")))
        todo = plan.of("add") + plan.of("update")
        if dry_run:
            report.added = [d.doc_id for d in plan.of("add")]
            report.updated = [d.doc_id for d in plan.of("update")]
            report.removed = list(plan.removed)
            report.seconds = time.perf_counter() - started
            return report

        for doc_id in plan.removed:  # commit first (the record), then the chunks
            self.index.delete_document(doc_id)
            report.removed.append(doc_id)
            log.info("removed %s", doc_id)
        prepared = []
        for planned in todo:
            try:
                prepared.append((planned, *self._prepare(planned)))
            except DocumentError as exc:
                report.failed.append(Failure(exc.path, exc.reason))
                log.warning("skipped %s: %s", exc.path, exc.reason)
        if progress:
            progress("total", sum(len(texts) for _, _, texts, _ in prepared))
        for planned, doc_meta, texts, chunk_metas in prepared:
            self._write(planned, doc_meta, texts, chunk_metas, progress)
            report.chunks_written += len(texts)
            (report.added if planned.action == "add" else report.updated).append(planned.doc_id)
        report.chunks_deleted = self._collect_garbage()
        if report.changed or rebuild:
            self.index.mark_synced()
        report.seconds = time.perf_counter() - started
        return report

    def _prepare(self, planned: PlannedDocument) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
        top = planned.doc_id.split("/", 1)[0]
        document = load_document(planned.path, KINDS.get(top, "other"))
        meta = {k: _scalar(v) for k, v in document.metadata.items()}
        title = str(meta["title"])
        chunks = chunk_document(document, title)
        if not chunks:
            raise DocumentError(str(planned.path), "no text to index after chunking")
        doc_meta = meta | {"hash": planned.content_hash, "chunks": len(chunks), "path": str(planned.path),
                           "ingested_at": datetime.now().isoformat(timespec="seconds")}
        chunk_metas = []
        for number, chunk in enumerate(chunks):
            cm: dict[str, Any] = {k: meta[k] for k in CHUNK_KEYS if k in meta}
            cm |= {"doc_id": planned.doc_id, "doc_hash": planned.content_hash, "section": chunk.section,
                   "chunk": number, "tokens": " ".join(passage_tokens(title, chunk.section, chunk.text)),
                   "tok_v": tokenizer_version()}
            cm |= chunk.extra
            chunk_metas.append(cm)
        return doc_meta, [c.text for c in chunks], chunk_metas

    def _write(self, planned, doc_meta, texts, chunk_metas, progress) -> None:
        prefix = f"{planned.doc_id}::{planned.content_hash[:16]}::"
        ids = [f"{prefix}{n:05d}" for n in range(len(texts))]
        to_embed = [f"{doc_meta['title']} {m['section']}\n{t}" for t, m in zip(texts, chunk_metas, strict=True)]
        vectors: list[list[float]] = []
        batch = max(8, self.index.settings.embed_batch_size)
        for start in range(0, len(to_embed), batch):
            vectors.extend(self.index.embeddings.embed_documents(to_embed[start:start + batch]))
            if progress:
                progress("advance", len(to_embed[start:start + batch]))
        self.index.upsert_chunks(ids, vectors, chunk_metas, texts)
        title_vector = self.index.embeddings.embed_query(str(doc_meta["title"]))
        self.index.put_document(planned.doc_id, doc_meta, title_vector)  # the commit point
        log.info("%s %s (%d chunks)", "added" if planned.action == "add" else "updated", planned.doc_id, len(texts))

    def _collect_garbage(self) -> int:
        """Delete chunks not matching the manifest: replaced versions, removed documents, crash orphans."""
        manifest = {doc_id: meta.get("hash") for doc_id, meta in self.index.documents().items()}
        stale = [chunk_id for chunk_id, (doc_id, doc_hash) in self.index.chunk_versions().items()
                 if manifest.get(doc_id) != doc_hash]
        self.index.delete_chunks(stale)
        return len(stale)


def _within(doc_id: str, scope: str) -> bool:
    return doc_id == scope or scope in ("", ".") or doc_id.startswith(scope.rstrip("/") + "/")


def _scalar(value: Any) -> str | int | float | bool:
    """Chroma metadata holds scalars only."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)
