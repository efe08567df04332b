"""Application configuration: safe defaults, overridden from the environment.

This is the one place that reads the environment (STYLE §6.4). `create_app()` applies
`Config`, then `APP_*` prefixed variables (parsed as JSON), then explicit overrides.
"""

from __future__ import annotations

import os
from datetime import timedelta


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


class Config:
    # Owner/superuser connection used for migrations and seeding; the app itself connects as
    # the non-owner APP_DB_ROLE derived from it (see core.db.app_database_url).
    DATABASE_URL = _env("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/unionhome")
    APP_DB_ROLE = _env("APP_DB_ROLE", "unionhome_app")
    APP_DB_PASSWORD = _env("APP_DB_PASSWORD", "unionhome_app_dev")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    REDIS_URL = _env("REDIS_URL", "redis://127.0.0.1:6379/0")

    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL", "")
    S3_ACCESS_KEY = _env("S3_ACCESS_KEY", "")
    S3_SECRET_KEY = _env("S3_SECRET_KEY", "")
    S3_REGION = _env("S3_REGION", "us-east-1")
    S3_BUCKET = _env("S3_BUCKET", "unionhome")
    # The endpoint browsers use for presigned URLs when it differs from the one the servers use
    # (e.g. https://files.example.cn in front of an internal SeaweedFS); empty = S3_ENDPOINT_URL.
    S3_PUBLIC_ENDPOINT_URL = _env("S3_PUBLIC_ENDPOINT_URL", "")
    S3_ADDRESSING_STYLE = _env("S3_ADDRESSING_STYLE", "path")  # SeaweedFS/MinIO: path; AWS: either
    # Create the bucket (versioning, object lock, default retention, CORS) on first use.
    S3_AUTO_CREATE_BUCKET = _env("S3_AUTO_CREATE_BUCKET", "1") == "1"
    S3_CORS_ORIGINS = ["*"]  # presigned URLs are the credential; narrow this in production if wanted

    # Evidence archive (domains/evidence): limits, allowed types (sniffed from the bytes), retention.
    EVIDENCE_MAX_FILE_BYTES = 100 * 1024 * 1024
    EVIDENCE_MAX_TENANT_BYTES = 50 * 1024**3
    EVIDENCE_ALLOWED_TYPES = [
        "image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif", "application/pdf",
        "application/ofd",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ]
    EVIDENCE_RETENTION_DAYS = 3650  # object-lock (GOVERNANCE) retention of every verified version
    EVIDENCE_UPLOAD_URL_TTL_S = 900
    EVIDENCE_DOWNLOAD_URL_TTL_S = 300
    EVIDENCE_SCRUB_AFTER_DAYS = 30  # the periodic sweep re-hashes files not checked for this long
    EVIDENCE_SCRUB_BATCH = 200  # files per tenant and sweep

    SECRET_KEY = _env("SECRET_KEY", "dev-only-secret-change-me")
    # 32 bytes, base64 or hex; per-tenant PII keys are derived from it (core.crypto).
    PII_MASTER_KEY = _env("PII_MASTER_KEY", "ZGV2LW9ubHktcGlpLW1hc3Rlci1rZXktMzJieXRlcyE=")

    SESSION_COOKIE_NAME = "uh_session"
    SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "0") == "1"
    SESSION_IDLE_TIMEOUT = timedelta(hours=8)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(days=7)
    CSRF_COOKIE_NAME = "csrf_token"
    CSRF_HEADER_NAME = "X-CSRF-Token"

    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT = timedelta(minutes=15)
    LOGIN_IP_LIMIT_PER_MINUTE = 30

    BEHIND_PROXY = _env("BEHIND_PROXY", "0") == "1"

    # Built SPA served at "/" by the API in the embedded demo (nginx does it in compose).
    FRONTEND_DIST = _env("FRONTEND_DIST", "")

    API_TITLE = "UnionHome API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/static/swagger-ui/"
    API_SPEC_OPTIONS = {
        "info": {"description": "职工之家云 UnionHome — county trade-union federation platform API"},
        "components": {
            "securitySchemes": {
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "uh_session"},
                "csrfHeader": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            }
        },
        "security": [{"cookieAuth": [], "csrfHeader": []}],
    }
    PAGINATION_PAGE_SIZE_MAX = 100
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
