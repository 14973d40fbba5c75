"""Customer-service messages (late answers for service accounts) with a shared, single-refresher token.

Bounded retries on purpose: wechatpy's client retries a persistent 40001 forever. The token lives in the
shared store, reached through `AsyncStore` so that a slow Redis never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable

import httpx

from bot.ports import KeyValueStore
from bot.stores.aio import AsyncStore

log = logging.getLogger("yuanbot.wechat")

TOKEN_KEY = "wechat:access_token"
LOCK_KEY = "wechat:access_token:lock"
LOCK_TTL = 10.0
TOKEN_MARGIN = 300  # refresh five minutes before WeChat's 7200 s expiry
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid / expired token: refresh once and retry
PERMANENT_ERRORS = {45015: "outside the 48 h window", 45047: "quota exceeded", 48001: "API not authorised"}


class SendError(Exception):
    def __init__(self, errcode: int, errmsg: str = ""):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode


def default_client_factory() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(5.0))


class WeChatApi:
    """The two endpoints we call: `/cgi-bin/token` and `/cgi-bin/message/custom/send`."""

    def __init__(
        self,
        base_url: str,
        appid: str,
        secret: str,
        store: KeyValueStore,
        client_factory: Callable[[], httpx.AsyncClient] | None = None,
        *,
        lock_wait: float = 5.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.appid, self.secret, self.store = appid, secret, AsyncStore(store)
        self.client_factory = client_factory or default_client_factory
        self.lock_wait = lock_wait
        self.worker = uuid.uuid4().hex

    async def access_token(self, stale: str | None = None) -> str:
        """The shared token; only the lock holder fetches a new one (re-fetching invalidates the old)."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            token = await self.store.get(TOKEN_KEY)
            if token and token != stale:
                return token
            if await self.store.set_if_absent(LOCK_KEY, self.worker, ttl=LOCK_TTL):
                try:
                    token = await self.store.get(TOKEN_KEY)  # someone may have refreshed just before we locked
                    if token and token != stale:
                        return token
                    return await self._fetch_token()
                finally:
                    if await self.store.get(LOCK_KEY) == self.worker:
                        await self.store.delete(LOCK_KEY)
            if time.monotonic() >= deadline:
                raise SendError(-1, "timed out waiting for another worker to refresh the access token")
            await asyncio.sleep(0.05)

    async def _fetch_token(self) -> str:
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        async with self.client_factory() as client:
            response = await client.get(f"{self.base_url}/cgi-bin/token", params=params)
        data = response.json()
        if "access_token" not in data:
            raise SendError(int(data.get("errcode", -1)), str(data.get("errmsg", "no access_token")))
        ttl = max(60, int(data.get("expires_in", 7200)) - TOKEN_MARGIN)
        await self.store.set(TOKEN_KEY, data["access_token"], ttl=ttl)
        log.info("access token refreshed", extra={"channel": "wechat"})
        return data["access_token"]

    async def send_text(self, openid: str, content: str) -> None:
        """Push one text message; raises SendError after at most one token refresh and one retry."""
        payload = json.dumps(
            {"touser": openid, "msgtype": "text", "text": {"content": content}}, ensure_ascii=False
        ).encode("utf-8")
        stale: str | None = None
        refreshed = False
        last: SendError | None = None
        for _attempt in range(3):
            token = await self.access_token(stale)
            try:
                async with self.client_factory() as client:
                    response = await client.post(
                        f"{self.base_url}/cgi-bin/message/custom/send",
                        params={"access_token": token},
                        content=payload,
                        headers={"Content-Type": "application/json; charset=utf-8"},
                    )
                data = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                last = SendError(-1, f"transport: {exc}")
                await asyncio.sleep(0.2)
                continue
            errcode = int(data.get("errcode", 0))
            if errcode == 0:
                return
            last = SendError(errcode, str(data.get("errmsg", "")))
            if errcode in TOKEN_ERRORS:
                if refreshed:
                    break  # a fresh token was refused too: stop, do not loop
                refreshed, stale = True, token
                if await self.store.get(TOKEN_KEY) == token:
                    await self.store.delete(TOKEN_KEY)
                continue
            if errcode == -1:  # system busy
                await asyncio.sleep(0.2)
                continue
            break  # 45015, 45047, 48001 and anything unknown: retrying cannot help
        assert last is not None
        raise last
