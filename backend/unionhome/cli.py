"""Flask CLI commands: `flask --app unionhome.wsgi:app uh <command>`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

uh = AppGroup("uh", help="UnionHome administration")


@uh.command("migrate")
def migrate_cmd() -> None:
    """Upgrade the database to the latest schema (as the owner role)."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("database is at the latest revision")


@uh.command("seed-demo")
@click.option("--size", type=click.Choice(["full", "small", "tiny"]), default="full")
@click.option("--logins-file", type=click.Path(path_type=Path), default=None)
def seed_demo_cmd(size: str, logins_file: Path | None) -> None:
    """Load the two demo counties (idempotent: does nothing if they exist)."""
    from .demo.loader import seed_demo

    logins = seed_demo(size=size)
    if logins_file is not None:
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        logins_file.write_text(json.dumps(logins, ensure_ascii=False, indent=2), encoding="utf-8")
    for item in logins:
        click.echo(f"{item['tenant'] or '平台'}\t{item['role']}\t{item['username']}\t{item['password']}")


@uh.command("create-platform-admin")
@click.argument("username")
@click.password_option()
def create_platform_admin_cmd(username: str, password: str) -> None:
    """Create a platform administrator (no tenant)."""
    from .domains.auth.accounts import create_platform_admin

    create_platform_admin(username, password)
    click.echo(f"platform admin {username} created")


def register_cli(app: Flask) -> None:
    app.cli.add_command(uh)
