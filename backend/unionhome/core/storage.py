"""S3 storage: the single boto3 wrapper (STYLE §6.6). Nothing else in the code base talks to boto3.

    storage = get_storage()                      # per app (and per process: fork-safe)
    storage.ensure_ready()                       # bucket with versioning + object lock, once per process
    key = object_key(tenant_id, "evidence", ".pdf")   # t/<tenant>/evidence/2026/11/<uuid>.pdf
    ticket = storage.presign_put(key, content_type="application/pdf", content_length=n, sha256_hex=h)
    info = storage.head(key)                     # ObjectInfo | None
    digest = storage.hash_object(key, version_id=info.version_id)   # streamed SHA-256
    url = storage.presign_get(key, version_id=v, filename="申请表.pdf")

Signature v4, path-style addressing by default (SeaweedFS, MinIO), `S3_ENDPOINT_URL` for the servers
and `S3_PUBLIC_ENDPOINT_URL` (if set) for the URLs handed to browsers. Presigned PUTs sign
Content-Type, Content-Length and `x-amz-checksum-sha256`, so the server itself refuses a body of
another size or hash (SeaweedFS 4.48 and AWS both do); callers still verify afterwards.

What SeaweedFS 4.48 (`weed mini`) was seen to do: bucket creation with object lock (versioning
follows), a default GOVERNANCE retention applied to every new version including presigned PUTs and
multipart uploads, get/put object retention (shortening refused), delete of a retained version
refused unless `BypassGovernanceRetention`, delete markers, reads by version id, ranged GETs,
bucket CORS with preflight, `response-content-disposition`/`response-content-type` on presigned GETs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any
from urllib.parse import quote

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app

from .errors import DomainError

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
GOVERNANCE = "GOVERNANCE"
_NOT_FOUND_CODES = {"404", "NoSuchKey", "NoSuchVersion", "NotFound", "NoSuchBucket"}


class StorageUnavailable(DomainError):
    """S3 could not be reached or refused the request: answered 503, retried by jobs."""

    status_code = 503


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str
    version_id: str | None
    content_type: str | None
    last_modified: datetime | None
    checksum_sha256: str | None  # hex, when the server keeps the checksum sent at upload
    lock_mode: str | None
    lock_until: datetime | None
    delete_marker: bool = False


@dataclass(frozen=True)
class PresignedUpload:
    url: str
    method: str
    headers: dict[str, str]  # the browser must send exactly these (they are signed)
    expires_at: datetime


@dataclass(frozen=True)
class BucketFeatures:
    versioning: bool
    object_lock: bool
    default_retention_days: int | None


@dataclass(frozen=True)
class Digest:
    size: int
    sha256: str  # hex
    head: bytes  # the first bytes, for content sniffing


def object_key(tenant_id: int, domain: str, ext: str = "", *, now: datetime | None = None) -> str:
    """`t/{tenant_id}/{domain}/{yyyy}/{mm}/{uuid}{ext}`: every object of a tenant under its prefix."""
    if not domain or not domain.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"bad storage domain {domain!r}")
    if ext and (not ext.startswith(".") or not ext[1:].isalnum() or len(ext) > 12):
        raise ValueError(f"bad extension {ext!r}")
    now = now or datetime.now(UTC)
    return f"t/{int(tenant_id)}/{domain}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{ext.lower()}"


def tenant_prefix(tenant_id: int) -> str:
    return f"t/{int(tenant_id)}/"


def content_disposition(filename: str, *, disposition: str = "attachment", fallback: str = "file") -> str:
    """RFC 6266/5987: the UTF-8 `filename*` (Chinese names) and an ASCII `filename` for old clients
    (the name itself when it is plain ASCII, else `fallback` with the extension)."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_ext = "".join(c for c in ext if c.isascii() and c.isalnum())
    plain = stem.isascii() and all(c.isalnum() or c in "-_. ()" for c in stem) and stem.strip()
    ascii_stem = stem if plain else fallback
    ascii_name = f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _hex_from_b64(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return base64.b64decode(value).hex()
    except (binascii.Error, ValueError):
        return None


def _b64_from_hex(value: str) -> str:
    return base64.b64encode(bytes.fromhex(value)).decode()


def _is_not_found(err: ClientError) -> bool:
    code = str(err.response.get("Error", {}).get("Code", ""))
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in _NOT_FOUND_CODES or status == 404


class Storage:
    """One bucket of one S3 endpoint. Thread-safe; create one per process (see `get_storage`)."""

    def __init__(self, *, bucket: str, endpoint_url: str | None, access_key: str | None, secret_key: str | None,
                 region: str = "us-east-1", public_endpoint_url: str | None = None, addressing_style: str = "path",
                 cors_origins: list[str] | tuple[str, ...] = ("*",), auto_create: bool = True,
                 retention_days: int | None = None) -> None:
        self.bucket = bucket
        self.cors_origins = list(cors_origins)
        self.auto_create = auto_create
        self.retention_days = retention_days
        self._features: BucketFeatures | None = None
        self._lock = threading.Lock()
        config = BotoConfig(
            signature_version="s3v4", region_name=region, s3={"addressing_style": addressing_style},
            retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60,
            # Checksums only where we ask for them: presigned URLs must not carry SDK-added ones.
            request_checksum_calculation="when_required", response_checksum_validation="when_required",
        )
        creds = {"aws_access_key_id": access_key or None, "aws_secret_access_key": secret_key or None}
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url or None, config=config, **creds)
        if public_endpoint_url and public_endpoint_url != endpoint_url:
            self.presigner: Any = boto3.client("s3", endpoint_url=public_endpoint_url, config=config, **creds)
        else:
            self.presigner = self.client

    @classmethod
    def from_config(cls, config: Any) -> Storage:
        return cls(
            bucket=config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"),
            access_key=config.get("S3_ACCESS_KEY"), secret_key=config.get("S3_SECRET_KEY"),
            region=config.get("S3_REGION") or "us-east-1",
            public_endpoint_url=config.get("S3_PUBLIC_ENDPOINT_URL") or None,
            addressing_style=config.get("S3_ADDRESSING_STYLE") or "path",
            cors_origins=config.get("S3_CORS_ORIGINS") or ["*"],
            auto_create=bool(config.get("S3_AUTO_CREATE_BUCKET", True)),
            retention_days=config.get("EVIDENCE_RETENTION_DAYS"),
        )

    # -- bucket ------------------------------------------------------------------------------

    def ensure_ready(self) -> BucketFeatures:
        """`ensure_bucket()` once per process (when auto-create is on), else just probe features."""
        if self._features is None:
            with self._lock:
                if self._features is None:
                    self._features = (self.ensure_bucket(retention_days=self.retention_days) if self.auto_create
                                      else self.probe_features())
        return self._features

    def ensure_bucket(self, *, retention_days: int | None = None) -> BucketFeatures:
        """Create the bucket with object lock (which implies versioning) if missing, turn versioning
        on, set a default GOVERNANCE retention of `retention_days` and a CORS rule for browser
        uploads. Idempotent; a server that lacks a feature is logged and reported, not fatal."""
        try:
            try:
                self.client.create_bucket(Bucket=self.bucket, ObjectLockEnabledForBucket=True)
                log.info("created bucket %s with object lock", self.bucket)
            except ClientError as err:
                code = err.response.get("Error", {}).get("Code")
                if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    # Some servers reject the object-lock flag: create a plain bucket instead.
                    log.warning("create_bucket with object lock failed (%s); retrying without", code)
                    try:
                        self.client.create_bucket(Bucket=self.bucket)
                    except ClientError as err2:
                        if err2.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou",
                                                                               "BucketAlreadyExists"):
                            raise
            self._try("enable versioning", self.client.put_bucket_versioning, Bucket=self.bucket,
                      VersioningConfiguration={"Status": "Enabled"})
            if retention_days:
                self._try("set default retention", self.client.put_object_lock_configuration, Bucket=self.bucket,
                          ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
                              "DefaultRetention": {"Mode": GOVERNANCE, "Days": int(retention_days)}}})
            if self.cors_origins:
                self._try("set CORS", self.client.put_bucket_cors, Bucket=self.bucket, CORSConfiguration={
                    "CORSRules": [{
                        "AllowedMethods": ["GET", "PUT", "HEAD"], "AllowedOrigins": self.cors_origins,
                        "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag", "x-amz-version-id"],
                        "MaxAgeSeconds": 3600,
                    }]})
        except (ClientError, BotoCoreError) as err:
            raise StorageUnavailable("文件存储暂时不可用，请稍后重试") from err
        return self.probe_features()

    def _try(self, what: str, fn: Any, **kwargs: Any) -> bool:
        try:
            fn(**kwargs)
            return True
        except ClientError as err:
            log.warning("bucket %s: could not %s: %s", self.bucket, what, err)
            return False

    def probe_features(self) -> BucketFeatures:
        try:
            versioning = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status") == "Enabled"
        except (ClientError, BotoCoreError) as err:
            raise StorageUnavailable("文件存储暂时不可用，请稍后重试") from err
        lock, days = False, None
        try:
            cfg = self.client.get_object_lock_configuration(Bucket=self.bucket).get("ObjectLockConfiguration", {})
            lock = cfg.get("ObjectLockEnabled") == "Enabled"
            days = cfg.get("Rule", {}).get("DefaultRetention", {}).get("Days")
        except ClientError:
            pass
        return BucketFeatures(versioning=versioning, object_lock=lock, default_retention_days=days)

    # -- presigned URLs ----------------------------------------------------------------------

    def presign_put(self, key: str, *, content_type: str, content_length: int | None = None,
                    sha256_hex: str | None = None, expires_in: int = 900) -> PresignedUpload:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key, "ContentType": content_type}
        headers = {"Content-Type": content_type}
        if content_length is not None:
            params["ContentLength"] = int(content_length)  # signed; browsers set it from the body
        if sha256_hex:
            params["ChecksumSHA256"] = headers["x-amz-checksum-sha256"] = _b64_from_hex(sha256_hex)
        url = self.presigner.generate_presigned_url("put_object", Params=params, ExpiresIn=int(expires_in),
                                                    HttpMethod="PUT")
        return PresignedUpload(url=url, method="PUT", headers=headers,
                               expires_at=datetime.now(UTC) + timedelta(seconds=int(expires_in)))

    def presign_get(self, key: str, *, version_id: str | None = None, filename: str | None = None,
                    content_type: str | None = None, inline: bool = False, expires_in: int = 300,
                    ascii_fallback: str = "file") -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            params["VersionId"] = version_id
        if filename:
            params["ResponseContentDisposition"] = content_disposition(
                filename, disposition="inline" if inline else "attachment", fallback=ascii_fallback)
        if content_type:
            params["ResponseContentType"] = content_type
        return str(self.presigner.generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires_in)))

    # -- objects -----------------------------------------------------------------------------

    def head(self, key: str, *, version_id: str | None = None) -> ObjectInfo | None:
        """The object (or one version of it); None when it (or that version) does not exist or the
        latest version is a delete marker."""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        try:
            r = self.client.head_object(**kwargs, ChecksumMode="ENABLED")
        except ClientError as err:
            if _is_not_found(err):
                return None
            raise StorageUnavailable("文件存储暂时不可用，请稍后重试") from err
        except BotoCoreError as err:
            raise StorageUnavailable("文件存储暂时不可用，请稍后重试") from err
        return ObjectInfo(
            key=key, size=int(r["ContentLength"]), etag=str(r.get("ETag", "")).strip('"'),
            version_id=r.get("VersionId") if r.get("VersionId") not in (None, "null") else None,
            content_type=r.get("ContentType"), last_modified=r.get("LastModified"),
            checksum_sha256=_hex_from_b64(r.get("ChecksumSHA256")), lock_mode=r.get("ObjectLockMode"),
            lock_until=r.get("ObjectLockRetainUntilDate"), delete_marker=bool(r.get("DeleteMarker")),
        )

    def iter_chunks(self, key: str, *, version_id: str | None = None, chunk_size: int = CHUNK_SIZE,
                    byte_range: tuple[int, int] | None = None) -> Iterator[bytes]:
        """Stream an object (or a version, or an inclusive byte range of it) in chunks."""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        if byte_range is not None:
            kwargs["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        try:
            body = self.client.get_object(**kwargs)["Body"]
        except ClientError as err:
            if _is_not_found(err):
                raise FileNotFoundError(key) from err
            raise StorageUnavailable("文件存储暂时不可用，请稍后重试") from err
        except BotoCoreError as err:
            raise StorageUnavailable("文件存储暂时不可用，请稍后重试") from err
        try:
            yield from body.iter_chunks(chunk_size)
        except BotoCoreError as err:
            raise StorageUnavailable("读取文件存储时连接中断") from err
        finally:
            body.close()

    def read_range(self, key: str, start: int, end: int, *, version_id: str | None = None) -> bytes:
        """Bytes `start..end` (inclusive)."""
        return b"".join(self.iter_chunks(key, version_id=version_id, byte_range=(start, end)))

    def open_seekable(self, key: str, *, size: int, version_id: str | None = None) -> RangeReader:
        """A read-only, seekable file object over ranged GETs (for zipfile & co. on big objects)."""
        return RangeReader(self, key, size=size, version_id=version_id)

    def hash_object(self, key: str, *, version_id: str | None = None, head_bytes: int = 8192) -> Digest:
        """SHA-256 and size of an object, streamed (constant memory), with its first bytes."""
        sha, size, head = hashlib.sha256(), 0, bytearray()
        for chunk in self.iter_chunks(key, version_id=version_id):
            sha.update(chunk)
            size += len(chunk)
            if len(head) < head_bytes:
                head += chunk[: head_bytes - len(head)]
        return Digest(size=size, sha256=sha.hexdigest(), head=bytes(head))

    def put(self, key: str, body: bytes | IO[bytes], *, content_type: str,
            metadata: dict[str, str] | None = None) -> ObjectInfo:
        """Upload bytes or a file object (multipart above 16 MB), with a SHA-256 checksum (which
        object-locked buckets on AWS require). Returns the stored object's info."""
        from boto3.s3.transfer import TransferConfig

        fileobj = io.BytesIO(body) if isinstance(body, bytes | bytearray) else body
        extra: dict[str, Any] = {"ContentType": content_type, "ChecksumAlgorithm": "SHA256"}
        if metadata:
            extra["Metadata"] = metadata
        try:
            self.client.upload_fileobj(fileobj, self.bucket, key, ExtraArgs=extra, Config=TransferConfig(
                multipart_threshold=16 * 1024 * 1024, multipart_chunksize=16 * 1024 * 1024, use_threads=False))
        except (ClientError, BotoCoreError) as err:
            raise StorageUnavailable("写入文件存储失败，请稍后重试") from err
        info = self.head(key)
        if info is None:
            raise StorageUnavailable("写入文件存储失败，请稍后重试")
        return info

    def delete(self, key: str, *, version_id: str | None = None, bypass_governance: bool = False) -> bool:
        """Delete an object (a delete marker, when versioned) or one version. False if refused
        (e.g. a version under retention) or missing."""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        if bypass_governance:
            kwargs["BypassGovernanceRetention"] = True
        try:
            self.client.delete_object(**kwargs)
            return True
        except ClientError as err:
            log.info("delete %s (%s) refused: %s", key, version_id, err)
            return False
        except BotoCoreError as err:
            raise StorageUnavailable("文件存储暂时不可用，请稍后重试") from err

    def retention(self, key: str, *, version_id: str | None = None) -> tuple[str, datetime] | None:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        try:
            r = self.client.get_object_retention(**kwargs).get("Retention") or {}
        except ClientError:
            return None
        if not r.get("Mode") or not r.get("RetainUntilDate"):
            return None
        return str(r["Mode"]), r["RetainUntilDate"]

    def set_retention(self, key: str, *, version_id: str | None, until: datetime, mode: str = GOVERNANCE) -> bool:
        """Lock a version until `until`. False when the server does not support it or refuses
        (e.g. a shorter date than the one already set)."""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key,
                                  "Retention": {"Mode": mode, "RetainUntilDate": until}}
        if version_id:
            kwargs["VersionId"] = version_id
        try:
            self.client.put_object_retention(**kwargs)
            return True
        except ClientError as err:
            log.info("retention on %s (%s) refused: %s", key, version_id, err)
            return False


