import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '@/lib/jobs';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render';
import { PreparingTag } from './preparing-tag';

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 41, kind: 'condolence.payment_batch', queue: 'default', status: 'running', status_label: '运行中', parent_id: null,
    started_by: 1, started_by_name: null, progress_done: 1, progress_total: 3, progress_percent: null, counts: {}, result: null,
    error: null, error_detail: null, attempts: 1, retries: 0, max_retries: 0, recoveries: 0, cancel_requested: false,
    chunks_total: 0, chunks_done: 0, chunks_failed: 0, created_at: '2027-01-01T00:00:00Z', started_at: null,
    heartbeat_at: null, finished_at: null, ...overrides,
  };
}

describe('PreparingTag', () => {
  let api: MockApi | null = null;
  afterEach(() => {
    api?.restore();
    api = null;
  });

  it('follows the job while the object is prepared and calls onDone once when it ends', async () => {
    let state: Job = job();
    api = mockApi().on('GET', '/jobs/41', () => ({ data: state }));
    const onDone = vi.fn();
    renderWithProviders(<PreparingTag status="preparing" jobId={41} onDone={onDone} testId="batch" />);
    expect(await screen.findByText('生成中 33%')).toBeTruthy();
    expect(onDone).not.toHaveBeenCalled();
    state = job({ status: 'succeeded', progress_done: 3, result: { batch_no: '2027-1-001', lines: 3, total_fen: 150000 } });
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1), { timeout: 4000 });
    expect((onDone.mock.calls[0]?.[0] as Job).result).toEqual({ batch_no: '2027-1-001', lines: 3, total_fen: 150000 });
  });

  it('shows a failed preparation with its reason and asks nothing', () => {
    renderWithProviders(<PreparingTag status="failed" statusLabel="生成失败" jobId={41} error="没有可以发放的对象" testId="batch" />);
    expect(screen.getByTestId('batch-failed').textContent).toBe('生成失败');
  });
});
