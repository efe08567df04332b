// The condolence workflow API (review chain, balancing, notice, visits, payments, summaries): fetchers,
// query options and mutation hooks, one file for the whole workflow.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import { downloadFromApi } from '@/lib/download';
import type {
  Assign,
  ExportFormat,
  ExportKind,
  AssignResult,
  Balancing,
  BalancingDecision,
  BalancingDecisionCreate,
  CampaignRef,
  CampaignSummary,
  FestivalSummary,
  FreezeResult,
  LineCorrection,
  Notice,
  NoticeCreate,
  NoticeLine,
  NoticeUpdate,
  Objection,
  ObjectionCreate,
  ObjectionDecide,
  PayablePreview,
  Payment,
  PaymentBatch,
  PaymentBatchCreate,
  QueueQuery,
  ResultImport,
  Review,
  ReviewAction,
  WorkflowExport,
  ReviewBatch,
  ReviewOverview,
  ReviewResult,
  Visit,
  VisitCreate,
  VisitGroup,
  VisitGroupCreate,
  WorkflowLine,
} from '../workflow-types';

const C = '/condolence';
type Paged = { page?: number; page_size?: number };

export const workflowKeys = {
  all: ['condolence-workflow'] as const,
  campaigns: ['condolence-workflow', 'campaigns'] as const,
  campaign: (id: number) => ['condolence-workflow', 'campaign', id] as const,
  overview: (id: number) => ['condolence-workflow', 'overview', id] as const,
  balancing: (id: number) => ['condolence-workflow', 'balancing', id] as const,
  decisions: (id: number) => ['condolence-workflow', 'decisions', id] as const,
  lineHistory: (id: number) => ['condolence-workflow', 'line-history', id] as const,
  notices: (id: number) => ['condolence-workflow', 'notices', id] as const,
  groups: (id: number) => ['condolence-workflow', 'groups', id] as const,
  payable: (id: number) => ['condolence-workflow', 'payable', id] as const,
  summary: (id: number) => ['condolence-workflow', 'summary', id] as const,
  festivals: (year: number) => ['condolence-workflow', 'festivals', year] as const,
};

// ---- campaigns (the roster's list, read only here) ----------------------------------------------

export function useCampaignList() {
  return useQuery({
    queryKey: workflowKeys.campaigns,
    queryFn: () => getPage<CampaignRef>(`${C}/campaigns`, { page_size: 100 }),
    staleTime: 30_000,
  });
}

export function useCampaign(id: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.campaign(id ?? 0),
    queryFn: async () => (await apiClient.get<CampaignRef>(`${C}/campaigns/${id}`)).data,
    enabled: !!id,
  });
}

// ---- review chain -------------------------------------------------------------------------------

export function useReviewOverview(campaignId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.overview(campaignId ?? 0),
    queryFn: async () => (await apiClient.get<ReviewOverview>(`${C}/campaigns/${campaignId}/review-overview`)).data,
    enabled: !!campaignId,
  });
}

export function listQueue(campaignId: number, query: QueueQuery & Paged): Promise<Page<WorkflowLine>> {
  return getPage<WorkflowLine>(`${C}/campaigns/${campaignId}/review-queue`, { ...query });
}

export function listReviewBatches(campaignId: number, query: Paged): Promise<Page<ReviewBatch>> {
  return getPage<ReviewBatch>(`${C}/campaigns/${campaignId}/review-batches`, { ...query });
}

export function listReviews(campaignId: number, query: Paged & { level?: string; action?: string }): Promise<Page<Review>> {
  return getPage<Review>(`${C}/campaigns/${campaignId}/reviews`, { ...query });
}

export function useLineHistory(lineId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.lineHistory(lineId ?? 0),
    queryFn: async () => (await apiClient.get<Review[]>(`${C}/lines/${lineId}/reviews`)).data,
    enabled: !!lineId,
  });
}

export type ReviewTarget = { kind: 'lines'; campaignId: number; lineIds: number[] } | { kind: 'batch'; batchId: number };

export function useReview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ target, action, comment }: { target: ReviewTarget; action: ReviewAction; comment?: string }) => {
      const body = { action, ...(comment ? { comment } : {}) };
      const url =
        target.kind === 'batch'
          ? `${C}/batches/${target.batchId}/review`
          : target.lineIds.length === 1
            ? `${C}/lines/${target.lineIds[0]}/review`
            : `${C}/campaigns/${target.campaignId}/reviews`;
      const payload = target.kind === 'lines' && target.lineIds.length > 1 ? { ...body, line_ids: target.lineIds } : body;
      return (await apiClient.post<ReviewResult>(url, payload, { silent: [409, 422] })).data;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: workflowKeys.all }),
  });
}

export function useCorrectLine() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ lineId, body }: { lineId: number; body: LineCorrection }) =>
      (await apiClient.post<WorkflowLine>(`${C}/lines/${lineId}/correct`, body, { silent: [422] })).data,
    onSettled: () => qc.invalidateQueries({ queryKey: workflowKeys.all }),
  });
}