class RangeReader(io.RawIOBase):
    """Seekable read-only view of one object version, reading through ranged GETs with a small
    read-ahead buffer. zipfile needs only a few reads near the end to list a big archive."""

    READ_AHEAD = 64 * 1024

    def __init__(self, storage: Storage, key: str, *, size: int, version_id: str | None = None) -> None:
        super().__init__()
        self.storage, self.key, self.size, self.version_id = storage, key, int(size), version_id
        self.pos = 0
        self._buf_start, self._buf = 0, b""
        self.requests = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, b: Any) -> int:
        want = min(len(b), self.size - self.pos)
        if want <= 0:
            return 0
        end = self.pos + want
        if not (self._buf_start <= self.pos and end <= self._buf_start + len(self._buf)):
            fetch_end = min(self.size, max(end, self.pos + self.READ_AHEAD)) - 1
            self._buf = self.storage.read_range(self.key, self.pos, fetch_end, version_id=self.version_id)
            self._buf_start = self.pos
            self.requests += 1
        start = self.pos - self._buf_start
        data = self._buf[start:start + want]
        b[: len(data)] = data
        self.pos += len(data)
        return len(data)


def preload_client_model() -> None:
    """Load boto3's S3 service model into this process's default session (no request is made). Called by
    a worker before it forks a work horse per job: each child then builds its client in ~10 ms instead
    of ~130 ms (boto3 reads and parses the model's JSON on a session's first client)."""
    boto3.client("s3", endpoint_url="http://127.0.0.1:9", region_name="us-east-1", aws_access_key_id="preload",
                 aws_secret_access_key="preload")


def get_storage() -> Storage:
    """The app's Storage (one per process: boto3 connection pools must not cross a fork)."""
    ext = current_app.extensions.setdefault("uh_storage", {})
    pid = os.getpid()
    storage = ext.get(pid)
    if storage is None:
        ext.clear()
        storage = ext[pid] = Storage.from_config(current_app.config)
    return storage  # type: ignore[no-any-return]
