"""Route helpers: If-Match on POST actions that change a household (smorest checks it only for
PUT/PATCH/DELETE), answered like those: 428 without it, 412 when the household changed meanwhile."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import abort

from ....core.concurrency import etag_data
from . import blp


def require_if_match(obj: Any) -> None:
    if not request.if_match:
        abort(428, message="缺少 If-Match：请先读取档案，再带上其 ETag 提交")
    if blp._generate_etag(etag_data(obj)) not in request.if_match:
        abort(412, message="档案已被他人修改，请刷新后重试")
