// Employers (单位): list with filters and sort, CRUD with ETag.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import type { Employer, EmployerCreate, EmployerQuery, EmployerUpdate } from '../types';

export const employerKeys = {
  all: ['employers'] as const,
  detail: (id: number) => ['employers', 'detail', id] as const,
  search: (q: string) => ['employers', 'search', q] as const,
};

export const EMPLOYER_SORT_FIELDS = ['name', 'staff_count', 'created_at'] as const;

export function listEmployers(query: EmployerQuery): Promise<Page<Employer>> {
  return getPage<Employer>('/employers', { ...query });
}

export function employerDetailQuery(id: number) {
  return queryOptions({
    queryKey: employerKeys.detail(id),
    queryFn: () => getWithEtag<Employer>(`/employers/${id}`, { silent: [404] }),
    staleTime: 0,
  });
}

export function useEmployer(id: number | undefined) {
  return useQuery({ ...employerDetailQuery(id ?? 0), enabled: id !== undefined });
}

export async function createEmployer(data: EmployerCreate): Promise<Employer> {
  return (await apiClient.post<Employer>('/employers', data, { silent: [422] })).data;
}

export async function updateEmployer({ id, etag, data }: { id: number; etag: string | null; data: EmployerUpdate }): Promise<Employer> {
  return (await apiClient.patch<Employer>(`/employers/${id}`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

export async function deleteEmployer({ id, etag }: { id: number; etag: string | null }): Promise<void> {
  await apiClient.delete(`/employers/${id}`, { headers: ifMatch(etag) });
}

function useEmployerMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: employerKeys.all }) });
}

export const useCreateEmployer = () => useEmployerMutation(createEmployer);
export const useUpdateEmployer = () => useEmployerMutation(updateEmployer);
export const useDeleteEmployer = () => useEmployerMutation(deleteEmployer);
