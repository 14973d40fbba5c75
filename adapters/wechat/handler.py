"""One delivery in, one reply out, inside WeChat's 5 s: answer once, however many times WeChat retries.

The first delivery of a message starts the work as a task; every delivery (that one and the retries,
on any worker) waits for the shared result within its own budget. When the budget runs out:
service accounts reply "success" and push the answer by customer-service message; subscription
accounts leave deliveries 1 and 2 unanswered (so WeChat retries) and on the 3rd say "正在查询" and
hand the answer to the user's next message. A retry of a message that was already answered passively
gets the same reply again: WeChat retries only when the earlier reply did not arrive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import anyio

from adapters.wechat.dedup import Ledger, Result, message_key
from adapters.wechat.messages import ERROR_TEXT, NO_MORE_TEXT, PENDING_TEXT, classify
from adapters.wechat.render import render_answer, split_reply, with_hint
from adapters.wechat.sender import SendError, WeChatApi
from bot.ports import Assistant, KeyValueStore
from bot.types import MAX_QUESTION_CHARS, Question

log = logging.getLogger("yuanbot.wechat")

MAX_DELIVERIES = 3  # WeChat's first delivery plus two retries
POLL_SECONDS = 0.05
HANDOFF_WAIT_SECONDS = 300.0  # how long a next message's work waits for a still-running earlier answer

ForgetSession = Callable[[str], None]  # the Conversation port's `forget` (synchronous: run in a thread)


class WeChatService:
    def __init__(
        self,
        assistant: Assistant,
        store: KeyValueStore,
        api: WeChatApi | None,
        *,
        account_type: str = "subscription",
        budget: float = 4.5,
        hold_seconds: float | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
        forget_session: ForgetSession | None = None,
    ):
        self.assistant = assistant
        self.ledger = Ledger(store)
        self.api = api
        self.account_type = account_type
        self.budget = budget
        self.hold_seconds = hold_seconds if hold_seconds is not None else 2 * budget + 6.0
        self.max_question_chars = max_question_chars
        self.forget_session = forget_session
        self.inflight: dict[str, asyncio.Task] = {}  # an optimisation; the store is the truth

    # --- the delivery ---------------------------------------------------------------------------
    async def respond(self, message: dict[str, str], started: float) -> str | None:
        """The passive reply's text for this delivery, or None for "success" (no passive reply)."""
        key = message_key(message)
        openid = message.get("FromUserName", "")
        deadline = started + self.budget
        number = await self.ledger.delivery_number(key)
        if await self.ledger.claim(key):
            task = asyncio.create_task(self._run(key, message))
            self.inflight[key] = task
            task.add_done_callback(lambda _t, k=key: self.inflight.pop(k, None))
        elif number > 1:
            log.info("retry of a message already being handled", extra=self._extra(openid, delivery=number))
        result = await self._wait(key, deadline)
        if result is not None:
            return await self._deliver(key, openid, result)
        if self.account_type == "service":
            await self.ledger.request_push(key)  # then look once more: the work may have just finished
            result = await self.ledger.result(key)
            return await self._deliver(key, openid, result) if result else None
        if number < MAX_DELIVERIES:
            await self._hold(key, number, started)
            return None  # WeChat has already given up on this connection and retried
        await self.ledger.set_handoff(openid, key)
        result = await self.ledger.result(key)
        if result is not None:
            await self.ledger.clear_handoff(openid, key)
            return await self._deliver(key, openid, result)
        log.info("answer handed to the user's next message", extra=self._extra(openid))
        return PENDING_TEXT

    async def _deliver(self, key: str, openid: str, result: Result) -> str | None:
        """The passive reply, unless the answer went (or goes) another way: pushed or handed over."""
        if result.silent:
            return None
        if not await self.ledger.claim_route(key, "passive"):
            log.info("answer already delivered another way", extra=self._extra(openid))
            return None
        await self.ledger.set_more(openid, result.rest)
        return with_hint(result.text, result.rest)

    async def _wait(self, key: str, deadline: float) -> Result | None:
        while True:
            result = await self.ledger.result(key)
            if result is not None:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            task = self.inflight.get(key)
            if task is not None and not task.done():
                try:
                    await asyncio.wait_for(asyncio.shield(task), remaining)
                except TimeoutError:
                    pass
            else:  # the work runs on another worker (or just ended): poll the shared store
                await asyncio.sleep(min(POLL_SECONDS, remaining))

    async def _hold(self, key: str, number: int, started: float) -> None:
        """Keep this connection open past WeChat's timeout, until its retry arrives (or a cap)."""
        cap = started + self.hold_seconds
        while time.monotonic() < cap and await self.ledger.deliveries_seen(key) <= number:
            await asyncio.sleep(POLL_SECONDS)

    # --- the work ---------------------------------------------------------------------------
    async def _run(self, key: str, message: dict[str, str]) -> None:
        openid = message.get("FromUserName", "")
        try:
            result = await self._compute(key, message)
        except Exception:
            log.exception("wechat message failed", extra=self._extra(openid))
            result = Result(ERROR_TEXT)
        try:
            await self.ledger.save_result(key, result)
            if await self.ledger.push_requested(key):  # a delivery gave up on the passive reply
                await self._push(key, openid, result)
        except Exception:  # the shared store is down: the deliveries still waiting say so themselves
            log.exception("wechat result could not be stored", extra=self._extra(openid))

    async def _compute(self, key: str, message: dict[str, str]) -> Result:
        openid = message.get("FromUserName", "")
        if message.get("MsgType", "").lower() in {"text", "voice"}:
            earlier = await self.ledger.handoff(openid)
            if earlier and earlier != key:
                handed = await self._await_result(earlier, HANDOFF_WAIT_SECONDS)
                if handed is not None and await self.ledger.claim_route(earlier, "handoff"):
                    await self.ledger.clear_handoff(openid, earlier)
                    log.info("delivering a handed-over answer", extra=self._extra(openid))
                    return handed
        intent = classify(message)
        if intent.kind == "ask":
            return self._pieces(await self._ask(openid, intent.text))
        if intent.kind == "reply":
            return self._pieces(intent.text)
        if intent.kind == "more":
            rest = await self.ledger.take_more(openid)
            return self._pieces(rest) if rest else Result(NO_MORE_TEXT)
        if intent.kind == "forget":
            await self.ledger.forget_user(openid)
            if self.forget_session is not None:
                await anyio.to_thread.run_sync(self.forget_session, self.session_id(openid))
            log.info("unsubscribed; session forgotten", extra=self._extra(openid))
        return Result("", silent=True)

    async def _ask(self, openid: str, text: str) -> str:
        question = Question(
            text=text[: self.max_question_chars], session_id=self.session_id(openid), channel="wechat"
        )
        started = time.monotonic()
        answer = await anyio.to_thread.run_sync(self.assistant.ask, question)
        log.info(
            "answered",
            extra=self._extra(openid, status=answer.status, latency_ms=round((time.monotonic() - started) * 1000, 1)),
        )
        return render_answer(answer)

    async def _await_result(self, key: str, seconds: float) -> Result | None:
        return await self._wait(key, time.monotonic() + seconds)

    async def _push(self, key: str, openid: str, result: Result) -> None:
        """Late answer by customer-service message; if that fails, the next message gets it."""
        if result.silent or not await self.ledger.claim_route(key, "push"):
            return
        if self.api is not None:
            try:
                await self.api.send_text(openid, with_hint(result.text, result.rest))
                await self.ledger.set_more(openid, result.rest)
                log.info("late answer pushed", extra=self._extra(openid))
                return
            except SendError as exc:
                log.warning("customer-service push failed (%s)", exc, extra=self._extra(openid))
            except Exception:
                log.exception("customer-service push failed", extra=self._extra(openid))
        await self.ledger.release_route(key)
        await self.ledger.set_handoff(openid, key)

    @staticmethod
    def _pieces(text: str) -> Result:
        head, rest = split_reply(text)
        return Result(head, rest)

    @staticmethod
    def session_id(openid: str) -> str:
        return f"wechat:{openid}"

    def _extra(self, openid: str, **more) -> dict:
        return {"channel": "wechat", "session": self.session_id(openid), **more}
