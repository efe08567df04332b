// ProTable `request` adapter: ProTable's `{current, pageSize, ...filters}` → our `page`/`page_size`
// query args, its sorter `{field: 'ascend' | 'descend'}` → `sort=field` / `sort=-field`, and a
// `Page<T>` (total from X-Pagination) → ProTable's `{data, total, success}`.
import { useState } from 'react';
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
  /** The total is an estimate (see Page.estimated). */
  estimated?: boolean;
}

export type SortOrder = 'ascend' | 'descend' | null | undefined;
export type ProTableSort = Record<string, SortOrder>;

export type FetchPage<T, F extends Record<string, unknown>> = (
  args: { page: number; page_size: number } & Partial<F>,
) => Promise<Page<T>>;

/** ProTable's sorter → the API's `sort` value (`name`, `-join_date`), limited to what the API accepts. */
export function toSortParam(sort: ProTableSort | undefined, allowed?: readonly string[]): string | undefined {
  if (!sort) return undefined;
  for (const [field, order] of Object.entries(sort)) {
    if (!order) continue;
    if (allowed && !allowed.includes(field)) continue;
    return order === 'descend' ? `-${field}` : field;
  }
  return undefined;
}

/** Drop empty values and trim strings (ProTable hands over '' for cleared inputs). */
export function cleanFilters(params: Record<string, unknown>): Record<string, unknown> {
  const filters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    filters[key] = typeof value === 'string' ? value.trim() : value;
  }
  return filters;
}

export interface ProTableRequestOptions<F> {
  maxPageSize?: number;
  /** Sortable fields the API's `sort` accepts; absent means "no server sort". */
  sortFields?: readonly string[];
  /** Reshape the search-form values into query args (date ranges, renamed fields). */
  transform?: (filters: Record<string, unknown>) => Partial<F>;
  /** Called with the query args of every request (without page), e.g. to export the same view. */
  onQuery?: (query: Partial<F>) => void;
}

export function toProTableRequest<T, F extends Record<string, unknown> = Record<string, unknown>>(
  fetchPage: FetchPage<T, F>,
  options: ProTableRequestOptions<F> = {},
) {
  const maxPageSize = options.maxPageSize ?? 100;
  return async (params: ProTableParams & Partial<F>, sort?: ProTableSort): Promise<ProTableResult<T>> => {
    const { current, pageSize, ...rest } = params;
    const cleaned = cleanFilters(rest);
    const query = (options.transform ? cleanFilters(options.transform(cleaned) as Record<string, unknown>) : cleaned) as Partial<F>;
    const sortParam = options.sortFields ? toSortParam(sort, options.sortFields) : undefined;
    const withSort = (sortParam ? { ...query, sort: sortParam } : query) as Partial<F>;
    options.onQuery?.(withSort);
    const page = await fetchPage({
      ...withSort,
      page: current && current > 0 ? current : 1,
      page_size: Math.min(pageSize && pageSize > 0 ? pageSize : 20, maxPageSize),
    });
    return { data: page.items, total: page.total, success: true, ...(page.estimated ? { estimated: true } : {}) };
  };
}

/**
 * `toProTableRequest` made once per table, plus `lastQuery()`: the query args (filters and sort,
 * without page) of the table's latest request — what "export the current view" needs.
 */
export function useProTableRequest<T, F extends Record<string, unknown> = Record<string, unknown>>(
  fetchPage: FetchPage<T, F>,
  options: ProTableRequestOptions<F> = {},
) {
  const [estimated, setEstimated] = useState(false);
  const [state] = useState(() => {
    let last: Partial<F> = {};
    const base = toProTableRequest<T, F>(fetchPage, {
      ...options,
      onQuery: (query) => {
        last = query;
        options.onQuery?.(query);
      },
    });
    const request: typeof base = async (params, sort) => {
      const result = await base(params, sort);
      setEstimated(!!result.estimated);
      return result;
    };
    return { request, lastQuery: (): Partial<F> => last };
  });
  return { ...state, estimated };
}

/** ProTable `pagination.showTotal`: "第 1-20 条 / 共 57 条", or "约 1,000,000 条" for an estimate. */
export function showTotal(t: (key: 'table.total' | 'table.totalEstimate', vars: Record<string, string | number>) => string, estimated: boolean) {
  return (total: number, range: [number, number]) =>
    t(estimated ? 'table.totalEstimate' : 'table.total', {
      from: range[0],
      to: range[1],
      total: total.toLocaleString('zh-CN'),
    });
}
