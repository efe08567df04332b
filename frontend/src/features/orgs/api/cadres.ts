// Union cadres (工会干部): list, CRUD with ETag.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import type { Cadre, CadreCreate, CadreQuery, CadreUpdate } from '../types';

export const cadreKeys = {
  all: ['cadres'] as const,
  detail: (id: number) => ['cadres', 'detail', id] as const,
};

export function listCadres(query: CadreQuery): Promise<Page<Cadre>> {
  return getPage<Cadre>('/cadres', { ...query });
}

export function cadreDetailQuery(id: number) {
  return queryOptions({
    queryKey: cadreKeys.detail(id),
    queryFn: () => getWithEtag<Cadre>(`/cadres/${id}`, { silent: [404] }),
    staleTime: 0,
  });
}

export function useCadre(id: number | undefined) {
  return useQuery({ ...cadreDetailQuery(id ?? 0), enabled: id !== undefined });
}

export async function createCadre(data: CadreCreate): Promise<Cadre> {
  return (await apiClient.post<Cadre>('/cadres', data, { silent: [422] })).data;
}

export async function updateCadre({ id, etag, data }: { id: number; etag: string | null; data: CadreUpdate }): Promise<Cadre> {
  return (await apiClient.patch<Cadre>(`/cadres/${id}`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function deleteCadre({ id, etag }: { id: number; etag: string | null }): Promise<void> {
  await apiClient.delete(`/cadres/${id}`, { headers: ifMatch(etag) });
}

function useCadreMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: cadreKeys.all }) });
}

export const useCreateCadre = () => useCadreMutation(createCadre);
export const useUpdateCadre = () => useCadreMutation(updateCadre);
export const useDeleteCadre = () => useCadreMutation(deleteCadre);
