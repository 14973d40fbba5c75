"""A fake Telegram Bot API server on loopback (real HTTP, `http.server` in a thread) for the tests.

It speaks the subset the bot uses, validates like Telegram does where it matters (HTML entities,
4096-character limit, empty text), can inject errors (429 with retry_after, 400 …), and records every
call so tests can assert what the bot really sent. Files: `add_file` stores a file as if a user had sent
it; `getFile` + `GET /file/bot<token>/<file_path>` serve it (20 MB cap, as the real Bot API), and
`sendDocument` (a multipart upload) is recorded in `state.documents`.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import html
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, unquote

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuv"
BOT_ID = 123456
BOT_USERNAME = "YuanTestBot"
LIMIT = 4096
CAPTION_LIMIT = 1024
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files

_ALLOWED_TAGS = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class EntityError(ValueError):
    pass


def parse_html(text: str) -> str:
    """Telegram's HTML parser, strictly: returns the visible text or raises EntityError."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    raw = text.encode("utf-8")  # offsets in Telegram's messages are byte offsets

    def offset(i: int) -> int:
        return len(text[:i].encode("utf-8")) if raw else 0

    while pos < len(text):
        ch = text[pos]
        if ch == "<":
            m = _TAG_RE.match(text, pos)
            if not m:
                raise EntityError(f"Unsupported start tag at byte offset {offset(pos)}")
            closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
            if name not in _ALLOWED_TAGS:
                raise EntityError(f'Unsupported start tag "{name}" at byte offset {offset(pos)}')
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityError(
                        f'Unmatched end tag at byte offset {offset(pos)}, expected "</'
                        f'{stack[-1] if stack else ""}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                found = {a.group(1).lower(): a.group(2) for a in _ATTR_RE.finditer(attrs)}
                for attr in found:
                    if attr not in _ALLOWED_TAGS[name]:
                        raise EntityError(f'Unsupported attribute "{attr}" at byte offset {offset(pos)}')
                if name == "a":
                    href = found.get("href")
                    if not href:
                        raise EntityError(f"Can't find href in <a> at byte offset {offset(pos)}")
                    url = html.unescape(href.strip("\"'"))
                    if not re.match(r"^(https?|tg)://\S+$", url):
                        raise EntityError(f"Wrong HTTP URL at byte offset {offset(pos)}")
                stack.append(name)
            pos = m.end()
        elif ch == "&":
            m = _ENTITY_RE.match(text, pos)
            if not m:
                raise EntityError(f"Unsupported entity at byte offset {offset(pos)}")
            out.append(html.unescape(m.group(0)))
            pos = m.end()
        elif ch == ">":
            raise EntityError(f"Unexpected > at byte offset {offset(pos)}")
        else:
            out.append(ch)
            pos += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Sent:
    method: str
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    reply_to: int | None
    message_id: int
    visible: str  # the text after parsing the entities

    def buttons(self) -> list[dict[str, Any]]:
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]


@dataclass
class SentDocument:
    chat_id: int
    filename: str
    data: bytes
    caption: str | None
    parse_mode: str | None
    message_id: int


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes


@dataclass
class FakeState:
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    rejected: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    failures: dict[str, list[ApiError]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    chat_actions: list[dict[str, Any]] = field(default_factory=list)
    edited_markups: list[dict[str, Any]] = field(default_factory=list)
    documents: list[SentDocument] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)


_JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "entities",
}


