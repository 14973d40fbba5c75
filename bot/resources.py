"""Where the data bundled with YuanBot lives: the knowledge folder and the prompt templates.

Both are importable data packages (`knowledge`, `prompts`), found with importlib.resources, so they work
from a source checkout, an editable install and an installed wheel alike. Nothing computes paths from
the checkout layout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_dir(package: str) -> Path:
    # wheels are installed unpacked, so the Traversable is a real directory
    return Path(str(resources.files(package)))


def bundled_knowledge_dir() -> Path:
    """`knowledge/`: policy, standards, licence texts, FAQ, and the licence engine's rule data."""
    return _package_dir("knowledge")


def license_data_dir() -> Path:
    return bundled_knowledge_dir() / "licenses" / "engine"


def license_texts_dir() -> Path:
    return bundled_knowledge_dir() / "licenses" / "texts"


def licence_facts_file() -> Path:
    """Licence facts with their clauses (`knowledge/licenses/facts/facts.yaml`, not indexed as text)."""
    return bundled_knowledge_dir() / "licenses" / "facts" / "facts.yaml"


def prompts_dir() -> Path:
    return _package_dir("prompts")
