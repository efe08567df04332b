// Background jobs as every screen sees them: the `jobs` row (GET /jobs/{id}) and polling that follows
// a job, an import or an upload until it is done. The job centre (features/jobs) lists and cancels
// them; imports and evidence follow their own job here (features never import each other).
import { useRef } from 'react';
import { type QueryKey, useQuery } from '@tanstack/react-query';
import type { components } from '@/types/api.gen';
import { apiClient, isApiError } from './api-client';

export type Job = components['schemas']['Job'];
export type JobStatus = Job['status'];

export const JOB_ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running'];

export function isJobActive(job: Pick<Job, 'status'> | null | undefined): boolean {
  return !!job && JOB_ACTIVE_STATUSES.includes(job.status);
}

/**
 * How long to wait before asking again, `elapsedMs` after polling started: every second while a job
 * is young (most finish within seconds), every 2 s for the first minutes, then every 5 s.
 */
export function pollInterval(elapsedMs: number): number {
  if (elapsedMs < 20_000) return 1_000;
  if (elapsedMs < 180_000) return 2_000;
  return 5_000;
}

/** Progress in percent (0–100) for a progress bar: the server's, else done/total, else null. */
export function jobPercent(job: Pick<Job, 'status' | 'progress_done' | 'progress_total' | 'progress_percent'>): number | null {
  if (job.status === 'succeeded') return 100;
  if (job.progress_percent !== null && job.progress_percent !== undefined) return Math.max(0, Math.min(100, job.progress_percent));
  if (job.progress_total) return Math.max(0, Math.min(100, Math.round((1000 * job.progress_done) / job.progress_total) / 10));
  return null;
}

export interface PolledQueryOptions<T> {
  queryKey: QueryKey;
  queryFn: () => Promise<T>;
  /** True once the resource reached a state that will not change by itself: polling stops. */
  isDone: (data: T) => boolean;
  enabled?: boolean;
  /** Override of the interval schedule (tests). */
  interval?: (elapsedMs: number) => number;
}

/**
 * `useQuery` that asks again until `isDone(data)`, backing off with `pollInterval`. A 4xx answer (the
 * record is gone, or not ours) stops polling; network errors and 5xx are retried on the schedule.
 */
export function usePolledQuery<T>({ queryKey, queryFn, isDone, enabled = true, interval = pollInterval }: PolledQueryOptions<T>) {
  const started = useRef<number | null>(null);
  return useQuery({
    queryKey,
    queryFn,
    enabled,
    staleTime: 0,
    retry: false,
    refetchInterval: (query) => {
      const { data, error } = query.state;
      const stop = (error && isApiError(error) && error.status >= 400 && error.status < 500) || (data !== undefined && isDone(data));
      if (stop) {
        // Polling may start again (an import checked, then committed): the schedule starts over.
        started.current = null;
        return false;
      }
      started.current ??= Date.now();
      return interval(Date.now() - started.current);
    },
  });
}

export const jobKeys = {
  all: ['jobs'] as const,
  detail: (id: number) => ['jobs', 'detail', id] as const,
};

export async function fetchJob(id: number): Promise<Job> {
  return (await apiClient.get<Job>(`/jobs/${id}`, { silent: [404] })).data;
}

/** One job, polled while it is queued or running. */
export function useJob(id: number | null | undefined, options: { interval?: (elapsedMs: number) => number } = {}) {
  return usePolledQuery<Job>({
    queryKey: jobKeys.detail(id ?? 0),
    queryFn: () => fetchJob(id ?? 0),
    isDone: (job) => !isJobActive(job),
    enabled: typeof id === 'number' && id > 0,
    interval: options.interval,
  });
}
