import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render';
import type { ImportKindConfig } from '../kinds';
import type { ImportBatch } from '../types';
import { ImportWizard } from './import-wizard';

const employers: ImportKindConfig = { kind: 'employers', label: '法人单位', description: '法人单位台账', writePermission: 'employers.write' };

function batch(overrides: Partial<ImportBatch>): ImportBatch {
  return {
    id: 5, kind: 'employers', kind_label: '单位', mode: 'all_or_nothing', mode_label: '', status: 'pending', status_label: '',
    filename: '单位.xlsx', file_size: 100, sheet_name: null, header_row: null, columns: null, ignored_columns: null,
    total_rows: 0, valid_rows: 0, error_rows: 0, created_count: 0, updated_count: 0, unchanged_count: 0, first_errors: [],
    error_code: null, error_message: null, notice: null, default_org_id: null, annotated_url: null, created_by: 1, created_by_name: null,
    dry_run_job_id: 11, commit_job_id: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
    validated_at: null, committed_at: null, progress: { step: null, step_label: null, done: null, total: null }, ...overrides,
  };
}

const checked = batch({
  status: 'validated', sheet_name: 'Sheet1', header_row: 2, columns: { name: '企业名称', credit_code: '信用代码' },
  ignored_columns: ['序号'], total_rows: 4, valid_rows: 3, error_rows: 1, annotated_url: '/api/v1/imports/5/annotated.xlsx',
  first_errors: [{ row: 4, column: 'B', field: '统一社会信用代码', message: '校验位错误', text: '第4行 统一社会信用代码：校验位错误' }],
});

function job(id: number, status: string, percent: number | null) {
  return {
    id, kind: 'orgs.import_employers_commit', queue: 'long', status, status_label: status, parent_id: null, started_by: 1, started_by_name: null,
    progress_done: percent ?? 0, progress_total: percent === null ? null : 100, progress_percent: percent, counts: {}, result: null,
    error: null, error_detail: null, attempts: 1, retries: 0, max_retries: 0, recoveries: 0, cancel_requested: false,
    chunks_total: 0, chunks_done: 0, chunks_failed: 0, created_at: '2026-01-01T00:00:00Z', started_at: null, heartbeat_at: null, finished_at: null,
  };
}

