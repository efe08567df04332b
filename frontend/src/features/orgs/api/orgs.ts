// The org tree: GET/POST /orgs, GET/PATCH/DELETE /orgs/{id} (ETag), POST /orgs/{id}/move, codebook.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import type { Codebook, Org, OrgCreate, OrgQuery, OrgUpdate } from '../types';

export const orgKeys = {
  /** Shared with src/components/org-tree-select (same root key), so one invalidation refreshes both. */
  all: ['orgs'] as const,
  detail: (id: number) => ['orgs', 'detail', id] as const,
  codebook: ['orgs', 'codebook'] as const,
};

export function listOrgs(query: OrgQuery): Promise<Page<Org>> {
  return getPage<Org>('/orgs', { ...query });
}

export function orgDetailQuery(id: number) {
  return queryOptions({
    queryKey: orgKeys.detail(id),
    queryFn: () => getWithEtag<Org>(`/orgs/${id}`, { silent: [404] }),
    staleTime: 0,
  });
}

export function useOrg(id: number | undefined) {
  return useQuery({ ...orgDetailQuery(id ?? 0), enabled: id !== undefined });
}

export async function createOrg(data: OrgCreate): Promise<Org> {
  return (await apiClient.post<Org>('/orgs', data, { silent: [422] })).data;
}

export async function updateOrg({ id, etag, data }: { id: number; etag: string | null; data: OrgUpdate }): Promise<Org> {
  return (await apiClient.patch<Org>(`/orgs/${id}`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function moveOrg({ id, parentId }: { id: number; parentId: number }): Promise<Org> {
  return (await apiClient.post<Org>(`/orgs/${id}/move`, { parent_id: parentId }, { silent: [422] })).data;
}

export async function deleteOrg({ id, etag }: { id: number; etag: string | null }): Promise<void> {
  await apiClient.delete(`/orgs/${id}`, { headers: ifMatch(etag) });
}

function useOrgMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: orgKeys.all }),
  });
}

export const useCreateOrg = () => useOrgMutation(createOrg);
export const useUpdateOrg = () => useOrgMutation(updateOrg);
export const useMoveOrg = () => useOrgMutation(moveOrg);
export const useDeleteOrg = () => useOrgMutation(deleteOrg);

export async function fetchCodebook(): Promise<Codebook> {
  return (await apiClient.get<Codebook>('/codebook')).data;
}

export function useCodebook() {
  return useQuery({ queryKey: orgKeys.codebook, queryFn: fetchCodebook, staleTime: Infinity });
}
