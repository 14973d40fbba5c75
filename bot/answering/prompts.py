"""Prompt and message templates from `prompts/`, loaded once and checked at start-up."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from bot.errors import ConfigError
from bot.resources import prompts_dir

PROMPTS_DIR = prompts_dir()
REQUIRED = {
    "refusal": {"contact"},
    "suggestions": {"suggestions"},
    "system": set(),
    "answer": {"question", "passages"},
    "condense": {"history", "question"},
}


@lru_cache(maxsize=64)
def template(name: str, lang: str, directory: Path = PROMPTS_DIR) -> str:
    path = directory / f"{name}.{lang}.txt"
    if not path.exists():
        path = directory / f"{name}.zh.txt"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"prompt template {path} is missing: {exc}") from exc
    fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    missing = REQUIRED.get(name, set()) - fields
    if missing:
        raise ConfigError(f"prompt template {path} lacks the placeholder(s) {sorted(missing)}")
    return text


def render(name: str, lang: str, **values: str) -> str:
    return template(name, lang).format(**values)


def validate_all(directory: Path = PROMPTS_DIR) -> None:
    for name in REQUIRED:
        for lang in ("zh", "en"):
            template(name, lang, directory)
