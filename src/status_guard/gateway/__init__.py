"""status_guard gateway: the guard in front of any HTTP app, as a reverse proxy.

    status-guard gateway check gateway.toml     # shape and meaning; errors name the key
    status-guard gateway run gateway.toml --workers 2

The request and response path is the existing :class:`~status_guard.asgi.StatusGuardMiddleware`
wrapping a proxying ASGI app (:mod:`.proxy`); see :mod:`.app` and docs/gateway.md.
"""

from .config import ConfigError, GatewayConfig, json_schema, parse_config, read_config

__all__ = ["ConfigError", "GatewayConfig", "json_schema", "parse_config", "read_config"]
