// Tables of a record chosen on the page (a campaign, a notice, a group, a batch): the record's id goes to
// ProTable as `params={{ scopeId }}`, so a new choice reloads the table with it (the request function
// itself is made once and must not close over the id).
import type { Page } from '@/lib/api-client';

type Args = { page: number; page_size: number } & Record<string, unknown>;

export function emptyPage<T>(): Promise<Page<T>> {
  return Promise.resolve({ items: [], total: 0, page: 1, pageSize: 20 });
}

export function scoped<T, A = Record<string, unknown>>(fetch: (id: number, args: A & { page: number; page_size: number }) => Promise<Page<T>>) {
  return (args: Args): Promise<Page<T>> => {
    const { scopeId, ...rest } = args;
    return typeof scopeId === 'number' ? fetch(scopeId, rest as A & { page: number; page_size: number }) : emptyPage<T>();
  };
}
