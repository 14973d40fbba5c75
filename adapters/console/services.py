"""The services the staff console is built from (made by bot.wiring; the console's routers only translate HTTP).

The console runs nothing of its own: documents are listed from the index and the folder (`DocumentCatalog`),
changes are file edits (`KnowledgeEditor`) followed by the same sync as `yuanbot ingest` (`IngestJobs`, under
the shared ingest lock), FAQ entries are checked with the assistant's own clause resolver and embedding
(`FaqReviewer`), and the report is the question log's (`QuestionLog.report`, as `yuanbot report`).
The bundle lives with its only user, the console, so that `bot` does not import `ingest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.audit_log import AuditLog
from bot.faq_editor import FaqReviewer
from bot.ports import KeyValueStore, QuestionLog
from bot.settings import Settings
from ingest.catalog import DocumentCatalog
from ingest.changes import KnowledgeEditor
from ingest.jobs import IngestJobs


@dataclass
class StaffServices:
    settings: Settings
    store: KeyValueStore  # console sessions, sign-in counters and job progress (shared by workers with Redis)
    catalog: DocumentCatalog
    editor: KnowledgeEditor
    jobs: IngestJobs
    faq: FaqReviewer
    question_log: QuestionLog
    audit_log: AuditLog

    @property
    def knowledge_dir(self) -> Path:
        """The folder staff edit: the catalogue's root."""
        return self.catalog.root
