// Excel export of what a list screen shows: pages through the API with the screen's filters and
// writes an .xlsx in the browser (exceljs, loaded only when someone exports). Meant for up to a few
// thousand rows; beyond `maxRows` the export stops and says so.
import type { Page } from './api-client';
import { saveBlob } from './download';

export interface ExportColumn<T> {
  /** Column header as the user reads it (Chinese in zh-CN). */
  title: string;
  value: (row: T) => string | number | boolean | null | undefined;
  /** Approximate width in characters. */
  width?: number;
}

export interface ExportOptions<T> {
  fetchPage: (args: { page: number; page_size: number }) => Promise<Page<T>>;
  columns: ExportColumn<T>[];
  filename: string;
  sheetName: string;
  /** Optional first line above the header (title, filters, date). */
  title?: string;
  maxRows?: number;
  pageSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportResult {
  rows: number;
  total: number;
  truncated: boolean;
}

/** Every row of the filtered list, page by page, up to `maxRows`. */
export async function collectRows<T>(
  fetchPage: ExportOptions<T>['fetchPage'],
  { maxRows = 5000, pageSize = 100, onProgress }: Pick<ExportOptions<T>, 'maxRows' | 'pageSize' | 'onProgress'> = {},
): Promise<{ rows: T[]; total: number }> {
  const rows: T[] = [];
  let total = 0;
  for (let page = 1; ; page += 1) {
    const result = await fetchPage({ page, page_size: pageSize });
    total = result.total;
    rows.push(...result.items);
    onProgress?.(Math.min(rows.length, total), Math.min(total, maxRows));
    if (result.items.length < pageSize || rows.length >= total || rows.length >= maxRows) break;
  }
  return { rows: rows.slice(0, maxRows), total };
}

export async function exportToExcel<T>(options: ExportOptions<T>): Promise<ExportResult> {
  const { rows, total } = await collectRows(options.fetchPage, options);
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'UnionHome';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(options.sheetName.slice(0, 31));
  let headerRow = 1;
  if (options.title) {
    sheet.addRow([options.title]);
    sheet.mergeCells(1, 1, 1, Math.max(1, options.columns.length));
    sheet.getRow(1).font = { bold: true, size: 13 };
    headerRow = 2;
  }
  sheet.addRow(options.columns.map((c) => c.title));
  const header = sheet.getRow(headerRow);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  options.columns.forEach((column, index) => {
    sheet.getColumn(index + 1).width = column.width ?? Math.max(10, column.title.length * 2 + 2);
  });
  for (const row of rows) {
    // Everything that looks like an identifier stays text (ID and credit codes must not become numbers).
    sheet.addRow(options.columns.map((c) => c.value(row) ?? ''));
  }
  sheet.views = [{ state: 'frozen', ySplit: headerRow }];
  const buffer = await workbook.xlsx.writeBuffer();
  const blob = new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  saveBlob(blob, options.filename.endsWith('.xlsx') ? options.filename : `${options.filename}.xlsx`);
  return { rows: rows.length, total, truncated: rows.length < total };
}
