// A download of a file the server builds in the background (the notice, a bank file, an arrangement
// table, the upward report): a click asks for the file, the link then shows the job's progress
// (lib/jobs.ts polling) and the file downloads by itself when it is ready. A county-size notice takes
// a worker tens of seconds; a small one is ready within the first poll.
import { useEffect, useRef, useState } from 'react';
import { App, Button, Progress, Space, Tooltip } from 'antd';
import { isJobActive, jobPercent, useJob } from '@/lib/jobs';
import { useT } from '@/locales';
import { downloadExport, fetchExport, requestExport } from '../api/workflow';
import type { ExportFormat, ExportKind, WorkflowExport } from '../workflow-types';
import { workflowMessages } from '../workflow-locales';
import { explain } from './workflow-errors';

export interface ExportLinkProps {
  kind: ExportKind;
  subjectId: number;
  format?: ExportFormat;
  label: React.ReactNode;
  testId?: string;
  /** A primary button instead of a link. */
  button?: boolean;
  disabled?: boolean;
}

export function ExportLink({ kind, subjectId, format = 'xlsx', label, testId, button, disabled }: ExportLinkProps) {
  const t = useT(workflowMessages);
  const { message } = App.useApp();
  const [file, setFile] = useState<WorkflowExport | null>(null);
  const [asking, setAsking] = useState(false);
  const job = useJob(file?.job_id ?? null);
  const handled = useRef<number | null>(null);

  const save = async (e: WorkflowExport) => {
    try {
      const r = await downloadExport(e);
      message.success(t('cw.export.ready', { name: r.filename }));
    } catch (error) {
      message.error(explain(error));
    }
  };

  // The job finished: fetch the file's record once and download it (or say why it failed).
  useEffect(() => {
    const j = job.data;
    if (!file || !j || isJobActive(j) || handled.current === file.id) return;
    handled.current = file.id;
    void (async () => {
      try {
        const done = await fetchExport(file.id);
        setFile(done);
        if (done.status === 'succeeded') await save(done);
        else message.error(t('cw.export.failed', { error: done.error ?? j.error ?? '' }));
      } catch (error) {
        message.error(explain(error));
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job.data, file]);

  const start = async () => {
    setAsking(true);
    try {
      const e = await requestExport(kind, subjectId, format);
      handled.current = null;
      setFile(e);
    } catch (error) {
      message.error(explain(error));
    } finally {
      setAsking(false);
    }
  };

  const j = job.data;
  const building = asking || (!!file && (file.status === 'queued' || file.status === 'running') && (!j || isJobActive(j)));
  if (building) {
    const pct = j ? jobPercent(j) : null;
    return (
      <Space size={4} data-testid={testId ? `${testId}-progress` : undefined}>
        <Progress type="circle" size={16} percent={pct ?? 0} />
        <span>{!j || j.status === 'queued' ? t('cw.export.queued') : t('cw.export.running', { pct: pct === null ? '' : `${Math.floor(pct)}%` })}</span>
      </Space>
    );
  }
  const ready = file?.status === 'succeeded' ? file : null;
  const onClick = () => void (ready ? save(ready) : start());
  const text = ready ? <>{label}（{t('cw.export.again')}）</> : label;
  return (
    <Tooltip title={t('cw.export.hint')}>
      {button ? (
        <Button type="primary" onClick={onClick} disabled={disabled} data-testid={testId}>{text}</Button>
      ) : (
        <a onClick={disabled ? undefined : onClick} data-testid={testId}>{text}</a>
      )}
    </Tooltip>
  );
}