// ---- balancing and freeze -----------------------------------------------------------------------

export function useBalancing(campaignId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.balancing(campaignId ?? 0),
    queryFn: async () => (await apiClient.get<Balancing>(`${C}/campaigns/${campaignId}/balancing`)).data,
    enabled: !!campaignId,
  });
}

export function useBalancingDecisions(campaignId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.decisions(campaignId ?? 0),
    queryFn: () => getPage<BalancingDecision>(`${C}/campaigns/${campaignId}/balancing/decisions`, { page_size: 50 }),
    enabled: !!campaignId,
  });
}

export function useDecide(campaignId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: BalancingDecisionCreate) =>
      (await apiClient.post<BalancingDecision>(`${C}/campaigns/${campaignId}/balancing/decisions`, body, { silent: [422] })).data,
    onSettled: () => qc.invalidateQueries({ queryKey: workflowKeys.all }),
  });
}

export function useFreeze(campaignId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (comment?: string) =>
      (await apiClient.post<FreezeResult>(`${C}/campaigns/${campaignId}/freeze`, comment ? { comment } : {})).data,
    onSettled: () => qc.invalidateQueries({ queryKey: workflowKeys.all }),
  });
}

// ---- notices ------------------------------------------------------------------------------------

export function useNotices(campaignId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.notices(campaignId ?? 0),
    queryFn: () => getPage<Notice>(`${C}/campaigns/${campaignId}/notices`, { page_size: 100 }),
    enabled: !!campaignId,
  });
}

export function noticeQuery(id: number) {
  return queryOptions({
    queryKey: [...workflowKeys.all, 'notice', id] as const,
    queryFn: () => getWithEtag<Notice>(`${C}/notices/${id}`),
    staleTime: 0,
  });
}

export function listNoticeLines(noticeId: number, query: Paged & { q?: string; objection_upheld?: boolean }): Promise<Page<NoticeLine>> {
  return getPage<NoticeLine>(`${C}/notices/${noticeId}/lines`, { ...query });
}

export function listObjections(noticeId: number, query: Paged & { outcome?: string }): Promise<Page<Objection>> {
  return getPage<Objection>(`${C}/notices/${noticeId}/objections`, { ...query });
}

/** A mutation that refreshes every workflow query once it settles (counts move on several screens). */
function useWorkflowMutation<A, R>(fn: (args: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: workflowKeys.all }) });
}

export function useCreateNotice() {
  return useWorkflowMutation(async ({ campaignId, body }: { campaignId: number; body: NoticeCreate }) =>
    (await apiClient.post<Notice>(`${C}/campaigns/${campaignId}/notices`, body, { silent: [422] })).data);
}

export function useUpdateNotice() {
  return useWorkflowMutation(async ({ id, etag, body }: { id: number; etag: string | null; body: NoticeUpdate }) =>
    (await apiClient.patch<Notice>(`${C}/notices/${id}`, body, { headers: ifMatch(etag), silent: [422] })).data);
}

export function useDeleteNotice() {
  return useWorkflowMutation(async ({ id }: { id: number }) => {
    const { etag } = await getWithEtag<Notice>(`${C}/notices/${id}`);
    await apiClient.delete(`${C}/notices/${id}`, { headers: ifMatch(etag) });
  });
}

export function usePostNotice() {
  return useWorkflowMutation(async ({ id, posted_on }: { id: number; posted_on?: string }) =>
    (await apiClient.post<Notice>(`${C}/notices/${id}/post`, posted_on ? { posted_on } : {}, { silent: [422] })).data);
}

export function useCreateObjection() {
  return useWorkflowMutation(async ({ noticeId, body }: { noticeId: number; body: ObjectionCreate }) =>
    (await apiClient.post<Objection>(`${C}/notices/${noticeId}/objections`, body, { silent: [422] })).data);
}

export function useDecideObjection() {
  return useWorkflowMutation(async ({ id, body }: { id: number; body: ObjectionDecide }) =>
    (await apiClient.post<Objection>(`${C}/objections/${id}/decide`, body, { silent: [422] })).data);
}

// ---- visits -------------------------------------------------------------------------------------

export function useVisitGroups(campaignId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.groups(campaignId ?? 0),
    queryFn: () => getPage<VisitGroup>(`${C}/campaigns/${campaignId}/visit-groups`, { page_size: 100 }),
    enabled: !!campaignId,
  });
}

export function listGroupLines(groupId: number, query: Paged): Promise<Page<WorkflowLine>> {
  return getPage<WorkflowLine>(`${C}/visit-groups/${groupId}/lines`, { ...query });
}

export function listVisits(campaignId: number, query: Paged & { group_id?: number }): Promise<Page<Visit>> {
  return getPage<Visit>(`${C}/campaigns/${campaignId}/visits`, { ...query });
}

export function useCreateGroup() {
  return useWorkflowMutation(async ({ campaignId, body }: { campaignId: number; body: VisitGroupCreate }) =>
    (await apiClient.post<VisitGroup>(`${C}/campaigns/${campaignId}/visit-groups`, body, { silent: [422] })).data);
}

