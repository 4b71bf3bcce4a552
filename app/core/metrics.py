"""Prometheus metrics of the service, served at ``GET /metrics``; right with several workers too.

With one server process the metrics live in this process's default registry, which also
has the standard ``process_*`` and ``python_*`` metrics. With several (``QUOTES_WORKERS``
> 1) each worker is its own process, and a scrape reaches only one of them: then every
worker writes its values to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's
multiprocess mode, switched on by that variable being set before this module is first
imported; ``app.server`` sets it and empties the folder at start-up) and ``/metrics`` sums
the files of all workers, so any worker answers for the whole server.

Labels are bounded: ``route`` is the route template (``/v1/quotes``), or ``<unmatched>``
for paths no route serves, and unknown HTTP methods count as ``OTHER``, so no client can
create new time series at will.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

HTTP_REQUESTS = Counter(
    "quotes_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "quotes_http_request_duration_seconds",
    "Time from receiving a request to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
HTTP_IN_FLIGHT = Gauge(
    "quotes_http_requests_in_flight",
    "HTTP requests being served now.",
    multiprocess_mode="livesum",
)
ARTICLES = Counter("quotes_articles_processed_total", "Articles attributed (answered 200).")
QUOTATIONS = Counter("quotes_quotations_found_total", "Quotations found in those articles.")
TEXT_CHARS = Histogram(
    "quotes_article_chars",
    "Length of the articles sent to be attributed, in characters.",
    buckets=(100, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 200_000, 500_000),
)
ENGINE_DURATION = Histogram(
    "quotes_engine_duration_seconds",
    "Time the engine took on one article, waiting for a free engine process excluded.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
ENGINE_BUSY = Gauge(
    "quotes_engine_busy",
    "Engine processes attributing an article now.",
    multiprocess_mode="livesum",
)
ENGINE_WAITING = Gauge(
    "quotes_engine_waiting",
    "Requests waiting for a free engine process now.",
    multiprocess_mode="livesum",
)
ENGINE_REJECTED = Counter(
    "quotes_engine_rejected_total",
    "Requests refused with 503 because the worker was full (in_flight) or no engine came "
    "free in time (wait), or because the engine overran the time limit (timeout).",
    ["reason"],
)
ENGINE_RESTARTS = Counter(
    "quotes_engine_restarts_total",
    "Engine processes replaced: stopped at the time limit (timeout) or died (crash).",
    ["reason"],
)
MODEL_LOAD = Histogram(
    "quotes_model_load_seconds",
    "Time to load the spaCy pipeline and the engine and warm them up, per engine start.",
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def render() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def forget_this_process() -> None:
    """At a worker's exit: drop its live gauges from the shared files (multiprocess mode)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(os.getpid())
