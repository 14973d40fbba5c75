"""One document size limit (YUANBOT_MAX_DOCUMENT_BYTES, default 50 MB) for every sync: a larger file fails with
"file too large (… MB > … MB)" without being read, and the rest of the folder is synced as usual. The console
gives the same reason (tests/console/test_documents.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest import sync as sync_module
from ingest.sync import KnowledgeSync
from tests.fakes import FakeEmbedder

MB = 1024 * 1024


@pytest.fixture
def embeddings() -> FakeEmbedder:
    return FakeEmbedder()


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space (and would take long to read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(size)
    return path


def test_a_200_mb_file_fails_unread_and_the_rest_is_synced(sync: KnowledgeSync, kb_dir: Path, monkeypatch):
    huge = sparse(kb_dir / "policy" / "huge-scan.pdf", 200 * MB)
    hashed: list[Path] = []
    fingerprint = sync.fingerprint
    monkeypatch.setattr(sync, "fingerprint", lambda path: hashed.append(path) or fingerprint(path))
    loaded: list[Path] = []
    load = sync_module.load_document
    monkeypatch.setattr(sync_module, "load_document", lambda path, *a: loaded.append(path) or load(path, *a))
    report = sync.sync([sync.root])
    assert [(f.path, f.reason) for f in report.failed] == [(str(huge), "file too large (200.0 MB > 50.0 MB)")]
    assert len(report.added) == 3 and "policy/huge-scan.pdf" not in report.added
    assert huge not in hashed and huge not in loaded  # refused from its size alone


def test_the_limit_is_a_setting_of_yuanbot_ingest(settings, kb_dir: Path, monkeypatch):
    from bot.cli import app

    sparse(kb_dir / "policy" / "annex.pdf", 3 * MB)
    for name, value in {"YUANBOT_DATA_DIR": str(settings.data_dir), "YUANBOT_KNOWLEDGE_DIR": str(kb_dir),
                        "YUANBOT_COLLECTION": "size-test", "YUANBOT_MAX_DOCUMENT_BYTES": str(2 * MB)}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["ingest", "--dry-run", "--json"])
    assert result.exit_code == 1, result.output  # a failed file makes the exit status 1
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["failures"] == [{"path": str(kb_dir / "policy" / "annex.pdf"),
                                    "reason": "file too large (3.0 MB > 2.0 MB)"}]
    assert summary["added"] == 3
