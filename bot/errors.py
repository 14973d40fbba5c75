"""Our exception hierarchy. Third-party exceptions are mapped to these at the boundary.

YuanbotError
 ├── ConfigError          settings that cannot work (missing key, bad URL, default secret)
 ├── KnowledgeError       the index is missing, built with another model, or unreadable
 │    └── ModelMismatchError
 ├── DocumentError        one source file cannot be loaded (unreadable, empty, binary, no text)
 ├── RetrievalError       the store failed while answering
 ├── GenerationError      the LLM endpoint failed or gave an unusable answer
 ├── LicenseError         an unknown licence name or an invalid SPDX expression
 ├── IngestBusy           another ingest holds the ingest lock: wait, do not queue
 └── EditRejected         a staff edit that cannot be applied (invalid field, name taken …)
      └── StaleEdit       the file changed since the form was opened
"""

from __future__ import annotations


class YuanbotError(Exception):
    """Base of every error we raise on purpose; its message is safe to show to a user."""


class ConfigError(YuanbotError):
    pass


class KnowledgeError(YuanbotError):
    pass


class ModelMismatchError(KnowledgeError):
    pass


class DocumentError(YuanbotError):
    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class RetrievalError(YuanbotError):
    pass


class GenerationError(YuanbotError):
    pass


class LicenseError(YuanbotError):
    """`family` is set when the trouble is a licence family named without a version ("LGPL"): callers that
    can answer per version (the audit) tell it apart from an unknown name without reading the message."""

    def __init__(self, message: str, suggestions: list[str] | None = None, *, family: str | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []
        self.family = family


class IngestBusy(YuanbotError):
    """Another ingest (console, admin API or `yuanbot ingest`) is running; the message says whose."""


class EditRejected(YuanbotError):
    """A change asked for by staff that cannot be made; the message (Chinese / English) says why."""


class StaleEdit(EditRejected):
    """Someone else changed the file after the form was opened."""