describe('ImportWizard', () => {
  let api: MockApi;
  beforeEach(() => {
    document.cookie = 'csrf_token=t; path=/';
  });
  afterEach(() => api.restore());

  it('upload → check → report with problems → only the valid rows → progress → result', async () => {
    let current: ImportBatch = batch({});
    let reads = 0;
    api = mockApi()
      .on('POST', '/imports', () => ({ status: 201, data: current }))
      .on('GET', '/imports/5', () => {
        reads += 1;
        if (current.status === 'pending') current = batch({ status: 'validating', progress: { step: 'check', step_label: '读取校验', done: 2, total: 4 } });
        else if (current.status === 'validating') current = checked;
        else if (current.status === 'committing' && reads > 4) current = { ...checked, status: 'committed', commit_job_id: 12, created_count: 2, updated_count: 1, unchanged_count: 0 };
        return { data: current };
      })
      .on('GET', '/jobs/11', { data: job(11, 'running', 40) })
      .on('GET', '/jobs/12', () => ({ data: job(12, current.status === 'committed' ? 'succeeded' : 'running', current.status === 'committed' ? 100 : 60) }))
      .on('POST', '/imports/5/commit', ({ body }) => {
        expect(body).toEqual({ mode: 'valid_only' });
        current = { ...checked, status: 'committing', commit_job_id: 12 };
        return { status: 202, data: current };
      });
    const batches: (number | null)[] = [];
    renderWithProviders(<ImportWizard kinds={[employers]} onBatch={(b) => batches.push(b?.id ?? null)} />);

    // 1. upload: a file of the wrong type is refused before anything is sent
    // (rc-upload renders a fresh <input> after each pick)
    const input = () => document.querySelector('[data-testid="import-upload"] input[type=file]') as HTMLInputElement;
    await userEvent.upload(input(), new File(['x'], 'photo.jpg', { type: 'image/jpeg' }), { applyAccept: false });
    expect(await screen.findByTestId('import-upload-error')).toHaveTextContent('只能导入 .xlsx、.xls 或 .csv 文件');
    await userEvent.upload(input(), new File(['PK'], '单位.xlsx'), { applyAccept: false });
    await waitFor(() => expect(screen.queryByTestId('import-upload-error')).toBeNull());
    fireEvent.click(screen.getByTestId('import-start'));
    await waitFor(() => expect(batches).toEqual([5]));
    const upload = api.calls.find((c) => c.method === 'POST' && c.url === '/imports');
    const form = upload?.body as FormData;
    expect(form.get('kind')).toBe('employers');
    expect((form.get('file') as File).name).toBe('单位.xlsx');

    // 2. the check runs (its step and rows from the batch), then the report: counts, sheet, problems
    expect(await screen.findByText('读取校验：已处理 2 / 4 行', {}, { timeout: 4000 })).toBeInTheDocument();
    const report = await screen.findByTestId('import-report', {}, { timeout: 8000 });
    expect(within(report).getByTestId('import-total')).toHaveTextContent('4');
    expect(within(report).getByTestId('import-valid')).toHaveTextContent('3');
    expect(within(report).getByTestId('import-invalid')).toHaveTextContent('1');
    expect(report).toHaveTextContent('读取的工作表：Sheet1，表头在第 2 行');
    expect(report).toHaveTextContent('未识别、不导入的列：序号');
    const problem = within(screen.getByTestId('import-problems')).getAllByRole('row')[1];
    expect(problem).toHaveTextContent('4');
    expect(problem).toHaveTextContent('B');
    expect(problem).toHaveTextContent('统一社会信用代码');
    expect(problem).toHaveTextContent('校验位错误');
    expect(screen.getAllByTestId('import-download-annotated').length).toBeGreaterThan(0);

    // 3. all-or-nothing is blocked with the reason; only-valid may go
    expect(screen.getByTestId('import-commit')).toBeDisabled();
    expect(screen.getByText(/有 1 行错误，按“全部正确才导入”不能导入/)).toBeInTheDocument();
    fireEvent.click(screen.getByText('只导入正确的行'));
    expect(screen.getByTestId('import-commit')).toBeEnabled();
    fireEvent.click(screen.getByTestId('import-commit'));
    fireEvent.click(await screen.findByTestId('import-commit-confirm'));

    // 4. progress of the commit job, then the result
    await screen.findByTestId('import-committing');
    const result = await screen.findByTestId('import-result', {}, { timeout: 10000 });
    expect(within(result).getByTestId('import-result-title')).toHaveTextContent('导入完成');
    expect(within(result).getByTestId('import-created')).toHaveTextContent('2');
    expect(within(result).getByTestId('import-updated')).toHaveTextContent('1');
    expect(within(result).getByTestId('import-failed')).toHaveTextContent('1');
  }, 30_000);

  it('a file the server cannot read shows its message and offers another upload', async () => {
    api = mockApi().on('GET', '/imports/9', {
      data: batch({ id: 9, status: 'invalid', error_code: 'corrupt', error_message: '文件已损坏或不是 Excel 文件，无法读取' }),
    });
    renderWithProviders(<ImportWizard kinds={[employers]} batchId={9} />);
    expect(await screen.findByTestId('import-invalid-message')).toHaveTextContent('文件已损坏或不是 Excel 文件，无法读取');
    fireEvent.click(screen.getByRole('button', { name: /重新上传/ }));
    await screen.findByTestId('import-upload');
  });

  it('a job that died without finishing the import says so instead of waiting for ever', async () => {
    api = mockApi()
      .on('GET', '/imports/7', { data: batch({ id: 7, status: 'validating', dry_run_job_id: 21 }) })
      .on('GET', '/jobs/21', { data: { ...job(21, 'failed', null), error: '任务执行超时，已停止' } });
    renderWithProviders(<ImportWizard kinds={[employers]} batchId={7} />);
    expect(await screen.findByTestId('import-job-ended')).toHaveTextContent('导入失败');
    expect(screen.getByText('任务执行超时，已停止')).toBeInTheDocument();
  });
});
