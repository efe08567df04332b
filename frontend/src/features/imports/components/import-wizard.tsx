// The import wizard, generic over the import `kind` (see ../kinds.ts): choose what to import (and a
// default org where the kind has one) → upload → the dry run's report → choose the commit mode →
// commit with live progress → the result. The step comes from the batch's status, so reloading the
// page or coming back later lands in the right place.
import { type ReactNode, useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { CloudUploadOutlined, DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Popconfirm,
  Progress,
  Radio,
  Result,
  Row,
  Space,
  Spin,
  Statistic,
  Steps,
  Typography,
  Upload,
} from 'antd';
import { Link } from 'react-router';
import { JobProgress } from '@/components/job-progress';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { firstFieldMessage, isApiError } from '@/lib/api-client';
import { jobKeys, useJob } from '@/lib/jobs';
import { useT } from '@/locales';
import { downloadTemplate, useCommitImport, useImportBatch, useUploadImport } from '../api/imports';
import type { ImportKindConfig } from '../kinds';
import { ACCEPTED_EXTENSIONS, MAX_UPLOAD_MB } from '../kinds';
import { importsMessages } from '../locales';
import type { ImportBatch, ImportMode } from '../types';
import { commitBlock, fileProblem, initialMode, isBusy, resultCounts, rowsToWrite, STEP_INDEX, stepOf } from '../wizard-steps';
import { AnnotatedDownload, DryRunReport } from './dry-run-report';

function TemplateButton({ config }: { config: ImportKindConfig }) {
  const t = useT(importsMessages);
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      data-testid="import-template"
      onClick={async () => {
        setBusy(true);
        try {
          await downloadTemplate(config.kind);
        } catch (error) {
          void message.error(isApiError(error) ? error.message : t('imports.upload.failed'));
        } finally {
          setBusy(false);
        }
      }}
    >
      {t('imports.upload.template', { kind: config.label })}
    </Button>
  );
}

function UploadStep({
  kinds,
  kind,
  onKind,
  defaultOrgId,
  onUploaded,
}: {
  kinds: readonly ImportKindConfig[];
  kind: string;
  onKind: (kind: string) => void;
  defaultOrgId?: number;
  onUploaded: (batch: ImportBatch) => void;
}) {
  const t = useT(importsMessages);
  const upload = useUploadImport();
  const [file, setFile] = useState<File | null>(null);
  const [orgId, setOrgId] = useState<number | undefined>(defaultOrgId);
  const [percent, setPercent] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const config = kinds.find((k) => k.kind === kind) ?? kinds[0];
  if (!config) return <Result status="403" title={t('imports.upload.noPermission')} />;

  const describe = (p: NonNullable<ReturnType<typeof fileProblem>>) =>
    p.key === 'tooBig' ? t('imports.upload.tooBig', { mb: p.mb }) : t(`imports.upload.${p.key}`);

  const start = async () => {
    const bad = fileProblem(file);
    if (bad || !file) {
      setProblem(describe(bad ?? { key: 'noFile' }));
      return;
    }
    setProblem(null);
    setPercent(0);
    try {
      const batch = await upload.mutateAsync({
        kind: config.kind,
        file,
        orgId: config.defaultOrg ? orgId : undefined,
        onProgress: setPercent,
      });
      onUploaded(batch);
    } catch (error) {
      // 422 (e.g. a default union outside the user's scope) is shown here; others by the API client.
      if (isApiError(error) && error.status === 422) setProblem(firstFieldMessage(error.errors) ?? error.message);
    } finally {
      setPercent(null);
    }
  };

  return (
    <Form layout="vertical" style={{ maxWidth: 760 }} data-testid="import-upload">
      {kinds.length > 1 ? (
        <Form.Item label={t('imports.upload.kind')}>
          <Radio.Group
            value={config.kind}
            onChange={(e) => onKind(String(e.target.value))}
            optionType="button"
            buttonStyle="solid"
            data-testid="import-kind"
            options={kinds.map((k) => ({ value: k.kind, label: k.label }))}
          />
          <div style={{ marginTop: 8 }}>
            <Typography.Text type="secondary">{config.description}</Typography.Text>
          </div>
        </Form.Item>
      ) : (
        <Alert type="info" showIcon message={config.label} description={config.description} style={{ marginBottom: 16 }} />
      )}
      {config.defaultOrg ? (
        <Form.Item label={config.defaultOrg.label} extra={config.defaultOrg.hint}>
          <OrgTreeSelect
            value={orgId}
            onChange={(v) => setOrgId(v)}
            selectableTypes={config.defaultOrg.types}
            style={{ width: 420, maxWidth: '100%' }}
            data-testid="import-default-org"
          />
        </Form.Item>
      ) : null}
      <Form.Item label={t('imports.upload.file')} extra={t('imports.upload.templateHint')}>
        <Upload.Dragger
          accept={ACCEPTED_EXTENSIONS.join(',')}
          multiple={false}
          maxCount={1}
          fileList={file ? [{ uid: 'file', name: file.name, size: file.size, status: 'done' }] : []}
          beforeUpload={(f) => {
            setFile(f);
            const bad = fileProblem(f, MAX_UPLOAD_MB);
            setProblem(bad ? describe(bad) : null);
            return false;
          }}
          onRemove={() => {
            setFile(null);
            setProblem(null);
          }}
          disabled={upload.isPending}
          data-testid="import-file"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('imports.upload.drag')}</p>
          <p className="ant-upload-hint">{t('imports.upload.dragHint')}</p>
        </Upload.Dragger>
      </Form.Item>
      {problem ? <Alert type="error" showIcon message={problem} style={{ marginBottom: 16 }} data-testid="import-upload-error" /> : null}
      {percent !== null ? <Progress percent={percent} size="small" format={(p) => t('imports.upload.uploading', { percent: p ?? 0 })} /> : null}
      <Space wrap>
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => void start()} loading={upload.isPending} data-testid="import-start">
          {t('imports.upload.start')}
        </Button>
        <TemplateButton config={config} />
      </Space>
    </Form>
  );
}

