"""The bundle of collaborators the HTTP app and the adapters are built from (made by bot.wiring)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from bot.licenses.audit_models import AuditReport
from bot.ports import Assistant, HealthCheck, KeyValueStore, LicenseAdvisor, QuestionLog, Searcher
from bot.settings import Settings
from bot.stores import InProcessStore

AuditRunner = Callable[[bytes, str, str, str | None], AuditReport]


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    question_log: QuestionLog  # every question and 👍/👎, for the staff report
    searcher: Searcher | None = None
    health: HealthCheck | None = None
    licenses: LicenseAdvisor | None = None
    store: KeyValueStore = field(default_factory=InProcessStore)
    audit: AuditRunner | None = None  # SBOM bytes, file name, outbound, use -> report (chat channels)
    # async context managers entered for the app's lifetime (e.g. the Telegram webhook application)
    lifespan_hooks: list[Callable[[], AbstractAsyncContextManager[Any]]] = field(default_factory=list)
