// The hardship file (困难职工档案): list, detail with ETag, apply/nominate, edit, the lifecycle actions
// (visit, file, review, exit, reject), history, relief, and the audited reveal of full ID numbers.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import type {
  ExitBody,
  FileBody,
  HistoryEntry,
  HouseholdCreate,
  HouseholdDetail,
  Household,
  HouseholdQuery,
  HouseholdSensitive,
  HouseholdUpdate,
  RejectBody,
  Relief,
  ReliefCreate,
  ReliefQuery,
  ReviewCreate,
  ReviewResult,
  Visit,
  VisitCreate,
} from '../types';

export const hardshipKeys = {
  all: ['hardship'] as const,
  households: ['hardship', 'households'] as const,
  detail: (id: number) => ['hardship', 'households', 'detail', id] as const,
  visits: (id: number) => ['hardship', 'households', 'visits', id] as const,
  history: (id: number) => ['hardship', 'households', 'history', id] as const,
  reliefs: (id: number) => ['hardship', 'households', 'reliefs', id] as const,
};

export const HOUSEHOLD_SORT_FIELDS = ['file_no', 'filed_on', 'next_review_due', 'per_capita_income_fen', 'head_name'] as const;

const BASE = '/hardship/households';

export function listHouseholds(query: HouseholdQuery & { page?: number; page_size?: number }): Promise<Page<Household>> {
  return getPage<Household>(BASE, { ...query });
}

export function householdDetailQuery(id: number) {
  return queryOptions({
    queryKey: hardshipKeys.detail(id),
    // 404 is an answer here (missing, another county's, or outside the user's subtree).
    queryFn: () => getWithEtag<HouseholdDetail>(`${BASE}/${id}`, { silent: [404] }),
    staleTime: 0,
  });
}

export function useHousehold(id: number | undefined) {
  return useQuery({ ...householdDetailQuery(id ?? 0), enabled: id !== undefined });
}

export function useHouseholdVisits(id: number | undefined) {
  return useQuery({
    queryKey: hardshipKeys.visits(id ?? 0),
    queryFn: () => getPage<Visit>(`${BASE}/${id}/visits`, { page_size: 100 }),
    enabled: id !== undefined,
  });
}

export function useHouseholdHistory(id: number | undefined) {
  return useQuery({
    queryKey: hardshipKeys.history(id ?? 0),
    queryFn: () => getPage<HistoryEntry>(`${BASE}/${id}/history`, { page_size: 100 }),
    enabled: id !== undefined,
  });
}

export function useHouseholdReliefs(id: number | undefined) {
  return useQuery({
    queryKey: hardshipKeys.reliefs(id ?? 0),
    queryFn: () => getPage<Relief>(`${BASE}/${id}/reliefs`, { page_size: 100 }),
    enabled: id !== undefined,
  });
}

export function listReliefs(query: ReliefQuery & { page?: number; page_size?: number }): Promise<Page<Relief>> {
  return getPage<Relief>('/hardship/reliefs', { ...query });
}

export async function createHousehold(data: HouseholdCreate): Promise<HouseholdDetail> {
  return (await apiClient.post<HouseholdDetail>(BASE, data, { silent: [422, 409] })).data;
}

export async function updateHousehold({ id, etag, data }: { id: number; etag: string | null; data: HouseholdUpdate }): Promise<HouseholdDetail> {
  return (await apiClient.patch<HouseholdDetail>(`${BASE}/${id}`, data, { headers: ifMatch(etag), silent: [422, 409] })).data;
}

type Action<B> = { id: number; etag: string | null; data: B };

export async function recordVisit({ id, etag, data }: Action<VisitCreate>): Promise<Visit> {
  return (await apiClient.post<Visit>(`${BASE}/${id}/visits`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function fileHousehold({ id, etag, data }: Action<FileBody>): Promise<HouseholdDetail> {
  return (await apiClient.post<HouseholdDetail>(`${BASE}/${id}/file`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function reviewHousehold({ id, etag, data }: Action<ReviewCreate>): Promise<ReviewResult> {
  return (await apiClient.post<ReviewResult>(`${BASE}/${id}/reviews`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function exitHousehold({ id, etag, data }: Action<ExitBody>): Promise<HouseholdDetail> {
  return (await apiClient.post<HouseholdDetail>(`${BASE}/${id}/exit`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function rejectHousehold({ id, etag, data }: Action<RejectBody>): Promise<HouseholdDetail> {
  return (await apiClient.post<HouseholdDetail>(`${BASE}/${id}/reject`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function createRelief({ id, data }: { id: number; data: ReliefCreate }): Promise<Relief> {
  return (await apiClient.post<Relief>(`${BASE}/${id}/reliefs`, data, { silent: [422] })).data;
}

/** Full ID and bank card numbers. Needs hardship.reveal_pii; the server logs every call. */
export async function revealHousehold(id: number): Promise<HouseholdSensitive> {
  return (await apiClient.get<HouseholdSensitive>(`${BASE}/${id}/id-numbers`)).data;
}

function useHardshipMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: hardshipKeys.all });
    },
  });
}

export const useCreateHousehold = () => useHardshipMutation(createHousehold);
export const useUpdateHousehold = () => useHardshipMutation(updateHousehold);
export const useRecordVisit = () => useHardshipMutation(recordVisit);
export const useFileHousehold = () => useHardshipMutation(fileHousehold);
export const useReviewHousehold = () => useHardshipMutation(reviewHousehold);
export const useExitHousehold = () => useHardshipMutation(exitHousehold);
export const useRejectHousehold = () => useHardshipMutation(rejectHousehold);
export const useCreateRelief = () => useHardshipMutation(createRelief);
export const useRevealHousehold = () => useMutation({ mutationFn: revealHousehold });
