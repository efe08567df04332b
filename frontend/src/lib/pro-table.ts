// ProTable `request` adapter: ProTable's `{current, pageSize, ...filters}` → our `page`/`page_size`
// query args, and a `Page<T>` (total from X-Pagination) → ProTable's `{data, total, success}`.
import type { Page } from './api-client';

export interface ProTableParams {
  current?: number;
  pageSize?: number;
  keyword?: string;
  [key: string]: unknown;
}

export interface ProTableResult<T> {
  data: T[];
  total: number;
  success: boolean;
}

export type FetchPage<T, F extends Record<string, unknown>> = (
  args: { page: number; page_size: number } & Partial<F>,
) => Promise<Page<T>>;

export function toProTableRequest<T, F extends Record<string, unknown> = Record<string, unknown>>(
  fetchPage: FetchPage<T, F>,
  options: { maxPageSize?: number } = {},
) {
  const maxPageSize = options.maxPageSize ?? 100;
  return async (params: ProTableParams & Partial<F>): Promise<ProTableResult<T>> => {
    const { current, pageSize, ...rest } = params;
    const filters: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined || value === null) continue;
      if (typeof value === 'string' && value.trim() === '') continue;
      filters[key] = typeof value === 'string' ? value.trim() : value;
    }
    const page = await fetchPage({
      ...(filters as Partial<F>),
      page: current && current > 0 ? current : 1,
      page_size: Math.min(pageSize && pageSize > 0 ? pageSize : 20, maxPageSize),
    });
    return { data: page.items, total: page.total, success: true };
  };
}
