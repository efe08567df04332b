"""Jobs API: /api/v1/jobs (the background jobs of the user's tenant: progress, result, cancel)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ...core.pagination import paginate
from ...core.security import current_ctx, ensure_exists, login_required
from . import services
from .schemas import JobQueryArgsSchema, JobSchema

blp = Blueprint("jobs", __name__, url_prefix="/api/v1", description="后台任务 / Background jobs")


@blp.route("/jobs")
class JobList(MethodView):
    @login_required
    @blp.arguments(JobQueryArgsSchema, location="query")
    @blp.response(200, JobSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Background jobs of the tenant, newest first: with `jobs.read` those in the user's org
        subtree, otherwise the user's own. Chunks of a split job are listed with `parent_id`."""
        ctx = current_ctx()
        return services.job_views(ctx, list(paginate(services.list_jobs_stmt(ctx, args), pagination_parameters)))


@blp.route("/jobs/<int:job_id>")
class JobById(MethodView):
    @login_required
    @ensure_exists(services.get_job, "job_id")
    @blp.response(200, JobSchema)
    def get(self, job_id: int) -> Any:
        """One job: status, progress, counts, result summary, error message."""
        ctx = current_ctx()
        return services.job_view(ctx, services.get_job(ctx, job_id))


@blp.route("/jobs/<int:job_id>/cancel")
class JobCancel(MethodView):
    @login_required
    @ensure_exists(services.get_job, "job_id")
    @blp.response(200, JobSchema)
    @blp.alt_response(409, description="任务已结束")
    def post(self, job_id: int) -> Any:
        """Cancel a job (the starter, or a tenant-wide reader). Queued parts stop at once; a running
        job stops at its next check between chunks (`cancel_requested` is true until then)."""
        ctx = current_ctx()
        return services.job_view(ctx, services.cancel_job(ctx, job_id))
