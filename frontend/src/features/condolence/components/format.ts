// Money and status display helpers of the roster screens.
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  const value = fen / 100;
  return value.toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
}

export function toFen(yuanValue: number | null | undefined): number | null {
  if (yuanValue === null || yuanValue === undefined || Number.isNaN(yuanValue)) return null;
  return Math.round(yuanValue * 100);
}

export function fromFen(fen: number | null | undefined): number | undefined {
  if (fen === null || fen === undefined) return undefined;
  return fen / 100;
}

export const CHECK_STATUS_COLOR: Record<string, string> = {
  pending: 'processing',
  ok: 'success',
  invalid: 'error',
  duplicate: 'warning',
  ineligible: 'default',
  over_quota: 'magenta',
  over_budget: 'purple',
};

export const CAMPAIGN_STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  nominating: 'processing',
  reviewing: 'warning',
  frozen: 'success',
  noticing: 'cyan',
  paying: 'blue',
  closed: 'default',
};

export const BATCH_STATUS_COLOR: Record<string, string> = {
  uploaded: 'processing',
  processing: 'processing',
  processed: 'warning',
  failed: 'error',
  submitted: 'success',
};
