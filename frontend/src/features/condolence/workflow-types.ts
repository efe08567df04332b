// Aliases over the generated API types for the workflow screens (review chain onward).
import type { components } from '@/types/api.gen';

type S = components['schemas'];

export type CampaignRef = Pick<S['CondolenceCampaign'], 'id' | 'name' | 'year' | 'festival' | 'festival_label' | 'status' | 'status_label'>;
export type WorkflowLine = S['CondolenceWorkflowLine'];
export type ReviewOverview = S['CondolenceReviewOverview'];
export type ReviewBatch = S['CondolenceReviewBatch'];
export type Review = S['CondolenceReview'];
export type ReviewResult = S['CondolenceReviewResult'];
export type ReviewAction = 'approve' | 'reject' | 'return';
/** Bodies whose schema has no required field: the generator marks every property present. */
export type LineCorrection = Partial<S['CondolenceLineCorrection']>;
export type QueueView = 'awaiting' | 'approved' | 'returned' | 'rejected' | 'all';
export interface QueueQuery {
  view?: QueueView;
  batch_id?: number;
  org_id?: number;
  check_status?: string;
  category_code?: string;
  q?: string;
  [key: string]: unknown;
}

export type Balancing = S['CondolenceBalancing'];
export type BalancingQuota = S['CondolenceBalancingQuota'];
export type BalancingDecision = S['CondolenceBalancingDecision'];
export type BalancingDecisionCreate = S['CondolenceBalancingDecisionCreate'];
export type FreezeResult = S['CondolenceFreezeResult'];

export type Notice = S['CondolenceNotice'];
export type NoticeCreate = S['CondolenceNoticeCreate'];
export type NoticeUpdate = Partial<S['CondolenceNoticeUpdate']>;
export type NoticeLine = S['CondolenceNoticeLine'];
export type Objection = S['CondolenceObjection'];
export type ObjectionCreate = S['CondolenceObjectionCreate'];
export type ObjectionDecide = S['CondolenceObjectionDecide'];

export type VisitGroup = S['CondolenceVisitGroup'];
export type VisitGroupCreate = S['CondolenceVisitGroupCreate'];
export type Assign = Partial<S['CondolenceAssign']>;
export type AssignResult = S['CondolenceAssignResult'];
export type Visit = S['CondolenceVisit'];
export type VisitCreate = S['CondolenceVisitCreate'];

export type PayablePreview = S['CondolencePayablePreview'];
export type PaymentBatch = S['CondolencePaymentBatch'];
export type PaymentBatchCreate = Partial<S['CondolencePaymentBatchCreate']>;
export type Payment = S['CondolencePayment'];
export type ResultImport = S['CondolenceResultImport'];

export type CampaignSummary = S['CondolenceCampaignSummary'];
export type SummaryRow = S['CondolenceSummaryRow'];
export type FestivalSummary = S['CondolenceFestivalSummary'];

export type WorkflowExport = S['CondolenceExport'];
export type ExportKind = 'notice' | 'bank' | 'arrangement' | 'report';
export type ExportFormat = 'xlsx' | 'pdf' | 'csv';
