"""Metadata and FAQ edits are written back where they live, leaving every other byte of the file alone."""

from __future__ import annotations

import shutil

import pytest
import yaml

from bot.errors import EditRejected, StaleEdit
from ingest.faq import FaqEntry, delete_entry, read_entries, save_entry
from ingest.loaders import load_document
from ingest.metadata import DocumentFields, read_fields, where_stored, write_fields
from tests.helpers import KNOWLEDGE, POLICY


def test_front_matter_edit_keeps_comments_and_other_keys(tmp_path) -> None:
    path = tmp_path / POLICY.name
    shutil.copy(POLICY, path)
    before = path.read_text(encoding="utf-8")
    fields = read_fields(path, "")
    assert where_stored(path) == "front_matter" and fields.status == "auto"
    written = write_fields(path, fields.model_copy(update={"status": "expired", "superseded_by": "新三年行动计划"}))
    assert written == ["status", "superseded_by"]
    after = path.read_text(encoding="utf-8")
    assert after.replace("status: expired       #", "status: auto          #").replace(
        "superseded_by: 新三年行动计划\n", "") == before
    loaded = load_document(path, "policy").metadata
    assert loaded["status"] == "expired" and loaded["superseded_by"] == "新三年行动计划"
    assert loaded["index_number"] == "012947218/2023-92996"  # untouched keys stay


def test_front_matter_alias_keys_crlf_and_gb18030(tmp_path) -> None:
    path = tmp_path / "gbk.txt"
    text = "---\r\n标题: 旧标题\r\n文号: 宁政发〔2020〕1号\r\n---\r\n\r\n正文第一段。\r\n"
    path.write_bytes(text.encode("gb18030"))
    fields = read_fields(path, "")
    assert (fields.title, fields.doc_number) == ("旧标题", "宁政发〔2020〕1号")
    write_fields(path, fields.model_copy(update={"doc_number": "宁政发〔2021〕2号", "issuer": "南京市人民政府"}))
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n\n" not in raw.replace(b"\r\n", b"")  # still CRLF
    decoded = raw.decode("gb18030")  # still GB18030
    assert "文号: 宁政发〔2021〕2号" in decoded and "doc_number" not in decoded  # the key keeps its spelling
    assert load_document(path).metadata["issuer"] == "南京市人民政府"


def test_a_text_file_without_metadata_gets_front_matter(tmp_path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("# 通知\n\n内容。\n", encoding="utf-8")
    write_fields(path, DocumentFields(title="通知", status="expired", effective_to="2024-12-31"), "通知")
    assert path.read_text(encoding="utf-8") == "---\neffective_to: 2024-12-31\nstatus: expired\n---\n# 通知\n\n内容。\n"
    assert load_document(path).metadata["effective_to"].isoformat() == "2024-12-31"


def test_folder_metadata_entry_for_a_word_file(tmp_path) -> None:
    folder = tmp_path / "standards"
    shutil.copytree(KNOWLEDGE / "standards" / "reuse", folder)
    doc = folder / "guide.docx"
    before = (folder / "_meta.yaml").read_text(encoding="utf-8")
    assert where_stored(doc) == "folder_meta"
    fields = read_fields(doc, "指南")
    assert fields.issuer == "Free Software Foundation Europe (FSFE)"  # from the "*" defaults
    write_fields(doc, fields.model_copy(update={"issuer": None, "url": "https://example.org/guide"}), "指南")
    after = (folder / "_meta.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # the existing entries are byte for byte the same
    assert after[len(before):] == "guide.docx: {issuer: null, url: https://example.org/guide}\n"
    table = yaml.safe_load(after)
    assert table["guide.docx"]["issuer"] is None  # overrides the default, which the loader then drops


def test_editing_an_existing_folder_entry_changes_only_its_line(tmp_path) -> None:
    folder = tmp_path / "checklists"
    shutil.copytree(KNOWLEDGE / "standards" / "openchain-checklists", folder)
    before = (folder / "_meta.yaml").read_text(encoding="utf-8").splitlines()
    target = folder / "ISO-IEC-5230-en-iso-5230-2020-Self-Certification-Checklist.md"
    assert where_stored(target) == "folder_meta"  # a Markdown file without front matter, but with an entry
    write_fields(target, read_fields(target, "").model_copy(update={"status": "expired"}))
    after = (folder / "_meta.yaml").read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert [before[i].split(":")[0] for i in changed] == [target.name]
    assert after[changed[0]] == before[changed[0]].removesuffix("}") + ", status: expired}"


@pytest.mark.parametrize(("values", "error"), [
    ({"title": ""}, "the title is required"),
    ({"title": "a\nb"}, "one line"),
    ({"title": "t", "url": "ftp://x"}, "http"),
    ({"title": "t", "effective_from": "2026-01-01", "effective_to": "2025-01-01"}, "after"),
    ({"title": "t", "status": "valid"}, "Input should be"),
    ({"title": "t", "published": "next week"}, "2025-12-31"),
])
def test_invalid_fields(values, error) -> None:
    with pytest.raises(ValueError, match=error):
        DocumentFields.model_validate(values)


def test_faq_edit_and_delete_touch_only_that_entry(tmp_path) -> None:
    path = tmp_path / "faq" / "policy.yaml"
    path.parent.mkdir()
    shutil.copy(KNOWLEDGE / "faq" / "policy.yaml", path)
    original = path.read_text(encoding="utf-8")
    stored = read_entries(path, tmp_path)
    target = stored[7]
    save_entry(path, target.entry.model_copy(update={"answer": "新的回答。\n第二行。"}), 7, target.version)
    edited = read_entries(path, tmp_path)
    assert edited[7].entry.answer == "新的回答。\n第二行。"
    assert [e.version for i, e in enumerate(edited) if i != 7] == [e.version for i, e in enumerate(stored) if i != 7]
    assert "  answer: |-\n    新的回答。\n    第二行。\n" in path.read_text(encoding="utf-8")
    with pytest.raises(StaleEdit):
        save_entry(path, target.entry, 7, target.version)  # the form still had the old version
    delete_entry(path, 7, edited[7].version)
    remaining = read_entries(path, tmp_path)
    assert [e.entry.question for e in remaining] == [e.entry.question for i, e in enumerate(stored) if i != 7]
    assert path.read_text(encoding="utf-8").split("\n- question:")[0] == original.split("\n- question:")[0]


def test_faq_entry_validation() -> None:
    entry = FaqEntry(question="  两个  空格 ", answer=" 回答 ", source="s", tags="人才，住房, 人才")
    assert (entry.question, entry.answer, entry.tags) == ("两个 空格", "回答", ["人才", "住房"])
    with pytest.raises(ValueError):
        FaqEntry(question="q", answer="a", source="s", id="Not Kebab")
    with pytest.raises(ValueError):
        FaqEntry(question="q", answer="", source="s")


def test_a_broken_faq_file_is_not_edited(tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- question: [unclosed\n", encoding="utf-8")
    with pytest.raises(EditRejected, match="not valid YAML"):
        save_entry(path, FaqEntry(question="q", answer="a", source="s"))
    assert path.read_text(encoding="utf-8") == "- question: [unclosed\n"
