"""Use cases of spreadsheet imports: upload (→ dry run), look at the result, download the annotated
copy, commit. The runs themselves are in ``engine`` (job bodies, see ``jobs``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import Select, and_, false, or_, select, update

from ....core import audit
from ....core.db import transaction
from ....core.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.names import display_names
from ..services.common import org_field_in_scope
from ..services.members import MEMBER_ORG_TYPES
from . import engine, files, jobs
from .models import IMPORT_KINDS, IMPORT_MODES, IMPORT_STATUSES, STEPS, ImportBatch


def _permission(kind: str) -> str:
    return engine.DEFINITIONS[kind].write_permission


def _visible(ctx: RequestContext) -> Any:
    """Users see their own imports; tenant-wide users also see everyone's imports of kinds they may write."""
    kinds = [k for k in IMPORT_KINDS if ctx.can(_permission(k))]
    everyone = ImportBatch.kind.in_(kinds) if ctx.scope_is_root and kinds else false()
    return or_(ImportBatch.created_by == ctx.user_id, everyone)


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    ctx.require_tenant()
    stmt = select(ImportBatch).where(ImportBatch.tenant_id == current_tenant_id(), _visible(ctx))
    for key in ("kind", "status"):
        if args.get(key):
            stmt = stmt.where(getattr(ImportBatch, key) == args[key])
    return stmt.order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())


def get_import(ctx: RequestContext, import_id: int) -> ImportBatch:
    ctx.require_tenant()
    batch = db.session.execute(select(ImportBatch).where(
        and_(ImportBatch.tenant_id == current_tenant_id(), ImportBatch.id == import_id, _visible(ctx)))
    ).scalar_one_or_none()
    if batch is None:
        raise NotFound("导入记录不存在")
    return batch


def _save_upload(stream: IO[bytes]) -> tuple[IO[bytes], int, str]:
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(1 << 20):
        tmp.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    tmp.seek(0)
    return tmp, size, digest.hexdigest()


def create_import(ctx: RequestContext, data: dict[str, Any], upload: Any) -> ImportBatch:
    """Store the upload under the tenant's prefix, record the batch and start its dry run."""
    kind = data["kind"]
    ctx.require_tenant()
    ctx.require(_permission(kind))
    default_org_id = data.get("org_id")
    if default_org_id is not None:
        if kind != "members":
            raise ValidationFailed({"org_id": "只有会员导入可以指定默认的所属工会"})
        org_field_in_scope(ctx, "org_id", default_org_id, allowed_types=MEMBER_ORG_TYPES, label="默认所属工会")
    filename = os.path.basename((getattr(upload, "filename", None) or "upload").replace("\\", "/"))[:255] or "upload"
    tid = current_tenant_id()
    ext = os.path.splitext(filename)[1].lower()
    key = files.new_key(tid, ext)
    tmp, size, sha = _save_upload(upload.stream)
    with tmp:
        files.put(key, tmp, "application/octet-stream")
    with transaction():
        batch = ImportBatch(tenant_id=tid, kind=kind, mode=data.get("mode") or "all_or_nothing", status="pending",
                            filename=filename, file_size=size, file_sha256=sha, source_key=key,
                            created_by=ctx.user_id, actor=ctx.as_actor(), default_org_id=default_org_id)
        db.session.add(batch)
        db.session.flush()
        audit.record(ctx, "import.upload", "import_batch", batch.id,
                     {"kind": kind, "filename": filename, "size": size, "sha256": sha})
        batch.dry_run_job_id = jobs.start(ctx, batch, "dry_run")
    jobs.run_now_if_no_engine(batch, "dry_run")
    return batch


def commit_import(ctx: RequestContext, batch: ImportBatch, mode: str | None) -> ImportBatch:
    """Start writing a dry-run-checked batch (again validated against the current data)."""
    ctx.require(_permission(batch.kind))
    with transaction():
        claimed = db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.tenant_id == batch.tenant_id, ImportBatch.id == batch.id,
                   ImportBatch.status == "validated")
            .values(status="committing", mode=mode or batch.mode, actor=ctx.as_actor(), step=None, step_done=0,
                    step_total=None)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            db.session.rollback()
            status = IMPORT_STATUSES.get(batch.status, batch.status)
            raise InvalidState(f"当前状态为“{status}”，只有校验完成的导入才能提交")
        db.session.refresh(batch)
        batch.commit_job_id = jobs.start(ctx, batch, "commit")
    jobs.run_now_if_no_engine(batch, "commit")
    db.session.refresh(batch)
    return batch


def annotated_file(ctx: RequestContext, batch: ImportBatch) -> tuple[Iterator[bytes], str, int]:
    if not batch.annotated_key:
        raise NotFound("该导入没有错误，没有标注文件可下载")
    if batch.created_by != ctx.user_id and not ctx.can(_permission(batch.kind)):
        raise PermissionDenied("没有执行此操作的权限")
    stem = os.path.splitext(batch.filename)[0] or "import"
    return files.stream(batch.annotated_key), f"{stem}-错误标注.xlsx", files.size(batch.annotated_key)


def views(batches: list[ImportBatch]) -> list[dict[str, Any]]:
    names = display_names(b.created_by for b in batches)
    return [view(b, names) for b in batches]