export function useUpdateGroup() {
  return useWorkflowMutation(async ({ id, body }: { id: number; body: Partial<VisitGroupCreate> }) => {
    const { etag } = await getWithEtag<VisitGroup>(`${C}/visit-groups/${id}`);
    return (await apiClient.patch<VisitGroup>(`${C}/visit-groups/${id}`, body, { headers: ifMatch(etag), silent: [422] })).data;
  });
}

export function useDeleteGroup() {
  return useWorkflowMutation(async ({ id }: { id: number }) => {
    const { etag } = await getWithEtag<VisitGroup>(`${C}/visit-groups/${id}`);
    await apiClient.delete(`${C}/visit-groups/${id}`, { headers: ifMatch(etag) });
  });
}

export function useAssign() {
  return useWorkflowMutation(async ({ groupId, body }: { groupId: number; body: Assign }) =>
    (await apiClient.post<AssignResult>(`${C}/visit-groups/${groupId}/assign`, body)).data);
}

export function useUnassign() {
  return useWorkflowMutation(async ({ groupId, lineIds }: { groupId: number; lineIds: number[] }) =>
    (await apiClient.post<AssignResult>(`${C}/visit-groups/${groupId}/unassign`, { line_ids: lineIds })).data);
}

export function useCreateVisit() {
  return useWorkflowMutation(async ({ campaignId, body }: { campaignId: number; body: VisitCreate }) =>
    (await apiClient.post<Visit>(`${C}/campaigns/${campaignId}/visits`, body, { silent: [422] })).data);
}

export function useDeleteVisit() {
  return useWorkflowMutation(async ({ id }: { id: number }) => {
    const { etag } = await getWithEtag<Visit>(`${C}/visits/${id}`);
    await apiClient.delete(`${C}/visits/${id}`, { headers: ifMatch(etag) });
  });
}

// ---- payments -----------------------------------------------------------------------------------

export function usePayable(campaignId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.payable(campaignId ?? 0),
    queryFn: async () => (await apiClient.get<PayablePreview>(`${C}/campaigns/${campaignId}/payable`)).data,
    enabled: !!campaignId,
  });
}

export function listPaymentBatches(campaignId: number, query: Paged): Promise<Page<PaymentBatch>> {
  return getPage<PaymentBatch>(`${C}/campaigns/${campaignId}/payment-batches`, { ...query });
}

export function listPayments(batchId: number, query: Paged & { status?: string }): Promise<Page<Payment>> {
  return getPage<Payment>(`${C}/payment-batches/${batchId}/payments`, { ...query });
}

export function useCreatePaymentBatch() {
  return useWorkflowMutation(async ({ campaignId, body }: { campaignId: number; body: PaymentBatchCreate }) =>
    (await apiClient.post<PaymentBatch>(`${C}/campaigns/${campaignId}/payment-batches`, body)).data);
}

export function useCancelPaymentBatch() {
  return useWorkflowMutation(async ({ id, comment }: { id: number; comment?: string }) =>
    (await apiClient.post<PaymentBatch>(`${C}/payment-batches/${id}/cancel`, comment ? { comment } : {})).data);
}

export function useImportResults() {
  return useWorkflowMutation(async ({ id, file }: { id: number; file: File }) => {
    const form = new FormData();
    form.append('file', file);
    return (await apiClient.post<ResultImport>(`${C}/payment-batches/${id}/results`, form, { silent: [422, 409], timeout: 300_000 })).data;
  });
}

// ---- summaries ----------------------------------------------------------------------------------

export function useCampaignSummary(campaignId: number | undefined) {
  return useQuery({
    queryKey: workflowKeys.summary(campaignId ?? 0),
    queryFn: async () => (await apiClient.get<CampaignSummary>(`${C}/campaigns/${campaignId}/summary`)).data,
    enabled: !!campaignId,
  });
}

export function useFestivalSummary(year: number) {
  return useQuery({
    queryKey: workflowKeys.festivals(year),
    queryFn: async () => (await apiClient.get<FestivalSummary>(`${C}/summaries/festivals`, { params: { year } })).data,
  });
}

// ---- generated files (background jobs) -----------------------------------------------------------

/** Ask for a file to be built in the background; answers at once with its record and `job_id`. */
export async function requestExport(kind: ExportKind, subjectId: number, format: ExportFormat): Promise<WorkflowExport> {
  return (await apiClient.post<WorkflowExport>(`${C}/exports`, { kind, subject_id: subjectId, format })).data;
}

export async function fetchExport(id: number): Promise<WorkflowExport> {
  return (await apiClient.get<WorkflowExport>(`${C}/exports/${id}`)).data;
}

/** Save a built file under its own name. */
export function downloadExport(e: Pick<WorkflowExport, 'id' | 'filename' | 'format'>) {
  return downloadFromApi(`${C}/exports/${e.id}/file`, {}, e.filename ?? `export-${e.id}.${e.format}`);
}

