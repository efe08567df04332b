// The dry run's report: how many rows, how many valid and with errors, which sheet and columns were
// read, the first problems as a table (行/列/字段/问题) and the annotated workbook to download.
import { useState } from 'react';
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { downloadAnnotated } from '../api/imports';
import { importsMessages } from '../locales';
import type { ImportBatch, ImportIssue } from '../types';

const FIRST_ERRORS_LIMIT = 200;

export function AnnotatedDownload({ batch, type = 'default' }: { batch: ImportBatch; type?: 'default' | 'primary' }) {
  const t = useT(importsMessages);
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  if (!batch.annotated_url) return null;
  return (
    <Button
      type={type}
      icon={<DownloadOutlined />}
      loading={busy}
      data-testid="import-download-annotated"
      onClick={async () => {
        setBusy(true);
        try {
          const { filename } = await downloadAnnotated(batch);
          void message.success(t('imports.report.downloaded', { name: filename }));
        } catch (error) {
          void message.error(isApiError(error) ? error.message : t('imports.upload.failed'));
        } finally {
          setBusy(false);
        }
      }}
    >
      {t('imports.report.download')}
    </Button>
  );
}

export function DryRunReport({ batch }: { batch: ImportBatch }) {
  const t = useT(importsMessages);
  const issues = batch.first_errors ?? [];
  const rowsListed = new Set(issues.map((i) => i.row)).size;
  const truncated = issues.length >= FIRST_ERRORS_LIMIT || rowsListed < batch.error_rows;
  const summary =
    batch.error_rows === 0
      ? { type: 'success' as const, text: t('imports.report.allGood', { total: batch.total_rows }) }
      : batch.valid_rows > 0
        ? { type: 'warning' as const, text: t('imports.report.someBad', { errors: batch.error_rows, valid: batch.valid_rows }) }
        : { type: 'error' as const, text: t('imports.report.noneGood') };
  const columns = Object.values(batch.columns ?? {});

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="import-report">
      <Row gutter={16}>
        <Col span={8}>
          <Statistic title={t('imports.report.total')} value={batch.total_rows} data-testid="import-total" />
        </Col>
        <Col span={8}>
          <Statistic title={t('imports.report.valid')} value={batch.valid_rows} valueStyle={{ color: '#389e0d' }} data-testid="import-valid" />
        </Col>
        <Col span={8}>
          <Statistic
            title={t('imports.report.invalid')}
            value={batch.error_rows}
            valueStyle={{ color: batch.error_rows ? '#cf1322' : undefined }}
            data-testid="import-invalid"
          />
        </Col>
      </Row>
      <Alert type={summary.type} showIcon message={summary.text} action={batch.error_rows ? <AnnotatedDownload batch={batch} type="primary" /> : undefined} />
      {batch.notice ? <Alert type="info" showIcon message={batch.notice} /> : null}
      <Space direction="vertical" size={4}>
        {batch.sheet_name ? (
          <Typography.Text type="secondary">{t('imports.report.sheet', { sheet: batch.sheet_name, row: batch.header_row ?? 1 })}</Typography.Text>
        ) : null}
        {columns.length ? (
          <Space size={[4, 4]} wrap>
            <Typography.Text type="secondary">
              {t('imports.report.columns')}
              {t('common.colon')}
            </Typography.Text>
            {columns.map((c) => (
              <Tag key={c} style={{ marginInlineEnd: 0 }}>
                {c}
              </Tag>
            ))}
          </Space>
        ) : null}
        {batch.ignored_columns?.length ? (
          <Typography.Text type="secondary">{t('imports.report.ignored', { cols: batch.ignored_columns.join('、') })}</Typography.Text>
        ) : null}
      </Space>
      {issues.length ? (
        <div>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('imports.report.problems')}
          </Typography.Title>
          <Table<ImportIssue>
            size="small"
            rowKey={(issue) => `${issue.row}-${issue.column ?? ''}-${issue.field}-${issue.message}`}
            dataSource={issues}
            data-testid="import-problems"
            pagination={{ defaultPageSize: 10, showSizeChanger: false, hideOnSinglePage: true, size: 'small' }}
            columns={[
              { title: t('imports.report.row'), dataIndex: 'row', width: 70, align: 'right' },
              {
                title: t('imports.report.column'),
                dataIndex: 'column',
                width: 60,
                align: 'center',
                render: (v: string | null) => v ?? <Typography.Text type="secondary">{t('imports.report.wholeRow')}</Typography.Text>,
              },
              { title: t('imports.report.field'), dataIndex: 'field', width: 150, ellipsis: true },
              { title: t('imports.report.message'), dataIndex: 'message' },
            ]}
          />
          {truncated ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('imports.report.problemsMore', { n: issues.length })}
            </Typography.Text>
          ) : null}
        </div>
      ) : null}
    </Space>
  );
}
