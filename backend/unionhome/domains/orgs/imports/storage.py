"""The uploaded files and annotated copies in S3, under ``t/<tenant_id>/imports/``.

A deliberately small boto3 helper (put a file, fetch it to disk, stream it out). It goes away once
``core/storage.py`` (the one S3 wrapper of STYLE §6.6, with the evidence archive) exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from flask import current_app


def _client() -> Any:
    client = current_app.extensions.get("uh_imports_s3")
    if client is None:
        cfg = current_app.config
        client = boto3.client(
            "s3", endpoint_url=cfg.get("S3_ENDPOINT_URL") or None, aws_access_key_id=cfg.get("S3_ACCESS_KEY") or None,
            aws_secret_access_key=cfg.get("S3_SECRET_KEY") or None, region_name=cfg.get("S3_REGION") or None,
            config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"}),
        )
        _ensure_bucket(client, cfg["S3_BUCKET"])
        current_app.extensions["uh_imports_s3"] = client
    return client


def _ensure_bucket(client: Any, bucket: str) -> None:
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
        try:
            client.create_bucket(Bucket=bucket)
        except ClientError as create_err:  # created meanwhile by another process
            if create_err.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou",
                                                                        "BucketAlreadyExists"):
                raise


def _bucket() -> str:
    return str(current_app.config["S3_BUCKET"])


def new_key(tenant_id: int, suffix: str) -> str:
    now = datetime.now(UTC)
    return f"t/{tenant_id}/imports/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{suffix}"


def put_file(key: str, fileobj: IO[bytes], content_type: str) -> None:
    _check(key)
    _client().upload_fileobj(fileobj, _bucket(), key, ExtraArgs={"ContentType": content_type})


def fetch_to(key: str, path: Path) -> None:
    _check(key)
    with path.open("wb") as f:
        _client().download_fileobj(_bucket(), key, f)


def stream(key: str, chunk: int = 1 << 20) -> Iterator[bytes]:
    _check(key)
    body = _client().get_object(Bucket=_bucket(), Key=key)["Body"]
    try:
        yield from body.iter_chunks(chunk)
    finally:
        body.close()


def size(key: str) -> int:
    return int(_client().head_object(Bucket=_bucket(), Key=key)["ContentLength"])


def _check(key: str) -> None:
    if not key.startswith("t/") or ".." in key:
        raise ValueError(f"refusing S3 key outside a tenant prefix: {key!r}")