def view(batch: ImportBatch, names: dict[int, str] | None = None) -> dict[str, Any]:
    if names is None:
        names = display_names([batch.created_by])
    data = {k: getattr(batch, k) for k in (
        "id", "kind", "mode", "status", "filename", "file_size", "sheet_name", "header_row", "columns",
        "ignored_columns", "total_rows", "valid_rows", "error_rows", "created_count", "updated_count",
        "unchanged_count", "error_code", "error_message", "notice", "default_org_id", "created_by",
        "dry_run_job_id", "commit_job_id", "created_at", "updated_at", "validated_at", "committed_at")}
    data["created_by_name"] = names.get(batch.created_by) if batch.created_by is not None else None
    data["kind_label"] = IMPORT_KINDS.get(batch.kind)
    data["mode_label"] = IMPORT_MODES.get(batch.mode)
    data["status_label"] = IMPORT_STATUSES.get(batch.status)
    data["first_errors"] = batch.first_errors or []
    data["annotated_url"] = f"/api/v1/imports/{batch.id}/annotated.xlsx" if batch.annotated_key else None
    running = batch.status in ("pending", "validating", "committing")
    data["progress"] = {"step": batch.step if running else None,
                        "step_label": STEPS.get(batch.step or "") if running else None,
                        "done": int(batch.step_done or 0) if running else None,
                        "total": batch.step_total if running else None}
    return data


# ---- the blank template of a kind ---------------------------------------------------------------------

def _labels(codes: dict[str, str]) -> str:
    return "、".join(codes.values())


def _template_hints() -> dict[str, dict[str, str]]:
    from ..models import EMPLOYMENT_TYPES, OWNERSHIP_TYPES, UNION_STATUSES

    return {
        "members": {
            "name": "会员姓名",
            "id_number": "18位居民身份证号，末位可为X；出生日期和性别按号码识别",
            "gender": "男或女，可不填；填写时须与身份证号一致",
            "mobile": "11位手机号码",
            "org": "所属基层工会的全称，与系统中的组织名称一致；不填时导入到上传时选择的默认工会",
            "employer": "工作单位名称（系统中已登记的单位）",
            "employer_code": "工作单位的18位统一社会信用代码，可代替单位名称",
            "join_date": "如 2024-01-05、2024.1.5 或 2024年1月5日",
            "employment_type": f"可填：{_labels(EMPLOYMENT_TYPES)}",
            "member_card_number": "工会会员卡号",
        },
        "employers": {
            "name": "单位全称（与营业执照一致）",
            "credit_code": "18位统一社会信用代码",
            "ownership_type": f"可填：{_labels(OWNERSHIP_TYPES)}",
            "staff_count": "职工总人数（整数）",
            "women_count": "其中女职工人数（整数）",
            "migrant_count": "其中农民工人数（整数）",
            "contact_phone": "手机或固定电话",
            "township": "单位所在乡镇（街道）工会的名称",
            "covering": "覆盖该单位的工会名称（单独建会或联合建会时填写）",
            "union_status": f"可填：{_labels(UNION_STATUSES)}",
        },
    }


# Columns Excel must keep as text: long digit strings become 4.10721E+17 and lose their last digits.
TEXT_COLUMNS = frozenset({"id_number", "mobile", "employer_code", "credit_code", "member_card_number",
                          "contact_phone"})
TEMPLATE_TEXT_ROWS = 2000


def template_file(ctx: RequestContext, kind: str) -> tuple[IO[bytes], str]:
    """A blank workbook with the headers the `kind` import reads (required ones marked), text format on
    the number-like columns, and a second sheet explaining every column and its accepted synonyms."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ctx.require_tenant()
    ctx.require(_permission(kind))
    definition = engine.DEFINITIONS[kind]
    label = IMPORT_KINDS[kind]
    hints = _template_hints().get(kind, {})
    wb = Workbook()
    ws = wb.active
    ws.title = f"{label}导入"[:31]
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求", "也可使用的列名"])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for i, col in enumerate(definition.columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.label)
        cell.font = bold
        cell.fill = required_fill if col.required else header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        hint = hints.get(col.key, "")
        cell.comment = Comment(("必填。" if col.required else "") + hint or col.label, "职工之家云")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(12, min(30, len(col.label) * 2 + 6))
        if col.key in TEXT_COLUMNS:
            ws.column_dimensions[letter].number_format = "@"
            for row in range(2, TEMPLATE_TEXT_ROWS + 2):
                ws.cell(row=row, column=i).number_format = "@"
        notes.append([col.label, "必填" if col.required else "选填", hint, "、".join(col.synonyms)])
    ws.freeze_panes = "A2"
    for cell in notes[1]:
        cell.font = bold
    for letter, width in zip("ABCD", (18, 10, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    notes.append([])
    notes.append(["说明：第一行是表头，从第二行起每行一条记录；黄色表头为必填列。列的顺序可以调整，"
                  "不需要的选填列可以删除。身份证号、信用代码、手机号等列已设为文本格式，请勿改为数值。"])
    out = tempfile.SpooledTemporaryFile(max_size=4 << 20)  # noqa: SIM115 - handed to the caller
    wb.save(out)
    out.seek(0)
    return out, f"{label}导入模板.xlsx"
