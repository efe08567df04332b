"""Domain exceptions and their mapping to flask-smorest's error payload `{code, status, message, errors}`.

Services raise these; routes never build error responses by hand. Anything a client can send must
end in a 4xx; an unexpected exception is logged and answered with a plain 500 payload.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(DomainError):
    """Missing, or belongs to another tenant, or outside the user's org scope: all look the same."""

    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Unauthorized(DomainError):
    status_code = 401


class Conflict(DomainError):
    status_code = 409


class InvalidState(DomainError):
    status_code = 409


class TooManyRequests(DomainError):
    status_code = 429


class ValidationFailed(DomainError):
    """A business-rule validation failure on specific fields; same shape as marshmallow's 422."""

    status_code = 422

    def __init__(self, field_errors: Mapping[str, list[str] | str], message: str = "提交的数据有误") -> None:
        normalized = {k: v if isinstance(v, list) else [v] for k, v in field_errors.items()}
        super().__init__(message, {"json": normalized})


def error_payload(code: int, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        payload["errors"] = errors
    return payload


_RETRYABLE = ("40001", "40P01")  # serialization_failure, deadlock_detected


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):  # type: ignore[no-untyped-def]
        return jsonify(error_payload(err.status_code, err.message, err.errors)), err.status_code

    @app.errorhandler(StaleDataError)
    def _stale(err: StaleDataError):  # type: ignore[no-untyped-def]
        msg = "该记录已被他人修改，请刷新后重试"
        return jsonify(error_payload(409, msg)), 409

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):  # type: ignore[no-untyped-def]
        if isinstance(err, HTTPException):
            return err
        if isinstance(err, DBAPIError) and getattr(err.orig, "sqlstate", None) in _RETRYABLE:
            # A deadlock or serialization failure: the transaction was rolled back whole; trying again works.
            log.warning("retryable database conflict: %s", err.orig)
            return jsonify(error_payload(409, "数据正被其他操作修改，请稍后重试")), 409
        log.exception("unhandled error")
        return jsonify(error_payload(500, "服务器内部错误，请稍后重试")), 500
