"""The evidence flows a worker runs, end to end against the real SeaweedFS: presigned PUT with
urllib → confirm → a burst worker verifies; download; rejection of bad uploads; tamper detection
after the bytes change in S3; bundles whose manifest hashes match the files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest

from .conftest import ELF, HTML, JPEG, PDF, PE, PNG, announce, http, office_zip, put_presigned, sha

pytestmark = pytest.mark.integration

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _member(c: Any) -> tuple[str, int]:
    return "member", c.get("/api/v1/members?page_size=1").get_json()[0]["id"]


def _uploaded(c: Any, subject: tuple[str, int], data: bytes, filename: str, content_type: str | None) -> dict:
    resp = announce(c, subject, data, filename, content_type)
    assert resp.status_code == 201, resp.get_json()
    item = resp.get_json()
    assert put_presigned(item, data) == 200
    resp = c.post(f"/api/v1/evidence/{item['id']}/confirm")
    assert resp.status_code == 202, resp.get_json()
    assert resp.get_json()["status"] == "verifying"
    return item


def _get(c: Any, item: dict) -> dict:
    resp = c.get(f"/api/v1/evidence/{item['id']}")
    assert resp.status_code == 200
    return resp.get_json()


def _audit(c: Any, item: dict) -> list[str]:
    rows = c.get(f"/api/v1/audit-log?entity_type=evidence&entity_id={item['id']}&page_size=100").get_json()
    return [r["action"] for r in rows]


def test_upload_verify_download(live, run_jobs, s3, app):
    c = live("federation_admin")
    tenant_id = c.get("/api/v1/me").get_json()["tenant"]["id"]
    subject = _member(c)
    docx = office_zip("word")
    files = [(JPEG, "入户走访照片.jpg", "image/jpeg"), (PDF, "困难职工申请表.pdf", "application/pdf"),
             (docx, "慰问签收单.docx", ""), (PNG, "photo.PNG", "image/png")]
    items = [_uploaded(c, subject, *f) for f in files]
    run_jobs()
    for item, (data, filename, _) in zip(items, files, strict=True):
        got = _get(c, item)
        assert got["status"] == "verified", got
        assert got["sha256"] == sha(data) and got["size"] == len(data)
        assert got["storage_key"].startswith(f"t/{tenant_id}/evidence/")
        assert got["s3_version_id"] and got["retention_mode"] == "GOVERNANCE" and got["retain_until"]
        assert "evidence.verify" in _audit(c, item)
        link = c.get(f"/api/v1/evidence/{item['id']}/download").get_json()
        status, headers, body = http(link["url"])
        assert status == 200 and body == data  # byte-identical
        assert "filename*=UTF-8''" in headers["Content-Disposition"]
        assert link["filename"] == filename
    assert _get(c, items[2])["detected_type"] == DOCX  # type taken from the extension, confirmed by content
    redirect = c.get(f"/api/v1/evidence/{items[0]['id']}/download?redirect=true")
    assert redirect.status_code == 302 and "X-Amz-Signature" in redirect.headers["Location"]
    # the stored version is locked: deleting it is refused by S3 itself
    bucket, key, version = app.config["S3_BUCKET"], items[0]["storage_key"], _get(c, items[0])["s3_version_id"]
    with pytest.raises(s3.exceptions.ClientError):
        s3.delete_object(Bucket=bucket, Key=key, VersionId=version)


BAD_CONTENT = [
    (HTML, "evil.jpg", "image/jpeg", "网页"),
    (PE, "photo.jpg", "image/jpeg", "Windows 可执行程序"),
    (ELF, "scan.png", "image/png", "Linux 可执行程序"),
    (PNG, "really-a-png.jpg", "image/jpeg", "与声明的JPEG 图片不符"),
    (office_zip("word", macro=True), "宏文档.docx", DOCX, "宏"),
    (office_zip("xl")[:200], "broken.xlsx", "", "损坏"),
]


def test_disguised_files_are_rejected(live, run_jobs, s3, app):
    c = live("federation_admin")
    subject = _member(c)
    items = [_uploaded(c, subject, data, name, ct) for data, name, ct, _ in BAD_CONTENT]
    run_jobs()
    for item, (_, _, _, reason) in zip(items, BAD_CONTENT, strict=True):
        got = _get(c, item)
        assert got["status"] == "rejected", got
        assert reason in got["status_reason"], got["status_reason"]
        assert "evidence.reject" in _audit(c, item)
        assert c.get(f"/api/v1/evidence/{item['id']}/download").status_code == 409
        # nothing refused stays in the bucket
        versions = s3.list_object_versions(Bucket=app.config["S3_BUCKET"], Prefix=item["storage_key"])
        assert not versions.get("Versions"), item["storage_key"]
    # the job itself failed with the same reason, for the jobs screen
    job = c.get(f"/api/v1/jobs/{_get(c, items[0])['job_id']}").get_json()
    assert job["status"] == "failed" and "网页" in job["error"]


def test_upload_that_never_happened_or_differs(live, run_jobs, s3, app):
    c = live("federation_admin")
    subject = _member(c)
    bucket = app.config["S3_BUCKET"]

    # never uploaded: confirm explains, the item stays pending (the URL can still be used)
    never = announce(c, subject, JPEG, "a.jpg", "image/jpeg").get_json()
    resp = c.post(f"/api/v1/evidence/{never['id']}/confirm")
    assert resp.status_code == 409 and "还没有这个文件" in resp.get_json()["message"]
    assert _get(c, never)["status"] == "pending_upload"

    # other bytes through the presigned URL: S3 itself refuses them (size/checksum are signed)
    other = announce(c, subject, JPEG, "b.jpg", "image/jpeg").get_json()
    assert put_presigned(other, JPEG[:-1] + b"\x00") in (400, 403)
    assert put_presigned(other, JPEG + b"extra") in (400, 403)
    assert c.post(f"/api/v1/evidence/{other['id']}/confirm").status_code == 409

    # a server that would not enforce them: bytes written directly, the job compares
    wrong_hash = announce(c, subject, JPEG, "c.jpg", "image/jpeg").get_json()
    s3.put_object(Bucket=bucket, Key=wrong_hash["storage_key"], Body=JPEG[:-1] + b"\x00")
    wrong_size = announce(c, subject, JPEG, "d.jpg", "image/jpeg").get_json()
    s3.put_object(Bucket=bucket, Key=wrong_size["storage_key"], Body=JPEG + b"tail")
    vanished = announce(c, subject, JPEG, "e.jpg", "image/jpeg").get_json()
    assert put_presigned(vanished, JPEG) == 200
    for item in (wrong_hash, wrong_size, vanished):
        assert c.post(f"/api/v1/evidence/{item['id']}/confirm").status_code == 202
    s3.delete_object(Bucket=bucket, Key=vanished["storage_key"])  # gone before the job looks
    run_jobs()
    assert "SHA-256" in _get(c, wrong_hash)["status_reason"]
    assert "大小与声明不符" in _get(c, wrong_size)["status_reason"]
    assert "没有找到上传的文件" in _get(c, vanished)["status_reason"]
    for item in (wrong_hash, wrong_size, vanished):
        assert _get(c, item)["status"] == "rejected"
    assert c.post(f"/api/v1/evidence/{wrong_hash['id']}/confirm").status_code == 409  # judged already


def test_bytes_changed_after_upload_are_detected(live, run_jobs, s3, app, monkeypatch):
    c = live("federation_admin")
    subject = _member(c)
    bucket = app.config["S3_BUCKET"]
    overwritten, deleted, intact, swept = (_uploaded(c, subject, PDF, f"{n}.pdf", "application/pdf") for n in "abcd")
    run_jobs()
    assert all(_get(c, i)["status"] == "verified" for i in (overwritten, deleted, intact, swept))

    s3.put_object(Bucket=bucket, Key=overwritten["storage_key"], Body=PDF.replace(b"Catalog", b"Catalos"))
    s3.delete_object(Bucket=bucket, Key=deleted["storage_key"])  # a delete marker on top
    for item in (overwritten, deleted, intact):
        resp = c.post(f"/api/v1/evidence/{item['id']}/reverify")
        assert resp.status_code == 202, resp.get_json()
    run_jobs()

    got = _get(c, overwritten)
    assert got["status"] == "tampered" and "被覆盖" in got["status_reason"]
    assert "原始版本仍完好保存" in got["status_reason"]
    assert _get(c, deleted)["status"] == "tampered" and "已被删除" in _get(c, deleted)["status_reason"]
    assert _get(c, intact)["status"] == "verified" and _get(c, intact)["checked_at"]
    for item in (overwritten, deleted):
        assert "evidence.tamper_detected" in _audit(c, item)
        assert c.get(f"/api/v1/evidence/{item['id']}/download").status_code == 409
    assert "evidence.integrity_ok" in _audit(c, intact)
    listed = c.get("/api/v1/evidence?status=tampered&page_size=100").get_json()
    assert {overwritten["id"], deleted["id"]} <= {i["id"] for i in listed}

    # nobody asks: the periodic sweep (a scheduler job, run here in-process) finds it too
    s3.put_object(Bucket=bucket, Key=swept["storage_key"], Body=b"%PDF-1.7 forged")
    monkeypatch.setitem(app.config, "EVIDENCE_SCRUB_AFTER_DAYS", 0)
    with app.app_context():
        from unionhome.domains.evidence.jobs import scrub_evidence

        totals = scrub_evidence(None)
    assert totals.get("tampered", 0) >= 1 and totals.get("verified", 0) >= 1
    assert _get(c, swept)["status"] == "tampered"
    assert "evidence.tamper_detected" in _audit(c, swept)


def test_bundle_with_manifest(live, run_jobs, app):
    c = live("federation_admin")
    tenant_id = c.get("/api/v1/me").get_json()["tenant"]["id"]
    org = c.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]
    subject = ("org", org["id"])
    good = [(JPEG, "会员大会照片.jpg", "image/jpeg"), (PDF, "选举结果批复.pdf", "application/pdf")]
    kept = [_uploaded(c, subject, *f) for f in good]
    dropped = _uploaded(c, subject, PDF + b"%deleted", "已删除.pdf", "application/pdf")
    refused = _uploaded(c, subject, HTML, "x.jpg", "image/jpeg")
    run_jobs()
    etag = c.get(f"/api/v1/evidence/{dropped['id']}").headers["ETag"]
    assert c.delete(f"/api/v1/evidence/{dropped['id']}", headers={"If-Match": etag}).status_code == 204
    assert _get(c, refused)["status"] == "rejected"

    resp = c.post("/api/v1/evidence/bundles", {"subject_type": "org", "subject_id": org["id"]})
    assert resp.status_code == 202, resp.get_json()
    bundle = resp.get_json()
    assert bundle["status"] == "queued" and bundle["download_url"] is None
    run_jobs()
    bundle = c.get(f"/api/v1/evidence/bundles/{bundle['id']}").get_json()
    assert bundle["status"] == "succeeded", bundle
    assert bundle["item_count"] == 2
    status, headers, body = http(bundle["download_url"])
    assert status == 200 and sha(body) == bundle["sha256"] and len(body) == bundle["size"]
    assert "filename*=UTF-8''" in headers["Content-Disposition"]

    zf = zipfile.ZipFile(io.BytesIO(body))
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["subject"] == {"type": "org", "type_label": "组织", "id": org["id"], "name": org["name"]}
    assert manifest["tenant_id"] == tenant_id and manifest["item_count"] == 2
    assert [e["evidence_id"] for e in manifest["items"]] == [i["id"] for i in kept]
    for entry, (data, filename, _) in zip(manifest["items"], good, strict=True):
        assert entry["filename"] == filename and entry["size"] == len(data)
        assert entry["sha256"] == sha(data) == sha(zf.read(entry["path"]))
        assert entry["s3_version_id"] and entry["uploaded_by_name"] and entry["uploaded_at"]
    rows = list(csv.reader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
    assert rows[0][:6] == ["序号", "证据编号", "文件名", "包内路径", "大小（字节）", "SHA-256"]
    assert [r[5] for r in rows[1:]] == [sha(d) for d, _, _ in good]
    assert {r[2] for r in rows[1:]} == {f for _, f, _ in good}

    listed = c.get(f"/api/v1/evidence/bundles?subject_type=org&subject_id={org['id']}").get_json()
    assert [b["id"] for b in listed] == [bundle["id"]]
    # the other county sees none of it
    b = live("federation_admin", tenant=1)
    assert b.get(f"/api/v1/evidence/bundles/{bundle['id']}").status_code == 404
    assert b.get(f"/api/v1/evidence/{kept[0]['id']}/download").status_code == 404
    assert bundle["id"] not in {x["id"] for x in b.get("/api/v1/evidence/bundles?page_size=100").get_json()}


def test_bundle_refuses_a_file_whose_version_vanished(live, run_jobs, s3, app):
    c = live("federation_admin")
    subject = _member(c)
    item = _uploaded(c, subject, JPEG, "a.jpg", "image/jpeg")
    run_jobs()
    version = _get(c, item)["s3_version_id"]
    # someone with the right to bypass governance retention removes the verified version
    s3.delete_object(Bucket=app.config["S3_BUCKET"], Key=item["storage_key"], VersionId=version,
                     BypassGovernanceRetention=True)
    bundle = c.post("/api/v1/evidence/bundles", {"subject_type": subject[0], "subject_id": subject[1]}).get_json()
    run_jobs()
    bundle = c.get(f"/api/v1/evidence/bundles/{bundle['id']}").get_json()
    assert bundle["status"] == "failed" and "已不存在" in bundle["error"] and bundle["download_url"] is None
    got = _get(c, item)
    assert got["status"] == "tampered" and "evidence.tamper_detected" in _audit(c, item)
