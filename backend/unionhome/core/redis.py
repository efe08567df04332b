"""The Redis client factory (one client per app, created on first use)."""

from __future__ import annotations

from flask import current_app
from redis import Redis


def get_redis() -> Redis:
    client = current_app.extensions.get("uh_redis")
    if client is None:
        client = Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=5, socket_connect_timeout=2)
        current_app.extensions["uh_redis"] = client
    return client
