// How a background job is doing, the same on every screen: a status tag and a progress bar with the
// counts behind it ("已处理 1,200 / 5,000").
import { Progress, Space, Tag, Typography } from 'antd';
import { isJobActive, type Job, jobPercent, type JobStatus } from '@/lib/jobs';
import { useT } from '@/locales';

const STATUS_COLOR: Record<JobStatus, string> = {
  queued: 'default',
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'warning',
};

export function JobStatusTag({ job }: { job: Pick<Job, 'status' | 'status_label' | 'cancel_requested'> }) {
  const t = useT();
  const label = t(`job.status.${job.status}`);
  return (
    <Space size={4} wrap={false}>
      <Tag color={STATUS_COLOR[job.status] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid="job-status">
        {label}
      </Tag>
      {job.cancel_requested && isJobActive(job) ? <Tag color="warning">{t('job.cancelling')}</Tag> : null}
    </Space>
  );
}

export interface JobProgressProps {
  job: Pick<Job, 'status' | 'progress_done' | 'progress_total' | 'progress_percent'>;
  size?: 'small' | 'default';
  /** Show "已处理 x / y" under the bar. */
  showCounts?: boolean;
}

export function JobProgress({ job, size = 'default', showCounts = true }: JobProgressProps) {
  const t = useT();
  const percent = jobPercent(job);
  const status = job.status === 'failed' ? 'exception' : job.status === 'succeeded' ? 'success' : isJobActive(job) ? 'active' : 'normal';
  return (
    <div data-testid="job-progress" data-percent={percent ?? ''}>
      <Progress percent={percent ?? (isJobActive(job) ? 0 : 100)} status={status} size={size === 'small' ? 'small' : 'default'} />
      {showCounts && job.progress_total ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('job.progressCounts', {
            done: job.progress_done.toLocaleString('zh-CN'),
            total: job.progress_total.toLocaleString('zh-CN'),
          })}
        </Typography.Text>
      ) : null}
    </div>
  );
}
