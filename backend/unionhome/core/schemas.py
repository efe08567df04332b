"""Schema base and common fields. Unknown fields are rejected (422), strings are trimmed."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate


class BaseSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


class Str(ma.fields.String):
    """A trimmed string with a length limit; empty after trimming counts as missing when required."""

    def __init__(self, *, max_length: int = 200, min_length: int | None = None, **kwargs: Any) -> None:
        validators = list(kwargs.pop("validate", []) or [])
        validators.append(validate.Length(min=min_length, max=max_length, error=f"长度不能超过{max_length}个字符"
                                          if min_length is None else f"长度应在{min_length}到{max_length}个字符之间"))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        if isinstance(result, str):
            result = result.strip()
            if result == "" and self.required:
                raise ma.ValidationError("不能为空")
        return result


BIGINT_MAX = 2**63 - 1


class Id(ma.fields.Integer):
    """A record id: a positive bigint (anything else is a 422, never a database error)."""

    def __init__(self, **kwargs: Any) -> None:
        validators = list(kwargs.pop("validate", []) or [])
        validators.append(validate.Range(min=1, max=BIGINT_MAX, error="编号无效"))
        super().__init__(validate=validators, **kwargs)


def choice(values: Any, label: str = "取值") -> validate.OneOf:
    values = list(values)
    return validate.OneOf(values, error=f"{label}无效，应为以下之一：{', '.join(values)}")


class PaginationMeta(BaseSchema):
    total = ma.fields.Integer()
    total_pages = ma.fields.Integer()
    first_page = ma.fields.Integer()
    last_page = ma.fields.Integer()
    page = ma.fields.Integer()
    previous_page = ma.fields.Integer()
    next_page = ma.fields.Integer()
