// Codebook, policies, reviews due (待复核) and statistics of the hardship file.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import type {
  Codebook,
  Household,
  Policy,
  PolicyCreate,
  PolicyUpdate,
  ReviewsDueQuery,
  ReviewsDueSummary,
  Statistics,
  StatisticsQuery,
} from '../types';
import { hardshipKeys } from './households';

export function useHardshipCodebook() {
  return useQuery({
    queryKey: [...hardshipKeys.all, 'codebook'],
    queryFn: async () => (await apiClient.get<Codebook>('/hardship/codebook')).data,
    staleTime: 60 * 60_000,
  });
}

export function listReviewsDue(query: ReviewsDueQuery & { page?: number; page_size?: number }): Promise<Page<Household>> {
  return getPage<Household>('/hardship/reviews-due', { ...query });
}

export function useReviewsDueSummary(query: ReviewsDueQuery = {}, options: { enabled?: boolean; refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: [...hardshipKeys.all, 'reviews-due', 'summary', query],
    queryFn: async () => (await apiClient.get<ReviewsDueSummary>('/hardship/reviews-due/summary', { params: query })).data,
    ...options,
  });
}

export function useHardshipStatistics(query: StatisticsQuery) {
  return useQuery({
    queryKey: [...hardshipKeys.all, 'statistics', query],
    queryFn: async () => (await apiClient.get<Statistics>('/hardship/statistics', { params: query })).data,
    placeholderData: (previous) => previous,
  });
}

export const policyKeys = { all: [...hardshipKeys.all, 'policies'] as const };

export function usePolicies() {
  return useQuery({
    queryKey: policyKeys.all,
    queryFn: () => getPage<Policy>('/hardship/policies', { page_size: 100 }),
  });
}

export function usePolicyInForce() {
  return useQuery({
    queryKey: [...policyKeys.all, 'current'],
    queryFn: async () => (await apiClient.get<Policy>('/hardship/policies/current', { silent: [404] })).data,
    retry: false,
  });
}

export async function createPolicy(data: PolicyCreate): Promise<Policy> {
  return (await apiClient.post<Policy>('/hardship/policies', data, { silent: [422] })).data;
}

export function getPolicy(id: number) {
  return getWithEtag<Policy>(`/hardship/policies/${id}`);
}

export async function updatePolicy({ id, etag, data }: { id: number; etag: string | null; data: PolicyUpdate }): Promise<Policy> {
  return (await apiClient.patch<Policy>(`/hardship/policies/${id}`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

/** Delete an unused policy (the server refuses one households were judged by). */
export async function deletePolicy(id: number): Promise<void> {
  const { etag } = await getPolicy(id);
  await apiClient.delete(`/hardship/policies/${id}`, { headers: ifMatch(etag) });
}

function usePolicyMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: hardshipKeys.all });
    },
  });
}

export const useCreatePolicy = () => usePolicyMutation(createPolicy);
export const useUpdatePolicy = () => usePolicyMutation(updatePolicy);
export const useDeletePolicy = () => usePolicyMutation(deletePolicy);
