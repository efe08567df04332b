// Money is integer fen in the API; people type and read yuan.

/** 117000 → "1,170.00" */
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '-';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100).toLocaleString('zh-CN');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** A yuan amount from an input (number or string, up to 2 decimals) → integer fen. */
export function yuanToFen(yuan: number | string | null | undefined): number | undefined {
  if (yuan === null || yuan === undefined || yuan === '') return undefined;
  const value = typeof yuan === 'number' ? yuan : Number(String(yuan).replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  return Math.round(value * 100);
}

/** fen → a yuan number for an input field. */
export function fenToYuan(fen: number | null | undefined): number | undefined {
  if (fen === null || fen === undefined) return undefined;
  return fen / 100;
}
