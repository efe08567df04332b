from __future__ import annotations

import marshmallow as ma

from ...core.schemas import BaseSchema, Id, Str, choice
from .models import STATUS_LABELS, STATUSES


class JobSchema(BaseSchema):
    id = Id()
    kind = ma.fields.String(metadata={"description": "what the job does, `<domain>.<action>`"})
    queue = ma.fields.String(metadata={"description": "latency class: high, default or long"})
    status = ma.fields.String(validate=choice(STATUSES))
    status_label = ma.fields.String(metadata={"description": "status in Chinese"})
    parent_id = Id(allow_none=True, metadata={"description": "set on the chunks of a job that split itself"})
    started_by = Id(allow_none=True)
    started_by_name = ma.fields.String(allow_none=True, metadata={"description": "who started it (display name)"})
    progress_done = ma.fields.Integer()
    progress_total = ma.fields.Integer(allow_none=True)
    progress_percent = ma.fields.Float(allow_none=True)
    counts = ma.fields.Dict(metadata={"description": "counters, e.g. {imported: 980, invalid: 20}"})
    result = ma.fields.Dict(allow_none=True, metadata={"description": "result summary when done"})
    error = ma.fields.String(allow_none=True, metadata={"description": "why it failed, for users"})
    error_detail = ma.fields.String(allow_none=True, metadata={"description": "technical detail: platform admins only"})
    attempts = ma.fields.Integer(metadata={"description": "executions started (retries and recoveries included)"})
    retries = ma.fields.Integer()
    max_retries = ma.fields.Integer()
    recoveries = ma.fields.Integer(metadata={"description": "times requeued after its worker or Redis was lost"})
    cancel_requested = ma.fields.Boolean()
    chunks_total = ma.fields.Integer()
    chunks_done = ma.fields.Integer()
    chunks_failed = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    heartbeat_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


class JobQueryArgsSchema(BaseSchema):
    status = ma.fields.String(validate=choice(STATUSES, "状态"))
    kind = Str(max_length=80, metadata={"description": "exact kind, or a prefix ending in `.`"})
    parent_id = Id(metadata={"description": "list the chunks of this job (default: top-level jobs)"})
    mine = ma.fields.Boolean(metadata={"description": "only jobs I started"})


__all__ = ["STATUS_LABELS", "JobQueryArgsSchema", "JobSchema"]
