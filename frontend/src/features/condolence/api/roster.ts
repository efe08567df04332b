// The roster API: campaigns (set-up, open/close nominations, copy, re-judge), nomination batches
// (upload with dry run, manual entry, submit), roster lines (filtered table, Excel export), code lists.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import { downloadFromApi } from '@/lib/download';
import type {
  Batch,
  BatchQuery,
  Campaign,
  CampaignCopy,
  CampaignCreate,
  CampaignQuery,
  CampaignUpdate,
  Line,
  LineCreate,
  LineQuery,
  Meta,
} from '../types';

export const rosterKeys = {
  all: ['condolence'] as const,
  meta: ['condolence', 'meta'] as const,
  campaigns: ['condolence', 'campaigns'] as const,
  campaign: (id: number) => ['condolence', 'campaigns', id] as const,
  batch: (id: number) => ['condolence', 'batches', id] as const,
};

// ---- code lists ---------------------------------------------------------------------------

export const metaQuery = queryOptions({
  queryKey: rosterKeys.meta,
  queryFn: async () => (await apiClient.get<Meta>('/condolence/meta')).data,
  staleTime: Infinity,
});

export function useMeta() {
  return useQuery(metaQuery);
}

// ---- campaigns ----------------------------------------------------------------------------

export function listCampaigns(query: CampaignQuery & { page?: number; page_size?: number }): Promise<Page<Campaign>> {
  return getPage<Campaign>('/condolence/campaigns', { ...query });
}

export function campaignQuery(id: number) {
  return queryOptions({
    queryKey: rosterKeys.campaign(id),
    queryFn: () => getWithEtag<Campaign>(`/condolence/campaigns/${id}`, { silent: [404] }),
    staleTime: 0,
  });
}

export function useCampaign(id: number | undefined) {
  return useQuery({ ...campaignQuery(id ?? 0), enabled: id !== undefined && id > 0 });
}

/** The campaigns for a picker, newest first (a county runs a handful a year). */
export function useCampaignOptions() {
  return useQuery({
    queryKey: [...rosterKeys.campaigns, 'options'],
    queryFn: async () => (await listCampaigns({ page: 1, page_size: 100 })).items,
    staleTime: 30_000,
  });
}

export async function createCampaign(data: CampaignCreate): Promise<Campaign> {
  return (await apiClient.post<Campaign>('/condolence/campaigns', data, { silent: [422] })).data;
}

export async function updateCampaign({ id, etag, data }: { id: number; etag: string | null; data: CampaignUpdate }): Promise<Campaign> {
  return (await apiClient.patch<Campaign>(`/condolence/campaigns/${id}`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function deleteCampaign({ id, etag }: { id: number; etag: string | null }): Promise<void> {
  await apiClient.delete(`/condolence/campaigns/${id}`, { headers: ifMatch(etag) });
}

export async function campaignAction({ id, action }: { id: number; action: 'open' | 'close-nominations' | 'rejudge' }): Promise<Campaign> {
  return (await apiClient.post<Campaign>(`/condolence/campaigns/${id}/${action}`)).data;
}

export async function copyCampaign({ id, data }: { id: number; data: CampaignCopy }): Promise<Campaign> {
  return (await apiClient.post<Campaign>(`/condolence/campaigns/${id}/copy`, data, { silent: [422] })).data;
}

// ---- batches ------------------------------------------------------------------------------

export function listBatches(campaignId: number, query: BatchQuery & { page?: number; page_size?: number }): Promise<Page<Batch>> {
  return getPage<Batch>(`/condolence/campaigns/${campaignId}/batches`, { ...query });
}

export function batchQuery(id: number) {
  return queryOptions({
    queryKey: rosterKeys.batch(id),
    queryFn: () => getWithEtag<Batch>(`/condolence/batches/${id}`, { silent: [404] }),
    staleTime: 0,
  });
}

/** One batch; polls while the roster job is reading or judging it. */
export function useBatch(id: number | undefined) {
  return useQuery({
    ...batchQuery(id ?? 0),
    enabled: id !== undefined && id > 0,
    refetchInterval: (query) => {
      const status = query.state.data?.data.status;
      return status === 'uploaded' || status === 'processing' || hasPending(query.state.data?.data) ? 1500 : false;
    },
  });
}

function hasPending(batch: Batch | undefined): boolean {
  return Boolean(batch?.by_status && (batch.by_status as Record<string, number>).pending);
}

export async function uploadBatch({ campaignId, file, orgId, submit }: {
  campaignId: number;
  file: File;
  orgId?: number;
  submit: boolean;
}): Promise<Batch> {
  const form = new FormData();
  form.append('file', file);
  form.append('submit', submit ? 'true' : 'false');
  if (orgId) form.append('org_id', String(orgId));
  return (await apiClient.post<Batch>(`/condolence/campaigns/${campaignId}/batches`, form, { silent: [422, 409] })).data;
}

export async function createManualBatch({ campaignId, orgId }: { campaignId: number; orgId?: number }): Promise<Batch> {
  return (await apiClient.post<Batch>(`/condolence/campaigns/${campaignId}/manual-batches`, orgId ? { org_id: orgId } : {}, { silent: [422] })).data;
}

export async function batchAction({ id, action }: { id: number; action: 'submit' | 'reprocess' }): Promise<Batch> {
  return (await apiClient.post<Batch>(`/condolence/batches/${id}/${action}`)).data;
}

export async function deleteBatch({ id, etag }: { id: number; etag: string | null }): Promise<void> {
  await apiClient.delete(`/condolence/batches/${id}`, { headers: ifMatch(etag) });
}

export async function addLine({ batchId, data }: { batchId: number; data: LineCreate }): Promise<Line> {
  return (await apiClient.post<Line>(`/condolence/batches/${batchId}/lines`, data, { silent: [422] })).data;
}

export async function deleteLine(id: number): Promise<void> {
  await apiClient.delete(`/condolence/lines/${id}`);
}

// ---- lines --------------------------------------------------------------------------------

export function listLines(campaignId: number, query: LineQuery & { page?: number; page_size?: number }): Promise<Page<Line>> {
  return getPage<Line>(`/condolence/campaigns/${campaignId}/lines`, { ...query });
}

export function exportLines(campaignId: number, query: LineQuery) {
  return downloadFromApi(`/condolence/campaigns/${campaignId}/lines.xlsx`, query, `roster-${campaignId}.xlsx`);
}

// ---- mutations ----------------------------------------------------------------------------

function useRosterMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: rosterKeys.all }) });
}

export const useCreateCampaign = () => useRosterMutation(createCampaign);
export const useUpdateCampaign = () => useRosterMutation(updateCampaign);
export const useDeleteCampaign = () => useRosterMutation(deleteCampaign);
export const useCampaignAction = () => useRosterMutation(campaignAction);
export const useCopyCampaign = () => useRosterMutation(copyCampaign);
export const useUploadBatch = () => useRosterMutation(uploadBatch);
export const useCreateManualBatch = () => useRosterMutation(createManualBatch);
export const useBatchAction = () => useRosterMutation(batchAction);
export const useDeleteBatch = () => useRosterMutation(deleteBatch);
export const useAddLine = () => useRosterMutation(addLine);
export const useDeleteLine = () => useRosterMutation(deleteLine);
