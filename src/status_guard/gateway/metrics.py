"""Prometheus metrics (prometheus-client). Labels are route *prefixes* from the configuration,
citations, effects, requester classes and status codes — never a raw path, a query or a value.

Under ``--workers N`` the CLI sets ``PROMETHEUS_MULTIPROC_DIR`` before the workers start, so each
worker writes its samples to that directory and ``/metrics`` (served by whichever worker gets
the scrape) aggregates all of them.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

_LATENCY = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """One set of metrics per process (a private registry, so tests can build several)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("status_guard_gateway_requests", "HTTP requests answered by the gateway",
                                ["route", "requester", "status"], registry=r)
        self.request_seconds = Histogram("status_guard_gateway_request_seconds", "Time to answer a request",
                                         ["route"], buckets=_LATENCY, registry=r)
        self.decisions = Counter("status_guard_decisions", "Audited guard decisions by clause, effect and route",
                                 ["citation", "effect", "route", "requester"], registry=r)
        self.refusals = Counter("status_guard_refusals", "Responses the guard answered itself instead of the app",
                                ["route", "status", "reason"], registry=r)
        self.audit_seconds = Histogram("status_guard_audit_write_seconds", "Time to write one audit record durably",
                                       buckets=_LATENCY, registry=r)
        self.audit_failures = Counter("status_guard_audit_failures", "Audit writes that failed (the action was refused)",
                                      registry=r)
        self.upstream_seconds = Histogram("status_guard_gateway_upstream_seconds",
                                          "Time until the upstream's response headers", ["route"],
                                          buckets=_LATENCY, registry=r)
        self.upstream_errors = Counter("status_guard_gateway_upstream_errors", "Upstream failures by kind",
                                       ["route", "kind"], registry=r)
        self.identity = Counter("status_guard_gateway_identity", "How requesters were identified",
                                ["source", "outcome"], registry=r)
        self.paths_refused = Counter("status_guard_gateway_paths_refused",
                                     "Requests refused because their path could be read two ways", ["reason"], registry=r)
        self.websockets = Counter("status_guard_gateway_websockets", "WebSocket sessions by outcome",
                                  ["route", "outcome"], registry=r)

    def exposition(self) -> tuple[bytes, str]:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            reg: Any = CollectorRegistry()
            multiprocess.MultiProcessCollector(reg)
            return generate_latest(reg), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
