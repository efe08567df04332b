"""infra/local/services.py starts real PostgreSQL, Redis and SeaweedFS on free ports and stops them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from infra.local.services import LocalServices, ServiceUrls

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_external_database(monkeypatch: pytest.MonkeyPatch) -> None:
    # DATABASE_URL in the environment makes LocalServices start no postgres; we want ours.
    monkeypatch.delenv("DATABASE_URL", raising=False)


def _ports(urls: ServiceUrls) -> list[int]:
    ports = [urlsplit(u).port for u in (urls.database_url, urls.redis_url, urls.s3_endpoint_url)]
    assert all(ports)
    return [p for p in ports if p]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _s3(urls: ServiceUrls):  # type: ignore[no-untyped-def]
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=urls.s3_endpoint_url,
        aws_access_key_id=urls.s3_access_key,
        aws_secret_access_key=urls.s3_secret_key,
        region_name=urls.s3_region,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def test_throwaway_services_work_and_are_gone_after_stop(tmp_path: Path) -> None:
    import psycopg
    import redis

    data_dir = tmp_path / "services"
    svc = LocalServices(data_dir, persistent=False)
    urls = svc.start()
    try:
        assert urls.database_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
        assert urls.database_url.endswith("/unionhome")
        with psycopg.connect(urls.database_url.replace("+psycopg", "")) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
            assert conn.execute("show server_encoding").fetchone() == ("UTF8",)
            assert conn.execute("select current_database()").fetchone() == ("unionhome",)
            assert conn.execute("select %s::text", ("职工之家",)).fetchone() == ("职工之家",)

        r = redis.Redis.from_url(urls.redis_url)
        assert r.ping()
        r.close()

        s3 = _s3(urls)
        s3.create_bucket(Bucket="uh-test")
        s3.put_bucket_versioning(Bucket="uh-test", VersioningConfiguration={"Status": "Enabled"})
        put = s3.put_object(Bucket="uh-test", Key="t/1/evidence/a.txt", Body="慰问照片".encode())
        assert put.get("VersionId")
        got = s3.get_object(Bucket="uh-test", Key="t/1/evidence/a.txt")
        assert got["Body"].read().decode() == "慰问照片"

        s3.create_bucket(Bucket="uh-locked", ObjectLockEnabledForBucket=True)
        lock = s3.get_object_lock_configuration(Bucket="uh-locked")
        assert lock["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"

        url = s3.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": "uh-test",
                "Key": "t/1/evidence/b.bin",
                "ContentType": "application/octet-stream",
            },
            ExpiresIn=300,
        )
        req = urllib.request.Request(
            url, data=b"\x00\x01scan", method="PUT", headers={"Content-Type": "application/octet-stream"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200
        assert s3.get_object(Bucket="uh-test", Key="t/1/evidence/b.bin")["Body"].read() == b"\x00\x01scan"

        assert (data_dir / "logs" / "postgres.log").exists()
        ports = _ports(urls)
        assert all(_port_open(p) for p in ports)
    finally:
        svc.stop()

    assert not any(_port_open(p) for p in ports)
    assert not data_dir.exists()


def test_persistent_services_keep_data_across_restarts(tmp_path: Path) -> None:
    import psycopg

    data_dir = tmp_path / "demo"
    with LocalServices(data_dir, persistent=True) as svc:
        with psycopg.connect(svc.urls.database_url.replace("+psycopg", "")) as conn:
            conn.execute("create table kept (name text)")
            conn.execute("insert into kept values ('张三')")
        _s3(svc.urls).create_bucket(Bucket="uh-kept")
        _s3(svc.urls).put_object(Bucket="uh-kept", Key="k", Body=b"kept")
        first = svc.urls

    assert (data_dir / "postgres" / "data" / "PG_VERSION").exists()
    with LocalServices(data_dir, persistent=True) as svc:
        assert svc.urls.database_url == first.database_url  # previous ports are reused when free
        with psycopg.connect(svc.urls.database_url.replace("+psycopg", "")) as conn:
            assert conn.execute("select name from kept").fetchall() == [("张三",)]
        assert _read_when_volume_is_back(svc.urls, "uh-kept", "k") == b"kept"
    assert data_dir.exists()


def _read_when_volume_is_back(urls: ServiceUrls, bucket: str, key: str, wait_s: float = 60.0) -> bytes:
    """SeaweedFS answers S3 requests before its volume server has reloaded the volumes after a restart
    (GetObject → InternalError for a few seconds on a loaded machine); the data must come back."""
    from botocore.exceptions import ClientError

    deadline = time.monotonic() + wait_s
    while True:
        try:
            return bytes(_s3(urls).get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") != "InternalError" or time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_cli_up_prints_urls_and_stops_on_sigterm(tmp_path: Path) -> None:
    data_dir = tmp_path / "cli"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.local.services", "up", "--dir", str(data_dir)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        urls = ServiceUrls(**json.loads(line))
        ports = _ports(urls)
        assert all(_port_open(p) for p in ports)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not any(_port_open(p) for p in ports)
    assert not data_dir.exists()
