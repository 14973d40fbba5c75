"""Optional LLM mode: grounded answers with citations through langchain's chat-model interface.

Any OpenAI-compatible endpoint works (a local Ollama or vLLM, or a hosted Qwen / DeepSeek endpoint):
`YUANBOT_LLM_BASE_URL`, `YUANBOT_LLM_MODEL`, `YUANBOT_LLM_API_KEY`, `YUANBOT_LLM_TIMEOUT`.

The model sees only the numbered passages and must cite them as [n]. Every answer is checked by
`check_citations` (`citations.py`: every sentence cites a passage it agrees with, every link is quoted)
before it is used; endpoint errors, timeouts and answers that fail the check raise `GenerationError`, and
the caller falls back to the extractive answer. Licence verdicts never come from here (the caller routes
licence questions to the rule engine).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from langchain.chat_models import init_chat_model
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bot.answering.citations import check_citations, cited_numbers
from bot.answering.prompts import render, template
from bot.errors import ConfigError, GenerationError
from bot.settings import LLMSettings, secret_value
from bot.types import Passage, Turn

log = logging.getLogger("yuanbot.llm")

__all__ = ["LLMGenerator", "check_citations", "cited_numbers", "format_history", "format_passages", "prompt",
           "prompt_version"]

PASSAGE_CHARS = 1200      # each passage is cut to this many characters in the prompt
HISTORY_ANSWER_CHARS = 200


def _strip_header(text: str) -> str:
    """Drop the `# version: N` comment lines at the top of a template (see prompts/README.md)."""
    lines = text.splitlines()
    while lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)
    return "\n".join(lines).strip()


def prompt(name: str, lang: str, **values: str) -> str:
    return _strip_header(render(name, lang, **values))


def prompt_version(name: str, lang: str) -> str | None:
    m = re.match(r"\s*#\s*version:\s*(\S+)", template(name, lang))
    return m.group(1) if m else None


def format_passages(passages: list[Passage]) -> str:
    blocks = []
    for n, p in enumerate(passages, 1):
        head = f"[{n}] 《{p.title}》" + (f" {p.section}" if p.section else "")
        text = p.text.strip()
        if len(text) > PASSAGE_CHARS:
            text = text[:PASSAGE_CHARS] + "…"
        blocks.append(f"{head}\n{text}")
    return "\n\n".join(blocks)


def format_history(history: list[Turn], lang: str) -> str:
    user, bot = ("用户", "助手") if lang == "zh" else ("User", "Assistant")
    lines = []
    for turn in history:
        lines.append(f"{user}: {turn.question}")
        answer = (turn.answer or "").strip().replace("\n", " ")
        if answer:
            lines.append(f"{bot}: {answer[:HISTORY_ANSWER_CHARS]}")
    return "\n".join(lines)


# -------------------------------------------------------------------------------- generator


class LLMGenerator:
    """Answers and condensed questions from an OpenAI-compatible chat endpoint via langchain."""

    def __init__(self, chat_model, *, model_name: str = "", timeout: float = 8.0) -> None:
        self.chat = chat_model
        self.model_name = model_name
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: LLMSettings) -> LLMGenerator:
        """An OpenAI-compatible chat model through langchain's `init_chat_model`."""
        if not settings.enabled:
            raise ConfigError("LLM mode needs YUANBOT_LLM_BASE_URL and YUANBOT_LLM_MODEL")
        chat = init_chat_model(
            settings.model,
            model_provider="openai",
            base_url=settings.base_url,
            api_key=secret_value(settings.api_key) or "not-needed",  # local servers (Ollama, vLLM) ignore it
            timeout=settings.timeout,
            max_retries=0,
            temperature=0.1,
        )
        return cls(chat, model_name=settings.model or "", timeout=settings.timeout)

    # --- prompts -------------------------------------------------------------------------------
    @staticmethod
    def answer_messages(question: str, passages: list[Passage], lang: str) -> list[BaseMessage]:
        return [
            SystemMessage(content=prompt("system", lang)),
            HumanMessage(content=prompt("answer", lang, question=question, passages=format_passages(passages))),
        ]

    # --- calls ---------------------------------------------------------------------------------
    def _invoke(self, messages, what: str) -> str:
        try:
            reply = self.chat.invoke(messages)
        except Exception as exc:  # openai.APIError, timeouts, connection errors, bad payloads
            raise GenerationError(f"LLM endpoint failed ({what}): {exc.__class__.__name__}") from exc
        return reply.text.strip()

    def answer(self, question: str, passages: list[Passage], lang: str) -> str:
        """A cited answer from the passages; GenerationError when the endpoint fails or the answer is unusable."""
        if not passages:
            raise GenerationError("no passages to answer from")
        text = self._invoke(self.answer_messages(question, passages, lang), "answer")
        reason = check_citations(text, passages)
        if reason:
            raise GenerationError(f"LLM answer rejected: {reason}")
        return text

    def stream_answer(self, question: str, passages: list[Passage], lang: str) -> Iterator[str]:
        """Raw text chunks as they arrive, unchecked: a caller that shows them checks each sentence first
        (the assistant's `stream` does). After the last chunk the whole answer is checked; when it fails,
        GenerationError is raised at the end of the iteration."""
        if not passages:
            raise GenerationError("no passages to answer from")
        parts: list[str] = []
        try:
            for chunk in self.chat.stream(self.answer_messages(question, passages, lang)):
                piece = chunk.text
                if piece:
                    parts.append(piece)
                    yield piece
        except GenerationError:
            raise
        except Exception as exc:
            raise GenerationError(f"LLM endpoint failed (stream): {exc.__class__.__name__}") from exc
        reason = check_citations("".join(parts), passages)
        if reason:
            raise GenerationError(f"LLM answer rejected: {reason}")

    def condense(self, question: str, history: list[Turn], lang: str) -> str:
        """A standalone question from a follow-up and the session history (the question itself if no history)."""
        if not history:
            return question
        text = self._invoke(
            [HumanMessage(content=prompt("condense", lang, history=format_history(history, lang), question=question))],
            "condense",
        )
        line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        line = re.sub(r"^(?:独立问题|standalone question)\s*[:：]\s*", "", line, flags=re.IGNORECASE).strip().strip('"“”')
        if not line or len(line) > max(300, 4 * len(question)):
            raise GenerationError("LLM gave an unusable condensed question")
        return line

