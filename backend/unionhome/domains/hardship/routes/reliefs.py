from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import HARDSHIP_READ, HARDSHIP_WRITE
from ..schemas import HardshipReliefCreateSchema, HardshipReliefQueryArgsSchema, HardshipReliefSchema
from ..services import reliefs as svc
from ..services.common import get_household
from . import blp


@blp.route("/hardship/reliefs")
class Reliefs(MethodView):
    @require_permission(HARDSHIP_READ)
    @blp.arguments(HardshipReliefQueryArgsSchema, location="query")
    @blp.response(200, HardshipReliefSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Relief paid to households in the user's subtree, newest first."""
        return svc.views(list(paginate(svc.list_stmt(current_ctx(), args), pagination_parameters)))


@blp.route("/hardship/households/<int:household_id>/reliefs")
class HouseholdReliefs(MethodView):
    @require_permission(HARDSHIP_READ)
    @ensure_exists(get_household, "household_id")
    @blp.response(200, HardshipReliefSchema(many=True))
    @blp.paginate()
    def get(self, household_id: int, pagination_parameters: Any) -> Any:
        """Relief given to one household, newest first."""
        stmt = svc.list_stmt(current_ctx(), {"household_id": household_id})
        return svc.views(list(paginate(stmt, pagination_parameters)))

    @require_permission(HARDSHIP_WRITE)
    @ensure_exists(get_household, "household_id")
    @blp.arguments(HardshipReliefCreateSchema)
    @blp.response(201, HardshipReliefSchema)
    def post(self, data: dict[str, Any], household_id: int) -> Any:
        """Record relief (amount in fen): living aid, major-illness aid, education aid with the student
        (圆梦计划: a university student), mutual-aid claims, festival condolence. 打卡发放 needs a bank
        card on file. Refused before filing; after exit only major-illness and education aid."""
        ctx = current_ctx()
        return svc.views([svc.create_relief(ctx, get_household(ctx, household_id), data)])[0]
