"""The files of an import: the upload and the annotated copy in S3 (``core.storage``, under
``t/<tenant_id>/imports/``), and a local working copy for the job slices that read the upload.

A phase of a big import runs as many short slices, possibly in different work-horse processes.
Downloading the upload for each would cost a second or so for a 1,000,000-row file, so the first
slice on a machine keeps it in a working directory (with what the streaming reader derives from it,
e.g. the parsed shared strings) and the next slices on that machine reuse it. The copy is checked
against the SHA-256 recorded at upload; the directory goes when the phase ends, and
``purge_stale`` removes what a crashed machine left behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ....core.spreadsheets import SpreadsheetError
from ....core.storage import get_storage, object_key

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_EXTENSIONS = (".xlsx", ".xls", ".csv", ".txt")
STALE_AFTER_S = 24 * 3600


def root() -> Path:
    return Path(os.environ.get("UH_IMPORT_WORKDIR") or Path(tempfile.gettempdir()) / "uh-imports")


def new_key(tenant_id: int, ext: str) -> str:
    """``t/<tenant>/imports/<yyyy>/<mm>/<uuid><ext>``."""
    return object_key(tenant_id, "imports", ext if ext in (*UPLOAD_EXTENSIONS, ".xlsx") else "")


def put(key: str, fileobj: IO[bytes], content_type: str) -> None:
    storage = get_storage()
    storage.ensure_ready()
    storage.put(key, fileobj, content_type=content_type)


def stream(key: str) -> Iterator[bytes]:
    return get_storage().iter_chunks(key)


def size(key: str) -> int:
    info = get_storage().head(key)
    if info is None:
        raise FileNotFoundError(key)
    return info.size


def workdir(tenant_id: int, batch_id: int, sha256: str) -> Path:
    return root() / f"t{int(tenant_id)}-b{int(batch_id)}-{sha256[:16]}"


def local_copy(tenant_id: int, batch_id: int, key: str, sha256: str, expected_size: int) -> Path:
    """The upload on local disk (downloaded once per machine and phase, checked against its SHA-256)."""
    directory = workdir(tenant_id, batch_id, sha256)
    path = directory / "source"
    if path.exists() and path.stat().st_size == expected_size:
        os.utime(directory)  # in use: not stale
        return path
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / f"source.{os.getpid()}.part"
    digest = hashlib.sha256()
    try:
        with part.open("wb") as f:
            for chunk in get_storage().iter_chunks(key):
                digest.update(chunk)
                f.write(chunk)
    except FileNotFoundError:
        part.unlink(missing_ok=True)
        raise SpreadsheetError("上传的文件在存储中已不存在，请重新上传", "source_missing") from None
    if digest.hexdigest() != sha256:
        part.unlink(missing_ok=True)
        raise SpreadsheetError("存储中的文件与上传时不一致（可能已被改动），请重新上传", "source_changed")
    part.replace(path)
    return path


def discard(tenant_id: int, batch_id: int, sha256: str) -> None:
    shutil.rmtree(workdir(tenant_id, batch_id, sha256), ignore_errors=True)


def purge_stale(max_age_s: float = STALE_AFTER_S) -> int:
    """Remove working directories not used for ``max_age_s`` (this machine only)."""
    base = root()
    if not base.exists():
        return 0
    removed = 0
    cutoff = time.time() - max_age_s
    for entry in base.iterdir():
        try:
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
