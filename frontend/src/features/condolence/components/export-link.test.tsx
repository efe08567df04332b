import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as download from '@/lib/download';
import type { Job } from '@/lib/jobs';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render';
import type { WorkflowExport } from '../workflow-types';
import { ExportLink } from './export-link';

function file(overrides: Partial<WorkflowExport> = {}): WorkflowExport {
  return {
    id: 5, campaign_id: 1, kind: 'notice', kind_label: '公示名单', subject_id: 9, format: 'xlsx', status: 'queued',
    status_label: '排队中', job_id: 77, filename: null, size: null, rows: null, error: null, downloads: 0,
    requester_name: '管理员', created_at: '2027-01-01T00:00:00Z', finished_at: null, ...overrides,
  };
}

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 77, kind: 'condolence.export', queue: 'long', status: 'running', status_label: '运行中', parent_id: null,
    started_by: 1, started_by_name: null, progress_done: 150_000, progress_total: 300_000, progress_percent: null, counts: {}, result: null,
    error: null, error_detail: null, attempts: 1, retries: 0, max_retries: 2, recoveries: 0, cancel_requested: false,
    chunks_total: 0, chunks_done: 0, chunks_failed: 0, created_at: '2027-01-01T00:00:00Z', started_at: null,
    heartbeat_at: null, finished_at: null, ...overrides,
  };
}

describe('ExportLink', () => {
  let api: MockApi;
  beforeEach(() => {
    document.cookie = 'csrf_token=t; path=/';
  });
  afterEach(() => {
    api.restore();
    vi.restoreAllMocks();
  });

  it('asks for the file, shows the job’s progress, and downloads it when the job is done', async () => {
    let state: Job = job();
    const save = vi.spyOn(download, 'downloadFromApi').mockResolvedValue({ filename: '公示.xlsx', rows: 300000 });
    api = mockApi()
      .on('POST', '/condolence/exports', (req) => {
        expect(req.body).toEqual({ kind: 'notice', subject_id: 9, format: 'xlsx' });
        return { status: 202, data: file() };
      })
      .on('GET', '/jobs/77', () => ({ data: state }))
      .on('GET', '/condolence/exports/5', { data: file({ status: 'succeeded', filename: '公示.xlsx', rows: 300000 }) });
    renderWithProviders(<ExportLink kind="notice" subjectId={9} label="Excel" testId="notice-xlsx" />);

    fireEvent.click(screen.getByTestId('notice-xlsx'));
    expect(await screen.findByText('生成中 50%')).toBeTruthy();
    expect(save).not.toHaveBeenCalled();

    state = job({ status: 'succeeded', progress_done: 300_000 });
    await waitFor(() => expect(save).toHaveBeenCalledWith('/condolence/exports/5/file', {}, '公示.xlsx'), { timeout: 4000 });
    expect(await screen.findByText(/重新下载/)).toBeTruthy();
  });

  it('says why when the file could not be built', async () => {
    const save = vi.spyOn(download, 'downloadFromApi');
    api = mockApi()
      .on('POST', '/condolence/exports', { status: 202, data: file() })
      .on('GET', '/jobs/77', { data: job({ status: 'failed', error: '只有县总工会可以执行此操作' }) })
      .on('GET', '/condolence/exports/5', { data: file({ status: 'failed', error: '只有县总工会可以执行此操作' }) });
    renderWithProviders(<ExportLink kind="notice" subjectId={9} label="Excel" testId="notice-xlsx" />);
    fireEvent.click(screen.getByTestId('notice-xlsx'));
    expect(await screen.findByText(/文件生成失败：只有县总工会可以执行此操作/)).toBeTruthy();
    expect(save).not.toHaveBeenCalled();
  });
});
