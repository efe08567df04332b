import type { ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { apiClient } from './api-client';
import { createTestQueryClient } from '@/testing/render';
import { isJobActive, type Job, jobKeys, jobPercent, pollInterval, useJob, usePolledQuery } from './jobs';

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 7,
    kind: 'orgs.import_members_commit',
    queue: 'long',
    status: 'queued',
    status_label: '排队中',
    parent_id: null,
    started_by: 1, started_by_name: null,
    progress_done: 0,
    progress_total: null,
    progress_percent: null,
    counts: {},
    result: null,
    error: null,
    error_detail: null,
    attempts: 0,
    retries: 0,
    max_retries: 0,
    recoveries: 0,
    cancel_requested: false,
    chunks_total: 0,
    chunks_done: 0,
    chunks_failed: 0,
    created_at: '2026-01-01T00:00:00Z',
    started_at: null,
    heartbeat_at: null,
    finished_at: null,
    ...overrides,
  };
}

const fast = () => 15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function wrapper() {
  const client = createTestQueryClient();
  return {
    client,
    Wrapper: ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>,
  };
}

let api: MockApi;
afterEach(() => api?.restore());

describe('pollInterval and progress', () => {
  it('asks often while a job is young, then backs off', () => {
    expect(pollInterval(0)).toBe(1000);
    expect(pollInterval(19_999)).toBe(1000);
    expect(pollInterval(60_000)).toBe(2000);
    expect(pollInterval(600_000)).toBe(5000);
  });

  it('reads percent from the server, from done/total, and 100 when done', () => {
    expect(jobPercent(job({ progress_percent: 42.5 }))).toBe(42.5);
    expect(jobPercent(job({ progress_done: 1, progress_total: 3 }))).toBe(33.3);
    expect(jobPercent(job({ progress_done: 5, progress_total: null }))).toBeNull();
    expect(jobPercent(job({ status: 'succeeded', progress_percent: 97 }))).toBe(100);
    expect(isJobActive(job({ status: 'running' }))).toBe(true);
    expect(isJobActive(job({ status: 'failed' }))).toBe(false);
  });
});

describe('useJob', () => {
  it('polls a job through queued → running → succeeded, then stops asking', async () => {
    const answers = [
      job({ status: 'queued' }),
      job({ status: 'running', progress_done: 500, progress_total: 1000, progress_percent: 50 }),
      job({ status: 'succeeded', progress_done: 1000, progress_total: 1000, progress_percent: 100, result: { created: 3 } }),
    ];
    let n = 0;
    api = mockApi().on('GET', '/jobs/7', () => ({ data: answers[Math.min(n++, answers.length - 1)] }));
    const { Wrapper } = wrapper();
    const seen: string[] = [];
    const { result } = renderHook(
      () => {
        const query = useJob(7, { interval: fast });
        if (query.data && seen[seen.length - 1] !== query.data.status) seen.push(query.data.status);
        return query;
      },
      { wrapper: Wrapper },
    );
    await waitFor(() => expect(result.current.data?.status).toBe('succeeded'));
    expect(seen).toEqual(['queued', 'running', 'succeeded']);
    const calls = api.calls.length;
    await act(() => sleep(120));
    expect(api.calls.length).toBe(calls);
    expect(calls).toBe(3);
  });

  it('stops on 404 (the job is gone or not ours) but keeps trying through server errors', async () => {
    let n = 0;
    api = mockApi()
      .on('GET', '/jobs/8', { status: 404, data: { code: 404, message: '任务不存在' } })
      .on('GET', '/jobs/9', () => (n++ < 2 ? { status: 503, data: { message: 'Service Unavailable' } } : { data: job({ id: 9, status: 'failed', error: '文件无法读取' }) }));
    const { Wrapper } = wrapper();
    const gone = renderHook(() => useJob(8, { interval: fast }), { wrapper: Wrapper });
    await waitFor(() => expect(gone.result.current.error).toBeTruthy());
    await act(() => sleep(100));
    expect(api.calls.filter((c) => c.url === '/jobs/8').length).toBe(1);

    const flaky = renderHook(() => useJob(9, { interval: fast }), { wrapper: Wrapper });
    await waitFor(() => expect(flaky.result.current.data?.status).toBe('failed'));
    expect(flaky.result.current.data?.error).toBe('文件无法读取');
    expect(api.calls.filter((c) => c.url === '/jobs/9').length).toBe(3);
  });

  it('does not ask without an id', async () => {
    api = mockApi();
    const { Wrapper } = wrapper();
    renderHook(() => useJob(null), { wrapper: Wrapper });
    await act(() => sleep(50));
    expect(api.calls).toHaveLength(0);
  });
});

describe('usePolledQuery', () => {
  it('starts polling again when the data is set back to a busy state (checked → committing)', async () => {
    let status = 'validated';
    api = mockApi().on('GET', '/imports/3', () => ({ data: { id: 3, status } }));
    const { Wrapper, client } = wrapper();
    const key = ['imports', 'detail', 3];
    const { result } = renderHook(
      () =>
        usePolledQuery<{ id: number; status: string }>({
          queryKey: key,
          queryFn: async () => (await apiClient.get<{ id: number; status: string }>('/imports/3')).data,
          isDone: (b) => b.status !== 'committing',
          interval: fast,
        }),
      { wrapper: Wrapper },
    );
    await waitFor(() => expect(result.current.data?.status).toBe('validated'));
    await act(() => sleep(60));
    expect(api.calls).toHaveLength(1);

    status = 'committing';
    act(() => client.setQueryData(key, { id: 3, status: 'committing' }));
    await waitFor(() => expect(api.calls.length).toBeGreaterThan(2));
    status = 'committed';
    await waitFor(() => expect(result.current.data?.status).toBe('committed'));
    const calls = api.calls.length;
    await act(() => sleep(80));
    expect(api.calls.length).toBe(calls);
    expect(jobKeys.detail(1)).toEqual(['jobs', 'detail', 1]);
  });
});
