// Money is integer fen in the API; screens show yuan.

/** 117000 → "1,170.00" */
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '-';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100).toLocaleString('zh-CN')}.${String(abs % 100).padStart(2, '0')}`;
}

/** A yuan amount typed in a form → integer fen. */
export function yuanToFen(yuan: number | string | null | undefined): number | undefined {
  if (yuan === null || yuan === undefined || yuan === '') return undefined;
  const value = typeof yuan === 'number' ? yuan : Number(String(yuan).replace(/,/g, ''));
  return Number.isFinite(value) ? Math.round(value * 100) : undefined;
}
