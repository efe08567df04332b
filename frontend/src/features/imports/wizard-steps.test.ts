import { describe, expect, it } from 'vitest';
import type { ImportBatch } from './types';
import { commitBlock, fileProblem, initialMode, isBusy, resultCounts, rowsToWrite, STEP_INDEX, stepOf } from './wizard-steps';

function batch(overrides: Partial<ImportBatch> = {}): ImportBatch {
  return {
    id: 1,
    kind: 'members',
    kind_label: '会员',
    mode: 'all_or_nothing',
    mode_label: '全部正确才导入',
    status: 'validated',
    status_label: '校验完成',
    filename: '会员.xlsx',
    file_size: 1000,
    sheet_name: 'Sheet1',
    header_row: 1,
    columns: { name: '姓名' },
    ignored_columns: [],
    total_rows: 10,
    valid_rows: 8,
    error_rows: 2,
    created_count: 0,
    updated_count: 0,
    unchanged_count: 0,
    first_errors: [],
    error_code: null,
    error_message: null,
    notice: null,
    default_org_id: null,
    annotated_url: null,
    created_by: 1,
    created_by_name: null,
    dry_run_job_id: 5,
    commit_job_id: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    validated_at: null,
    committed_at: null,
    progress: { step: null, step_label: null, done: null, total: null },
    ...overrides,
  };
}

describe('stepOf', () => {
  it('follows the batch through the wizard', () => {
    expect(stepOf(undefined)).toBe('upload');
    expect(stepOf(batch({ status: 'pending' }))).toBe('checking');
    expect(stepOf(batch({ status: 'validating' }))).toBe('checking');
    expect(stepOf(batch({ status: 'validated' }))).toBe('report');
    expect(stepOf(batch({ status: 'invalid' }))).toBe('report');
    expect(stepOf(batch({ status: 'committing', commit_job_id: 9 }))).toBe('committing');
    expect(stepOf(batch({ status: 'committed', commit_job_id: 9 }))).toBe('result');
    expect(stepOf(batch({ status: 'rejected', commit_job_id: 9 }))).toBe('result');
  });

  it('shows a failure or a cancel where it happened: in the check, or in the commit', () => {
    expect(stepOf(batch({ status: 'failed', commit_job_id: null }))).toBe('report');
    expect(stepOf(batch({ status: 'failed', commit_job_id: 9 }))).toBe('result');
    expect(stepOf(batch({ status: 'cancelled', commit_job_id: null }))).toBe('report');
    expect(stepOf(batch({ status: 'cancelled', commit_job_id: 9 }))).toBe('result');
  });

  it('numbers the steps 上传 → 校验 → 导入 → 结果', () => {
    expect([STEP_INDEX.upload, STEP_INDEX.checking, STEP_INDEX.report, STEP_INDEX.committing, STEP_INDEX.result]).toEqual([0, 1, 1, 2, 3]);
  });

  it('polls only while a job works on the batch', () => {
    expect(['pending', 'validating', 'committing'].every(isBusy)).toBe(true);
    expect(['validated', 'invalid', 'committed', 'rejected', 'failed', 'cancelled'].some(isBusy)).toBe(false);
  });
});

describe('commit', () => {
  it('all-or-nothing refuses a file with bad rows; only-valid writes the valid ones', () => {
    const b = batch({ valid_rows: 8, error_rows: 2 });
    expect(commitBlock(b, 'all_or_nothing')).toBe('has_errors');
    expect(rowsToWrite(b, 'all_or_nothing')).toBe(0);
    expect(commitBlock(b, 'valid_only')).toBeNull();
    expect(rowsToWrite(b, 'valid_only')).toBe(8);
  });

  it('a clean file commits in either mode', () => {
    const b = batch({ valid_rows: 10, error_rows: 0 });
    expect(commitBlock(b, 'all_or_nothing')).toBeNull();
    expect(commitBlock(b, 'valid_only')).toBeNull();
    expect(rowsToWrite(b, 'all_or_nothing')).toBe(10);
  });

  it('nothing to commit without valid rows, or before the check finished', () => {
    expect(commitBlock(batch({ valid_rows: 0, error_rows: 10 }), 'valid_only')).toBe('no_valid_rows');
    expect(commitBlock(batch({ status: 'validating' }), 'valid_only')).toBe('not_validated');
    expect(commitBlock(batch({ status: 'committed' }), 'valid_only')).toBe('not_validated');
  });

  it('preselects the mode chosen at upload', () => {
    expect(initialMode(batch({ mode: 'valid_only' }))).toBe('valid_only');
    expect(initialMode(batch({ mode: 'all_or_nothing' }))).toBe('all_or_nothing');
  });
});

describe('resultCounts', () => {
  it('counts the rows written and those left out', () => {
    expect(resultCounts(batch({ status: 'committed', created_count: 5, updated_count: 2, unchanged_count: 1, error_rows: 2 }))).toEqual({
      created: 5,
      updated: 2,
      unchanged: 1,
      failed: 2,
    });
  });

  it('a rejected commit wrote nothing: every row counts as not imported', () => {
    expect(resultCounts(batch({ status: 'rejected', total_rows: 10, created_count: 0 }))).toEqual({ created: 0, updated: 0, unchanged: 0, failed: 10 });
  });
});

describe('fileProblem', () => {
  it('takes spreadsheets only, within the size limit', () => {
    expect(fileProblem(null)).toEqual({ key: 'noFile' });
    expect(fileProblem({ name: '会员.XLSX', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'members.csv', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'old.xls', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'photo.jpg', size: 10 })).toEqual({ key: 'badType' });
    expect(fileProblem({ name: 'big.xlsx', size: 3 * 1024 * 1024 }, 2)).toEqual({ key: 'tooBig', mb: 2 });
  });
});
