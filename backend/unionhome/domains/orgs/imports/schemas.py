"""Schemas of the imports API."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from ....core.schemas import BaseSchema, Id, choice
from .models import IMPORT_KINDS, IMPORT_MODES, IMPORT_STATUSES

F = ma.fields


class ImportIssueSchema(BaseSchema):
    row = F.Integer(metadata={"description": "row number as Excel shows it (1-based)"})
    column = F.String(allow_none=True, metadata={"description": "column letter (A, B …), null for the whole row"})
    field = F.String(metadata={"description": "the column's name, e.g. 身份证号"})
    message = F.String()
    text = F.String(metadata={"description": "e.g. 第12行 身份证号：校验位错误（应为X）"})


class ImportProgressSchema(BaseSchema):
    step = F.String(allow_none=True, metadata={"description": "what the running dry run / commit does now: "
                                                              "read, check, annotate, apply, finish, cleanup"})
    step_label = F.String(allow_none=True, metadata={"description": "e.g. 读取校验, 写入数据"})
    done = F.Integer(allow_none=True, metadata={"description": "rows done in this step"})
    total = F.Integer(allow_none=True, metadata={"description": "rows expected in this step (null: not known yet)"})


class ImportSchema(BaseSchema):
    id = Id()
    kind = F.String()
    kind_label = F.String()
    mode = F.String()
    mode_label = F.String()
    status = F.String(metadata={"description": ", ".join(f"{k} ({v})" for k, v in IMPORT_STATUSES.items())})
    status_label = F.String()
    filename = F.String()
    file_size = F.Integer()
    sheet_name = F.String(allow_none=True)
    header_row = F.Integer(allow_none=True)
    columns = F.Dict(keys=F.String(), values=F.String(), allow_none=True,
                     metadata={"description": "field → the header found for it"})
    ignored_columns = F.List(F.String(), allow_none=True)
    total_rows = F.Integer()
    valid_rows = F.Integer()
    error_rows = F.Integer()
    created_count = F.Integer()
    updated_count = F.Integer()
    unchanged_count = F.Integer()
    first_errors = F.List(F.Nested(ImportIssueSchema), metadata={"description": "the first 200 problems"})
    error_code = F.String(allow_none=True)
    error_message = F.String(allow_none=True, metadata={"description": "why the file as a whole cannot be imported"})
    notice = F.String(allow_none=True)
    default_org_id = Id(allow_none=True)
    annotated_url = F.String(allow_none=True)
    created_by = Id(allow_none=True)
    created_by_name = F.String(allow_none=True, metadata={"description": "上传人（显示名）"})
    dry_run_job_id = Id(allow_none=True)
    commit_job_id = Id(allow_none=True)
    created_at = F.DateTime()
    updated_at = F.DateTime()
    validated_at = F.DateTime(allow_none=True)
    committed_at = F.DateTime(allow_none=True)
    progress = F.Nested(ImportProgressSchema, metadata={
        "description": "while pending/validating/committing: the step and its rows; all null otherwise"})


class ImportCreateSchema(BaseSchema):
    kind = F.String(required=True, validate=choice(IMPORT_KINDS, "导入类型"))
    mode = F.String(load_default="all_or_nothing", validate=choice(IMPORT_MODES, "导入方式"))
    org_id = Id(metadata={"description": "members only: the union for rows without a 所属工会 column/value"})


class ImportFileSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": ".xlsx, .xls or .csv (UTF-8 / GBK)"})


class ImportCommitSchema(BaseSchema):
    mode = F.String(validate=choice(IMPORT_MODES, "导入方式"),
                    metadata={"description": "overrides the mode chosen at upload"})


class ImportQueryArgsSchema(BaseSchema):
    kind = F.String(validate=choice(IMPORT_KINDS, "导入类型"))
    status = F.String(validate=choice(IMPORT_STATUSES, "状态"))


class ImportTemplateArgsSchema(BaseSchema):
    kind = F.String(required=True, validate=choice(IMPORT_KINDS, "导入类型"))
