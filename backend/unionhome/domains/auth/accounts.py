"""Account provisioning used by the CLI and the demo loader (outside any request)."""

from __future__ import annotations

from sqlalchemy import func, select

from ...core.db import transaction
from ...core.errors import Conflict, ValidationFailed
from ...core.passwords import hash_password, password_problems
from ...core.tenancy import system_context
from ...extensions import db
from .models import User


def create_platform_admin(username: str, password: str, display_name: str = "平台管理员") -> User:
    problems = password_problems(password, username)
    if problems:
        raise ValidationFailed({"password": problems})
    with system_context("create platform admin"), transaction():
        if db.session.execute(select(User.id).where(func.lower(User.username) == username.lower())).first():
            raise Conflict(f"用户名 {username} 已存在")
        user = User(tenant_id=None, username=username, display_name=display_name,
                    password_hash=hash_password(password), role="platform_admin")
        db.session.add(user)
    return user
