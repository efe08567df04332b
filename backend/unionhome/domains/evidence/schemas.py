"""Schemas of the evidence archive: output, create and query args for items and bundles."""

from __future__ import annotations

import marshmallow as ma

from ...core.schemas import BaseSchema, Id, Str, choice
from .models import BUNDLE_STATUSES, ITEM_STATUSES

F = ma.fields
SHA256 = [ma.validate.Regexp(r"^[0-9a-fA-F]{64}$", error="应为 64 位十六进制的 SHA-256 摘要")]
SUBJECT_TYPE = [ma.validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="记录类型无效")]


class EvidenceSchema(BaseSchema):
    id = Id()
    subject_type = F.String()
    subject_type_label = F.String()
    subject_id = Id()
    filename = F.String()
    description = F.String(allow_none=True)
    status = F.String()
    status_label = F.String()
    status_reason = F.String(allow_none=True, metadata={"description": "拒收或疑似篡改的原因（中文）"})
    declared_size = F.Integer()
    declared_type = F.String()
    declared_sha256 = F.String()
    size = F.Integer(allow_none=True, metadata={"description": "核验时实测的字节数"})
    sha256 = F.String(allow_none=True, metadata={"description": "核验时实测的 SHA-256（十六进制）"})
    detected_type = F.String(allow_none=True, metadata={"description": "按文件内容识别的类型"})
    detected_type_label = F.String(allow_none=True)
    storage_key = F.String()
    s3_version_id = F.String(allow_none=True)
    retention_mode = F.String(allow_none=True)
    retain_until = F.DateTime(allow_none=True)
    uploaded_by = Id(allow_none=True)
    uploader_name = F.String()
    job_id = Id(allow_none=True)
    confirmed_at = F.DateTime(allow_none=True)
    verified_at = F.DateTime(allow_none=True)
    checked_at = F.DateTime(allow_none=True)
    deleted_at = F.DateTime(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class UploadTicketSchema(BaseSchema):
    url = F.String(metadata={"description": "预签名上传地址：用 PUT 上传文件原始字节"})
    method = F.String()
    headers = F.Dict(keys=F.String(), values=F.String(),
                     metadata={"description": "上传时必须原样携带的请求头（已参与签名）"})
    expires_at = F.DateTime()


class EvidenceUploadSchema(EvidenceSchema):
    upload = F.Nested(UploadTicketSchema)


class EvidenceCreateSchema(BaseSchema):
    subject_type = F.String(required=True, validate=SUBJECT_TYPE,
                            metadata={"description": "记录类型：org、employer、member、cadre（及其他业务模块注册的类型）"})
    subject_id = Id(required=True)
    filename = Str(required=True, max_length=255)
    size = F.Integer(required=True, strict=True, validate=ma.validate.Range(min=0, max=2**62, error="文件大小无效"))
    content_type = Str(max_length=120, load_default=None, allow_none=True,
                       metadata={"description": "浏览器给出的 MIME 类型；为空时按扩展名判断"})
    sha256 = F.String(required=True, validate=SHA256, metadata={"description": "文件的 SHA-256（十六进制），由浏览器计算"})
    description = Str(max_length=500, allow_none=True)


class EvidenceQueryArgsSchema(BaseSchema):
    subject_type = F.String(validate=SUBJECT_TYPE, metadata={"description": "记录类型；可单独使用（该类型的全部记录）"})
    subject_id = Id(metadata={"description": "记录编号（须同时提供记录类型）"})
    status = F.String(validate=choice(ITEM_STATUSES, "状态"))
    include_deleted = F.Boolean(load_default=False)
    q = Str(max_length=100, metadata={"description": "文件名包含的文字"})
    uploader = Str(max_length=60, metadata={"description": "上传人姓名包含的文字"})
    uploaded_from = F.Date(metadata={"description": "上传日期起（含，北京时间）"})
    uploaded_to = F.Date(metadata={"description": "上传日期止（含，北京时间）"})

    @ma.validates_schema
    def _subject_pair(self, data: dict, **kwargs: object) -> None:
        if "subject_id" in data and "subject_type" not in data:
            raise ma.ValidationError("按记录编号查询时须同时选择记录类型", "subject_type")
        if data.get("uploaded_from") and data.get("uploaded_to") and data["uploaded_from"] > data["uploaded_to"]:
            raise ma.ValidationError("上传日期的起始日不能晚于截止日", "uploaded_to")


class DownloadArgsSchema(BaseSchema):
    redirect = F.Boolean(load_default=False, metadata={"description": "true 时以 302 跳转到下载地址"})
    inline = F.Boolean(load_default=False, metadata={"description": "true 时在浏览器中直接预览"})


class DownloadLinkSchema(BaseSchema):
    url = F.String()
    filename = F.String()
    content_type = F.String()
    size = F.Integer()
    sha256 = F.String()
    expires_at = F.DateTime()


class BundleSchema(BaseSchema):
    id = Id()
    subject_type = F.String()
    subject_type_label = F.String()
    subject_id = Id()
    status = F.String()
    status_label = F.String()
    error = F.String(allow_none=True)
    job_id = Id(allow_none=True)
    requested_by = Id(allow_none=True)
    requester_name = F.String()
    item_count = F.Integer(allow_none=True)
    size = F.Integer(allow_none=True)
    sha256 = F.String(allow_none=True)
    s3_version_id = F.String(allow_none=True)
    download_url = F.String(allow_none=True, metadata={"description": "打包完成后的预签名下载地址（短时有效）"})
    download_expires_at = F.DateTime(allow_none=True)
    finished_at = F.DateTime(allow_none=True)
    version = F.Integer()
    created_at = F.DateTime()
    updated_at = F.DateTime()


class BundleCreateSchema(BaseSchema):
    subject_type = F.String(required=True, validate=SUBJECT_TYPE)
    subject_id = Id(required=True)


class BundleQueryArgsSchema(BaseSchema):
    subject_type = F.String(validate=SUBJECT_TYPE)
    subject_id = Id()
    status = F.String(validate=choice(BUNDLE_STATUSES, "状态"))

    @ma.validates_schema
    def _subject_pair(self, data: dict, **kwargs: object) -> None:
        if ("subject_type" in data) != ("subject_id" in data):
            raise ma.ValidationError("记录类型与记录编号须同时提供", "subject_id" if "subject_type" in data else
                                     "subject_type")


class FileTypeSchema(BaseSchema):
    mime = F.String()
    label = F.String()
    extensions = F.List(F.String())


class SubjectTypeOptionSchema(BaseSchema):
    code = F.String()
    label = F.String()


class EvidenceOptionsSchema(BaseSchema):
    max_file_bytes = F.Integer()
    allowed_types = F.List(F.Nested(FileTypeSchema))
    subject_types = F.List(F.Nested(SubjectTypeOptionSchema))