class FakeBotApi:
    """`with FakeBotApi() as api:` → `api.base_url` is what the bot's `telegram_api_url` should be."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.state = FakeState()
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # --- test controls ----------------------------------------------------------------------------

    def fail_next(self, method: str, code: int, description: str, retry_after: int | None = None) -> None:
        params = {"retry_after": retry_after} if retry_after is not None else None
        with self._cond:
            self.state.failures.setdefault(method, []).append(ApiError(code, description, params))

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self.state.updates.append(update)
            self._cond.notify_all()
        return update

    def make_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int = 42,
        language_code: str | None = "en",
        chat_type: str | None = None,
        reply_to: dict[str, Any] | None = None,
        first_name: str = "Dev",
    ) -> dict[str, Any]:
        chat_type = chat_type or ("private" if chat_id > 0 else "supergroup")
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = "Open source devs"
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    def push_text(self, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        return self.push_update({"message": self.make_message(chat_id, text, **kwargs)})

    def add_file(self, data: bytes, file_name: str, mime_type: str = "application/octet-stream") -> dict[str, Any]:
        """Store a file as Telegram would after a user sent it; returns the message's `document` object."""
        with self._cond:
            n = len(self.state.files) + 1
            stored = StoredFile(f"BQACAgIAAx-doc{n}", f"AgADdoc{n}", f"documents/file_{n}.bin", data)
            self.state.files[stored.file_id] = stored
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }

    def push_document(
        self, chat_id: int, document: dict[str, Any], caption: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A message carrying `document` (from add_file) and an optional caption, as Telegram delivers it."""
        message = self.make_message(chat_id, "", **kwargs)
        message.pop("text", None)
        message.pop("entities", None)
        message["document"] = document
        if caption:
            message["caption"] = caption
            entities = _entities(caption)
            if entities:
                message["caption_entities"] = entities
        return self.push_update({"message": message})

    def push_callback(
        self, sent: Sent, data: str, *, user_id: int = 42, language_code: str = "en"
    ) -> dict[str, Any]:
        chat_type = "private" if sent.chat_id > 0 else "supergroup"
        message = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": chat_type},
            "from": self.bot_user(),
            "text": sent.visible,
        }
        query = {
            "id": str(next(self._update_ids)),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
            "from": {"id": user_id, "is_bot": False, "first_name": "Dev", "language_code": language_code},
        }
        return self.push_update({"callback_query": query})

    def bot_message(self, sent: Sent) -> dict[str, Any]:
        """A message of ours as Telegram would embed it in `reply_to_message`."""
        chat_type = "private" if sent.chat_id > 0 else "supergroup"
        return {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": chat_type},
            "from": self.bot_user(),
            "text": sent.visible,
        }

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self._cond:
            return [s for s in self.state.sent if s.chat_id == chat_id]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        with self._cond:
            return [params for name, params in self.state.calls if name == method]

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                if predicate(self.state):
                    return
            await asyncio.sleep(0.02)
        raise AssertionError(
            f"fake Telegram: condition not met within {timeout}s; calls={self.method_names()}"
        )

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Sent]:
        await self.wait_for(lambda s: sum(1 for m in s.sent if m.chat_id == chat_id) >= count, timeout)
        return self.sent_to(chat_id)

    def method_names(self) -> list[str]:
        with self._cond:
            return [name for name, _ in self.state.calls]

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "YuanBot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # --- the API ----------------------------------------------------------------------------------

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        with self._cond:
            self.state.calls.append((method, params))
            queued = self.state.failures.get(method)
            if queued:
                raise queued.pop(0)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return handler(params)

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user()

    def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 5.0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.state.webhook.get("url"):
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
            # confirming: updates below the offset are forgotten, as Telegram does
            self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
            while not self.state.updates:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self.state.updates[:limit]

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        text = params.get("text") or ""
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode")
        visible = text
        if parse_mode == "HTML":
            try:
                visible = parse_html(text)
            except EntityError as exc:
                with self._cond:
                    self.state.rejected.append(("sendMessage", params, str(exc)))
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if utf16_len(visible.strip()) > LIMIT:
            with self._cond:
                self.state.rejected.append(("sendMessage", params, "too long"))
            raise ApiError(400, "Bad Request: message is too long")
        reply_params = params.get("reply_parameters") or {}
        with self._cond:
            message_id = next(self._message_ids)
            self.state.sent.append(
                Sent(
                    "sendMessage",
                    int(chat_id),
                    text,
                    parse_mode,
                    params.get("reply_markup"),
                    reply_params.get("message_id"),
                    message_id,
                    visible,
                )
            )
        chat_type = "private" if int(chat_id) > 0 else "supergroup"
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": chat_type},
            "from": self.bot_user(),
            "text": visible,
        }

    def _api_getFile(self, params: dict[str, Any]) -> Any:
        with self._cond:
            stored = self.state.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > DOWNLOAD_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        upload = params.get("document")
        if not isinstance(upload, tuple):  # a file_id or URL string: not something this fake stores
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        filename, data = upload
        if not data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        caption = params.get("caption")
        parse_mode = params.get("parse_mode")
        if caption:
            visible = parse_html(caption) if parse_mode == "HTML" else caption
            if utf16_len(visible) > CAPTION_LIMIT:
                raise ApiError(400, "Bad Request: message caption is too long")
        with self._cond:
            message_id = next(self._message_ids)
            self.state.documents.append(SentDocument(int(chat_id), filename, data, caption, parse_mode, message_id))
        chat_type = "private" if int(chat_id) > 0 else "supergroup"
        result = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": chat_type},
            "from": self.bot_user(),
            "document": {
                "file_id": f"BQACAgIAAx-sent{message_id}",
                "file_unique_id": f"AgADsent{message_id}",
                "file_name": filename,
                "file_size": len(data),
            },
        }
        if caption:
            result["caption"] = caption
        return result

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self.state.chat_actions.append(params)
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if not params.get("callback_query_id"):
            raise ApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        with self._cond:
            self.state.callback_answers.append(params)
        return True

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self.state.edited_markups.append(params)
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        url = params.get("url") or ""
        if url and not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        with self._cond:
            self.state.webhook = {
                "url": url,
                "secret_token": secret,
                "allowed_updates": params.get("allowed_updates"),
            }
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self.state.webhook = {}
            if str(params.get("drop_pending_updates")).lower() == "true":
                self.state.updates.clear()
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        with self._cond:
            return {
                "url": self.state.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self.state.updates),
            }

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        if not isinstance(params.get("commands"), list):
            raise ApiError(400, "Bad Request: commands must be an array")
        return True

    def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    # --- HTTP plumbing ----------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path.startswith("/file/bot"):
                    return self._download()
                self._handle({})

            def _download(self) -> None:
                m = re.fullmatch(r"/file/bot([^/]+)/(.+)", unquote(self.path.split("?")[0]))  # httpx sends %3A
                if not m or m.group(1) != api.token:
                    return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                with api._cond:
                    api.state.calls.append(("downloadFile", {"file_path": m.group(2)}))
                    stored = next((f for f in api.state.files.values() if f.file_path == m.group(2)), None)
                if stored is None:
                    return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(stored.data)))
                    self.end_headers()
                    self.wfile.write(stored.data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                ctype = self.headers.get("Content-Type", "")
                if "application/json" in ctype:
                    params = json.loads(body or b"{}")
                elif "multipart/form-data" in ctype:
                    params = _multipart(ctype, body)
                else:
                    params = {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
                    for key in _JSON_FIELDS & params.keys():
                        params[key] = json.loads(params[key])
                self._handle(params)

            def _handle(self, params: dict[str, Any]) -> None:
                m = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path.split("?")[0])
                if not m:
                    return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                if m.group(1) != api.token:
                    return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                try:
                    result = api._dispatch(m.group(2), params)
                except ApiError as exc:
                    payload: dict[str, Any] = {
                        "ok": False,
                        "error_code": exc.code,
                        "description": exc.description,
                    }
                    if exc.parameters:
                        payload["parameters"] = exc.parameters
                    return self._reply(exc.code, payload)
                self._reply(200, {"ok": True, "result": result})

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Form fields as strings (JSON fields decoded), file parts as (filename, bytes) — as PTB uploads them."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = (filename, data)
        else:
            params[name] = data.decode("utf-8")
    for key in _JSON_FIELDS & params.keys():
        params[key] = json.loads(params[key])
    # an attach:// reference points at the part holding the file
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value[len("attach://"):], value)
    return params


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities with UTF-16 offsets, as Telegram computes them."""
    entities = []
    for m in re.finditer(r"(?<![\w/])(/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?)|(?<!\w)(@[A-Za-z0-9_]{5,32})", text):
        kind = "bot_command" if m.group(1) else "mention"
        entities.append(
            {"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))}
        )
    return entities
