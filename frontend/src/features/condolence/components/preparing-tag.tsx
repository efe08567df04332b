// A notice or payment batch whose lines a background job is writing (status `preparing`): the tag
// follows the job (lib/jobs.ts polling, like export-link.tsx) with its progress, and calls `onDone`
// once when the job has ended, so the page refreshes its list and says how it went. `failed` shows
// why (the job wrote nothing).
import { useEffect, useRef } from 'react';
import { Progress, Space, Tag, Tooltip } from 'antd';
import { isJobActive, jobPercent, type Job, useJob } from '@/lib/jobs';
import { useT } from '@/locales';
import { workflowMessages } from '../workflow-locales';

export interface PreparingTagProps {
  status: string;
  statusLabel?: string | null;
  jobId?: number | null;
  error?: string | null;
  /** Called once when the job has ended (succeeded, failed or cancelled). */
  onDone?: (job: Job) => void;
  testId?: string;
}

export function PreparingTag({ status, statusLabel, jobId, error, onDone, testId }: PreparingTagProps) {
  const t = useT(workflowMessages);
  const preparing = status === 'preparing';
  const job = useJob(preparing ? jobId ?? null : null);
  const handled = useRef<number | null>(null);

  useEffect(() => {
    const j = job.data;
    if (!preparing || !j || isJobActive(j) || handled.current === j.id) return;
    handled.current = j.id;
    onDone?.(j);
  }, [job.data, preparing, onDone]);

  if (status === 'failed') {
    return (
      <Tooltip title={error ?? undefined}>
        <Tag color="red" data-testid={testId ? `${testId}-failed` : undefined}>{statusLabel ?? t('cw.prepare.failed')}</Tag>
      </Tooltip>
    );
  }
  if (!preparing) return null;
  const j = job.data;
  const pct = j ? jobPercent(j) : null;
  return (
    <Space size={4} data-testid={testId ? `${testId}-preparing` : undefined}>
      <Progress type="circle" size={16} percent={pct ?? 0} />
      <span>{!j || j.status === 'queued' ? t('cw.prepare.queued') : t('cw.prepare.running', { pct: pct === null ? '' : `${Math.floor(pct)}%` })}</span>
    </Space>
  );
}
