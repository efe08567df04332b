// Labels from GET /condolence/meta (festivals, statuses, check codes) for selects and tags.
import { useMemo } from 'react';
import { useMeta } from '../api/roster';
import type { Meta, MetaLabel } from '../types';

type ListKey = Exclude<keyof Meta, 'default_rules'>;

export function useRosterCodes() {
  const { data } = useMeta();
  return useMemo(() => {
    const list = (key: ListKey): MetaLabel[] => (data?.[key] as MetaLabel[] | undefined) ?? [];
    return {
      meta: data,
      list,
      label: (key: ListKey, code: string | null | undefined) =>
        code ? (list(key).find((x) => x.code === code)?.label ?? code) : '',
      valueEnum: (key: ListKey) => Object.fromEntries(list(key).map((x) => [x.code, { text: x.label }])),
      options: (key: ListKey) => list(key).map((x) => ({ value: x.code, label: x.label })),
    };
  }, [data]);
}