function Working({ batch, phase, onAgain }: { batch: ImportBatch; phase: 'check' | 'commit'; onAgain: () => void }) {
  const t = useT(importsMessages);
  const jobId = phase === 'check' ? batch.dry_run_job_id : batch.commit_job_id;
  const { data: job } = useJob(jobId);
  // The batch says which step it is in and how many rows of it are done (read, check, write …).
  const p = batch.progress;
  const rowsProgress =
    p && p.total && p.done !== null
      ? {
          percent: Math.min(100, Math.round((100 * p.done) / p.total)),
          label: p.step_label ?? '',
          done: p.done.toLocaleString('zh-CN'),
          total: p.total.toLocaleString('zh-CN'),
        }
      : null;
  if (job && (job.status === 'failed' || job.status === 'cancelled')) {
    // The job ended without bringing the import to a result (a crash, a cancel): say so instead of
    // waiting for ever. Nothing was written: a run writes all of its rows or none.
    return (
      <Result
        status={job.status === 'failed' ? 'error' : 'info'}
        title={<span data-testid="import-job-ended">{job.status === 'failed' ? t('imports.result.failedTitle') : t('imports.result.cancelled')}</span>}
        subTitle={job.error ?? t('imports.job.ended')}
        extra={
          <Button type="primary" onClick={onAgain}>
            {t('imports.report.reupload')}
          </Button>
        }
      />
    );
  }
  return (
    <Space direction="vertical" size={16} style={{ width: '100%', maxWidth: 640 }} data-testid={phase === 'check' ? 'import-checking' : 'import-committing'}>
      <Space>
        <Spin />
        <Typography.Text strong>
          {phase === 'check'
            ? job?.status === 'queued'
              ? t('imports.check.queued')
              : t('imports.check.running', { file: batch.filename })
            : t('imports.commit.running', { file: batch.filename })}
        </Typography.Text>
      </Space>
      {rowsProgress ? (
        <div data-testid="import-rows-progress">
          <Progress percent={rowsProgress.percent} status="active" />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('imports.progress.rows', { step: rowsProgress.label, done: rowsProgress.done, total: rowsProgress.total })}
          </Typography.Text>
        </div>
      ) : job ? (
        <JobProgress job={job} />
      ) : (
        <Progress percent={0} status="active" />
      )}
      <Typography.Text type="secondary">{phase === 'check' ? t('imports.check.runningHint') : t('imports.commit.runningHint')}</Typography.Text>
    </Space>
  );
}

