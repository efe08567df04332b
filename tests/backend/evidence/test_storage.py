"""The storage wrapper against the real SeaweedFS, and content sniffing (pure)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from unionhome.core.storage import content_disposition, get_storage, object_key
from unionhome.domains.evidence.filetypes import EXECUTABLE, MACRO, WEB, clean_filename, sniff

from .conftest import ELF, HTML, JPEG, PDF, PE, PNG, http, office_zip, sha


@pytest.mark.unit
def test_object_key_and_content_disposition():
    key = object_key(42, "evidence", ".PDF", now=datetime(2026, 3, 9, tzinfo=UTC))
    assert key.startswith("t/42/evidence/2026/03/") and key.endswith(".pdf") and len(key) == len(
        "t/42/evidence/2026/03/") + 32 + 4
    with pytest.raises(ValueError):
        object_key(1, "../x", ".pdf")
    with pytest.raises(ValueError):
        object_key(1, "evidence", ".p/df")
    cd = content_disposition("困难职工 申请表.pdf", fallback="evidence-7")
    assert cd == ("attachment; filename=\"evidence-7.pdf\"; "
                  "filename*=UTF-8''%E5%9B%B0%E9%9A%BE%E8%81%8C%E5%B7%A5%20%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf")
    assert content_disposition("scan-01.pdf").startswith('attachment; filename="scan-01.pdf"')
    assert clean_filename("C:\\Users\\张三\\照片\u202e.jpg") == "照片.jpg"
    assert clean_filename("  ...  ") == ""


SAMPLES = [
    (JPEG, "image/jpeg", None), (PNG, "image/png", None), (PDF, "application/pdf", None),
    (b"GIF89a" + b"\x00" * 20, "image/gif", None), (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp", None),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic", None),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif", None, None),  # AVIF: recognised, not allowed
    (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomiso2", None, None),  # video
    (HTML, None, WEB), (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", None, WEB),
    (b"\n<?xml version='1.0'?><x/>", None, WEB), (PE, None, EXECUTABLE), (ELF, None, EXECUTABLE),
    (b"#!/bin/sh\nrm -rf /\n", None, EXECUTABLE), (b"\xcf\xfa\xed\xfe" + b"\x00" * 20, None, EXECUTABLE),
    (b"plain text", None, None), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, None, None),
]


@pytest.mark.unit
@pytest.mark.parametrize(("head", "mime", "danger"), SAMPLES)
def test_sniff(head, mime, danger):
    found = sniff(head)
    assert (found.mime, found.danger) == (mime, danger), found


@pytest.mark.unit
def test_sniff_zip_based_documents():
    def names(data: bytes):
        return lambda: zipfile.ZipFile(io.BytesIO(data)).namelist()

    docx, xlsx = office_zip("word"), office_zip("xl")
    assert sniff(docx[:64], names(docx)).mime.endswith("wordprocessingml.document")
    assert sniff(xlsx[:64], names(xlsx)).mime.endswith("spreadsheetml.sheet")
    macro = office_zip("word", macro=True)
    assert sniff(macro[:64], names(macro)).danger == MACRO
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Main-Class: x")
    assert sniff(buf.getvalue()[:64], names(buf.getvalue())).danger == EXECUTABLE
    assert sniff(b"PK\x03\x04junk", lambda: None).label.startswith("损坏")


@pytest.mark.integration
def test_bucket_presign_head_hash_and_retention(app, s3):
    with app.app_context():
        storage = get_storage()
        features = storage.ensure_ready()
        assert features.versioning and features.object_lock
        assert features.default_retention_days == app.config["EVIDENCE_RETENTION_DAYS"]
        key = object_key(999, "storage-test", ".pdf")
        assert storage.head(key) is None

        ticket = storage.presign_put(key, content_type="application/pdf", content_length=len(PDF),
                                     sha256_hex=sha(PDF), expires_in=60)
        assert http(ticket.url, method="PUT", data=PDF, headers={**ticket.headers, "Content-Type": "text/html"}
                    )[0] == 403  # the type is signed
        assert http(ticket.url, method="PUT", data=PDF, headers=ticket.headers)[0] == 200
        info = storage.head(key)
        assert info is not None and info.size == len(PDF) and info.version_id
        assert info.checksum_sha256 == sha(PDF) and info.lock_mode == "GOVERNANCE" and info.lock_until
        digest = storage.hash_object(key, version_id=info.version_id, head_bytes=5)
        assert (digest.size, digest.sha256, digest.head) == (len(PDF), sha(PDF), b"%PDF-")
        assert storage.read_range(key, 1, 3) == b"PDF"

        # retention: a later date is accepted, a shorter one and deleting the version are refused
        later = datetime.now(UTC) + timedelta(days=app.config["EVIDENCE_RETENTION_DAYS"] + 1)
        assert storage.set_retention(key, version_id=info.version_id, until=later)
        assert not storage.set_retention(key, version_id=info.version_id, until=datetime.now(UTC) + timedelta(days=1))
        assert not storage.delete(key, version_id=info.version_id)
        assert storage.retention(key, version_id=info.version_id)[0] == "GOVERNANCE"

        # presigned GET with a Chinese filename
        url = storage.presign_get(key, version_id=info.version_id, filename="审计报告.pdf",
                                  content_type="application/pdf")
        status, headers, body = http(url)
        assert status == 200 and body == PDF and "%E5%AE%A1" in headers["Content-Disposition"]

        # a seekable reader over ranged GETs is enough for zipfile on a stored archive
        docx = office_zip("word")
        zkey = object_key(999, "storage-test", ".docx")
        stored = storage.put(zkey, docx, content_type="application/zip")
        reader = storage.open_seekable(zkey, size=stored.size, version_id=stored.version_id)
        assert "word/document.xml" in zipfile.ZipFile(reader).namelist()
        assert reader.requests <= 3
        for k in (key, zkey):  # leave nothing behind (governance bypass, test bucket)
            for v in s3.list_object_versions(Bucket=storage.bucket, Prefix=k).get("Versions", []):
                s3.delete_object(Bucket=storage.bucket, Key=k, VersionId=v["VersionId"],
                                 BypassGovernanceRetention=True)
