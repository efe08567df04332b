// The hardship file's code lists (categories, causes, statuses …) from GET /hardship/codebook with
// the server's Chinese labels; in en-US the English names from this feature's locales.
import { useCallback, useMemo } from 'react';
import { useLocale } from '@/locales';
import { useHardshipCodebook } from '../api/reports';
import { hardshipCodesEn } from '../locales';
import type { CodeKind } from '../types';

export type ValueEnum = Record<string, { text: string }>;
type Kind = CodeKind | 'genders';

export interface HardshipCodes {
  ready: boolean;
  label: (kind: Kind, code: string | null | undefined) => string;
  options: (kind: Kind) => { label: string; value: string }[];
  valueEnum: (kind: Kind) => ValueEnum;
  /** A short label for tags in tables (causes: 重大疾病 instead of 本人或家庭成员患重大疾病). */
  short: (kind: Kind, code: string) => string;
}

const SHORT_ZH: Record<string, string> = {
  'causes.major_illness': '重大疾病',
  'causes.disaster': '意外灾害',
  'causes.disability': '残疾',
  'causes.single_parent': '单亲',
  'causes.schooling': '子女上学',
  'causes.unemployment': '失业下岗',
  'causes.low_income': '收入低',
  'causes.other': '其他原因',
};

const GENDERS: Record<string, string> = { M: '男', F: '女' };
const GENDERS_EN: Record<string, string> = { M: 'Male', F: 'Female' };

export function useHardshipCodes(): HardshipCodes {
  const { data } = useHardshipCodebook();
  const [locale] = useLocale();

  const list = useCallback(
    (kind: Kind): { code: string; label: string }[] => {
      if (kind === 'genders') {
        const table = locale === 'zh-CN' ? GENDERS : GENDERS_EN;
        return Object.entries(table).map(([code, label]) => ({ code, label }));
      }
      const raw = data?.[kind] ?? [];
      if (locale === 'zh-CN') return raw;
      return raw.map((item) => ({ code: item.code, label: hardshipCodesEn[`${kind}.${item.code}`] ?? item.label }));
    },
    [data, locale],
  );

  return useMemo<HardshipCodes>(() => {
    const cache = new Map<string, Map<string, string>>();
    const lookup = (kind: Kind) => {
      let map = cache.get(kind);
      if (!map) {
        map = new Map(list(kind).map((item) => [item.code, item.label]));
        cache.set(kind, map);
      }
      return map;
    };
    return {
      ready: !!data,
      label: (kind, code) => (code ? (lookup(kind).get(code) ?? code) : ''),
      options: (kind) => list(kind).map((item) => ({ label: item.label, value: item.code })),
      valueEnum: (kind) => Object.fromEntries(list(kind).map((item) => [item.code, { text: item.label }])),
      short: (kind, code) => (locale === 'zh-CN' ? SHORT_ZH[`${kind}.${code}`] : undefined) ?? lookup(kind).get(code) ?? code,
    };
  }, [data, list, locale]);
}
