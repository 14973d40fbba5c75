"""Prometheus metrics at GET /metrics, from a registry of the app's own (so tests can build many apps).

    metrics = install_metrics(app)              # middleware + route; also app.state.metrics
    metrics.observe_answer("answered", "extractive", "api")
    metrics.observe_ingest(ok=True)

Series:
    yuanbot_http_requests_total{method,route,status}       route = the route template ("/api/licenses/{license_id:path}")
    yuanbot_http_request_duration_seconds{method,route}    histogram
    yuanbot_http_requests_in_progress                      gauge
    yuanbot_answers_total{status,mode,channel}             status = answered | no_answer
    yuanbot_ingest_runs_total{result}                      result = ok | failed

No-answer rate: sum(rate(yuanbot_answers_total{status="no_answer"}[1h])) / sum(rate(yuanbot_answers_total[1h]))
"""

from __future__ import annotations

import os
import time
from typing import Any

from fastapi.routing import iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match

from bot.api.tokens import bearer_token, token_matches

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
UNMATCHED = "unmatched"


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "yuanbot_http_requests", "HTTP requests by route template and status.",
            ["method", "route", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "yuanbot_http_request_duration_seconds", "HTTP request latency (to the end of the response).",
            ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        self.in_progress = Gauge(
            "yuanbot_http_requests_in_progress", "HTTP requests being served (summed over workers).",
            registry=self.registry, multiprocess_mode="livesum",
        )
        self.answers = Counter(
            "yuanbot_answers", "Answers given, by status (answered / no_answer), mode and channel.",
            ["status", "mode", "channel"], registry=self.registry,
        )
        self.ingest_runs = Counter(
            "yuanbot_ingest_runs", "Ingest runs by result.", ["result"], registry=self.registry,
        )
        for result in ("ok", "failed"):
            self.ingest_runs.labels(result=result)

    def observe_answer(self, status: str, mode: str = "extractive", channel: str = "api") -> None:
        self.answers.labels(status=status, mode=mode, channel=channel).inc()

    def observe_ingest(self, ok: bool) -> None:
        self.ingest_runs.labels(result="ok" if ok else "failed").inc()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method=method, route=route, status=str(status)).inc()
        self.latency.labels(method=method, route=route).observe(seconds)

    def exposition(self) -> bytes:
        """This process's series; with several workers (PROMETHEUS_MULTIPROC_DIR set by `yuanbot serve
        --workers N`), the sum over all of them, whichever worker answers the scrape."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def _template_for(routes: Any, scope: dict) -> str:
    """The route template a request would reach, asked of the routes themselves (`matches`), through
    included routers (FastAPI's `iter_route_contexts`, as its OpenAPI generator walks them)."""
    partial = None
    for route in iter_route_contexts(routes):
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return getattr(route, "path", UNMATCHED) or UNMATCHED
        if match == Match.PARTIAL and partial is None:  # the path matches, the method does not (405)
            partial = getattr(route, "path", None)
    return partial or UNMATCHED


_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}


class MetricsMiddleware:
    """Pure ASGI: times every HTTP request and counts it under its route template (never the raw path)."""

    def __init__(self, app: Any, *, metrics: Metrics, routes_of: Any) -> None:
        self.app = app
        self.metrics = metrics
        self.routes_of = routes_of  # () -> the app's routes, to label requests answered before routing

    def _route(self, scope: dict) -> str:
        route = scope.get("route")
        path = getattr(route, "path", None)
        if isinstance(path, str) and path:
            return path
        # 429/413/503 from the protection middleware (or 404): find the template without running the route
        try:
            return _template_for(self.routes_of(), scope)
        except Exception:  # noqa: BLE001 - a label is never worth a failed request
            return UNMATCHED

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        method = scope.get("method", "GET")
        method = method if method in _METHODS else "OTHER"

        async def send_wrapper(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.in_progress.dec()
            self.metrics.observe_request(method, self._route(scope), status, time.perf_counter() - started)


def install_metrics(app: Any, *, token: str | None = None, path: str = "/metrics") -> Metrics:
    """Add the metrics middleware and GET /metrics to `app` (before it starts). Returns the Metrics.

    `token`: when given, /metrics wants `Authorization: Bearer <token>` (else it is open, as usual for a
    scrape target on an internal port; keep it off the public proxy).
    """
    metrics = Metrics()

    async def metrics_endpoint(request: Request) -> Response:
        if token:
            supplied = bearer_token(request.headers)
            if supplied is None or not token_matches(supplied, token):
                return Response(
                    '{"message":"unauthorised"}', status_code=401, media_type="application/json",
                    headers={"WWW-Authenticate": "Bearer"},
                )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    app.add_route(path, metrics_endpoint, methods=["GET"], include_in_schema=False)
    app.add_middleware(MetricsMiddleware, metrics=metrics, routes_of=lambda: app.router.routes)
    app.state.metrics = metrics
    return metrics
