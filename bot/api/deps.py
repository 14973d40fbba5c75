"""FastAPI dependencies shared by the API's routers: the services, web sessions, the question of a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from bot.api.schemas import AskRequest
from bot.api.sessions import WebSessions
from bot.services import Services
from bot.types import Question

WEB_CHANNEL = "api"


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_sessions(request: Request) -> WebSessions:
    return request.app.state.sessions


ServicesDep = Annotated[Services, Depends(get_services)]
SessionsDep = Annotated[WebSessions, Depends(get_sessions)]


def check_length(text: str, limit: int, loc: tuple[str, str]) -> None:
    """A 422 like the schema's own when a text is longer than the configured limit.

    The schema caps questions at MAX_QUESTION_CHARS; `YUANBOT_MAX_QUESTION_CHARS` may set a lower limit, which
    every channel (and so the API too) enforces."""
    if len(text) > limit:
        raise RequestValidationError([{"loc": loc, "type": "string_too_long", "input": text[:100],
                                       "msg": f"String should have at most {limit} characters",
                                       "ctx": {"max_length": limit}}])


def web_question(body: AskRequest, sessions: WebSessions, max_chars: int) -> tuple[Question, str]:
    """The Question for an API request, in a session the server issued (never one a caller names)."""
    if not body.question.strip():
        raise RequestValidationError([{"loc": ("body", "question"), "msg": "question is empty", "type": "value_error"}])
    check_length(body.question, max_chars, ("body", "question"))
    public_id = sessions.resume_or_issue(body.session_id)
    return Question(text=body.question, session_id=sessions.internal(public_id), channel=WEB_CHANNEL), public_id
