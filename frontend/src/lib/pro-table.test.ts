import { describe, expect, it, vi } from 'vitest';
import type { Page } from './api-client';
import { cleanFilters, showTotal, toProTableRequest, toSortParam } from './pro-table';

const page = <T,>(items: T[], total: number): Page<T> => ({ items, total, page: 1, pageSize: 20 });

describe('pro-table adapter', () => {
  it('turns the ProTable sorter into the API sort value, only for allowed fields', () => {
    expect(toSortParam({ name: 'ascend' })).toBe('name');
    expect(toSortParam({ join_date: 'descend' }, ['name', 'join_date'])).toBe('-join_date');
    expect(toSortParam({ mobile: 'ascend' }, ['name'])).toBeUndefined();
    expect(toSortParam({ name: null })).toBeUndefined();
    expect(toSortParam(undefined)).toBeUndefined();
  });

  it('drops empty filters and trims text', () => {
    expect(cleanFilters({ q: '  张 ', status: '', org: undefined, ids: [], n: 0, flag: false })).toEqual({ q: '张', n: 0, flag: false });
  });

  it('maps current/pageSize to page/page_size (capped), adds sort, reports the query, returns the total', async () => {
    const fetchPage = vi.fn(async () => page([{ id: 1 }], 57));
    const onQuery = vi.fn();
    const request = toProTableRequest(fetchPage, { sortFields: ['name'], onQuery, maxPageSize: 100 });

    const result = await request({ current: 3, pageSize: 500, q: ' 李 ', gender: '' }, { name: 'descend' });

    expect(fetchPage).toHaveBeenCalledWith({ q: '李', sort: '-name', page: 3, page_size: 100 });
    expect(onQuery).toHaveBeenCalledWith({ q: '李', sort: '-name' });
    expect(result).toEqual({ data: [{ id: 1 }], total: 57, success: true });
  });

  it('lets a screen reshape its search form (date ranges → from/to)', async () => {
    const fetchPage = vi.fn(async () => page([], 0));
    const request = toProTableRequest(fetchPage, {
      transform: ({ joined, ...rest }) => ({ ...rest, joined_from: (joined as string[])[0], joined_to: (joined as string[])[1] }),
    });
    await request({ joined: ['2024-01-01', '2024-12-31'] });
    expect(fetchPage).toHaveBeenCalledWith({ joined_from: '2024-01-01', joined_to: '2024-12-31', page: 1, page_size: 20 });
  });
});

describe('pagination totals', () => {
  it('marks an estimated total (large lists) so the table can say “about”', async () => {
    const request = toProTableRequest(async () => ({ items: [], total: 1_000_000, page: 1, pageSize: 20, estimated: true }));
    expect(await request({})).toEqual({ data: [], total: 1_000_000, success: true, estimated: true });
    const t = (key: string, vars: Record<string, string | number>) => `${key}:${vars.from}-${vars.to}/${vars.total}`;
    expect(showTotal(t, true)(1_000_000, [1, 20])).toBe('table.totalEstimate:1-20/1,000,000');
    expect(showTotal(t, false)(57, [41, 57])).toBe('table.total:41-57/57');
  });
});
