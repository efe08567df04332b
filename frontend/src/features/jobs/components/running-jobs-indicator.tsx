// The header's "N 个任务进行中" badge: what is queued or running in the user's view, with live progress
// in a popover and a link to the job centre. Shown only while something runs.
import { SyncOutlined } from '@ant-design/icons';
import { Button, List, Popover, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { JobProgress, JobStatusTag } from '@/components/job-progress';
import { paths } from '@/config/paths';
import { useLocale, useT } from '@/locales';
import { useActiveJobs } from '../api/jobs';
import { kindLabel } from '../job-kinds';
import { jobsMessages } from '../locales';

export function RunningJobsIndicator({ enabled = true }: { enabled?: boolean }) {
  const t = useT(jobsMessages);
  const [locale] = useLocale();
  const { data } = useActiveJobs(enabled);
  if (!data || data.total === 0) return null;
  const content = (
    <div style={{ width: 320 }} data-testid="running-jobs-popover">
      <List
        size="small"
        dataSource={data.items}
        locale={{ emptyText: t('jobs.indicator.empty') }}
        renderItem={(job) => (
          <List.Item style={{ display: 'block' }}>
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <Typography.Text ellipsis style={{ maxWidth: 200 }}>
                {kindLabel(t, job.kind, locale)}
              </Typography.Text>
              <JobStatusTag job={job} />
            </Space>
            <JobProgress job={job} size="small" showCounts={false} />
          </List.Item>
        )}
      />
      <Link to={paths.jobs}>
        <Button type="link" size="small" style={{ paddingInline: 0 }}>
          {t('jobs.indicator.all')}
        </Button>
      </Link>
    </div>
  );
  return (
    <Popover title={t('jobs.indicator.title')} content={content} placement="bottomRight" trigger={['hover', 'click']}>
      <Link to={paths.jobs} data-testid="running-jobs">
        <Space size={4} style={{ fontSize: 13 }}>
          <SyncOutlined spin />
          <span>{t('jobs.indicator.running', { n: data.total })}</span>
        </Space>
      </Link>
    </Popover>
  );
}