function CommitPanel({ batch, config }: { batch: ImportBatch; config?: ImportKindConfig }) {
  const t = useT(importsMessages);
  const commit = useCommitImport();
  const [mode, setMode] = useState<ImportMode>(initialMode(batch));
  const block = commitBlock(batch, mode);
  const rows = rowsToWrite(batch, mode);
  return (
    <Card size="small" title={t('imports.step.commit')} data-testid="import-commit-panel">
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as ImportMode)} data-testid="import-mode">
          <Space direction="vertical">
            {(['all_or_nothing', 'valid_only'] as const).map((m) => (
              <Radio key={m} value={m}>
                <Typography.Text strong>{t(`imports.mode.${m}`)}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                  {t(`imports.mode.${m}.desc`)}
                </Typography.Text>
              </Radio>
            ))}
          </Space>
        </Radio.Group>
        {block === 'has_errors' ? <Alert type="warning" showIcon message={t('imports.commit.blockedErrors', { errors: batch.error_rows })} /> : null}
        {block === 'no_valid_rows' ? <Alert type="error" showIcon message={t('imports.commit.blockedNone')} /> : null}
        <Popconfirm
          title={t('imports.commit.confirm', { rows, kind: config?.label ?? batch.kind_label })}
          onConfirm={() => commit.mutateAsync({ id: batch.id, mode })}
          disabled={block !== null}
          okButtonProps={{ 'data-testid': 'import-commit-confirm' }}
        >
          <Button type="primary" disabled={block !== null} loading={commit.isPending} data-testid="import-commit">
            {t('imports.commit.button')}
          </Button>
        </Popconfirm>
      </Space>
    </Card>
  );
}

function ResultStep({ batch, config, onAgain }: { batch: ImportBatch; config?: ImportKindConfig; onAgain: () => void }) {
  const t = useT(importsMessages);
  const counts = resultCounts(batch);
  const label = config?.label ?? batch.kind_label;
  const status = batch.status === 'committed' ? (counts.failed ? 'warning' : 'success') : batch.status === 'cancelled' ? 'info' : 'error';
  const title =
    batch.status === 'committed'
      ? t('imports.result.committed')
      : batch.status === 'rejected'
        ? t('imports.result.rejected')
        : batch.status === 'cancelled'
          ? t('imports.result.cancelled')
          : t('imports.result.failedTitle');
  const subTitle =
    batch.status === 'committed'
      ? [
          t('imports.result.committedDesc', { file: batch.filename, created: counts.created, updated: counts.updated, unchanged: counts.unchanged }),
          counts.failed ? t('imports.result.partial', { failed: counts.failed }) : '',
        ].join(' ')
      : (batch.error_message ?? '');
  return (
    <div data-testid="import-result">
    <Result
      status={status}
      title={<span data-testid="import-result-title">{title}</span>}
      subTitle={subTitle}
      extra={[
        config?.listPath && batch.status === 'committed' ? (
          <Link key="view" to={config.listPath}>
            <Button type="primary">{t('imports.result.view', { kind: label })}</Button>
          </Link>
        ) : null,
        <AnnotatedDownload key="annotated" batch={batch} />,
        <Button key="again" onClick={onAgain} data-testid="import-again">
          {t('imports.result.again')}
        </Button>,
      ]}
    >
      <Row gutter={16} style={{ maxWidth: 640, margin: '0 auto' }} data-testid="import-result-counts">
        <Col span={6}>
          <Statistic title={t('imports.result.created')} value={counts.created} data-testid="import-created" />
        </Col>
        <Col span={6}>
          <Statistic title={t('imports.result.updated')} value={counts.updated} data-testid="import-updated" />
        </Col>
        <Col span={6}>
          <Statistic title={t('imports.result.unchanged')} value={counts.unchanged} data-testid="import-unchanged" />
        </Col>
        <Col span={6}>
          <Statistic
            title={t('imports.result.failed')}
            value={counts.failed}
            valueStyle={{ color: counts.failed ? '#cf1322' : undefined }}
            data-testid="import-failed"
          />
        </Col>
      </Row>
    </Result>
    </div>
  );
}

