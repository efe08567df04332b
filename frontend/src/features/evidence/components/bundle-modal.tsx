// A record's zip: the bundle job's progress, then the download (a fresh short-lived link each time).
import { useState } from 'react';
import { DownloadOutlined, FileZipOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Result, Space, Spin, Typography } from 'antd';
import { JobProgress } from '@/components/job-progress';
import { isApiError } from '@/lib/api-client';
import { useJob } from '@/lib/jobs';
import { useT } from '@/locales';
import { downloadBundle, useBundle, useRequestBundle } from '../api/evidence';
import { formatBytes } from '../format';
import { evidenceMessages } from '../locales';

export function BundleModal({ bundleId, subject, onClose }: { bundleId: number; subject: string; onClose: () => void }) {
  const t = useT(evidenceMessages);
  const { message } = App.useApp();
  const { data: bundle, error } = useBundle(bundleId);
  const { data: job } = useJob(bundle?.job_id);
  const [busy, setBusy] = useState(false);

  let body;
  if (error) body = <Alert type="error" showIcon message={error.message} />;
  else if (!bundle) body = <Spin style={{ display: 'block', margin: '32px auto' }} />;
  else if (bundle.status === 'failed') body = <Result status="error" title={t('evidence.bundle.failed')} subTitle={bundle.error} />;
  else if (bundle.status === 'succeeded')
    body = (
      <Result
        status="success"
        icon={<FileZipOutlined />}
        title={t('evidence.bundle.done', { count: bundle.item_count ?? 0, size: formatBytes(bundle.size) })}
        subTitle={t('evidence.bundle.hint')}
        extra={
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            loading={busy}
            data-testid="bundle-download"
            onClick={async () => {
              setBusy(true);
              try {
                await downloadBundle(bundle.id);
              } catch (e) {
                void message.error(isApiError(e) ? e.message : t('evidence.bundle.failed'));
              } finally {
                setBusy(false);
              }
            }}
          >
            {t('evidence.bundle.download')}
          </Button>
        }
      />
    );
  else
    body = (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t('evidence.bundle.running')}</Typography.Text>
        {job ? <JobProgress job={job} /> : <Spin />}
      </Space>
    );

  return (
    <Modal open title={t('evidence.bundle.title', { subject })} footer={null} onCancel={onClose} destroyOnHidden width={520}>
      <div data-testid="bundle-modal" data-status={bundle?.status ?? ''}>
        {body}
      </div>
    </Modal>
  );
}

/** "打包下载" for one record: starts a bundle job and shows it. */
export function BundleButton({ subjectType, subjectId, subject, disabled }: { subjectType: string; subjectId: number; subject: string; disabled?: boolean }) {
  const t = useT(evidenceMessages);
  const request = useRequestBundle();
  const [bundleId, setBundleId] = useState<number | null>(null);
  return (
    <>
      <Button
        icon={<FileZipOutlined />}
        disabled={disabled}
        loading={request.isPending}
        data-testid="evidence-bundle"
        onClick={async () => setBundleId((await request.mutateAsync({ subject_type: subjectType, subject_id: subjectId })).id)}
      >
        {t('evidence.panel.bundle')}
      </Button>
      {bundleId !== null ? <BundleModal bundleId={bundleId} subject={subject} onClose={() => setBundleId(null)} /> : null}
    </>
  );
}
