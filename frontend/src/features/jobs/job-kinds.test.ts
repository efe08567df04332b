import { describe, expect, it } from 'vitest';
import type { TFunction } from '@/locales';
import { countEntries, duration, importIdOf, kindLabel } from './job-kinds';
import { jobsMessages, type JobsMessageKey } from './locales';

const table: Record<string, string> = jobsMessages['zh-CN'];
const t: TFunction<JobsMessageKey> = (key, vars) =>
  (table[key] ?? key).replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));

describe('job kinds in plain words', () => {
  it('names known kinds, import kinds of later domains, and keeps unknown codes', () => {
    expect(kindLabel(t, 'orgs.import_members_commit')).toBe('会员导入 · 写入');
    expect(kindLabel(t, 'evidence.bundle')).toBe('证据打包下载');
    expect(kindLabel(t, 'hardship.import_households_dry_run')).toBe('households导入 · 校验');
    expect(kindLabel(t, 'funds.audit_run')).toBe('funds.audit_run');
    expect(kindLabel(t, 'orgs.import_hardship_households_commit')).toBe('困难职工档案导入 · 写入');
    expect(kindLabel(t, 'condolence.roster')).toBe('慰问名单校验');
    expect(kindLabel(t, 'condolence.roster.read')).toBe('慰问名单读取');
  });

  it('shows the roster job result in words and money in yuan, without its timings and ids', () => {
    const entries = countEntries(t, {
      kind: 'condolence.roster',
      counts: { rows: 1_000_000, files: 500, failed_files: 0, ms_insert: 21009, ms_fetch: 45 },
      result: { campaign_id: 4, status: 'judged', lines: 1_000_000, ok: 734_476, ok_cash_fen: 36_723_800_00,
                by_status: { ok: 734_476 }, statistics_refreshed: true, timings: { verdict: 1.1 } },
    });
    const text = entries.map((e) => `${e.label} ${e.value}`.trim());
    expect(text[0]).toBe('校验完成');
    expect(text).toContain('行数 1,000,000');
    expect(text).toContain('通过的慰问金 36,723,800 元');
    expect(text.join(' ')).not.toMatch(/ms_|campaign_id|statistics_refreshed|timings/);
  });

  it('lists the outcome first, then the counters by name; ids and hashes are left out', () => {
    const entries = countEntries(t, {
      kind: 'orgs.import_members_commit',
      counts: {},
      result: { import_id: 5, status: 'committed', created: 3, total_rows: 6, error_rows: 3, unchanged: 0, sha256: 'ab' },
    });
    expect(entries.map((e) => `${e.label} ${e.value}`.trim())).toEqual(['已导入', '总行数 6', '有错误 3', '新增 3', '未变 0']);
    expect(countEntries(t, { kind: 'evidence.verify', counts: {}, result: { status: 'rejected' } })[0]?.value).toBe('已拒收');
    expect(countEntries(t, { kind: 'evidence.bundle', counts: {}, result: { item_count: 2, size: 2048 } }).map((e) => e.value)).toEqual(['2', '2.0 KB']);
  });

  it('finds the import of an import job and measures durations', () => {
    expect(importIdOf({ kind: 'orgs.import_employers_dry_run', result: { import_id: 9 } })).toBe(9);
    expect(importIdOf({ kind: 'evidence.verify', result: { import_id: 9 } })).toBeNull();
    expect(duration(t, '2026-01-01T00:00:00Z', '2026-01-01T00:00:42Z')).toBe('42 秒');
    expect(duration(t, '2026-01-01T00:00:00Z', '2026-01-01T00:02:05Z')).toBe('2 分 5 秒');
    expect(duration(t, '2026-01-01T00:00:00Z', '2026-01-01T01:04:00Z')).toBe('1 小时 4 分');
    expect(duration(t, null, null)).toBeNull();
  });
});
