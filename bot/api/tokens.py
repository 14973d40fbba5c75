"""Refuse admin tokens a person could guess: short ones, defaults, dictionary words, keyboard runs.

The console and admin API are the keys to the knowledge base, so start-up fails with a clear message
rather than run with `Password12345678`.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping

from bot.errors import ConfigError
from bot.settings import AdminSettings, secret_value

MIN_TOKEN_LENGTH = 16
MIN_DISTINCT = 8
GUESSABLE_WORDS = (
    "password", "passwd", "passw0rd", "changeme", "change", "admin", "administrator", "secret", "token",
    "yuanbot", "default", "example", "letmein", "qwerty", "asdf", "zxcv", "welcome", "login", "master",
    "root", "test", "guest", "dragon", "monkey", "iloveyou", "nanjing", "github", "abc123",
)
_RUN = 4  # four or more consecutive characters of an ascending/descending sequence ("1234", "dcba")
HOW_TO = "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"


def weakness(token: str) -> str | None:
    """Why a token is guessable, or None when it looks random enough.

    Guessable parts (dictionary words, counting or keyboard runs, repeated chunks) are taken out first;
    what is left must still be MIN_TOKEN_LENGTH characters, so a long random token that happens to
    contain "test" passes while "Password12345678" does not.
    """
    if len(token) < MIN_TOKEN_LENGTH:
        return f"it is too short ({len(token)} characters; at least {MIN_TOKEN_LENGTH})"
    lowered = token.lower()
    found: list[str] = []
    keep = [True] * len(lowered)
    folded = lowered.translate(str.maketrans("013457@$", "oieastas"))
    for word in GUESSABLE_WORDS:
        for text in (lowered, folded):
            for match in re.finditer(re.escape(word), text):
                keep[match.start():match.end()] = [False] * len(word)
                found.append(f"the word “{word}”")
    for start, end in _sequences(lowered):
        keep[start:end] = [False] * (end - start)
        found.append("a counting or keyboard run")
    for match in re.finditer(r"(.{2,}?)\1{2,}", lowered):
        keep[match.start():match.end()] = [False] * (match.end() - match.start())
        found.append("a repeated pattern")
    left = "".join(ch for ch, k in zip(lowered, keep, strict=True) if k)
    if len(left) < MIN_TOKEN_LENGTH or len(set(left)) < MIN_DISTINCT:
        what = ", ".join(dict.fromkeys(found)) or f"only {len(set(lowered))} different characters"
        return f"it is guessable ({what})"
    return None


def _sequences(text: str) -> list[tuple[int, int]]:
    """Spans of RUN or more characters counting up or down ("1234", "dcba")."""
    spans = []
    for step in (1, -1):
        start = 0
        for i in range(1, len(text) + 1):
            if i < len(text) and ord(text[i]) - ord(text[i - 1]) == step:
                continue
            if i - start >= _RUN:
                spans.append((start, i))
            start = i
    return spans


def check_admin_token(admin: AdminSettings) -> None:
    """Raise ConfigError when admin is enabled with a missing or guessable token."""
    if not admin.enabled:
        return
    token = secret_value(admin.token)
    if not token.strip():
        raise ConfigError(f"admin is enabled but YUANBOT_ADMIN_TOKEN is empty; {HOW_TO}")
    reason = weakness(token)
    if reason:
        raise ConfigError(f"YUANBOT_ADMIN_TOKEN is too weak: {reason}; {HOW_TO}")


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (the scheme in any case), or None."""
    scheme, _, supplied = headers.get("authorization", "").partition(" ")
    return supplied.strip() if scheme.lower() == "bearer" else None


def token_matches(supplied: str, expected: str) -> bool:
    """Constant time in the length of the secret; bytes, so non-ASCII input cannot raise."""
    return hmac.compare_digest(supplied.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))