export interface ImportWizardProps {
  /** The kinds the user may choose from (already filtered by permission). */
  kinds: readonly ImportKindConfig[];
  /** The kind preselected on the upload step. */
  initialKind?: string;
  /** Org preselected as the default org of rows (kinds with `defaultOrg`). */
  defaultOrgId?: number;
  /** Show an existing batch (the detail page) instead of starting with the upload. */
  batchId?: number;
  /** Called with the new batch after the upload, and with null for "import another file". */
  onBatch?: (batch: ImportBatch | null) => void;
}

export function ImportWizard({ kinds, initialKind, defaultOrgId, batchId, onBatch }: ImportWizardProps) {
  const t = useT(importsMessages);
  const [currentId, setCurrentId] = useState<number | undefined>(batchId);
  const [kind, setKind] = useState<string>(initialKind && kinds.some((k) => k.kind === initialKind) ? initialKind : (kinds[0]?.kind ?? ''));
  const { data: batch, error, isLoading } = useImportBatch(currentId);
  const step = currentId ? stepOf(batch) : 'upload';
  const config = kinds.find((k) => k.kind === (batch?.kind ?? kind));
  const queryClient = useQueryClient();
  const status = batch?.status;
  useEffect(() => {
    // The job behind the batch is done: the header's running-jobs badge need not wait for its poll.
    if (status && !isBusy(status)) void queryClient.invalidateQueries({ queryKey: jobKeys.all });
  }, [status, queryClient]);

  const again = () => {
    setCurrentId(undefined);
    onBatch?.(null);
  };

  let body: ReactNode;
  if (currentId && isLoading) {
    body = <Spin style={{ display: 'block', margin: '64px auto' }} />;
  } else if (currentId && (error || !batch)) {
    body = (
      <Result
        status={isApiError(error) && error.status === 404 ? '404' : 'error'}
        title={isApiError(error) && error.status === 404 ? t('imports.detail.notFound') : (error?.message ?? '')}
      />
    );
  } else if (!batch || step === 'upload') {
    body = (
      <UploadStep
        kinds={kinds}
        kind={kind}
        onKind={setKind}
        defaultOrgId={defaultOrgId}
        onUploaded={(created) => {
          setCurrentId(created.id);
          onBatch?.(created);
        }}
      />
    );
  } else if (step === 'checking') {
    body = <Working batch={batch} phase="check" onAgain={again} />;
  } else if (step === 'report') {
    body =
      batch.status === 'validated' ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <DryRunReport batch={batch} />
          <CommitPanel key={batch.id} batch={batch} config={config} />
        </Space>
      ) : (
        <Result
          status="error"
          title={<span data-testid="import-invalid-title">{t('imports.report.invalidTitle')}</span>}
          subTitle={<span data-testid="import-invalid-message">{batch.error_message}</span>}
          extra={
            <Button type="primary" onClick={again}>
              {t('imports.report.reupload')}
            </Button>
          }
        />
      );
  } else if (step === 'committing') {
    body = <Working batch={batch} phase="commit" onAgain={again} />;
  } else {
    body = <ResultStep batch={batch} config={config} onAgain={again} />;
  }

  return (
    <Card data-testid="import-wizard" data-step={step}>
      <Steps
        size="small"
        current={STEP_INDEX[step]}
        status={batch && (batch.status === 'invalid' || batch.status === 'failed') ? 'error' : undefined}
        style={{ maxWidth: 760, marginBottom: 24 }}
        items={[
          { title: t('imports.step.upload') },
          { title: t('imports.step.check') },
          { title: t('imports.step.commit') },
          { title: t('imports.step.result') },
        ]}
      />
      {batch ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {batch.kind_label} · {batch.filename}
        </Typography.Paragraph>
      ) : null}
      {body}
    </Card>
  );
}
