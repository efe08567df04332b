"""Condolence API: disbursement by bank card (打卡发放) — what is payable, payment batches, the bank file
(full card numbers: county only, audited), the bank's return file, cancellation."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ....core.pagination import paginate
from ....core.security import current_ctx, ensure_exists, require_permission
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ
from ..workflow import bank_results, exports, payments
from ..workflow.scope import load_campaign
from ..workflow.sheets import XLSX_MIMETYPE
from ..workflow.stage_schemas import (
    CondolenceBankFileArgsSchema,
    CondolenceCancelSchema,
    CondolencePayablePreviewSchema,
    CondolencePayableQueryArgsSchema,
    CondolencePaymentBatchCreateSchema,
    CondolencePaymentBatchSchema,
    CondolencePaymentQueryArgsSchema,
    CondolencePaymentSchema,
    CondolenceResultFileSchema,
    CondolenceResultImportSchema,
)
from . import blp
from .notices import FILE_DOC, send_export


@blp.route("/condolence/campaigns/<int:campaign_id>/payable")
class Payable(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolencePayableQueryArgsSchema, location="query")
    @blp.response(200, CondolencePayablePreviewSchema)
    def get(self, args: dict[str, Any], campaign_id: int) -> Any:
        """Of the county-approved lines (of `org_id`'s subtree): how many can go into a bank batch now, and
        for the others why not, counted per reason (not noticed, window open, objection pending/upheld,
        already in a batch, paid, no card …)."""
        return payments.preview(current_ctx(), campaign_id, args.get("org_id"))


@blp.route("/condolence/campaigns/<int:campaign_id>/payment-batches")
class PaymentBatches(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.response(200, CondolencePaymentBatchSchema(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters: Any) -> Any:
        """The campaign's payment batches, newest first."""
        return [payments.batch_view(b) for b in paginate(payments.batches_stmt(current_ctx(), campaign_id),
                                                          pagination_parameters)]

    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(load_campaign, "campaign_id")
    @blp.arguments(CondolencePaymentBatchCreateSchema)
    @blp.response(202, CondolencePaymentBatchSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """A bank batch of payable lines: `line_ids` (each must be payable, else 409 naming the line and
        why — e.g. its notice window has not closed — and nothing is created), or every payable line (of
        `org_id`'s subtree; 409 with the reasons when there is none). Answers at once with the batch in
        status `preparing` and its `job_id` (follow it at `/jobs/{job_id}`): the job takes the lines (a
        county's in seconds) and the batch becomes `exported`, or `failed` with `error` and no payment.
        One batch is prepared at a time per campaign (409 meanwhile); no line is in two live batches."""
        return payments.batch_view(payments.create_batch(current_ctx(), campaign_id, data))


@blp.route("/condolence/payment-batches/<int:payment_batch_id>")
class PaymentBatchById(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(payments.get_batch, "payment_batch_id")
    @blp.response(200, CondolencePaymentBatchSchema)
    def get(self, payment_batch_id: int) -> Any:
        """One payment batch with its counts (paid, failed, awaiting the bank)."""
        return payments.batch_view(payments.get_batch(current_ctx(), payment_batch_id))


@blp.route("/condolence/payment-batches/<int:payment_batch_id>/payments")
class PaymentBatchPayments(MethodView):
    @require_permission(CONDOLENCE_READ)
    @ensure_exists(payments.get_batch, "payment_batch_id")
    @blp.arguments(CondolencePaymentQueryArgsSchema, location="query")
    @blp.response(200, CondolencePaymentSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], payment_batch_id: int, pagination_parameters: Any) -> Any:
        """The batch's payments of the user's subtree in file order (card numbers masked)."""
        ctx = current_ctx()
        rows = paginate(payments.payments_stmt(ctx, payments.get_batch(ctx, payment_batch_id), args),
                        pagination_parameters, scalars=False)
        return [payments.payment_view(p, line) for p, line in rows]


@blp.route("/condolence/payment-batches/<int:payment_batch_id>/bank-file")
class PaymentBatchBankFile(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(payments.get_batch, "payment_batch_id")
    @blp.arguments(CondolenceBankFileArgsSchema, location="query")
    @blp.response(200, FILE_DOC, description="银行批量代发文件 (.xlsx, or .csv in GB18030)",
                  content_type=XLSX_MIMETYPE)
    def get(self, args: dict[str, Any], payment_batch_id: int) -> Any:
        """The file for the bank: 序号, 姓名, 银行卡号 (in full), 金额 (元), 开户行, 备注. County only;
        every download is audited. Up to 20,000 lines; a bigger batch → 409: build it with
        `POST /condolence/exports` (kind `bank`)."""
        ctx = current_ctx()
        batch = payments.get_batch(ctx, payment_batch_id)
        exports.refuse_large(batch.line_count, "该发放批次")
        return send_export(payments.bank_file(ctx, batch, args["format"]))


@blp.route("/condolence/payment-batches/<int:payment_batch_id>/results")
class PaymentBatchResults(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(payments.get_batch, "payment_batch_id")
    @blp.arguments(CondolenceResultFileSchema, location="files")
    @blp.response(200, CondolenceResultImportSchema)
    def post(self, files: dict[str, Any], payment_batch_id: int) -> Any:
        """Import the bank's return file (multipart `file`: .xlsx/.xls/.csv with 序号, 姓名, 金额, 处理结果
        (成功/失败) and 失败原因; title rows and the bank's own header names are fine). Every row must
        match its payment (序号, name, amount, card's last four): any problem → 422 listing them, nothing
        applied. Settled payments keep their result: importing the same file again changes nothing; a
        file contradicting a settled result → 409. Failed lines can go into a later batch."""
        ctx = current_ctx()
        batch = payments.get_batch(ctx, payment_batch_id)
        summary = bank_results.import_results(ctx, batch, files["file"])
        return {**summary, "batch": payments.batch_view(batch)}


@blp.route("/condolence/payment-batches/<int:payment_batch_id>/cancel")
class PaymentBatchCancel(MethodView):
    @require_permission(CONDOLENCE_MANAGE)
    @ensure_exists(payments.get_batch, "payment_batch_id")
    @blp.arguments(CondolenceCancelSchema)
    @blp.response(200, CondolencePaymentBatchSchema)
    def post(self, data: dict[str, Any], payment_batch_id: int) -> Any:
        """Withdraw a batch the bank has not answered (its lines become payable again). 409 after results."""
        ctx = current_ctx()
        return payments.batch_view(payments.cancel_batch(ctx, payments.get_batch(ctx, payment_batch_id),
                                                         data.get("comment")))
