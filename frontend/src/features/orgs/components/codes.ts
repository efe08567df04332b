// Code lists (org types, ownership, posts …) from GET /codebook with the server's Chinese labels;
// in en-US the English label from this feature's locales, the server's label as a fallback.
import { useCallback, useMemo } from 'react';
import { useLocale } from '@/locales';
import { codeLabelsEn } from '@/locales/codes';
import { useCodebook } from '../api/orgs';
import type { CodeKind } from '../types';

export type ValueEnum = Record<string, { text: string }>;

export interface Codes {
  ready: boolean;
  label: (kind: CodeKind | 'genders', code: string | null | undefined) => string;
  options: (kind: CodeKind | 'genders') => { label: string; value: string }[];
  valueEnum: (kind: CodeKind | 'genders') => ValueEnum;
}

const GENDERS_ZH: Record<string, string> = { M: '男', F: '女' };

export function useCodes(): Codes {
  const { data } = useCodebook();
  const [locale] = useLocale();

  const list = useCallback(
    (kind: CodeKind | 'genders'): { code: string; label: string }[] => {
      const raw =
        kind === 'genders'
          ? Object.entries(GENDERS_ZH).map(([code, label]) => ({ code, label }))
          : (data?.[kind] ?? []);
      if (locale === 'zh-CN') return raw;
      return raw.map((item) => ({ code: item.code, label: codeLabelsEn[`${kind}.${item.code}`] ?? item.label }));
    },
    [data, locale],
  );

  return useMemo<Codes>(() => {
    const cache = new Map<string, Map<string, string>>();
    const lookup = (kind: CodeKind | 'genders') => {
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
    };
  }, [data, list]);
}

/** Org types a member can belong to (the server refuses the others: 基层工会、联合工会、分工会、工会小组、村(社区)工会、临时工会). */
export const MEMBER_ORG_TYPES = ['grassroots', 'joint_grassroots', 'branch', 'group', 'community', 'temporary'] as const;
