import dayjs from 'dayjs';

/** 1536 → "1.5 KB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

export function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—';
}

/** The archive's search form → the list query: the upload-day range as two calendar days (the server
 * reads them in Beijing time), "include deleted" only when on. */
export function archiveQuery({ uploaded, include_deleted, ...filters }: Record<string, unknown>): Record<string, unknown> {
  const range = Array.isArray(uploaded) ? (uploaded as string[]) : [];
  return {
    ...filters,
    include_deleted: include_deleted ? true : undefined,
    uploaded_from: range[0] ? dayjs(range[0]).format('YYYY-MM-DD') : undefined,
    uploaded_to: range[1] ? dayjs(range[1]).format('YYYY-MM-DD') : undefined,
  };
}
