"""The deployment files hang together: compose -> Dockerfiles -> copied files -> entrypoint roles.

No Docker engine runs here, so this is the check that a `docker compose up --build` would find
everything it references.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENTRYPOINT = ROOT / "infra" / "docker" / "entrypoint.sh"
NGINX_CONF = ROOT / "infra" / "nginx" / "default.conf"
ENV_EXAMPLE = ROOT / "infra" / "deploy" / ".env.example"

EXPECTED_SERVICES = {"postgres", "redis", "seaweedfs", "migrate", "api", "worker", "scheduler", "web"}
BACKEND_ROLES = {"migrate": "migrate", "api": "api", "worker": "worker", "scheduler": "scheduler"}
REQUIRED_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY",
    "S3_SECRET_KEY",
    "S3_BUCKET",
    "SECRET_KEY",
    "PII_MASTER_KEY",
    "APP_DB_PASSWORD",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


def _builds(services: dict[str, dict[str, Any]]) -> list[tuple[str, Path, Path]]:
    out = []
    for name, svc in services.items():
        build = svc.get("build")
        if build is None:
            continue
        if isinstance(build, str):
            build = {"context": build}
        context = (ROOT / build.get("context", ".")).resolve()
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        out.append((name, context, dockerfile))
    return out


def _dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    result = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instr, _, args = line.partition(" ")
        result.append((instr.upper(), args.strip()))
    return result


def _copy_sources(args: str) -> list[str] | None:
    """Sources of a COPY/ADD from the build context; None for `--from=` (another stage)."""
    if args.startswith("["):
        parts = json.loads(args)
    else:
        parts = shlex.split(args)
    flags = [p for p in parts if p.startswith("--")]
    if any(f.startswith("--from") for f in flags):
        return None
    rest = [p for p in parts if not p.startswith("--")]
    return rest[:-1]


def _entrypoint_roles() -> set[str]:
    text = ENTRYPOINT.read_text(encoding="utf-8")
    case = text[text.index('case "$role" in') : text.rindex("esac")]
    labels: set[str] = set()
    for m in re.finditer(r"^\s*([\w|-]+)\)\s*$", case, flags=re.MULTILINE):
        labels.update(m.group(1).split("|"))
    return labels


def test_compose_has_the_expected_services(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= EXPECTED_SERVICES


def test_every_service_has_an_image_or_a_build(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        assert svc.get("image") or svc.get("build"), name


def test_build_contexts_and_dockerfiles_exist(services: dict[str, dict[str, Any]]) -> None:
    builds = _builds(services)
    assert builds
    for name, context, dockerfile in builds:
        assert context.is_dir(), (name, context)
        assert dockerfile.is_file(), (name, dockerfile)


def test_files_copied_by_the_dockerfiles_exist(services: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for context, dockerfile in {(c, d) for _n, c, d in _builds(services)}:
        for instr, args in _dockerfile_instructions(dockerfile):
            if instr not in {"COPY", "ADD"}:
                continue
            sources = _copy_sources(args)
            if sources is None:
                continue
            for src in sources:
                matches = list(context.glob(src.rstrip("/"))) if any(c in src for c in "*?[") else []
                assert matches or (context / src).exists(), f"{dockerfile.name}: COPY source {src} missing"
                checked += 1
    assert checked >= 5


def test_backend_image_copies_code_constraints_and_entrypoint() -> None:
    text = (ROOT / "infra" / "docker" / "backend.Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in text
    assert "pip install -c constraints.txt ." in text
    for src in ("backend/", "workers/", "infra/docker/entrypoint.sh", "constraints.txt", "setup.py"):
        assert src in text, src
    # the roster's compiled row builder is built next to its source (PYTHONPATH imports it from there)
    assert "build_ext --inplace" in text and "libssl-dev" in text
    front = (ROOT / "infra" / "docker" / "frontend.Dockerfile").read_text(encoding="utf-8")
    assert "FROM node:20" in front and "FROM nginx:1.27" in front
    assert "infra/nginx/default.conf" in front


def test_compose_roles_are_handled_by_the_entrypoint(services: dict[str, dict[str, Any]]) -> None:
    roles = _entrypoint_roles()
    assert roles >= {"api", "worker", "scheduler", "migrate", "manage"}
    for name, role in BACKEND_ROLES.items():
        command = services[name].get("command")
        assert isinstance(command, list) and command, name
        assert command[0] == role, (name, command)
        assert command[0] in roles


def test_backend_services_share_one_image(services: dict[str, dict[str, Any]]) -> None:
    images = {services[name]["image"] for name in BACKEND_ROLES}
    assert len(images) == 1
    assert all(
        services[name]["build"]["dockerfile"] == "infra/docker/backend.Dockerfile" for name in BACKEND_ROLES
    )


def test_replicas_and_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["scheduler"]["deploy"]["replicas"] == 1
    for name in EXPECTED_SERVICES - {"migrate"}:
        assert "healthcheck" in services[name], name
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker", "scheduler"):
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name


def test_env_files_exist_and_name_the_settings(services: dict[str, dict[str, Any]]) -> None:
    seen = 0
    for name, svc in services.items():
        entries = svc.get("env_file") or []
        if isinstance(entries, str):
            entries = [entries]
        for entry in entries:
            path, required = (
                (entry, True) if isinstance(entry, str) else (entry["path"], entry.get("required", True))
            )
            if required:
                assert (ROOT / path).is_file(), (name, path)
                seen += 1
    assert seen >= 5
    keys = {
        line.split("=", 1)[0].strip()
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    assert keys >= REQUIRED_ENV, REQUIRED_ENV - keys


def test_entrypoint_is_valid_sh() -> None:
    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("no sh")
    subprocess.run([sh, "-n", str(ENTRYPOINT)], check=True)
    assert ENTRYPOINT.read_text(encoding="utf-8").startswith("#!/bin/sh")
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert "gunicorn -b 0.0.0.0:5000" in text and "unionhome.wsgi:app" in text
    assert "python -m workers.worker" in text and "python -m workers.scheduler" in text
    assert "uh migrate" in text


def test_nginx_serves_the_spa_and_proxies_the_api() -> None:
    text = NGINX_CONF.read_text(encoding="utf-8")
    assert re.search(r"try_files\s+\$uri\s+\$uri/\s+/index\.html;", text)
    assert re.search(r"location\s+/api/\s*\{[^}]*proxy_pass\s+http://api:5000;", text)
    assert re.search(r"client_max_body_size\s+\d+[mMgG];", text)
    assert text.count("{") == text.count("}")
