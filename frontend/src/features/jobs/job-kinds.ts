// Plain words for what a job is and what it counted: `orgs.import_members_commit` → 会员导入 · 写入,
// `{created: 3, error_rows: 1}` → 新增 3 · 有错误 1. Kinds the SPA does not know yet keep their code.
import type { TFunction } from '@/locales';
import type { JobsMessageKey } from './locales';

type T = TFunction<JobsMessageKey>;

const IMPORT_KIND = /^[a-z_]+\.import_([a-z_]+?)_(dry_run|commit)$/;
const IMPORT_LABELS: Record<string, string> = { members: '会员', employers: '单位', hardship_households: '困难职工档案' };
const IMPORT_LABELS_EN: Record<string, string> = { members: 'Member', employers: 'Employer', hardship_households: 'Hardship file' };

export function kindLabel(t: T, kind: string, locale: string = 'zh-CN'): string {
  const key = `jobs.kind.${kind}` as JobsMessageKey;
  const known = t(key);
  if (known !== key) return known;
  const match = IMPORT_KIND.exec(kind);
  if (match) {
    const [, what = '', phase = ''] = match;
    const labels = locale === 'en-US' ? IMPORT_LABELS_EN : IMPORT_LABELS;
    return t('jobs.kind.importGeneric', { label: labels[what] ?? what, phase: t(`jobs.phase.${phase}` as JobsMessageKey) });
  }
  return kind;
}

/** The import a job works on, if it is an import job that says so in its result. */
export function importIdOf(job: { kind: string; result: Record<string, unknown> | null }): number | null {
  if (!IMPORT_KIND.test(job.kind)) return null;
  const id = job.result?.import_id;
  return typeof id === 'number' ? id : null;
}

export function isImportKind(kind: string): boolean {
  return IMPORT_KIND.test(kind);
}

const HIDDEN_KEYS = new Set(['import_id', 'evidence_id', 'bundle_id', 'sha256', 'skipped', 'campaign_id', 'export_id',
  'storage_key', 's3_version_id', 'statistics_refreshed']);
// Timings a job keeps for the benchmarks and the logs (`ms_insert`), not for staff.
const isHidden = (key: string): boolean => HIDDEN_KEYS.has(key) || key.startsWith('ms_');
const IMPORT_OUTCOMES: Record<string, string> = {
  validated: '校验完成',
  committed: '已导入',
  rejected: '有错误，未导入',
  invalid: '文件无法导入',
  failed: '处理失败',
  cancelled: '已取消',
};
const ROSTER_OUTCOMES: Record<string, string> = {
  judged: '校验完成',
  frozen: '名单已审定，未再校验',
  missing: '活动已不存在',
};
const EVIDENCE_OUTCOMES: Record<string, string> = {
  verified: '已核验',
  rejected: '已拒收',
  tampered: '疑似篡改',
  verifying: '核验中',
};

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

const ORDER = ['status', 'total_rows', 'valid_rows', 'error_rows', 'created', 'updated', 'unchanged', 'imported', 'invalid', 'item_count', 'size'];

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  return i < 0 ? ORDER.length : i;
}

export interface CountEntry {
  key: string;
  label: string;
  value: string;
}

/** The job's counters and result summary as labelled entries (ids and hashes left out). */
export function countEntries(
  t: T,
  job: { kind: string; counts: Record<string, unknown>; result: Record<string, unknown> | null },
): CountEntry[] {
  const outcomes = job.kind.startsWith('evidence.') ? EVIDENCE_OUTCOMES
    : job.kind.startsWith('condolence.roster') ? ROSTER_OUTCOMES : IMPORT_OUTCOMES;
  const merged: Record<string, unknown> = { ...(job.result ?? {}), ...job.counts };
  const out: CountEntry[] = [];
  const keys = Object.keys(merged).sort((a, b) => rank(a) - rank(b));
  for (const key of keys) {
    const raw = merged[key];
    if (isHidden(key) || raw === null || raw === undefined || typeof raw === 'object') continue;
    const labelKey = `jobs.count.${key}` as JobsMessageKey;
    const translated = t(labelKey);
    // The outcome ("已导入") speaks for itself; counters get their name ("新增 3").
    const label = key === 'status' ? '' : translated === labelKey ? key : translated;
    let value: string;
    if (key === 'size' && typeof raw === 'number') value = formatBytes(raw);
    else if (key.endsWith('_fen') && typeof raw === 'number') value = `${(raw / 100).toLocaleString('zh-CN')} 元`;
    else if (key === 'status' && typeof raw === 'string') value = outcomes[raw] ?? raw;
    else if (typeof raw === 'number') value = raw.toLocaleString('zh-CN');
    else value = String(raw);
    out.push({ key, label, value });
  }
  return out;
}

/** "3 秒", "2 分 5 秒", "1 小时 4 分" between two ISO times (to now when `to` is null). */
export function duration(t: T, from: string | null, to: string | null, now = Date.now()): string | null {
  if (!from) return null;
  const ms = (to ? Date.parse(to) : now) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return null;
  const s = Math.round(ms / 1000);
  if (s < 60) return t('jobs.seconds', { n: s });
  if (s < 3600) return t('jobs.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('jobs.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}
