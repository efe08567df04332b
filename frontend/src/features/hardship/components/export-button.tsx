// Excel export of the list as currently filtered: pages through the API with the table's last
// query and writes an .xlsx with Chinese column titles.
import { useState } from 'react';
import { DownloadOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import dayjs from 'dayjs';
import type { Page } from '@/lib/api-client';
import { type ExportColumn, exportToExcel } from '@/lib/excel-export';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { hardshipMessages } from '../locales';

export interface ExportButtonProps<T, Q> {
  /** The table's current query (filters and sort, without page). */
  getQuery: () => Q;
  fetchPage: (query: Q & { page: number; page_size: number }) => Promise<Page<T>>;
  columns: ExportColumn<T>[];
  /** File and sheet name, e.g. 会员名册. */
  name: string;
  maxRows?: number;
}

export function ExportButton<T, Q>({ getQuery, fetchPage, columns, name, maxRows = 5000 }: ExportButtonProps<T, Q>) {
  const t = useT(hardshipMessages);
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    const key = `export-${name}`;
    const query = getQuery();
    try {
      void message.loading({ content: t('hardship.export.preparing'), key, duration: 0 });
      const result = await exportToExcel<T>({
        fetchPage: (args) => fetchPage({ ...query, ...args }),
        columns,
        filename: `${name}-${dayjs().format('YYYYMMDD')}.xlsx`,
        sheetName: name,
        title: `${name}（${t('hardship.export.asOf', { date: dayjs().format('YYYY-MM-DD') })}）`,
        maxRows,
        onProgress: (done, total) =>
          void message.loading({ content: t('hardship.export.progress', { done, total }), key, duration: 0 }),
      });
      if (result.truncated) {
        void message.warning({ content: t('hardship.export.truncated', { rows: result.rows, total: result.total }), key, duration: 8 });
      } else {
        void message.success({ content: t('hardship.export.done', { rows: result.rows }), key });
      }
    } catch (error) {
      void message.error({ content: isApiError(error) ? error.message : t('hardship.export.failed'), key });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void run()} data-testid="export-excel">
      {t('hardship.export.button')}
    </Button>
  );
}
