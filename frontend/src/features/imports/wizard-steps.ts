// The import wizard's step logic, kept apart from the screens so it can be tested on its own: which
// step a batch is in (from its status, so a reload or a later visit lands in the right place),
// whether it can be committed in a mode and why not, what the result counts are, and whether to
// keep polling.
import type { ImportBatch, ImportMode, ImportStatus } from './types';
import { ACCEPTED_EXTENSIONS, MAX_UPLOAD_MB } from './kinds';

export type WizardStep = 'upload' | 'checking' | 'report' | 'committing' | 'result';

/** Index in the antd <Steps>: 上传文件 → 校验 → 导入 → 结果. */
export const STEP_INDEX: Record<WizardStep, number> = { upload: 0, checking: 1, report: 1, committing: 2, result: 3 };

type BatchState = Pick<ImportBatch, 'status' | 'commit_job_id' | 'committed_at'>;

/** Statuses that change by themselves (a job is working): keep polling. */
export function isBusy(status: string): boolean {
  return status === 'pending' || status === 'validating' || status === 'committing';
}

/** Whether the commit phase was reached (its job started), which decides where a failure shows. */
function commitStarted(batch: BatchState): boolean {
  return batch.commit_job_id !== null || batch.committed_at !== null;
}

export function stepOf(batch: BatchState | null | undefined): WizardStep {
  if (!batch) return 'upload';
  switch (batch.status as ImportStatus) {
    case 'pending':
    case 'validating':
      return 'checking';
    case 'validated':
    case 'invalid':
      return 'report';
    case 'committing':
      return 'committing';
    case 'committed':
    case 'rejected':
      return 'result';
    case 'failed':
    case 'cancelled':
      return commitStarted(batch) ? 'result' : 'report';
    default:
      return 'report';
  }
}

export type CommitBlock = 'not_validated' | 'no_valid_rows' | 'has_errors';

/** Why the batch cannot be committed in `mode`, or null when it can. */
export function commitBlock(batch: Pick<ImportBatch, 'status' | 'valid_rows' | 'error_rows'>, mode: ImportMode): CommitBlock | null {
  if (batch.status !== 'validated') return 'not_validated';
  if (batch.valid_rows <= 0) return 'no_valid_rows';
  if (mode === 'all_or_nothing' && batch.error_rows > 0) return 'has_errors';
  return null;
}

/** The mode preselected after the check: the user's choice at upload time. */
export function initialMode(batch: Pick<ImportBatch, 'mode'>): ImportMode {
  return batch.mode === 'valid_only' ? 'valid_only' : 'all_or_nothing';
}

/** How many rows the commit will write in `mode`. */
export function rowsToWrite(batch: Pick<ImportBatch, 'valid_rows' | 'error_rows'>, mode: ImportMode): number {
  if (mode === 'all_or_nothing' && batch.error_rows > 0) return 0;
  return batch.valid_rows;
}

export interface ResultCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows not written: the bad rows (valid_only), or every row when nothing was written. */
  failed: number;
}

export function resultCounts(batch: Pick<ImportBatch, 'status' | 'total_rows' | 'error_rows' | 'created_count' | 'updated_count' | 'unchanged_count'>): ResultCounts {
  const written = batch.status === 'committed';
  return {
    created: written ? batch.created_count : 0,
    updated: written ? batch.updated_count : 0,
    unchanged: written ? batch.unchanged_count : 0,
    failed: written ? batch.error_rows : batch.total_rows,
  };
}

export type FileProblem = { key: 'noFile' } | { key: 'badType' } | { key: 'tooBig'; mb: number };

/** A file the wizard refuses before uploading (the server checks the content). */
export function fileProblem(file: Pick<File, 'name' | 'size'> | null | undefined, maxMb = MAX_UPLOAD_MB): FileProblem | null {
  if (!file) return { key: 'noFile' };
  const name = file.name.toLowerCase();
  if (!ACCEPTED_EXTENSIONS.some((ext) => name.endsWith(ext))) return { key: 'badType' };
  if (file.size > maxMb * 1024 * 1024) return { key: 'tooBig', mb: maxMb };
  return null;
}
