// One job in the drawer of the job centre: what it is, how far it got, what it counted, why it
// failed (in plain words; the technical detail only for platform admins), retries and chunks.
import { Alert, Descriptions, Space, Spin, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { JobProgress, JobStatusTag } from '@/components/job-progress';
import { paths } from '@/config/paths';
import { useJob } from '@/lib/jobs';
import { useLocale, useT } from '@/locales';
import { useUserNames } from '../api/users';
import { countEntries, duration, importIdOf, kindLabel } from '../job-kinds';
import { jobsMessages } from '../locales';
import { StartedBy } from './started-by';

function when(value: string | null): string {
  return value ? new Date(value).toLocaleString('zh-CN', { hour12: false }) : '—';
}

export function JobDetail({ jobId }: { jobId: number }) {
  const t = useT(jobsMessages);
  const [locale] = useLocale();
  const { data: job, error } = useJob(jobId);
  const names = useUserNames([job?.started_by]);
  if (error) return <Alert type="error" showIcon message={error.message} />;
  if (!job) return <Spin style={{ display: 'block', margin: '48px auto' }} />;
  const entries = countEntries(t, job);
  const importId = importIdOf(job);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="job-detail">
      <Space size={8} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {kindLabel(t, job.kind, locale)}
        </Typography.Title>
        <JobStatusTag job={job} />
      </Space>
      <JobProgress job={job} />
      {job.error ? <Alert type="error" showIcon message={t('jobs.error')} description={job.error} /> : null}
      <Descriptions column={1} size="small" bordered labelStyle={{ width: 132 }}>
        <Descriptions.Item label={t('jobs.col.id')}>{job.id}</Descriptions.Item>
        <Descriptions.Item label={t('jobs.col.startedBy')}>
          <StartedBy id={job.started_by} name={job.started_by_name} names={names} />
        </Descriptions.Item>
        <Descriptions.Item label={t('jobs.col.createdAt')}>{when(job.created_at)}</Descriptions.Item>
        <Descriptions.Item label={t('jobs.col.startedAt')}>{when(job.started_at)}</Descriptions.Item>
        <Descriptions.Item label={t('jobs.col.finishedAt')}>{when(job.finished_at)}</Descriptions.Item>
        <Descriptions.Item label={t('jobs.col.duration')}>{duration(t, job.started_at, job.finished_at) ?? '—'}</Descriptions.Item>
        {entries.length ? (
          <Descriptions.Item label={t('jobs.col.result')}>
            <Space size={[4, 4]} wrap>
              {entries.map((e) => (
                <Tag key={e.key} bordered={false}>
                  {`${e.label} ${e.value}`.trim()}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
        ) : null}
        {importId ? (
          <Descriptions.Item label={t('menu.imports')}>
            <Link to={`${paths.imports}/${importId}`}>{t('jobs.openImport')}</Link>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('jobs.queue')}>{t(`jobs.queue.${job.queue}` as 'jobs.queue.long')}</Descriptions.Item>
        <Descriptions.Item label={t('jobs.attempts')}>{job.attempts}</Descriptions.Item>
        {job.recoveries ? <Descriptions.Item label={t('jobs.recoveries')}>{job.recoveries}</Descriptions.Item> : null}
        {job.chunks_total ? (
          <Descriptions.Item label={t('jobs.chunks')}>
            {t('jobs.chunksValue', { done: job.chunks_done, total: job.chunks_total, failed: job.chunks_failed })}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {job.error_detail ? (
        <div>
          <Typography.Text type="secondary">{t('jobs.errorDetail')}</Typography.Text>
          <pre style={{ maxHeight: 240, overflow: 'auto', fontSize: 12, background: '#fafafa', padding: 8 }}>{job.error_detail}</pre>
        </div>
      ) : null}
    </Space>
  );
}
