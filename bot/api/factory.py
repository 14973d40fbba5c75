"""`bot.api.factory:app` for process managers (uvicorn --workers N, gunicorn): settings from the environment."""

from bot.logging_setup import configure_logging
from bot.settings import Settings
from bot.wiring import build_app

_settings = Settings()
configure_logging(_settings.log_level, _settings.log_json)
app = build_app(_settings)
