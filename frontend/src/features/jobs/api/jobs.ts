// GET /jobs (the tenant's jobs the user may see), POST /jobs/{id}/cancel, and the running count for
// the header. One job polled until done: useJob in src/lib/jobs (shared with imports and evidence).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, type Page, readPagination } from '@/lib/api-client';
import { type Job, jobKeys } from '@/lib/jobs';
import type { JobQuery } from '../types';

export function listJobs(query: JobQuery & { page?: number; page_size?: number }): Promise<Page<Job>> {
  return getPage<Job>('/jobs', { ...query });
}

export async function cancelJob(id: number): Promise<Job> {
  return (await apiClient.post<Job>(`/jobs/${id}/cancel`)).data;
}

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelJob,
    onSuccess: async (job) => {
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      await queryClient.invalidateQueries({ queryKey: jobKeys.all });
    },
  });
}

export interface ActiveJobs {
  /** Queued + running jobs the user may see. */
  total: number;
  /** The newest few, for the header's popover. */
  items: Job[];
}

async function silentPage(status: 'running' | 'queued'): Promise<Page<Job>> {
  // A background probe: a failure here must not pop up a message every few seconds.
  const response = await apiClient.get<Job[]>('/jobs', { params: { status, page: 1, page_size: 5 }, silent: true });
  return { items: response.data, total: readPagination(response, response.data.length).total, page: 1, pageSize: 5 };
}

export async function fetchActiveJobs(): Promise<ActiveJobs> {
  const [running, queued] = await Promise.all([silentPage('running'), silentPage('queued')]);
  return { total: running.total + queued.total, items: [...running.items, ...queued.items].slice(0, 5) };
}

/** For the header: asked every 5 s while something runs, every 30 s otherwise. */
export function useActiveJobs(enabled: boolean) {
  return useQuery({
    queryKey: [...jobKeys.all, 'active'] as const,
    queryFn: fetchActiveJobs,
    enabled,
    staleTime: 0,
    retry: false,
    refetchInterval: (query) => ((query.state.data?.total ?? 0) > 0 ? 5_000 : 30_000),
  });
}
