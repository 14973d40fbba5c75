"""The services the staff console is built from (made by bot.wiring; the console adapter only translates HTTP).

The console runs nothing of its own: documents are listed from the index and the folder (`DocumentCatalog`),
changes are file edits (`KnowledgeEditor`) followed by the same sync as `yuanbot ingest` (`IngestJobs`, under
the shared ingest lock), FAQ entries are checked with the assistant's own clause resolver and embedding
(`FaqReviewer`), and the report is the question log's (`QuestionLog.report`, as `yuanbot report`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.audit_log import AuditLog
from bot.errors import EditRejected
from bot.faq_editor import FaqReviewer
from bot.ports import KeyValueStore, QuestionLog
from bot.settings import Settings
from ingest.catalog import DocumentCatalog
from ingest.changes import KnowledgeEditor
from ingest.faq import StoredEntry, faq_files, read_entries
from ingest.jobs import IngestJobs


@dataclass
class StaffServices:
    settings: Settings
    knowledge_dir: Path
    store: KeyValueStore  # console sessions, sign-in counters and job progress (shared by workers with Redis)
    catalog: DocumentCatalog
    editor: KnowledgeEditor
    jobs: IngestJobs
    faq: FaqReviewer
    question_log: QuestionLog
    audit_log: AuditLog
    faq_entries: Callable[[], list[StoredEntry]]


def faq_entries_of(root: Path) -> Callable[[], list[StoredEntry]]:
    """Every entry of every FAQ file of the folder, read fresh (the folder is the source of truth)."""
    def entries() -> list[StoredEntry]:
        out: list[StoredEntry] = []
        for path in faq_files(root):
            try:
                out.extend(read_entries(path, root))
            except EditRejected:  # a file staff broke by hand: the FAQ page shows why
                continue
        return out

    return entries
